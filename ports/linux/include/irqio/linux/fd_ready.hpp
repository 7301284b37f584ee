// Readiness of file descriptors: `co_await readable(fd)` / `co_await writable(fd)`.
// Each fd is registered with the loop's epoll once, edge-triggered for in and out, the first time
// something waits on it, and stays registered until forget_fd() (or close_fd()); waiting costs no
// system call. The per-fd state (FdState) lives in a thread-local table indexed by fd and is never
// freed while the thread runs, so a waiter or an epoll event can never point at freed memory.
// The loop must run over a LinuxPort (irqio::run does).
#pragma once
#include <coroutine>
#include <cstddef>
#include <cstdint>

#include "irqio/core/wait_list.hpp"
#include "irqio/io/transport.hpp"
#include "irqio/linux.hpp"
#include "irqio/result.hpp"

namespace irqio::linux_port {

class FdState final : public FdWatch {
  public:
    explicit FdState(int fd) noexcept : fd_(fd) {}
    int fd() const noexcept { return fd_; }
    // Registers the fd with the current loop's port unless it already is; 0 or -errno.
    int attach() noexcept;
    // Drops the registration (if the port is still this thread's) and wakes every waiter with
    // Error::closed. Call before closing the fd: a reused fd number starts afresh.
    void forget() noexcept;
    void on_events(uint32_t epoll_events) noexcept override;

    // Epoll bits seen since the direction was last found not ready.
    uint32_t pending() const noexcept { return pending_; }
    void clear(Direction d) noexcept;
    uint32_t generation() const noexcept { return generation_; }
    void set_listener(Direction d, ReadyListener* l) noexcept {
        listener_[static_cast<int>(d)] = l;
    }
    detail::WaitList& waiters(Direction d) noexcept { return waiters_[static_cast<int>(d)]; }

  private:
    int fd_;
    uint32_t pending_ = 0;
    uint32_t generation_ = 0;  // bumped by forget(): old waiters see Error::closed
    uint64_t port_id_ = 0;     // the LinuxPort this fd is registered with (0: none)
    LinuxPort* port_ = nullptr;
    ReadyListener* listener_[2] = {nullptr, nullptr};
    detail::WaitList waiters_[2];
};

// The thread's state for `fd` (created on first use). fd must be >= 0.
FdState& fd_state(int fd) noexcept;
// Forgets `fd` (see FdState::forget) if it was ever used; call before closing it.
void forget_fd(int fd) noexcept;
// forget_fd() then close(); 0 or -errno.
int close_fd(int fd) noexcept;
// Tasks waiting on `fd` in direction d (for tests and diagnostics).
std::size_t waiting_on(int fd, Direction d) noexcept;

// The awaiter behind readable()/writable(). Gives Result<void>: ok when the direction is ready (for
// reading that includes a pending end of file: read() then gives 0); otherwise Error::reset (peer
// reset), Error::eof (hang-up with nothing left to read), Error::closed (hang-up when writing, or
// the fd was forgotten meanwhile), Error::io (another socket error), Error::invalid_argument (bad
// fd). As with epoll, a ready report may rarely be spurious: the I/O call then gives EAGAIN.
class ReadinessAwaiter {
  public:
    ReadinessAwaiter(int fd, Direction d) noexcept : fd_(fd), dir_(d) {}
    ReadinessAwaiter(const ReadinessAwaiter&) = delete;
    ReadinessAwaiter(ReadinessAwaiter&& o) noexcept : fd_(o.fd_), dir_(o.dir_) {}
    ~ReadinessAwaiter();
    bool await_ready() noexcept;
    bool await_suspend(std::coroutine_handle<> h) noexcept;
    Result<void> await_resume() noexcept;

  private:
    int fd_;
    Direction dir_;
    uint32_t revents_ = 0;  // what made it ready
    uint32_t generation_ = 0;
    FdState* s_ = nullptr;
    Error early_ = Error::none;  // failed before waiting (bad fd, registration refused)
    detail::WaitNode node_;
};

// Task context: waits until `fd` can be read / written without blocking.
inline ReadinessAwaiter readable(int fd) noexcept {
    return ReadinessAwaiter(fd, Direction::read);
}
inline ReadinessAwaiter writable(int fd) noexcept {
    return ReadinessAwaiter(fd, Direction::write);
}

}  // namespace irqio::linux_port
