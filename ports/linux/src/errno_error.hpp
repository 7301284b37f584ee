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
        case ENOENT:  // connecting to a UNIX socket path that does not exist
            return Error::closed;
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
