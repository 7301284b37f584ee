// A hardware timer interrupt that user code hooks: the first half of the CMSDK dual timer
// (an SP804), free of the port's own clock and alarm timers. hook(arg) runs in the interrupt
// handler (priority: see start_periodic), so it may call only "any context" irqio functions.
#pragma once
#include <cstdint>

namespace irqio::cortex_m {

class DualTimer {
  public:
    using Hook = void (*)(void* arg);

    // Calls hook(arg) every period_us microseconds (1 .. 171'798'691) from the dual timer's
    // interrupt, at NVIC priority `priority` (8-bit register value, 0 = most urgent).
    static void start_periodic(uint32_t period_us, Hook hook, void* arg,
                               uint8_t priority = 0x80) noexcept;
    // The same with the period in timer ticks (25 per us, at least 2): rates that are not a whole
    // number of microseconds, such as a sampler's 1/rate_hz.
    static void start_periodic_ticks(uint32_t period_ticks, Hook hook, void* arg,
                                     uint8_t priority = 0x80) noexcept;
    // Calls hook(arg) once, delay_us from now.
    static void start_oneshot(uint32_t delay_us, Hook hook, void* arg,
                              uint8_t priority = 0x80) noexcept;
    // The same in timer ticks (25 per us): fine-grained delays for tests that must land an
    // interrupt on a particular instruction window.
    static void start_oneshot_ticks(uint32_t ticks, Hook hook, void* arg,
                                    uint8_t priority = 0x80) noexcept;
    // Stops the timer and forgets the hook; an interrupt already pending is discarded.
    static void stop() noexcept;
    // Interrupts taken since the last start (counted before the hook runs). Under QEMU, periods
    // that elapse while the core sleeps may merge into one interrupt (its timers are scheduled
    // on the host), so count periods with counter() when they must all be seen.
    static uint32_t fired() noexcept;
    // The current value of the down-counter (25 ticks per us; it restarts at the period).
    static uint32_t counter() noexcept;
};

}  // namespace irqio::cortex_m
