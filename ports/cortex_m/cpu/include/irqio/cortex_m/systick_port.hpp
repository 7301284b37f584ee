// The architecture-only Cortex-M port: the 64-bit microsecond clock and the tickless alarm on
// SysTick, the wfi idle. Needs nothing but the core: any Cortex-M runs it given its core clock
// (IRQIO_CORE_CLOCK_HZ, whole MHz) and a memory map (cpu/cortex_m.ld).
//
// Clock: SysTick counts core cycles down from its reload (at most 2^24 - 1). Time is the cycles of
// the finished periods (base_us_, rem_ticks_) plus reload - counter; every period is counted once,
// by whoever first reads COUNTFLAG. Alarm: wait_until cuts the running period short (a counter
// write) so that the next interrupt lands on the deadline; the cut adds the cycles of the part that
// ran, so no time is lost. While nothing is due the counter runs full periods (2^24 cycles): no
// periodic tick, one wrap interrupt every 2^24 cycles (1.05 s at 16 MHz, 0.1 s at 168 MHz).
#pragma once
#include <cstdint>

#include "irqio/cortex_m/wfi_port.hpp"

namespace irqio::cortex_m {

// The port of SysTick: one per core, as SysTick is. Every period is counted once, with interrupts
// masked, into base_us_ and rem_ticks_; period_load_ is the reload the running period began with.
class SysTickPort final : public WfiPort {
  public:
    constexpr SysTickPort() noexcept = default;

    // Starts SysTick (full periods, interrupt at the lowest priority). default_port() calls it on
    // first use; idempotent. SysTick is one per core, so there is one port.
    void start() noexcept;

    uint64_t now_us() noexcept override;
    // Masks interrupts, consumes a pending notify() or sleeps with wfi until the alarm or any other
    // interrupt, whose handler runs once the mask is lifted, just before this returns. Deadlines
    // more than one full period ahead return at the period's end (allowed: spurious wake-up).
    void wait_until(uint64_t deadline_us) noexcept override;

    // For tests and statistics, beside sleeps(): SysTick interrupts taken; periods cut short; full
    // periods (2^24 cycles) that ended.
    uint32_t tick_interrupts() const noexcept { return tick_interrupts_; }
    uint32_t cuts() const noexcept { return cuts_; }
    uint32_t full_periods() const noexcept { return full_periods_; }
    // Testing aid: moves the clock forward by `us` (e.g. to just below 2^32 us). Monotonic.
    void advance_for_test(uint64_t us) noexcept;

    // The one instance, used by port::default_port() and by SysTick_Handler.
    static SysTickPort& instance() noexcept { return instance_; }
    void on_systick() noexcept;  // SysTick_Handler; not for user code

  private:
    uint32_t sync() noexcept;  // masked: counts a finished period, returns the counter
    void add_ticks(uint32_t ticks) noexcept;
    uint64_t now_us_masked() noexcept;
    void cut(uint32_t load) noexcept;

    static SysTickPort instance_;  // constant-initialised: even an early handler may use it

    uint64_t base_us_ = 0;      // whole microseconds of the finished periods
    uint32_t rem_ticks_ = 0;    // and the cycles beyond them (< cycles per us)
    uint32_t period_load_ = 0;  // the reload the running period started with
    uint32_t next_load_ = 0;    // the reload the next period starts with (the register)
    uint32_t tick_interrupts_ = 0;
    uint32_t cuts_ = 0;
    uint32_t full_periods_ = 0;
};

}  // namespace irqio::cortex_m
