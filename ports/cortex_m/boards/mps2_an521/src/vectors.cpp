// The vector tables of mps2-an521: one per core, the same handlers, each core's own stack and
// reset entry. Lines 0..31 are the SSE-200's (armsse.c), 32 and up the FPGA's (mps2-tz.c); the
// table covers the first 64. Every handler here is weak: a driver overrides one by defining a
// function of the same name; the others report an unexpected exception and stop.
#include "vector_table.hpp"

extern "C" {
extern char __core1_stack_top[];          // mps2_an521.ld: core 1's stack
[[noreturn]] void Core1_Reset_Handler();  // src/cortex_m_port.cpp
}

IRQIO_WEAK_HANDLER(NSWATCHDOG_RESET_IRQHandler)
IRQIO_WEAK_HANDLER(NSWATCHDOG_IRQHandler)
IRQIO_WEAK_HANDLER(S32KTIMER_IRQHandler)
IRQIO_WEAK_HANDLER(TIMER0_IRQHandler)
IRQIO_WEAK_HANDLER(TIMER1_IRQHandler)
IRQIO_WEAK_HANDLER(DUALTIMER_IRQHandler)
IRQIO_WEAK_HANDLER(MHU0_IRQHandler)
IRQIO_WEAK_HANDLER(MHU1_IRQHandler)
IRQIO_WEAK_HANDLER(UART0RX_IRQHandler)
IRQIO_WEAK_HANDLER(UART0TX_IRQHandler)
IRQIO_WEAK_HANDLER(UART1RX_IRQHandler)
IRQIO_WEAK_HANDLER(UART1TX_IRQHandler)
IRQIO_WEAK_HANDLER(UART2RX_IRQHandler)
IRQIO_WEAK_HANDLER(UART2TX_IRQHandler)
IRQIO_WEAK_HANDLER(UART3RX_IRQHandler)
IRQIO_WEAK_HANDLER(UART3TX_IRQHandler)
IRQIO_WEAK_HANDLER(UART4RX_IRQHandler)
IRQIO_WEAK_HANDLER(UART4TX_IRQHandler)
IRQIO_WEAK_HANDLER(UARTOVF_IRQHandler)

namespace {

using irqio::cortex_m::vectors::Handler;
using irqio::cortex_m::vectors::kSystemHandlers;
using VectorTable = irqio::cortex_m::vectors::VectorTable<64>;

constexpr Handler D = Default_Handler;

// Lines 0..63; D: reserved or unused here (QEMU: 32 + 10 + 5 UART combined, 47 UART overflow).
#define IRQIO_AN521_EXTERNAL                                                                    \
    {                                                                                           \
        NSWATCHDOG_RESET_IRQHandler, NSWATCHDOG_IRQHandler, S32KTIMER_IRQHandler,               \
            TIMER0_IRQHandler,                                                         /* 0 */  \
            TIMER1_IRQHandler, DUALTIMER_IRQHandler, MHU0_IRQHandler, MHU1_IRQHandler, /* 4 */  \
            D, D, D, D,                                                                /* 8 */  \
            D, D, D, D,                                                                /* 12 */ \
            D, D, D, D,                                                                /* 16 */ \
            D, D, D, D,                                                                /* 20 */ \
            D, D, D, D,                                                                /* 24 */ \
            D, D, D, D,                                                                /* 28 */ \
            UART0RX_IRQHandler, UART0TX_IRQHandler, UART1RX_IRQHandler,                         \
            UART1TX_IRQHandler, /* 32 */                                                        \
            UART2RX_IRQHandler, UART2TX_IRQHandler, UART3RX_IRQHandler,                         \
            UART3TX_IRQHandler,                           /* 36 */                              \
            UART4RX_IRQHandler, UART4TX_IRQHandler, D, D, /* 40 */                              \
            D, D, D, UARTOVF_IRQHandler,                  /* 44 */                              \
            D, D, D, D,                                   /* 48 */                              \
            D, D, D, D,                                   /* 52 */                              \
            D, D, D, D,                                   /* 56 */                              \
            D, D, D, D,                                   /* 60 */                              \
    }

}  // namespace

// Core 0's, at the start of code memory (QEMU's INITSVTOR0 reset value, 0x1000_0000). gnu::used
// + KEEP: nothing references it; irqio_vectors is also the symbol the port forces into every
// link (-u irqio_vectors), which pulls this object and the handlers above out of the library.
extern "C" [[gnu::used, gnu::section(".isr_vector")]] const VectorTable irqio_vectors = {
    __stack_top, Reset_Handler, kSystemHandlers, IRQIO_AN521_EXTERNAL};

// Core 1's, which start_core1 writes to INITSVTOR1: a VTOR needs the table's size rounded up to a
// power of two as alignment (80 words: 512 bytes).
extern "C" [[gnu::used, gnu::aligned(512)]] const VectorTable irqio_vectors_core1 = {
    __core1_stack_top, Core1_Reset_Handler, kSystemHandlers, IRQIO_AN521_EXTERNAL};
static_assert(sizeof(VectorTable) <= 512);
