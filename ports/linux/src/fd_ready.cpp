// FdState and the readiness awaiters. Edge-triggered epoll tells of changes only; the pending bits
// remember them until a direction is found not ready (by an I/O call's EAGAIN or by poll()), which
// is what makes "registered once, no system call per wait" correct.
#include "irqio/linux/fd_ready.hpp"

#include <errno.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <memory>
#include <vector>

#include "errno_error.hpp"
#include "irqio/core/loop.hpp"

namespace irqio::linux_port {
namespace {

constexpr uint32_t kReadBits = EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR;
constexpr uint32_t kWriteBits = EPOLLOUT | EPOLLHUP | EPOLLERR;
static_assert(EPOLLIN == POLLIN && EPOLLOUT == POLLOUT && EPOLLERR == POLLERR &&
                  EPOLLHUP == POLLHUP && EPOLLRDHUP == POLLRDHUP,
              "poll and epoll bits are the same on Linux");

uint32_t bits_of(Direction d) noexcept {
    return d == Direction::read ? kReadBits : kWriteBits;
}

// Slots by fd number; a slot is reused for a new fd with the same number after forget().
thread_local std::vector<std::unique_ptr<FdState>> t_fds;

LinuxPort* current_port() noexcept {
    Loop* l = Loop::current();
    // The loop's port is a LinuxPort on this platform (documented requirement).
    return l ? static_cast<LinuxPort*>(&l->port()) : nullptr;
}

Error socket_error(int fd) noexcept {
    int err = 0;
    socklen_t len = sizeof err;
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) return Error::closed;  // a pipe
    return linux_port::error_from_errno(err);
}

}  // namespace

FdState& fd_state(int fd) noexcept {
    IRQIO_ASSERT(fd >= 0, "fd_state: negative fd");
    auto i = static_cast<std::size_t>(fd);
    if (i >= t_fds.size()) t_fds.resize(i + 1);
    if (!t_fds[i]) t_fds[i] = std::make_unique<FdState>(fd);
    return *t_fds[i];
}

int FdState::attach() noexcept {
    LinuxPort* p = current_port();
    if (!p) return -EINVAL;
    if (port_ == p && port_id_ == p->id()) return 0;
    int r = p->add_fd(fd_, this, EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET);
    if (r == -EEXIST) r = 0;  // registered by someone sharing this epoll; events still come here
    if (r == 0) {
        port_ = p;
        port_id_ = p->id();
        pending_ = 0;  // epoll reports the current state right after registration
    }
    return r;
}

void FdState::forget() noexcept {
    LinuxPort* p = current_port();
    if (!p) p = &this_thread_port();
    if (port_ == p && port_id_ == p->id()) p->remove_fd(fd_);
    port_ = nullptr;
    port_id_ = 0;
    pending_ = 0;
    ++generation_;
    listener_[0] = listener_[1] = nullptr;
    if (Loop::current()) {
        detail::wake_all(waiters_[0]);
        detail::wake_all(waiters_[1]);
    }
}

void FdState::clear(Direction d) noexcept {
    pending_ &= d == Direction::read ? ~uint32_t(EPOLLIN | EPOLLRDHUP) : ~uint32_t(EPOLLOUT);
}

void FdState::on_events(uint32_t ev) noexcept {
    pending_ |= ev;
    for (Direction d : {Direction::read, Direction::write}) {
        if ((ev & bits_of(d)) == 0) continue;
        if (ReadyListener* l = listener_[static_cast<int>(d)]) l->on_ready(d);
        detail::wake_all(waiters_[static_cast<int>(d)]);
    }
}

void forget_fd(int fd) noexcept {
    if (fd >= 0 && static_cast<std::size_t>(fd) < t_fds.size() && t_fds[fd]) t_fds[fd]->forget();
}

std::size_t waiting_on(int fd, Direction d) noexcept {
    if (fd < 0 || static_cast<std::size_t>(fd) >= t_fds.size() || !t_fds[fd]) return 0;
    std::size_t n = 0;
    for (detail::WaitNode* w = t_fds[fd]->waiters(d).front(); w; w = w->next) ++n;
    return n;
}

int close_fd(int fd) noexcept {
    forget_fd(fd);
    return ::close(fd) == 0 ? 0 : -errno;
}

// --- ReadinessAwaiter ---

ReadinessAwaiter::~ReadinessAwaiter() {
    if (node_.state == detail::WaitNode::linked) s_->waiters(dir_).remove(&node_);
}

bool ReadinessAwaiter::await_ready() noexcept {
    if (fd_ < 0) {
        early_ = Error::invalid_argument;
        return true;
    }
    s_ = &fd_state(fd_);
    generation_ = s_->generation();
    if (int r = s_->attach(); r != 0) {
        early_ = r == -EBADF ? Error::invalid_argument : Error::io;
        return true;
    }
    if ((s_->pending() & bits_of(dir_)) == 0) return false;
    // A remembered edge may be stale (someone read the data meanwhile): ask the kernel once.
    pollfd p{fd_, static_cast<short>(dir_ == Direction::read ? POLLIN | POLLRDHUP : POLLOUT), 0};
    if (::poll(&p, 1, 0) == 1) {
        revents_ = static_cast<uint16_t>(p.revents);
        return true;
    }
    s_->clear(dir_);
    return false;
}

bool ReadinessAwaiter::await_suspend(std::coroutine_handle<> h) noexcept {
    detail::TaskBase* t = Loop::current()->running();
    t->resume = h;
    node_.task = t;
    s_->waiters(dir_).push_back(&node_);
    return true;
}

Result<void> ReadinessAwaiter::await_resume() noexcept {
    node_.state = detail::WaitNode::idle;
    if (early_ != Error::none) return early_;
    if (s_->generation() != generation_) return Error::closed;
    uint32_t ev = revents_ ? revents_ : s_->pending();
    if (ev & POLLNVAL) return Error::invalid_argument;
    if (dir_ == Direction::read) {
        if (ev & (EPOLLIN | EPOLLRDHUP)) return {};  // data, or an end of file to read
        if (ev & EPOLLERR) return socket_error(fd_);
        if (ev & EPOLLHUP) return Error::eof;
    } else {
        if (ev & EPOLLERR) return socket_error(fd_);
        if (ev & EPOLLHUP) return Error::closed;
    }
    return {};
}

}  // namespace irqio::linux_port
