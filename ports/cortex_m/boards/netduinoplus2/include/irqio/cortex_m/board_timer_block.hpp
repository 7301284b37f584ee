// The board timer's block on the STM32F405 (BoardTimer: cpu/src/board_timer.cpp): TIM2, as QEMU
// 7.2 models it (hw/timer/stm32f2xx_timer.c); NVIC line 28. Registers from the STM32F405
// reference manual (RM0090, general-purpose timers).
//
// QEMU's model is not the silicon's: its counter (CNT) is the virtual time in timer ticks since
// reset (1 GHz, prescaler 0), never restarted by an update; a write of ARR schedules the update
// interrupt ARR ticks later (it adds the target time, computed from the reset, to the current
// time), and each update schedules the next ARR ticks after itself. So this driver writes ARR as
// a delay and leaves CNT, PSC and EGR alone: periodic for free, one-shot by turning the update
// interrupt off in the handler. On silicon TIM2 wants the usual PSC, ARR, EGR.UG, CR1.CEN.
#pragma once
#include <cstdint>

#include "irqio/cortex_m/mmio.hpp"

#define IRQIO_BOARD_TIMER_HANDLER IRQ28_Handler  // line kIrq

namespace irqio::cortex_m::board_timer_block {

inline constexpr uint32_t kTicksPerSecond = 1'000'000'000;
inline constexpr unsigned kIrq = 28;

// TIM2's registers, in address order up to ARR; written only by the functions below, which keep
// the update interrupt enabled exactly while the timer is armed.
struct TimRegs {
    Reg cr1;  // 0x00: bit 0, counter enable
    Reg cr2;
    Reg smcr;
    Reg dier;  // 0x0C: bit 0, update interrupt enable
    Reg sr;    // 0x10: bit 0, update interrupt flag (write 0 to clear)
    Reg egr;
    Reg ccmr1;
    Reg ccmr2;
    Reg ccer;
    Reg cnt;  // 0x24
    Reg psc;  // 0x28
    Reg arr;  // 0x2C
};
inline constexpr uintptr_t kTim2Base = 0x4000'0000;
inline constexpr uint32_t kCen = 1u << 0;     // CR1
inline constexpr uint32_t kUpdate = 1u << 0;  // DIER, SR

inline TimRegs& tim() noexcept {
    return mmio<TimRegs>(kTim2Base);
}

// us -> 1 GHz ticks, at most 2^32 - 1 (4.29 s: longer periods only serve as a free counter here).
inline uint32_t ticks_for(uint32_t us) noexcept {
    return us > UINT32_MAX / 1000 ? UINT32_MAX : us * 1000;
}

// Nothing to set up: the ARR write in run() starts the period, and every update schedules the next.
inline void configure(uint32_t /*ticks*/, bool /*periodic*/) noexcept {}

inline void run(uint32_t ticks) noexcept {
    TimRegs& t = tim();
    t.sr = 0;
    t.dier = kUpdate;
    t.cr1 = kCen;
    t.arr = ticks < 2 ? 2 : ticks;  // QEMU: the first update `ticks` from now (see above)
}

inline void disarm() noexcept {
    tim().cr1 = 0;  // QEMU schedules no further update
    tim().dier = 0;
    tim().sr = 0;
}

inline void acknowledge(bool periodic) noexcept {
    TimRegs& t = tim();
    t.sr = 0;
    if (!periodic) {
        t.dier = 0;  // one-shot: QEMU's next update then does nothing and schedules none
        t.cr1 = 0;
    }
}

inline uint32_t counter() noexcept {
    return ~tim().cnt;  // counts up: the complement counts down
}

}  // namespace irqio::cortex_m::board_timer_block
