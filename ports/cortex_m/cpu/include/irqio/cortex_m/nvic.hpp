// The Nested Vectored Interrupt Controller: enable, disable, pend and prioritise external lines.
// Word accesses only, so the same code is correct on ARMv6-M (Cortex-M0), where the priority
// registers cannot be written byte by byte.
#pragma once
#include <cstdint>

#include "irqio/cortex_m/mmio.hpp"

namespace irqio::cortex_m::nvic {

struct Regs {
    Reg iser[16];  // 0xE000E100: write 1 to enable
    Reg reserved0[16];
    Reg icer[16];  // 0xE000E180: write 1 to disable
    Reg reserved1[16];
    Reg ispr[16];  // 0xE000E200: write 1 to pend
    Reg reserved2[16];
    Reg icpr[16];  // 0xE000E280: write 1 to clear pending
    Reg reserved3[16];
    Reg iabr[16];  // 0xE000E300: active
    Reg reserved4[48];
    Reg ipr[124];  // 0xE000E400: priorities, four 8-bit fields per word
};

inline Regs& regs() noexcept {
    return mmio<Regs>(0xE000'E100);
}

inline void enable(unsigned irq) noexcept {
    regs().iser[irq / 32] = 1u << (irq % 32);
}
inline void disable(unsigned irq) noexcept {
    regs().icer[irq / 32] = 1u << (irq % 32);
}
// Software-triggers the handler, as if the peripheral had raised the line.
inline void pend(unsigned irq) noexcept {
    regs().ispr[irq / 32] = 1u << (irq % 32);
}
inline void clear_pending(unsigned irq) noexcept {
    regs().icpr[irq / 32] = 1u << (irq % 32);
}
inline bool is_pending(unsigned irq) noexcept {
    return (regs().ispr[irq / 32] >> (irq % 32)) & 1u;
}

// Priority as the 8-bit register value: lower is more urgent. Cores implement only the top bits
// (2 on ARMv6-M, 3 on the real AN385), so use multiples of 0x40 for portable code. Not atomic
// against another writer of the same word: call it during setup, or with interrupts masked.
inline void set_priority(unsigned irq, uint8_t priority) noexcept {
    Reg& word = regs().ipr[irq / 4];
    unsigned shift = (irq % 4) * 8;
    word = (word & ~(0xFFu << shift)) | (uint32_t{priority} << shift);
}

}  // namespace irqio::cortex_m::nvic
