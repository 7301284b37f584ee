// The Cortex-M port of irqio for CMSDK boards (QEMU's mps2-an385): the clock, the tickless idle
// and the wake-up path. Board drivers have their own headers under irqio/cortex_m/.
//
// Clock: TIMER0 runs free at 25 MHz over an epoch of 2^27 us (3'355'443'200 ticks, just under
// 2^32), so microseconds are epoch << 27 plus a 32-bit division of the ticks into the epoch;
// its once-per-134-s interrupt counts epochs. Alarm: TIMER1 is programmed one-shot for the next
// deadline only while the loop sleeps; there is no periodic tick.
#pragma once
#include <cstdint>

#include "irqio/cortex_m/wfi_port.hpp"

namespace irqio::cortex_m {

// The port of the CMSDK timers: one per chip, as TIMER0 and TIMER1 are. epoch_ changes only with
// interrupts masked, by whichever sees the wrap first: the clock's handler or a reader.
class CortexMPort final : public WfiPort {
  public:
    constexpr CortexMPort() noexcept = default;

    // Starts TIMER0 and prepares TIMER1 and their NVIC lines. port::default_port() calls it on
    // first use; idempotent. The hardware timers are one set per chip, so there is one port.
    void start() noexcept;

    uint64_t now_us() noexcept override;
    // Masks interrupts, consumes a pending notify() or sleeps with wfi until the alarm or any
    // other interrupt; the handler of that interrupt runs once the mask is lifted, just before
    // this returns. Deadlines more than ~134 s ahead return early (allowed: spurious wake-up).
    void wait_until(uint64_t deadline_us) noexcept override;

    // Testing aid: moves the clock forward so that the hardware counter wraps into the next
    // epoch `us_before_wrap` microseconds from now. The clock jumps but stays monotonic.
    void skip_to_epoch_end(uint32_t us_before_wrap) noexcept;

    // The one instance, used by port::default_port() and by the timer interrupt handlers.
    static CortexMPort& instance() noexcept { return instance_; }

    // Called by the handlers (extern "C" TIMER0/TIMER1_IRQHandler); not for user code.
    void on_clock_irq() noexcept;
    void on_alarm_irq() noexcept;

  private:
    uint32_t sync_epoch() noexcept;  // interrupts masked: folds a pending wrap into epoch_
    uint64_t now_us_masked() noexcept;

    static CortexMPort instance_;  // constant-initialised: even an early handler may use it

    volatile uint32_t epoch_ = 0;
};

}  // namespace irqio::cortex_m
