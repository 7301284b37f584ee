// Tracing on the board: a task waits on a ThreadSafeFlag that the dual timer's handler sets,
// kRounds times; the handler marks its time with IRQIO_TRACE_IRQ. After the run the recording goes
// out over semihosting (cortex_m::dump_trace_semihosting) and trace_host.py checks it with the host
// tool.
#include "check.hpp"
#include "irqio/cortex_m.hpp"
#include "irqio/cortex_m/cmsdk_dualtimer.hpp"
#include "irqio/cortex_m/trace_dump.hpp"
#include "irqio/irqio.hpp"

namespace {

using namespace irqio;

constexpr int kRounds = 20;
// The hook's own id (the port's DUALTIMER_IRQHandler adds 16 + 10 around it when the whole port
// is built with IRQIO_TRACE).
constexpr uint32_t kTimerIrq = 0x100;
FramePool<256, 2> g_pool;
ThreadSafeFlag g_flag;
int g_sets = 0;

void on_timer(void*) {
    IRQIO_TRACE_IRQ(kTimerIrq);
    ++g_sets;
    g_flag.set();
}

Task<int> flag_task() {
    trace::name_current_task("flag");
    for (int i = 0; i < kRounds; ++i) {
        cortex_m::DualTimer::start_oneshot(100 + 37 * (i % 5), on_timer, nullptr);
        co_await g_flag.wait();
        co_await sleep_ms(1);  // a timer of the loop between two interrupts
    }
    co_return 0;
}

}  // namespace

trace::Slot g_slots[1024];

int main() {
    FrameAllocatorScope scope(g_pool);
    trace::set_buffer(g_slots, 1024);
    trace::set_name(kTimerIrq, "timer hook");
    const int rc = run(flag_task());
    cortex_m::DualTimer::stop();
    CM_CHECK(rc == 0);
    CM_CHECK(g_sets == kRounds);
    CM_CHECK(trace::lost() == 0);  // the checks on the host need every record
    cm_test::report("trace records", trace::written());
    cortex_m::dump_trace_semihosting();
    cm_test::report("rounds", kRounds);
    return 0;
}
