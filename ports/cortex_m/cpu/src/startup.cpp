// Start-up for ARMv6-M/7-M/8-M: Reset_Handler (initialise memory, run static constructors, call
// main, exit through semihosting) and the HardFault report. HardFault_Handler is weak: a program
// overrides it by defining a function of the same name.
#include <cstdint>

#include "irqio/cortex_m/irq.hpp"
#include "irqio/cortex_m/semihosting.hpp"

// Symbols from the board's linker script (boards/<board>/<board>.ld).
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
[[gnu::weak]] void irqio_report_fault(const uint32_t* frame) noexcept;
[[gnu::weak]] void irqio_report_pure_virtual() noexcept;
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

// The vector table is the board's (boards/<board>/src/vectors.cpp, or cpu/src/vectors_by_line.cpp):
// it points at Reset_Handler and HardFault_Handler here, and at the weak handlers of the system
// exceptions and the device's interrupt lines, all aliases of Default_Handler (vector_table.hpp).
