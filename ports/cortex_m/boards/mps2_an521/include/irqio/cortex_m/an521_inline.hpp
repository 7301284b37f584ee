// The inline port hooks on mps2-an521: the Cortex-M ones (cpu/) and core_id(), which the core's
// per-core state (core/per_core.hpp, IRQIO_CORES > 1) indexes by. Selected by board.cmake.
#pragma once
#include <cstdint>

#include "irqio/cortex_m/port_inline.hpp"

namespace irqio::port {

// Any context: 0 or 1. The SSE-200's CPU_IDENTITY register answers each core with its own number
// (one load; the block is mapped per core at the same address).
IRQIO_INLINE unsigned core_id() noexcept {
    return *reinterpret_cast<const volatile uint32_t*>(0x4001'F000);
}

}  // namespace irqio::port
