// The board timer's block on the nRF51 (BoardTimer: cpu/src/board_timer.cpp): TIMER0, 32 bits,
// counting up at 16 MHz (prescaler 0); compare register 0 ends a period (a short clears the
// counter, or stops it for a one-shot). Registers from the nRF51 Series Reference Manual (TIMER)
// and QEMU's hw/timer/nrf51_timer.c; NVIC line 8.
#pragma once
#include <cstdint>

#include "irqio/cortex_m/board_timer.hpp"
#include "irqio/cortex_m/mmio.hpp"

#define IRQIO_BOARD_TIMER_HANDLER IRQ8_Handler  // line kIrq

namespace irqio::cortex_m::board_timer_block {

inline constexpr uint32_t kTicksPerSecond = 16'000'000;
inline constexpr unsigned kIrq = 8;

inline constexpr uintptr_t kTimer0Base = 0x4000'8000;
// Word offsets (byte offset / 4) of the registers used.
enum : unsigned {
    kTaskStart = 0x000 / 4,
    kTaskStop = 0x004 / 4,
    kTaskClear = 0x00C / 4,
    kTaskCapture1 = 0x044 / 4,
    kEventCompare0 = 0x140 / 4,
    kShorts = 0x200 / 4,
    kIntEnSet = 0x304 / 4,
    kIntEnClr = 0x308 / 4,
    kMode = 0x504 / 4,
    kBitMode = 0x508 / 4,
    kPrescaler = 0x510 / 4,
    kCc0 = 0x540 / 4,
    kCc1 = 0x544 / 4,
};
inline constexpr uint32_t kCompare0Clear = 1u << 0;  // SHORTS
inline constexpr uint32_t kCompare0Stop = 1u << 8;
inline constexpr uint32_t kCompare0Int = 1u << 16;  // INTENSET/INTENCLR
inline constexpr uint32_t kBitMode32 = 3;

inline Reg& reg(unsigned word) noexcept {
    return mmio<Reg[0x600 / 4]>(kTimer0Base)[word];
}

inline uint32_t ticks_for(uint32_t us) noexcept {
    return board_timer_detail::ticks_for_us(us, kTicksPerSecond);
}

inline void configure(uint32_t ticks, bool periodic) noexcept {
    reg(kMode) = 0;  // timer, not counter
    reg(kBitMode) = kBitMode32;
    reg(kPrescaler) = 0;
    reg(kCc0) = ticks;  // the compare event after `ticks` ticks from 0
    reg(kShorts) = kCompare0Clear | (periodic ? 0 : kCompare0Stop);
    reg(kEventCompare0) = 0;
    reg(kIntEnSet) = kCompare0Int;
}

inline void run(uint32_t /*ticks: in CC[0] already*/) noexcept {
    reg(kTaskClear) = 1;
    reg(kTaskStart) = 1;
}

inline void disarm() noexcept {
    reg(kTaskStop) = 1;
    reg(kIntEnClr) = kCompare0Int;
    reg(kEventCompare0) = 0;
}

// A one-shot needs nothing more: its short has stopped the counter.
inline void acknowledge(bool /*periodic*/) noexcept {
    reg(kEventCompare0) = 0;
}

inline uint32_t counter() noexcept {
    reg(kTaskCapture1) = 1;  // copies the counter into CC[1]
    return ~reg(kCc1);       // counts up: the complement counts down
}

}  // namespace irqio::cortex_m::board_timer_block
