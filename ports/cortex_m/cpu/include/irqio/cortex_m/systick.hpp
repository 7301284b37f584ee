// SysTick and the System Control Block words the port needs: every ARMv6-M/7-M/8-M core has them
// at the same addresses (Armv7-M ARM B3.3, B3.2). Word accesses only (ARMv6-M).
#pragma once
#include <cstdint>

#include "irqio/cortex_m/mmio.hpp"

namespace irqio::cortex_m::systick {

struct Regs {
    Reg ctrl;  // 0xE000E010: enable, interrupt enable, clock source; COUNTFLAG (cleared by reading)
    Reg load;  // 0xE000E014: the reload value, 24 bits; taken at the next reload
    Reg value;  // 0xE000E018: the down-counter; any write clears it to 0 (and COUNTFLAG)
    Reg calib;  // 0xE000E01C
};

inline constexpr uint32_t kEnable = 1u << 0;
inline constexpr uint32_t kTickInt = 1u << 1;
inline constexpr uint32_t kProcessorClock = 1u << 2;  // clock source: the core clock
inline constexpr uint32_t kCountFlag = 1u << 16;      // counted 1 -> 0 since the last ctrl read
inline constexpr uint32_t kMaxLoad = 0x00FF'FFFF;

inline Regs& regs() noexcept {
    return mmio<Regs>(0xE000'E010);
}

}  // namespace irqio::cortex_m::systick

namespace irqio::cortex_m::scb {

inline Reg& icsr() noexcept {  // interrupt control and state
    return mmio<Reg>(0xE000'ED04);
}
inline constexpr uint32_t kPendSysTickClear = 1u << 25;
inline constexpr uint32_t kPendSysTickSet = 1u << 26;

// System handler priorities 12..15; SysTick's is the top byte. Word access (ARMv6-M).
inline Reg& shpr3() noexcept {
    return mmio<Reg>(0xE000'ED20);
}

}  // namespace irqio::cortex_m::scb
