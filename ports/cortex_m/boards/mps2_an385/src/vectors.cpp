// The vector table of mps2-an385: the core's system exceptions (cpu/src/vector_table.hpp) and
// AN385's 32 external lines in NVIC order. Every handler here is weak: a driver overrides one by
// defining a function of the same name; the others report an unexpected exception and stop.
#include "vector_table.hpp"

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

using irqio::cortex_m::vectors::VectorTable;

// Placed at address 0 by the linker script; the core loads SP and PC from its first two words.
// gnu::used + KEEP in the script: nothing references it, yet it must survive --gc-sections.
// irqio_vectors is also the symbol the port library forces into every link (-u irqio_vectors),
// which pulls this object, and with it the handlers above, out of the static library.
extern "C" [[gnu::used, gnu::section(".isr_vector")]] const VectorTable<32> irqio_vectors = {
    __stack_top,
    Reset_Handler,
    irqio::cortex_m::vectors::kSystemHandlers,
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
