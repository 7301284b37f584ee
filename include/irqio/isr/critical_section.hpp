// CriticalSection: masks the interrupts (on Linux: the signals irqio delivers) that may run user
// handlers, for data shared with them. Nests; keep it short, it delays every handler.
#pragma once
#include "irqio/port.hpp"

namespace irqio {

class CriticalSection {
  public:
    CriticalSection() noexcept : saved_(port::irq_save()) {}
    ~CriticalSection() { port::irq_restore(saved_); }
    CriticalSection(const CriticalSection&) = delete;
    CriticalSection& operator=(const CriticalSection&) = delete;

  private:
    port::IrqState saved_;
};

}  // namespace irqio
