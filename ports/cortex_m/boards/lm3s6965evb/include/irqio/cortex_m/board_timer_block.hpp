// The board timer's block on the LM3S6965 (BoardTimer: cpu/src/board_timer.cpp): general-purpose
// timer 0, timer A as one 32-bit timer counting down at the system clock, one-shot or periodic.
// Registers in lm3s6965_gptm.hpp; NVIC line 19 (Timer 0A).
#pragma once
#include <cstdint>

#include "irqio/cortex_m/board_timer.hpp"
#include "irqio/cortex_m/lm3s6965_gptm.hpp"

#define IRQIO_BOARD_TIMER_HANDLER IRQ19_Handler  // line kIrq

namespace irqio::cortex_m::board_timer_block {

inline constexpr uint32_t kTicksPerSecond = IRQIO_CORE_CLOCK_HZ;  // the system clock
inline constexpr unsigned kIrq = 19;

inline lm3s6965::GptmRegs& timer0() noexcept {
    return lm3s6965::gptm_regs(lm3s6965::gptm::kTimer0Base);
}

inline uint32_t ticks_for(uint32_t us) noexcept {
    return board_timer_detail::ticks_for_us(us, kTicksPerSecond);
}

inline void configure(uint32_t ticks, bool periodic) noexcept {
    mmio<Reg>(lm3s6965::kRcgc1) = mmio<Reg>(lm3s6965::kRcgc1) | (1u << 16);  // timer 0's clock
    lm3s6965::GptmRegs& t = timer0();
    t.cfg = 0;
    t.tamr = periodic ? lm3s6965::gptm::kPeriodic : lm3s6965::gptm::kOneShot;
    t.tailr = lm3s6965::gptm::interval_load(ticks);
    t.icr = lm3s6965::gptm::kTimeoutA;
    t.imr = lm3s6965::gptm::kTimeoutA;
}

inline void run(uint32_t /*ticks: in TAILR already*/) noexcept {
    timer0().ctl = lm3s6965::gptm::kEnableA;
}

inline void disarm() noexcept {
    lm3s6965::GptmRegs& t = timer0();
    t.ctl = 0;
    t.imr = 0;
    t.icr = lm3s6965::gptm::kTimeoutA;
}

// A one-shot needs nothing more: the timer disabled itself at its time-out.
inline void acknowledge(bool /*periodic*/) noexcept {
    timer0().icr = lm3s6965::gptm::kTimeoutA;
}

// QEMU does not model reading TAR (board.cmake: IRQIO_BOARD_TIMER_HAS_COUNTER=0); on silicon it
// is the down-counter.
inline uint32_t counter() noexcept {
    return timer0().tar;
}

}  // namespace irqio::cortex_m::board_timer_block
