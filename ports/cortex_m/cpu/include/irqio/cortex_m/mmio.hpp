// Memory-mapped register access. Peripherals are described as structs of volatile words laid
// out like the hardware and placed at their base address.
#pragma once
#include <cstdint>

namespace irqio::cortex_m {

using Reg = volatile uint32_t;

template <typename Regs>
inline Regs& mmio(uintptr_t base) noexcept {
    return *reinterpret_cast<Regs*>(base);
}

}  // namespace irqio::cortex_m
