// The link-time hooks of irqio/port.hpp that are the same on every Cortex-M: masking with PRIMASK
// and the stop on a broken contract. The board's port defines the ones that name its Port
// (default_port, clock_us).
#include "irqio/cortex_m/irq.hpp"
#include "irqio/cortex_m/semihosting.hpp"
#include "irqio/port.hpp"

// Prints the broken contract; defined in cpu/src/diagnostics.cpp, absent unless that is linked.
extern "C" [[gnu::weak]] void irqio_report_fatal(const char* what, const char* file,
                                                 int line) noexcept;

namespace irqio::port {

IrqState irq_save() noexcept {
    return cortex_m::irq_disable();
}
void irq_restore(IrqState previous) noexcept {
    cortex_m::irq_restore(previous);
}

void fatal(const char* what, const char* file, int line) noexcept {
    cortex_m::irq_disable();
    if (irqio_report_fatal) irqio_report_fatal(what, file, line);
    cortex_m::semihosting::exit(cortex_m::semihosting::kExitFatal);
}

}  // namespace irqio::port
