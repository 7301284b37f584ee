// The Linux port's inline hooks (included by irqio/port.hpp through IRQIO_PORT_INLINE_HEADER,
// which the irqio CMake target defines): the handler test and one turn of a busy-wait.
#pragma once
#include <cstdint>

#include "irqio/config.hpp"

namespace irqio::detail {
// IsrScopes open on this thread (isr/isr_scope.hpp; defined with IsrScope).
extern constinit IRQIO_THREAD_LOCAL uint32_t isr_depth;
}  // namespace irqio::detail

namespace irqio::port {

// in_handler() is a hint: a signal handler that opened no IsrScope looks like task context.
inline constexpr bool kHandlerKnown = false;

IRQIO_INLINE bool in_handler() noexcept {
    return detail::isr_depth != 0;
}

// The handler nesting depth (IsrScopes open): an interrupt level of the virtual board runs its
// tasks at the depth of its line's handler, so a handler nested in it differs.
IRQIO_INLINE uintptr_t context() noexcept {
    return detail::isr_depth;
}

IRQIO_INLINE void cpu_relax() noexcept {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();  // tells the core (and its hyperthread sibling) that this is a spin
#endif
}

}  // namespace irqio::port
