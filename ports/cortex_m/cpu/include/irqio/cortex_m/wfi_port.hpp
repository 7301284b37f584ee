// What a Cortex-M port on one core shares, whatever its timers: the wfi idle's notify flag and
// the hooks of a Port that any interrupt wakes. A board's CortexMPort (the CMSDK timers' on
// mps2-an385, SysTickPort on the architecture-only port) derives from it and adds the clock, the
// alarm and wait_until.
#pragma once
#include <atomic>
#include <cstdint>

#include "irqio/core/atomic_ops.hpp"
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

    std::atomic<bool> notified_{false};
    bool started_ = false;
    uint32_t sleeps_ = 0;
};

}  // namespace irqio::cortex_m
