// The CMSDK APB timer: a 32-bit down-counter clocked by PCLK. It counts from RELOAD to 0, raises
// its interrupt on the step from 1 to 0, holds 0 for one tick, then reloads and keeps running.
// The port uses two of them: TIMER0 free-running as the clock, TIMER1 as the wake-up alarm.
#pragma once
#include <cstdint>

#include "irqio/cortex_m/mmio.hpp"

namespace irqio::cortex_m::cmsdk_timer {

struct Regs {
    Reg ctrl;       // 0x00: kEnable | kIrqEnable
    Reg value;      // 0x04: current count; writable
    Reg reload;     // 0x08: writing it also loads the count
    Reg intstatus;  // 0x0C: bit 0 latched interrupt; write 1 to clear
};

inline constexpr uint32_t kEnable = 1u << 0;
inline constexpr uint32_t kIrqEnable = 1u << 3;
inline constexpr uint32_t kIrqFlag = 1u << 0;

inline Regs& at(uintptr_t base) noexcept {
    return mmio<Regs>(base);
}

// Starts the timer counting reload .. 0 over and over (reload + 1 ticks a turn), its wrap flag
// cleared and its interrupt on: the clock of the CMSDK boards' ports.
inline void start_free_running(Regs& timer, uint32_t reload) noexcept {
    timer.ctrl = 0;
    timer.intstatus = kIrqFlag;
    timer.reload = reload;  // also loads the counter
    timer.ctrl = kEnable | kIrqEnable;
}

constexpr unsigned epoch_shift(uint32_t ticks_per_us) {
    unsigned shift = 0;
    while ((uint64_t{ticks_per_us} << (shift + 1)) <= (uint64_t{1} << 32)) ++shift;
    return shift;
}

// The longest epoch of a whole power-of-two microseconds that the 32-bit counter can hold at
// TicksPerUs: then microseconds are a shift plus a 32-bit division, never a 64-bit division.
template <uint32_t TicksPerUs>
struct Epoch {
    static constexpr unsigned kShift = epoch_shift(TicksPerUs);
    static constexpr uint32_t kReload = (TicksPerUs << kShift) - 1;  // the counter: kReload .. 0
    static constexpr uint32_t kMaxUs = (uint32_t{1} << kShift) - 1;  // the most one epoch holds
};

}  // namespace irqio::cortex_m::cmsdk_timer
