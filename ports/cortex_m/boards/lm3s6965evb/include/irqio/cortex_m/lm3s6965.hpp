// The LM3S6965's peripherals that have drivers here: its UART0 (a PL011) and GPIO ports E and F
// (PL061s: the evaluation board's buttons, up/down/left/right on E0..E3, select on F1, active
// low; QEMU maps the keys up, down, left, right and ret to them), with their interrupts routed.
// Addresses and NVIC lines from the LM3S6965 data sheet and QEMU's hw/arm/stellaris.c.
#pragma once
#include <cstdint>

#include "irqio/cortex_m/pl011_uart_driver.hpp"
#include "irqio/cortex_m/pl022_spi_driver.hpp"
#include "irqio/cortex_m/pl061_gpio.hpp"

namespace irqio::cortex_m::lm3s6965 {

inline constexpr uintptr_t kUart0Base = 0x4000'C000;
inline constexpr unsigned kUart0Irq = 5;

// UART0's driver at 115200 baud, clocked by the system clock; using it links IRQ5_Handler.
Pl011UartDriver& uart0() noexcept;

inline constexpr uintptr_t kGpioEBase = 0x4002'4000;
inline constexpr unsigned kGpioEIrq = 4;
inline constexpr uintptr_t kGpioFBase = 0x4002'5000;
inline constexpr unsigned kGpioFIrq = 30;

inline constexpr uintptr_t kSsi0Base = 0x4000'8000;
inline constexpr unsigned kSsi0Irq = 7;

// SSI0 (a PL022) as SPI master at up to 1 MHz (the OLED's bus); ssi0_loopback(): the same port
// in its internal loopback, for tests. Use one or the other; either links IRQ7_Handler.
Pl022SpiDriver& ssi0() noexcept;
Pl022SpiDriver& ssi0_loopback() noexcept;

// GPIO ports E and F; using one links its IRQ<n>_Handler.
Pl061Gpio& gpio_e() noexcept;
Pl061Gpio& gpio_f() noexcept;

}  // namespace irqio::cortex_m::lm3s6965
