// Start-up for mps2-an385: the vector table, Reset_Handler (initialise memory, run static
// constructors, call main, exit through semihosting) and the fault and default handlers.
// Every handler below is weak: a driver overrides one by defining a function of the same name.
#include <cstdint>

#include "irqio/cortex_m/irq.hpp"
#include "irqio/cortex_m/semihosting.hpp"

// Symbols from the linker script mps2_an385.ld.
extern "C" {
extern char __stack_top[];
extern uint32_t __data_load__[], __data_start__[], __data_end__[];
extern uint32_t __bss_start__[], __bss_end__[];
using InitFn = void (*)();
extern InitFn __preinit_array_start[], __preinit_array_end[];
extern InitFn __init_array_start[], __init_array_end[];
}

// The program's main (a C++ program may not name ::main, so bind to its symbol instead).
extern "C" int irqio_application_main() asm("main");

namespace sh = irqio::cortex_m::semihosting;

extern "C" [[noreturn]] void Reset_Handler() {
    // Plain word loops: nothing here may rely on initialised data or on a library's state.
    for (uint32_t *src = __data_load__, *dst = __data_start__; dst < __data_end__;) *dst++ = *src++;
    for (uint32_t* dst = __bss_start__; dst < __bss_end__;) *dst++ = 0;
    for (InitFn* fn = __preinit_array_start; fn < __preinit_array_end; ++fn) (*fn)();
    for (InitFn* fn = __init_array_start; fn < __init_array_end; ++fn) (*fn)();
    // Static destructors never run: the program ends by leaving the emulator.
    sh::exit(irqio_application_main());
}

// What went wrong is reported only when the program links src/diagnostics.cpp (target
// irqio_cortex_m_diagnostics, which every test links): the reports need semihosting text output,
// a few hundred bytes a shipped firmware may not want. Without them the exit code still tells.
extern "C" {
[[gnu::weak]] void irqio_report_exception(uint32_t exception) noexcept;
[[gnu::weak]] void irqio_report_fault(const uint32_t* frame) noexcept;
[[gnu::weak]] void irqio_report_pure_virtual() noexcept;
}

// Stops the program on an exception without a handler: a silent infinite loop would only show up
// as a test timeout. (Not [[noreturn]]: its aliases below must carry the same attributes as their
// target, and handlers in vector tables are plain void functions.)
extern "C" void Default_Handler() noexcept {
    if (irqio_report_exception) irqio_report_exception(irqio::cortex_m::active_exception());
    sh::exit(sh::kExitUnexpected);
}

// frame: the registers the core stacked on exception entry (r0-r3, r12, lr, pc, xpsr).
extern "C" [[noreturn, gnu::used]] void irqio_fault_report(const uint32_t* frame) {
    if (irqio_report_fault) irqio_report_fault(frame);
    sh::exit(sh::kExitHardFault);
}

// Finds the stacked frame (on the main or the process stack, by bit 2 of EXC_RETURN) and
// reports it. Thumb-1 instructions only, so it also assembles for ARMv6-M; bl rather than b
// because ARMv6-M's b reaches only +-2 KiB (lr is not needed: the report never returns).
extern "C" [[gnu::naked, gnu::weak]] void HardFault_Handler() {
    asm volatile(
        "movs r0, #4\n\t"
        "mov r1, lr\n\t"
        "tst r0, r1\n\t"
        "bne 1f\n\t"
        "mrs r0, msp\n\t"
        "bl irqio_fault_report\n"
        "1:\n\t"
        "mrs r0, psp\n\t"
        "bl irqio_fault_report\n\t");
}

// The C++ runtime's hooks, answered without pulling libstdc++'s terminate machinery in.
extern "C" [[noreturn]] void __cxa_pure_virtual() {
    if (irqio_report_pure_virtual) irqio_report_pure_virtual();
    sh::exit(sh::kExitFatal);
}

// Static destructors never run (a program ends by leaving the emulator, or never ends), so
// registering them is a no-op: this keeps newlib's atexit tables out of RAM and flash. crtbegin,
// left out by -nostartfiles, would define __dso_handle, the registration's module handle.
extern "C" {
void* __dso_handle = nullptr;
int __cxa_atexit(void (*)(void*), void*, void*) {
    return 0;
}
}

// newlib's abort() and exit() end here; a non-weak definition in this object wins over libnosys.
extern "C" [[noreturn]] void _exit(int code) {
    sh::exit(code);
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
// External lines of AN385, in NVIC order.
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
