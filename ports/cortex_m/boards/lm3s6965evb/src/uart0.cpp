// UART0 of the LM3S6965: the PL011 driver instance and the handler of its NVIC line. In one
// object, so a program that uses the driver gets the handler (and one that does not, neither).
#include "irqio/cortex_m/lm3s6965.hpp"

namespace irqio::cortex_m {
namespace {

constinit Pl011UartDriver g_uart0(lm3s6965::kUart0Base, lm3s6965::kUart0Irq, IRQIO_CORE_CLOCK_HZ);

}  // namespace

Pl011UartDriver& lm3s6965::uart0() noexcept {
    return g_uart0;
}

}  // namespace irqio::cortex_m

extern "C" void IRQ5_Handler() {
    irqio::cortex_m::lm3s6965::uart0().on_irq();
}
