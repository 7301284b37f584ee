// The Cortex-M port's inline hooks (included by irqio/port.hpp through IRQIO_PORT_INLINE_HEADER,
// which the irqio_cortex_m CMake target defines): the handler test and one turn of a busy-wait.
// Inline, so the interrupt path costs what the instructions cost (one `mrs` for in_handler()).
#pragma once
#include "irqio/config.hpp"
#include "irqio/cortex_m/irq.hpp"

namespace irqio::port {

// in_handler() is exact: IPSR holds the active exception number, 0 in thread mode, so code for
// which it is false is thread-mode code, never a handler, and handlers need no IsrScope (it still
// counts, harmlessly, for code shared with hosted ports).
inline constexpr bool kHandlerKnown = true;

IRQIO_INLINE bool in_handler() noexcept {
    return cortex_m::active_exception() != 0;
}

// The active exception number: an interrupt level's loop runs its tasks at its own IRQ's.
IRQIO_INLINE uintptr_t context() noexcept {
    return cortex_m::active_exception();
}

// A busy-wait on one core only waits for a handler to change memory: a compiler barrier, so the
// spinning code reloads what it tests.
IRQIO_INLINE void cpu_relax() noexcept {
    __asm__ volatile("" ::: "memory");
}

}  // namespace irqio::port
