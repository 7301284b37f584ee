// GPIO ports of the LM3S6965: E and F (the buttons), A, C and D (the OLED's lines): the PL061
// instances and the handlers of their NVIC lines, in one object each way round: a program that
// uses them gets the handlers.
#include "irqio/cortex_m/lm3s6965.hpp"
#include "irqio/cortex_m/mmio.hpp"

namespace irqio::cortex_m {
namespace {

constinit Pl061Gpio g_gpio_e(lm3s6965::kGpioEBase, lm3s6965::kGpioEIrq);
constinit Pl061Gpio g_gpio_f(lm3s6965::kGpioFBase, lm3s6965::kGpioFIrq);
constinit Pl061Gpio g_gpio_a(lm3s6965::kGpioABase, lm3s6965::kGpioAIrq);
constinit Pl061Gpio g_gpio_c(lm3s6965::kGpioCBase, lm3s6965::kGpioCIrq);
constinit Pl061Gpio g_gpio_d(lm3s6965::kGpioDBase, lm3s6965::kGpioDIrq);

void clock_ports() noexcept {
    Reg& rcgc2 = mmio<Reg>(0x400F'E108);  // run-mode clock gating 2: bit n = GPIO port n (A = 0)
    rcgc2 = rcgc2 | (1u << 0) | (1u << 2) | (1u << 3) | (1u << 4) | (1u << 5);
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
Pl061Gpio& lm3s6965::gpio_a() noexcept {
    clock_ports();
    return g_gpio_a;
}
Pl061Gpio& lm3s6965::gpio_c() noexcept {
    clock_ports();
    return g_gpio_c;
}
Pl061Gpio& lm3s6965::gpio_d() noexcept {
    clock_ports();
    return g_gpio_d;
}

void lm3s6965::oled_route_ssi0() noexcept {
    Reg& rcgc1 = mmio<Reg>(0x400F'E104);  // run-mode clock gating 1: bit 4 = SSI0
    rcgc1 = rcgc1 | (1u << 4);
    Pl061Gpio& a = gpio_a();
    a.make_alternate(2);  // SSI0Clk
    a.make_alternate(3);  // SSI0Fss: low while a byte goes out, the OLED's chip select
    a.make_alternate(5);  // SSI0Tx
    // The SD card shares the bus: its select (active low) stays high. (A write before the pin is
    // an output would not stick: QEMU's PL061 keeps no data for pins that are not outputs.)
    Pl061Gpio& d = gpio_d();
    d.make_output(0, true);
    d.write(0, true);
}

}  // namespace irqio::cortex_m

extern "C" void IRQ4_Handler() {
    irqio::cortex_m::g_gpio_e.on_irq();
}
extern "C" void IRQ30_Handler() {
    irqio::cortex_m::g_gpio_f.on_irq();
}
extern "C" void IRQ0_Handler() {
    irqio::cortex_m::g_gpio_a.on_irq();
}
extern "C" void IRQ2_Handler() {
    irqio::cortex_m::g_gpio_c.on_irq();
}
extern "C" void IRQ3_Handler() {
    irqio::cortex_m::g_gpio_d.on_irq();
}
