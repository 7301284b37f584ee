// The cost of one recorded event on the board, in instructions: under QEMU's -icount (shift=0:
// one instruction per nanosecond of virtual time) a loop of kN trace::user() calls, less the same
// loop empty, over kN. Reported (docs/tracing.md), bounded loosely as a regression check.
#include "check.hpp"
#include "irqio/cortex_m.hpp"
#include "irqio/irqio.hpp"

namespace {
constexpr uint32_t kN = 20000;
irqio::trace::Slot g_slots[256];
}  // namespace

int main() {
    irqio::trace::set_buffer(g_slots, 256);
    irqio::Port& port = irqio::port::default_port();
    const uint64_t t0 = port.now_us();
    for (uint32_t i = 0; i < kN; ++i) asm volatile("" ::"r"(i) : "memory");
    const uint64_t t1 = port.now_us();
    for (uint32_t i = 0; i < kN; ++i) irqio::trace::user(1, i);
    const uint64_t t2 = port.now_us();
    const uint64_t per_event_milli = ((t2 - t1) - (t1 - t0)) * 1000 * 1000 / kN;
    cm_test::report("trace: instructions per event (x1000)", per_event_milli);
    CM_CHECK(irqio::trace::written() == kN);
    CM_CHECK(irqio::trace::lost() == kN - 256);
    CM_CHECK(per_event_milli > 10'000 && per_event_milli < 400'000);  // M3 LTO ~80, M0 ~250
    return 0;
}
