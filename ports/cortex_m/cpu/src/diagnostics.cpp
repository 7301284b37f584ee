// Human-readable reports of the ways a bare-metal program can stop: an exception without a
// handler, a HardFault (with the stacked registers and, on ARMv7-M, the fault status), and a
// broken contract (IRQIO_ASSERT). The start-up code and port::fatal call these through weak
// references, so they cost nothing in a program that does not link this object.
#include <cstdint>

#include "irqio/cortex_m/semihosting.hpp"

namespace sh = irqio::cortex_m::semihosting;

extern "C" void irqio_report_exception(uint32_t exception) noexcept {
    sh::write("irqio: unexpected exception ");
    sh::write_dec(exception);
    if (exception >= 16) {
        sh::write(" (IRQ ");
        sh::write_dec(exception - 16);
        sh::write(")");
    }
    sh::write("\n");
}

extern "C" void irqio_report_fault(const uint32_t* frame) noexcept {
    sh::write("irqio: HardFault at pc=");
    sh::write_hex(frame[6]);
    sh::write(" lr=");
    sh::write_hex(frame[5]);
#if defined(__ARM_ARCH_7M__) || defined(__ARM_ARCH_7EM__)
    // ARMv7-M says why: CFSR (configurable fault status), HFSR and the faulting address.
    sh::write(" cfsr=");
    sh::write_hex(*reinterpret_cast<volatile uint32_t*>(0xE000ED28));
    sh::write(" hfsr=");
    sh::write_hex(*reinterpret_cast<volatile uint32_t*>(0xE000ED2C));
    sh::write(" bfar=");
    sh::write_hex(*reinterpret_cast<volatile uint32_t*>(0xE000ED38));
#endif
    sh::write("\n");
}

extern "C" void irqio_report_pure_virtual() noexcept {
    sh::write("irqio: pure virtual call\n");
}

extern "C" void irqio_report_fatal(const char* what, const char* file, int line) noexcept {
    sh::write("irqio fatal: ");
    sh::write(what ? what : "assertion failed");  // no text in IRQIO_ASSERT_TEXT=0 builds
    sh::write(" (");
    sh::write(file);
    sh::write(":");
    sh::write_dec(static_cast<uint32_t>(line));
    sh::write(")\n");
}
