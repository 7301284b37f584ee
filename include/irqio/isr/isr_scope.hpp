// IsrScope: marks "this code runs in a handler". Optional: any-context calls are safe from a
// handler that opens none (a plain sigaction handler); inside one they go straight to the inbox.
// irqio's own signal and interrupt trampolines open one. Cortex-M handlers are recognised by IPSR.
#pragma once
#include <cstdint>

#include "irqio/config.hpp"

namespace irqio {
namespace detail {
extern constinit IRQIO_THREAD_LOCAL uint32_t isr_depth;

#if defined(__ARM_ARCH_6M__) || defined(__ARM_ARCH_7M__) || defined(__ARM_ARCH_7EM__) || \
    defined(__ARM_ARCH_8M_MAIN__) || defined(__ARM_ARCH_8M_BASE__)
// in_handler() is exact: code for which it is false is thread-mode code, never a handler.
inline constexpr bool kHandlerKnown = true;
#else
// in_handler() is a hint: a signal handler that opened no IsrScope looks like task context.
inline constexpr bool kHandlerKnown = false;
#endif

IRQIO_INLINE bool in_handler() noexcept {
#if defined(__ARM_ARCH_6M__) || defined(__ARM_ARCH_7M__) || defined(__ARM_ARCH_7EM__) || \
    defined(__ARM_ARCH_8M_MAIN__) || defined(__ARM_ARCH_8M_BASE__)
    // The core knows: IPSR holds the active exception number, 0 in thread mode. (IsrScope still
    // counts, harmlessly, for code shared with hosted ports.)
    uint32_t ipsr;
    __asm__ volatile("mrs %0, ipsr" : "=r"(ipsr));
    return ipsr != 0;
#else
    return isr_depth != 0;
#endif
}
}  // namespace detail

class IsrScope {
  public:
    IsrScope() noexcept { ++detail::isr_depth; }
    ~IsrScope() { --detail::isr_depth; }
    IsrScope(const IsrScope&) = delete;
    IsrScope& operator=(const IsrScope&) = delete;
};

}  // namespace irqio
