// What every vector table shares: the start-up symbols it points at, Default_Handler, the weak
// handlers of the system exceptions and the table's layout. Included by the one source of a
// program that defines its table (a board's src/vectors.cpp, or cpu/src/vectors_by_line.cpp),
// which declares its lines' handlers with IRQIO_WEAK_HANDLER. Private to irqio_cortex_m.
//
// Default_Handler is defined here rather than in a source of its own because every weak handler
// is an alias of it, and an alias must name a function of its own translation unit.
#pragma once
#include <cstddef>
#include <cstdint>

#include "irqio/cortex_m/irq.hpp"
#include "irqio/cortex_m/semihosting.hpp"

extern "C" {
extern char __stack_top[];          // the board's linker script: the (first) core's stack
[[noreturn]] void Reset_Handler();  // cpu/src/startup.cpp
void HardFault_Handler();           // cpu/src/startup.cpp
// cpu/src/diagnostics.cpp, when the program links it (irqio_cortex_m_diagnostics)
[[gnu::weak]] void irqio_report_exception(uint32_t exception) noexcept;
}

// Stops the program on an exception without a handler: a silent infinite loop would only show up
// as a test timeout. (Not [[noreturn]]: its aliases must carry the same attributes as their
// target, and handlers in vector tables are plain void functions.)
extern "C" void Default_Handler() noexcept {
    namespace sh = irqio::cortex_m::semihosting;
    if (irqio_report_exception) irqio_report_exception(irqio::cortex_m::active_exception());
    sh::exit(sh::kExitUnexpected);
}

// A handler that a driver overrides by defining a function of the same name; until then it is
// Default_Handler.
#define IRQIO_WEAK_HANDLER(name) \
    extern "C" [[gnu::weak, gnu::alias("Default_Handler")]] void name() noexcept;

IRQIO_WEAK_HANDLER(NMI_Handler)
IRQIO_WEAK_HANDLER(MemManage_Handler)
IRQIO_WEAK_HANDLER(BusFault_Handler)
IRQIO_WEAK_HANDLER(UsageFault_Handler)
IRQIO_WEAK_HANDLER(SecureFault_Handler)
IRQIO_WEAK_HANDLER(SVC_Handler)
IRQIO_WEAK_HANDLER(DebugMon_Handler)
IRQIO_WEAK_HANDLER(PendSV_Handler)
IRQIO_WEAK_HANDLER(SysTick_Handler)

namespace irqio::cortex_m::vectors {

using Handler = void (*)();

// The handlers of exceptions 2..15 (NMI to SysTick), the same in every table and on every core.
// A reserved slot is null; SecureFault's (7) exists on ARMv8-M Mainline only.
struct SystemHandlers {
    Handler exception[14];
};

#ifdef __ARM_ARCH_8M_MAIN__
#define IRQIO_SECURE_FAULT_SLOT SecureFault_Handler
#else
#define IRQIO_SECURE_FAULT_SLOT nullptr
#endif
inline constexpr SystemHandlers kSystemHandlers = {{
    NMI_Handler,
    HardFault_Handler,
    MemManage_Handler,
    BusFault_Handler,
    UsageFault_Handler,
    IRQIO_SECURE_FAULT_SLOT,
    nullptr,
    nullptr,
    nullptr,
    SVC_Handler,
    DebugMon_Handler,
    nullptr,
    PendSV_Handler,
    SysTick_Handler,
}};
#undef IRQIO_SECURE_FAULT_SLOT

// The table as the core reads it: SP and PC from the first two words at reset, then the system
// exceptions and the NVIC lines 0..Lines-1 in order.
template <size_t Lines>
struct VectorTable {
    void* initial_sp;
    Handler reset;
    SystemHandlers system;
    Handler external[Lines];
};

}  // namespace irqio::cortex_m::vectors
