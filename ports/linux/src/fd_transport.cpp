#include "irqio/linux/fd_transport.hpp"

#include <errno.h>
#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <new>

#include "errno_error.hpp"
#include "irqio/linux/fd_stream.hpp"

namespace irqio::linux_port {
namespace {
Error error_of(int err, bool tty) noexcept {
    if (err == EIO && tty) return Error::eof;  // a pty whose other side closed
    return error_from_errno(err);
}
}  // namespace

FdTransport::FdTransport(int fd) noexcept
    : fd_(fd), state_(&fd_state(fd)), generation_(state_->generation()), tty_(isatty(fd) == 1) {}

FdTransport::~FdTransport() {
    if (state_->generation() != generation_) return;  // someone forgot the fd already
    state_->set_listener(Direction::read, nullptr);
    state_->set_listener(Direction::write, nullptr);
}

Error FdTransport::would_block(Direction d) noexcept {
    state_->clear(d);
    // Registering after EAGAIN is race-free: epoll reports the state at registration.
    int r = state_->attach();
    return r == 0 ? Error::empty : error_of(-r, false);
}

Result<std::size_t> FdTransport::try_read(std::span<uint8_t> into) noexcept {
    for (;;) {
        ssize_t n = ::read(fd_, into.data(), into.size());
        if (n > 0) return static_cast<std::size_t>(n);
        if (n == 0) return into.empty() ? Result<std::size_t>(std::size_t{0}) : Error::eof;
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) return would_block(Direction::read);
        return error_of(errno, tty_);
    }
}

Result<std::size_t> FdTransport::try_write(std::span<const uint8_t> from) noexcept {
    for (;;) {
        // send() with MSG_NOSIGNAL reports a closed peer as EPIPE instead of raising SIGPIPE.
        ssize_t n = socket_ ? ::send(fd_, from.data(), from.size(), MSG_NOSIGNAL)
                            : ::write(fd_, from.data(), from.size());
        if (n >= 0) return static_cast<std::size_t>(n);
        if (errno == EINTR) continue;
        if (errno == ENOTSOCK && socket_) {
            socket_ = false;
            continue;
        }
        if (errno == EAGAIN || errno == EWOULDBLOCK) return would_block(Direction::write);
        return error_of(errno, tty_);
    }
}

void FdTransport::set_listener(Direction d, ReadyListener* l) noexcept {
    if (state_->generation() == generation_) state_->set_listener(d, l);
}

Result<void> FdTransport::shutdown_write() noexcept {
    if (!socket_) return {};  // a pipe or tty: the end is when the fd closes
    if (::shutdown(fd_, SHUT_WR) == 0) return {};
    if (errno == ENOTSOCK) {
        socket_ = false;
        return {};
    }
    if (errno == ENOTCONN) return Error::closed;
    return error_of(errno, tty_);
}

FdStream::State::~State() = default;

void FdStream::Deleter::operator()(State* s) const noexcept {
    // Reader and writer detach from the transport first; then the fd is forgotten and closed.
    int fd = s->fd;
    char* block = reinterpret_cast<char*>(s);
    s->~State();
    linux_port::close_fd(fd);
    ::operator delete(block);
}

Result<FdStream> FdStream::adopt(int fd, const StreamOptions& o) noexcept {
    if (fd < 0) return Error::invalid_argument;
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0 || o.read_buffer == 0 || o.write_buffer == 0 ||
        fcntl(fd, F_SETFL, fl | O_NONBLOCK) != 0) {
        if (fl >= 0) linux_port::close_fd(fd);
        return Error::invalid_argument;
    }
    // One block: the state, then both buffers (a connection is a single allocation).
    std::size_t bytes = sizeof(State) + o.read_buffer + o.write_buffer;
    char* block = static_cast<char*>(::operator new(bytes, std::nothrow));
    if (!block) {
        linux_port::close_fd(fd);
        return Error::no_memory;
    }
    auto* rbuf = reinterpret_cast<uint8_t*>(block + sizeof(State));
    FdStream s;
    s.s_.reset(new (block) State(fd, rbuf, o.read_buffer, rbuf + o.read_buffer, o.write_buffer));
    if (o.high_water != 0 || o.low_water != 0) {
        if (!s.writer().set_water_marks(o.high_water, o.low_water)) return Error::invalid_argument;
    }
    return s;
}

}  // namespace irqio::linux_port
