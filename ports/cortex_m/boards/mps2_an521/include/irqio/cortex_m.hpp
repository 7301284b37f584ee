// The Cortex-M port of irqio for mps2-an521 (SSE-200, two Cortex-M33): a port per core, the
// shared clock, each core's alarm and the doorbell that wakes a sleeping core from the other.
// Board drivers have their own headers under irqio/cortex_m/; starting core 1 is in cores.hpp.
//
// Clock: TIMER0 runs free at 20 MHz over an epoch of 2^27 us (2'684'354'560 ticks), shared by both
// cores; core 0's TIMER0 interrupt counts epochs, and core 1 reads them lock-free (a sequence
// count, see now_us). Alarm: each core's own SysTick (processor clock), one-shot for the next
// deadline only while that core sleeps (24 bits: sleeps over ~0.8 s end early, as allowed).
// Wake: a port of another core rings that core's MHU0 doorbell, and only while its loop sleeps.
#pragma once
#include <atomic>
#include <cstdint>

#include "irqio/cortex_m/wfi_port.hpp"

namespace irqio::cortex_m {

// The port of one core: a port per core, the clock shared. Core 0 alone folds the clock's wraps
// (a sequence count); notify() from the other core rings this core's doorbell after the flag.
class CortexMPort final : public WfiPort {
  public:
    constexpr explicit CortexMPort(unsigned core = 0) noexcept : core_(core) {}

    // Starts the clock (core 0, once) and this core's alarm and doorbell lines. Called by
    // port::default_port() on first use on each core; idempotent.
    void start() noexcept;
    unsigned core() const noexcept { return core_; }

    uint64_t now_us() noexcept override;
    // Masks interrupts, consumes a pending notify() or sleeps with wfi until the alarm, the
    // doorbell or any other interrupt of this core.
    void wait_until(uint64_t deadline_us) noexcept override;
    // Any context, either core. From this core (a handler) the flag is enough: the interrupt that
    // runs it has already ended wfi, or comes before the masked check. From the other core it
    // also rings the doorbell, after a barrier that publishes the flag first.
    void notify() noexcept override;
    // With one loop per core the other core is a waker that is no interrupt of this one: the loop
    // must tell its wakers that it sleeps (Loop::idle's sleeping flag), so this is false.
    bool wakes_on_interrupt() const noexcept override { return IRQIO_CORES == 1; }

    uint32_t doorbells() const noexcept { return doorbells_.load(std::memory_order_relaxed); }

    // Testing aid (core 0): moves the shared clock so that it wraps `us_before_wrap` from now.
    void skip_to_epoch_end(uint32_t us_before_wrap) noexcept;

    // The calling core's port (port::default_port() on that core).
    static CortexMPort& instance() noexcept;
    static CortexMPort& of_core(unsigned core) noexcept;

    // Called by the handlers (TIMER0, SysTick, MHU0); not for user code.
    void on_clock_irq() noexcept;
    void on_alarm_irq() noexcept;
    void on_doorbell_irq() noexcept;

  private:
    uint64_t now_us_masked() noexcept;

    std::atomic<uint32_t> doorbells_{0};  // rung by the other core
    unsigned core_;
};

}  // namespace irqio::cortex_m
