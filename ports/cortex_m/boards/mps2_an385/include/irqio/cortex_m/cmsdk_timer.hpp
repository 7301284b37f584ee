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

}  // namespace irqio::cortex_m::cmsdk_timer
