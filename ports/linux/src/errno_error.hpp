// errno -> irqio::Error, one table for the Linux port's fd readiness, transports and sockets.
// Call sites add what only they know (a pty's EIO is its peer hanging up).
#pragma once
#include <errno.h>

#include "irqio/result.hpp"

namespace irqio::linux_port {

inline Error error_from_errno(int err) noexcept {
    switch (err) {
        case ECONNRESET:
        case ECONNABORTED:
            return Error::reset;
        case EPIPE:
        case ECONNREFUSED:
        case ENOTCONN:
            return Error::closed;
        case ENOENT:  // a path that does not exist (a UNIX socket, a device): nobody to close
            return Error::not_found;
        case ETIMEDOUT:
            return Error::timed_out;
        case EBADF:
        case EINVAL:
        case EAFNOSUPPORT:
            return Error::invalid_argument;
        case ENOMEM:
        case ENOBUFS:
            return Error::no_memory;
        case EADDRINUSE:
            return Error::busy;
        default:
            return Error::io;
    }
}

}  // namespace irqio::linux_port
