// The LM3S6965's peripherals that have drivers here: its UART0 (a PL011) and GPIO ports E and F
// (PL061s: the evaluation board's buttons, up/down/left/right on E0..E3, select on F1, active
// low; QEMU 7.2 maps the keys up, down, left, right and ctrl to them), with their interrupts
// routed; GPIO ports A, C and D (the OLED's lines) and SSI0 (a PL022, the OLED's bus).
// Addresses and NVIC lines from the LM3S6965 data sheet and QEMU's hw/arm/stellaris.c.
#pragma once
#include <cstdint>

#include "irqio/cortex_m/lm3s6965_adc.hpp"
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
inline constexpr uintptr_t kGpioABase = 0x4000'4000;
inline constexpr unsigned kGpioAIrq = 0;
inline constexpr uintptr_t kGpioCBase = 0x4000'6000;
inline constexpr unsigned kGpioCIrq = 2;
inline constexpr uintptr_t kGpioDBase = 0x4000'7000;
inline constexpr unsigned kGpioDIrq = 3;

inline constexpr uintptr_t kSsi0Base = 0x4000'8000;
inline constexpr unsigned kSsi0Irq = 7;

// SSI0 (a PL022) as SPI master at up to 1 MHz (the OLED's bus); ssi0_loopback(): the same port
// in its internal loopback, for tests. Use one or the other; either links IRQ7_Handler.
Pl022SpiDriver& ssi0() noexcept;
Pl022SpiDriver& ssi0_loopback() noexcept;

// The OLED (an SSD0323, irqio/devices/ssd0323.hpp) on SSI0: its data/command line is GPIO C7
// (high = display data). oled_route_ssi0() gives pins A2 (clock), A3 (frame: the OLED's chip
// select) and A5 (transmit) to SSI0 and drives D0, the SD card's chip select, high (deselected);
// QEMU 7.2 selects its OLED model with that same D0 line high (hw/arm/stellaris.c).
inline constexpr unsigned kOledDcPin = 7;  // on gpio_c()
void oled_route_ssi0() noexcept;

// GPIO ports E and F (the buttons), A, C and D; using one links the handlers of all five
// (IRQ4, IRQ30, IRQ0, IRQ2, IRQ3: one object).
Pl061Gpio& gpio_e() noexcept;
Pl061Gpio& gpio_f() noexcept;
Pl061Gpio& gpio_a() noexcept;
Pl061Gpio& gpio_c() noexcept;
Pl061Gpio& gpio_d() noexcept;

inline constexpr unsigned kAdcSs0Irq = 14;  // ADC sample sequencer 0

// The ADC (sequencer 0, paced by general-purpose timer 1), clocked by the system clock; using it
// links IRQ14_Handler. lm3s6965_adc.hpp.
Lm3sAdcDriver& adc() noexcept;

}  // namespace irqio::cortex_m::lm3s6965
