// GPIO ports E and F of the LM3S6965 (the buttons): the PL061 instances and the handlers of their
// NVIC lines, in one object each way round: a program that uses them gets the handlers.
#include "irqio/cortex_m/lm3s6965.hpp"
#include "irqio/cortex_m/mmio.hpp"

namespace irqio::cortex_m {
namespace {

constinit Pl061Gpio g_gpio_e(lm3s6965::kGpioEBase, lm3s6965::kGpioEIrq);
constinit Pl061Gpio g_gpio_f(lm3s6965::kGpioFBase, lm3s6965::kGpioFIrq);

void clock_ports() noexcept {
    Reg& rcgc2 = mmio<Reg>(0x400F'E108);  // run-mode clock gating 2: bit n = GPIO port n
    rcgc2 = rcgc2 | (1u << 4) | (1u << 5);
}

}  // namespace

Pl061Gpio& lm3s6965::gpio_e() noexcept {
    clock_ports();
    return g_gpio_e;
}
Pl061Gpio& lm3s6965::gpio_f() noexcept {
    clock_ports();
    return g_gpio_f;
}

}  // namespace irqio::cortex_m

extern "C" void IRQ4_Handler() {
    irqio::cortex_m::g_gpio_e.on_irq();
}
extern "C" void IRQ30_Handler() {
    irqio::cortex_m::g_gpio_f.on_irq();
}
