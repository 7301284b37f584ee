// The vector table of mps2-an385: the core's system exceptions (cpu/src/startup.cpp) and AN385's
// 32 external lines in NVIC order. Every line's handler is weak: a driver overrides one by defining
// a function of the same name; the others report an unexpected exception and stop.
#include <cstdint>

extern "C" {
extern char __stack_top[];  // from the linker script, mps2_an385.ld
// cpu/src/startup.cpp
[[noreturn]] void Reset_Handler();
void Default_Handler() noexcept;
void HardFault_Handler();
void NMI_Handler() noexcept;
void MemManage_Handler() noexcept;
void BusFault_Handler() noexcept;
void UsageFault_Handler() noexcept;
void SVC_Handler() noexcept;
void DebugMon_Handler() noexcept;
void PendSV_Handler() noexcept;
void SysTick_Handler() noexcept;

// An alias must name a function of its own translation unit: this one goes on to the core's
// default handler (a tail call, so it reports the same active exception).
void irqio_board_unhandled_irq() noexcept {
    Default_Handler();
}
}

#define IRQIO_BOARD_IRQ(name) \
    extern "C" [[gnu::weak, gnu::alias("irqio_board_unhandled_irq")]] void name() noexcept;

IRQIO_BOARD_IRQ(UART0RX_IRQHandler)
IRQIO_BOARD_IRQ(UART0TX_IRQHandler)
IRQIO_BOARD_IRQ(UART1RX_IRQHandler)
IRQIO_BOARD_IRQ(UART1TX_IRQHandler)
IRQIO_BOARD_IRQ(UART2RX_IRQHandler)
IRQIO_BOARD_IRQ(UART2TX_IRQHandler)
IRQIO_BOARD_IRQ(GPIO0_IRQHandler)
IRQIO_BOARD_IRQ(GPIO1_IRQHandler)
IRQIO_BOARD_IRQ(TIMER0_IRQHandler)
IRQIO_BOARD_IRQ(TIMER1_IRQHandler)
IRQIO_BOARD_IRQ(DUALTIMER_IRQHandler)
IRQIO_BOARD_IRQ(SPI_IRQHandler)
IRQIO_BOARD_IRQ(UARTOVF_IRQHandler)
IRQIO_BOARD_IRQ(ETHERNET_IRQHandler)
IRQIO_BOARD_IRQ(I2S_IRQHandler)
IRQIO_BOARD_IRQ(TSC_IRQHandler)
IRQIO_BOARD_IRQ(GPIO2_IRQHandler)
IRQIO_BOARD_IRQ(GPIO3_IRQHandler)
IRQIO_BOARD_IRQ(UART3RX_IRQHandler)
IRQIO_BOARD_IRQ(UART3TX_IRQHandler)
IRQIO_BOARD_IRQ(UART4RX_IRQHandler)
IRQIO_BOARD_IRQ(UART4TX_IRQHandler)
IRQIO_BOARD_IRQ(SPI2_IRQHandler)
IRQIO_BOARD_IRQ(SPI3_IRQHandler)
IRQIO_BOARD_IRQ(GPIO0PIN0_IRQHandler)
IRQIO_BOARD_IRQ(GPIO0PIN1_IRQHandler)
IRQIO_BOARD_IRQ(GPIO0PIN2_IRQHandler)
IRQIO_BOARD_IRQ(GPIO0PIN3_IRQHandler)
IRQIO_BOARD_IRQ(GPIO0PIN4_IRQHandler)
IRQIO_BOARD_IRQ(GPIO0PIN5_IRQHandler)
IRQIO_BOARD_IRQ(GPIO0PIN6_IRQHandler)
IRQIO_BOARD_IRQ(GPIO0PIN7_IRQHandler)

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
