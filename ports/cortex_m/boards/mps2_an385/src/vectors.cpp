// The vector table of mps2-an385: the core's system exceptions and AN385's 32 external lines in
// NVIC order, and the default handler. Every handler here is weak: a driver overrides one by
// defining a function of the same name; the others report an unexpected exception and stop.
#include <cstdint>

#include "irqio/cortex_m/irq.hpp"
#include "irqio/cortex_m/semihosting.hpp"

extern "C" {
extern char __stack_top[];  // from the linker script, mps2_an385.ld
// cpu/src/startup.cpp
[[noreturn]] void Reset_Handler();
void HardFault_Handler();
// cpu/src/diagnostics.cpp, when the program links it (irqio_cortex_m_diagnostics)
[[gnu::weak]] void irqio_report_exception(uint32_t exception) noexcept;
}

// Stops the program on an exception without a handler: a silent infinite loop would only show up
// as a test timeout. (Not [[noreturn]]: its aliases below must carry the same attributes as their
// target, and handlers in vector tables are plain void functions.) Here, with the table, because
// an alias must name a function of its own translation unit.
extern "C" void Default_Handler() noexcept {
    namespace sh = irqio::cortex_m::semihosting;
    if (irqio_report_exception) irqio_report_exception(irqio::cortex_m::active_exception());
    sh::exit(sh::kExitUnexpected);
}

#define IRQIO_WEAK_HANDLER(name) \
    extern "C" [[gnu::weak, gnu::alias("Default_Handler")]] void name() noexcept;

IRQIO_WEAK_HANDLER(NMI_Handler)
IRQIO_WEAK_HANDLER(MemManage_Handler)
IRQIO_WEAK_HANDLER(BusFault_Handler)
IRQIO_WEAK_HANDLER(UsageFault_Handler)
IRQIO_WEAK_HANDLER(SVC_Handler)
IRQIO_WEAK_HANDLER(DebugMon_Handler)
IRQIO_WEAK_HANDLER(PendSV_Handler)
IRQIO_WEAK_HANDLER(SysTick_Handler)

IRQIO_WEAK_HANDLER(UART0RX_IRQHandler)
IRQIO_WEAK_HANDLER(UART0TX_IRQHandler)
IRQIO_WEAK_HANDLER(UART1RX_IRQHandler)
IRQIO_WEAK_HANDLER(UART1TX_IRQHandler)
IRQIO_WEAK_HANDLER(UART2RX_IRQHandler)
IRQIO_WEAK_HANDLER(UART2TX_IRQHandler)
IRQIO_WEAK_HANDLER(GPIO0_IRQHandler)
IRQIO_WEAK_HANDLER(GPIO1_IRQHandler)
IRQIO_WEAK_HANDLER(TIMER0_IRQHandler)
IRQIO_WEAK_HANDLER(TIMER1_IRQHandler)
IRQIO_WEAK_HANDLER(DUALTIMER_IRQHandler)
IRQIO_WEAK_HANDLER(SPI_IRQHandler)
IRQIO_WEAK_HANDLER(UARTOVF_IRQHandler)
IRQIO_WEAK_HANDLER(ETHERNET_IRQHandler)
IRQIO_WEAK_HANDLER(I2S_IRQHandler)
IRQIO_WEAK_HANDLER(TSC_IRQHandler)
IRQIO_WEAK_HANDLER(GPIO2_IRQHandler)
IRQIO_WEAK_HANDLER(GPIO3_IRQHandler)
IRQIO_WEAK_HANDLER(UART3RX_IRQHandler)
IRQIO_WEAK_HANDLER(UART3TX_IRQHandler)
IRQIO_WEAK_HANDLER(UART4RX_IRQHandler)
IRQIO_WEAK_HANDLER(UART4TX_IRQHandler)
IRQIO_WEAK_HANDLER(SPI2_IRQHandler)
IRQIO_WEAK_HANDLER(SPI3_IRQHandler)
IRQIO_WEAK_HANDLER(GPIO0PIN0_IRQHandler)
IRQIO_WEAK_HANDLER(GPIO0PIN1_IRQHandler)
IRQIO_WEAK_HANDLER(GPIO0PIN2_IRQHandler)
IRQIO_WEAK_HANDLER(GPIO0PIN3_IRQHandler)
IRQIO_WEAK_HANDLER(GPIO0PIN4_IRQHandler)
IRQIO_WEAK_HANDLER(GPIO0PIN5_IRQHandler)
IRQIO_WEAK_HANDLER(GPIO0PIN6_IRQHandler)
IRQIO_WEAK_HANDLER(GPIO0PIN7_IRQHandler)

namespace {

using Handler = void (*)();

struct VectorTable {
    void* initial_sp;
    Handler system[15];    // exceptions 1..15
    Handler external[32];  // NVIC lines 0..31
};

}  // namespace

// Placed at address 0 by the linker script; the core loads SP and PC from its first two words.
// gnu::used + KEEP in the script: nothing references it, yet it must survive --gc-sections.
// irqio_vectors is also the symbol the port library forces into every link (-u irqio_vectors),
// which pulls this object, and with it the handlers above, out of the static library.
extern "C" [[gnu::used, gnu::section(".isr_vector")]] const VectorTable irqio_vectors = {
    __stack_top,
    {
        Reset_Handler,
        NMI_Handler,
        HardFault_Handler,
        MemManage_Handler,
        BusFault_Handler,
        UsageFault_Handler,
        nullptr,
        nullptr,
        nullptr,
        nullptr,
        SVC_Handler,
        DebugMon_Handler,
        nullptr,
        PendSV_Handler,
        SysTick_Handler,
    },
    {
        UART0RX_IRQHandler,   UART0TX_IRQHandler,   UART1RX_IRQHandler,   UART1TX_IRQHandler,
        UART2RX_IRQHandler,   UART2TX_IRQHandler,   GPIO0_IRQHandler,     GPIO1_IRQHandler,
        TIMER0_IRQHandler,    TIMER1_IRQHandler,    DUALTIMER_IRQHandler, SPI_IRQHandler,
        UARTOVF_IRQHandler,   ETHERNET_IRQHandler,  I2S_IRQHandler,       TSC_IRQHandler,
        GPIO2_IRQHandler,     GPIO3_IRQHandler,     UART3RX_IRQHandler,   UART3TX_IRQHandler,
        UART4RX_IRQHandler,   UART4TX_IRQHandler,   SPI2_IRQHandler,      SPI3_IRQHandler,
        GPIO0PIN0_IRQHandler, GPIO0PIN1_IRQHandler, GPIO0PIN2_IRQHandler, GPIO0PIN3_IRQHandler,
        GPIO0PIN4_IRQHandler, GPIO0PIN5_IRQHandler, GPIO0PIN6_IRQHandler, GPIO0PIN7_IRQHandler,
    },
};
