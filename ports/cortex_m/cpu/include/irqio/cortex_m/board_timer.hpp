// A hardware timer interrupt that user code hooks, on a board of the architecture-only port: one
// general-purpose timer of the chip, apart from SysTick (the port's). Declared here, defined for
// every board by cpu/src/board_timer.cpp over the board's timer block
// (boards/<name>/include/irqio/cortex_m/board_timer_block.hpp; the LM3S6965 still defines it
// whole, boards/lm3s6965evb/src/board_timer.cpp); the tests use it as their interrupt source.
// hook(arg) runs in the timer's handler, so it may call only "any context" irqio functions.
#pragma once
#include <cstdint>

namespace irqio::cortex_m {

class BoardTimer {
  public:
    using Hook = void (*)(void* arg);

    // The timer's counting rate and its NVIC line (board_timer.cpp).
    static const uint32_t kTicksPerSecond;
    static const unsigned kIrq;

    // Calls hook(arg) every period_us microseconds (at least 1) from the timer's interrupt, at
    // NVIC priority `priority` (8-bit register value, 0 = most urgent).
    static void start_periodic(uint32_t period_us, Hook hook, void* arg,
                               uint8_t priority = 0x80) noexcept;
    // Calls hook(arg) once, delay_us (or `ticks` timer ticks, at least 2) from now.
    static void start_oneshot(uint32_t delay_us, Hook hook, void* arg,
                              uint8_t priority = 0x80) noexcept;
    static void start_oneshot_ticks(uint32_t ticks, Hook hook, void* arg,
                                    uint8_t priority = 0x80) noexcept;
    // Stops the timer and forgets the hook; an interrupt already pending is discarded.
    static void stop() noexcept;
    // Interrupts taken since the last start (counted before the hook runs).
    static uint32_t fired() noexcept;
    // A down-counter at kTicksPerSecond (up-counting timers return its complement), for measuring
    // elapsed ticks as `before - after`.
    static uint32_t counter() noexcept;
};

namespace board_timer_detail {
// What every board's BoardTimer keeps: the hook and the count. Written with the timer's interrupt
// disabled, read by its handler.
struct State {
    BoardTimer::Hook hook = nullptr;
    void* arg = nullptr;
    volatile uint32_t fired = 0;
    bool periodic = false;

    // The handler's part once the board has acknowledged the interrupt: count, then the hook.
    void fire() noexcept {
        fired = fired + 1;
        if (hook) hook(arg);
    }
};

// Timer ticks in `us` microseconds at `ticks_per_second`; a 32-bit product for whole MHz rates
// (no 64-bit division linked in where the rate is a constant).
constexpr uint32_t ticks_for_us(uint32_t us, uint32_t ticks_per_second) {
    if (ticks_per_second % 1'000'000 == 0) return us * (ticks_per_second / 1'000'000);
    return static_cast<uint32_t>(uint64_t{us} * ticks_per_second / 1'000'000);
}
}  // namespace board_timer_detail

}  // namespace irqio::cortex_m
