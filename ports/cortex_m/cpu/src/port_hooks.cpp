// The link-time hooks of irqio/port.hpp, the same on every Cortex-M board: masking with PRIMASK,
// the stop on a broken contract, and the default port, which is the board's CortexMPort
// (irqio/cortex_m.hpp, from the board's include folder: CortexMPort::instance() is the calling
// core's port).
#include "irqio/cortex_m.hpp"
#include "irqio/cortex_m/irq.hpp"
#include "irqio/cortex_m/semihosting.hpp"
#include "irqio/port.hpp"

// Prints the broken contract; defined in cpu/src/diagnostics.cpp, absent unless that is linked.
extern "C" [[gnu::weak]] void irqio_report_fatal(const char* what, const char* file,
                                                 int line) noexcept;

namespace irqio::port {

// The calling core's port, started on first use.
Port& default_port() noexcept {
    cortex_m::CortexMPort& port = cortex_m::CortexMPort::instance();
    if (!port.started()) port.start();
    return port;
}

uint64_t clock_us() noexcept {
    return default_port().now_us();
}

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
