// What every Cortex-M port shares, whatever its timers: the race-free wfi idle (the notify flag,
// wait_until's frame) and the hooks of a Port that any interrupt wakes. A board's CortexMPort
// (the CMSDK timers' on mps2-an385, SysTickPort on the architecture-only port, a port per core on
// mps2-an521, whose other core also wakes it) derives from it and adds the clock and the alarm.
#pragma once
#include <atomic>
#include <cstdint>

#include "irqio/config.hpp"
#include "irqio/core/atomic_ops.hpp"
#include "irqio/cortex_m/irq.hpp"
#include "irqio/port.hpp"

namespace irqio::cortex_m {

// A Port whose wait_until sleeps with wfi under PRIMASK, on the core whose interrupts wake it.
// notified_ is set from any context and consumed by wait_until only after the mask is lifted.
class WfiPort : public Port {
  public:
    // Whether the derived port's start() has run (port::default_port() starts it on first use).
    bool started() const noexcept { return started_; }

    // Any context. Interrupt handlers preempt the loop, so a handler that calls notify() has
    // already ended the loop's wfi; the flag covers a notify() that lands before the sleep.
    void notify() noexcept override { detail::store_release(notified_, true); }
    // wfi ends on any pending interrupt, PRIMASK or not: the loop's handlers need no notify().
    bool wakes_on_interrupt() const noexcept override { return true; }

    // How many times wait_until actually slept (executed wfi); for tests and statistics.
    uint32_t sleeps() const noexcept { return sleeps_; }

  protected:
    constexpr WfiPort() noexcept = default;
    ~WfiPort() = default;

    // wait_until's frame, the race-free idle. With interrupts masked, a notify() that ran before
    // this point is in the flag, and an interrupt after it (or another core's doorbell, rung after
    // the flag) is pending and ends wfi at once; its handler runs when the mask is lifted, before
    // this returns. So no wake-up is lost. sleep(), called masked unless a notify() is pending,
    // reads the clock, arms the alarm, calls sleep_masked() and disarms. The flag is consumed only
    // after the mask is lifted: the handler that ended wfi has run and its notify() was for this
    // wait (consumed before, the next wait would return at once for nothing); a notify() before
    // that line happened before wait_until returns, and the loop looks for work after every return.
    template <class Sleep>
    IRQIO_INLINE void idle(Sleep&& sleep) noexcept {
        uint32_t primask = irq_disable();
        if (!detail::load_acquire(notified_)) sleep();
        irq_restore(primask);
        notified_.store(false, std::memory_order_relaxed);
    }
    // Interrupts masked (in idle's sleep): counts the sleep and executes wfi.
    IRQIO_INLINE void sleep_masked() noexcept {
        ++sleeps_;
        wait_for_interrupt();
    }

    std::atomic<bool> notified_{false};
    bool started_ = false;
    uint32_t sleeps_ = 0;
};

}  // namespace irqio::cortex_m
