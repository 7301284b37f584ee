// IsrScope: marks "this code runs in a handler". Optional: any-context calls are safe from a
// handler that opens none (a plain sigaction handler); inside one they go straight to the inbox.
// irqio's own signal and interrupt trampolines open one. Where the port tells handlers apart by
// itself (port::kHandlerKnown: Cortex-M reads IPSR), handlers need none.
#pragma once
#include <cstdint>

#include "irqio/config.hpp"

namespace irqio {
namespace detail {
// IsrScopes open on this thread: the hosted ports' port::in_handler() reads it.
extern constinit IRQIO_THREAD_LOCAL uint32_t isr_depth;
}  // namespace detail

class IsrScope {
  public:
    IsrScope() noexcept { ++detail::isr_depth; }
    ~IsrScope() { --detail::isr_depth; }
    IsrScope(const IsrScope&) = delete;
    IsrScope& operator=(const IsrScope&) = delete;
};

}  // namespace irqio
