// SSI0 of the LM3S6965: the PL022 driver instances (normal, loopback) and the handler of its NVIC
// line, which serves whichever one a program uses.
#include "irqio/cortex_m/lm3s6965.hpp"

namespace irqio::cortex_m {
namespace {

constinit Pl022SpiDriver g_ssi0(lm3s6965::kSsi0Base, lm3s6965::kSsi0Irq, IRQIO_CORE_CLOCK_HZ,
                                1'000'000);
constinit Pl022SpiDriver g_ssi0_loopback(lm3s6965::kSsi0Base, lm3s6965::kSsi0Irq,
                                         IRQIO_CORE_CLOCK_HZ, 1'000'000, nullptr, true);
Pl022SpiDriver* volatile g_in_use = nullptr;

}  // namespace

Pl022SpiDriver& lm3s6965::ssi0() noexcept {
    g_in_use = &g_ssi0;
    return g_ssi0;
}
Pl022SpiDriver& lm3s6965::ssi0_loopback() noexcept {
    g_in_use = &g_ssi0_loopback;
    return g_ssi0_loopback;
}

}  // namespace irqio::cortex_m

extern "C" void IRQ7_Handler() {
    if (irqio::cortex_m::Pl022SpiDriver* d = irqio::cortex_m::g_in_use) d->on_irq();
}
