// The hardware timer interrupt the tests drive, on either kind of board: the CMSDK dual timer on
// mps2-an385 (its own port), the board's BoardTimer on the architecture-only (SysTick) port. Both
// have the same static interface: start_periodic/start_oneshot(_ticks)/stop/fired/counter.
#pragma once
#include <cstdint>

#include "irqio/cortex_m/nvic.hpp"
#if IRQIO_CORTEX_M_SYSTICK_PORT
#include "irqio/cortex_m/board_timer.hpp"
#else
#include "irqio/cortex_m/cmsdk_dualtimer.hpp"
#if __has_include("irqio/cortex_m/board.hpp")  // the CMSDK boards' common name for their header
#include "irqio/cortex_m/board.hpp"
#else
#include "irqio/cortex_m/mps2_an385.hpp"
#endif
#endif

namespace cm_test {

#if IRQIO_CORTEX_M_SYSTICK_PORT
using TestTimer = irqio::cortex_m::BoardTimer;
inline constexpr bool kSysTickPort = true;
// Whether counter() reads the hardware (board.cmake: IRQIO_BOARD_TIMER_HAS_COUNTER).
inline constexpr bool kTestTimerHasCounter = IRQIO_BOARD_TIMER_HAS_COUNTER;
inline uint32_t test_timer_ticks_per_second() {
    return TestTimer::kTicksPerSecond;
}
inline unsigned test_timer_irq() {
    return TestTimer::kIrq;
}
#else
using TestTimer = irqio::cortex_m::DualTimer;
inline constexpr bool kSysTickPort = false;
inline constexpr bool kTestTimerHasCounter = true;
inline uint32_t test_timer_ticks_per_second() {
    return irqio::cortex_m::board::kSysClockHz;
}
inline unsigned test_timer_irq() {
    return irqio::cortex_m::board::irq::kDualTimer;
}
#endif

// Wake-ups a tickless sleep of `us` may take besides its own: none on the CMSDK timers (a 32-bit
// alarm), one per SysTick wrap on the SysTick port (its 24-bit counter wraps every 2^24 cycles).
inline uint32_t extra_idle_wakes(uint64_t us) {
    if (!kSysTickPort) return 0;
#if IRQIO_CORTEX_M_SYSTICK_PORT
    uint64_t period_us = (uint64_t{1} << 24) * 1'000'000 / IRQIO_CORE_CLOCK_HZ;
    return static_cast<uint32_t>(us / period_us + 1);
#else
    return 0;
#endif
}

// Microseconds between two readings of TestTimer::counter() (a down-counter).
inline uint32_t test_timer_us(uint32_t before, uint32_t after) {
    return static_cast<uint32_t>(uint64_t{before - after} * 1'000'000 /
                                 test_timer_ticks_per_second());
}

// Raises the timer's interrupt by software, as if the timer had fired.
inline void pend_test_timer_irq() {
    irqio::cortex_m::nvic::pend(test_timer_irq());
}

}  // namespace cm_test
