// The Linux port: epoll + eventfd loop wake, a monotonic clock with microsecond deadlines, and
// POSIX signals as interrupts (a handler per signal, periodic timers that raise one).
#pragma once
#include <atomic>
#include <cstdint>
#include <ctime>

#include "irqio/config.hpp"
#include "irqio/port.hpp"

namespace irqio::linux_port {

// Something waiting for readiness of a file descriptor; the port calls on_events in task context.
class FdWatch {
  public:
    virtual void on_events(uint32_t epoll_events) noexcept = 0;

  protected:
    ~FdWatch() = default;
};

class LinuxPort final : public Port {
  public:
    LinuxPort() noexcept;
    ~LinuxPort();
    LinuxPort(const LinuxPort&) = delete;
    LinuxPort& operator=(const LinuxPort&) = delete;

    uint64_t now_us() noexcept override;
    void wait_until(uint64_t deadline_us) noexcept override;
    void notify() noexcept override;
    void poll() noexcept override;

    // Registers `fd` once (edge-triggered, in and out); `w` is told of every readiness change.
    // Returns 0 or -errno.
    int add_fd(int fd, FdWatch* w, uint32_t events) noexcept;
    int remove_fd(int fd) noexcept;
    uint64_t notify_writes() const noexcept {
        return notify_writes_.load(std::memory_order_relaxed);
    }
    uint64_t wakeups() const noexcept { return wakeups_; }
    // Unique per port ever created in the process (unlike its address), so an fd registry can tell
    // that a registration belongs to a port that is gone.
    uint64_t id() const noexcept { return id_; }

  private:
    void dispatch(int timeout_ms, const struct timespec* ts) noexcept;
    int epfd_ = -1;
    int evfd_ = -1;
    bool have_pwait2_ = true;
    std::atomic<uint64_t> notify_writes_{
        0};  // eventfd writes (notify calls that reached the kernel)
    uint64_t wakeups_ = 0;
    uint64_t id_;
};

// The calling thread's port (the one irqio::run uses).
LinuxPort& this_thread_port() noexcept;

// --- signals as interrupts ---

using SignalHandler = void (*)(int signo, void* ctx);

// Runs `handler(signo, ctx)` in signal context for `signo` (real-time signals included), keeping
// errno. Optional: every **any** call is just as safe from a handler installed by plain sigaction
// or by another library; attach_signal only saves writing the handler's boilerplate. Signals
// attached here are masked by CriticalSection. Returns 0 or -errno.
int attach_signal(int signo, SignalHandler handler, void* ctx) noexcept;
int detach_signal(int signo) noexcept;

// CriticalSection also masks `signo` from now on: for a signal whose handler irqio did not install
// (plain sigaction, another library) and that touches data shared with tasks. Task context.
// Returns 0 or -EINVAL. `unmask_in_critical_sections` undoes it.
int mask_in_critical_sections(int signo) noexcept;
int unmask_in_critical_sections(int signo) noexcept;

// A POSIX timer that raises `signo` every `period_us` on the thread that starts it (that thread's
// signal handler then runs as an interrupt of its loop).
class PeriodicSignal {
  public:
    PeriodicSignal(int signo, uint64_t period_us) noexcept;
    ~PeriodicSignal();
    PeriodicSignal(const PeriodicSignal&) = delete;
    bool ok() const noexcept { return ok_; }
    void stop() noexcept;
    // Expirations the kernel merged because the handler had not run yet (signals do not queue).
    int overruns() const noexcept;

  private:
    timer_t timer_{};
    bool ok_ = false;
};

}  // namespace irqio::linux_port
