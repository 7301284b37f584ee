// The LM3S6965's peripherals that have drivers here: its UART0 (a PL011) with its interrupt
// routed. Addresses and NVIC lines from the LM3S6965 data sheet and QEMU's hw/arm/stellaris.c.
#pragma once
#include <cstdint>

#include "irqio/cortex_m/pl011_uart_driver.hpp"

namespace irqio::cortex_m::lm3s6965 {

inline constexpr uintptr_t kUart0Base = 0x4000'C000;
inline constexpr unsigned kUart0Irq = 5;

// UART0's driver at 115200 baud, clocked by the system clock; using it links IRQ5_Handler.
Pl011UartDriver& uart0() noexcept;

}  // namespace irqio::cortex_m::lm3s6965
