// Interrupt masking with PRIMASK, inline for the port's own hot paths (the portable hooks
// irqio::port::irq_save/irq_restore are the out-of-line versions of the same two instructions).
//
// PRIMASK masks every interrupt with configurable priority, i.e. all NVIC lines, SysTick and
// PendSV; only NMI and HardFault get through. So a CriticalSection excludes *every* interrupt
// handler, and any interrupt handler, whatever its priority, may call the functions that irqio
// marks "any context". (BASEPRI would let urgent handlers above a threshold run unmasked, but
// then those handlers could not call irqio; ARMv6-M has no BASEPRI anyway.)
#pragma once
#include <cstdint>

namespace irqio::cortex_m {

// Masks interrupts and returns the previous PRIMASK (1 if they were already masked). Nests.
inline uint32_t irq_disable() noexcept {
    uint32_t primask;
    // "memory": no load or store may be moved into or out of the masked region.
    asm volatile("mrs %0, primask\n\tcpsid i" : "=r"(primask)::"memory");
    return primask;
}

inline void irq_restore(uint32_t primask) noexcept {
    asm volatile("msr primask, %0" ::"r"(primask) : "memory");
}

// Sleeps until an interrupt is pending. With PRIMASK set the pending interrupt still ends the
// sleep but its handler runs only once PRIMASK is cleared: this makes "check, then sleep" atomic.
inline void wait_for_interrupt() noexcept {
    asm volatile("wfi" ::: "memory");
}

// Makes an interrupt pended by software (nvic::pend) or just enabled be taken before the next
// instruction, as the architecture requires DSB then ISB for that; QEMU likewise only checks for
// interrupts at the end of a translated block, which ISB forces.
inline void barrier() noexcept {
    asm volatile("dsb\n\tisb" ::: "memory");
}

// The active exception number (0 in thread mode, 16 + n in the handler of NVIC line n).
[[gnu::always_inline]] inline uint32_t active_exception() noexcept {
    uint32_t ipsr;
    asm volatile("mrs %0, ipsr" : "=r"(ipsr));
    return ipsr;
}

}  // namespace irqio::cortex_m
