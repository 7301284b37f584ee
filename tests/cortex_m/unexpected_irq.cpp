// An enabled interrupt without a handler reaches Default_Handler, which names it and exits 5.
#include "irqio/cortex_m/irq.hpp"
#include "irqio/cortex_m/nvic.hpp"

int main() {
    constexpr unsigned kGpio2 = 16;  // nobody handles GPIO2 in this program
    irqio::cortex_m::nvic::enable(kGpio2);
    irqio::cortex_m::nvic::pend(kGpio2);
    irqio::cortex_m::barrier();
    return 0;
}
