// The LM3S6965's general-purpose timers (GPTM): register block and the bits this port uses.
// Timer 0 is the board timer (board_timer_block.hpp); timer 1 paces the ADC (adc.cpp).
// From the LM3S6965 data sheet (General-Purpose Timers) and QEMU's GPTM model (hw/arm/stellaris.c
// in 7.2): QEMU times a period out after TAILR ticks, the silicon after TAILR + 1.
#pragma once
#include <cstdint>

#include "irqio/cortex_m/mmio.hpp"

namespace irqio::cortex_m::lm3s6965 {

struct GptmRegs {
    Reg cfg;   // 0x00: 0 = one 32-bit timer
    Reg tamr;  // 0x04: timer A mode, 1 = one-shot, 2 = periodic
    Reg tbmr;
    Reg ctl;  // 0x0C: bit 0 enables timer A, bit 5 makes its time-out trigger the ADC
    Reg reserved0[2];
    Reg imr;  // 0x18: bit 0, timer A time-out interrupt
    Reg ris;
    Reg mis;
    Reg icr;    // 0x24: write 1 to clear
    Reg tailr;  // 0x28: timer A interval load
    Reg tbilr;
    Reg tamatchr;
    Reg tbmatchr;
    Reg tapr;
    Reg tbpr;
    Reg tapmr;
    Reg tbpmr;
    Reg tar;  // 0x48: timer A's counter (QEMU does not model reading it)
};

namespace gptm {
inline constexpr uintptr_t kTimer0Base = 0x4003'0000;
inline constexpr uintptr_t kTimer1Base = 0x4003'1000;
inline constexpr uint32_t kOneShot = 1, kPeriodic = 2;  // TAMR
inline constexpr uint32_t kEnableA = 1u << 0;           // CTL
inline constexpr uint32_t kAdcTriggerA = 1u << 5;       // CTL: TAOTE
inline constexpr uint32_t kTimeoutA = 1u << 0;          // IMR, RIS, ICR

// The TAILR value for a period of `ticks` system clocks, as QEMU counts it (see above).
constexpr uint32_t interval_load(uint32_t ticks) noexcept {
    return ticks;
}
}  // namespace gptm

inline constexpr uintptr_t kRcgc0 = 0x400F'E100;  // run-mode clock gating 0: bit 16 = ADC
inline constexpr uintptr_t kRcgc1 = 0x400F'E104;  // run-mode clock gating 1: bit 16 + n = timer n

inline GptmRegs& gptm_regs(uintptr_t base) noexcept {
    return mmio<GptmRegs>(base);
}

}  // namespace irqio::cortex_m::lm3s6965
