// The interrupt-to-task path, measured by ports/cortex_m/measure-latency.py from QEMU's
// instruction trace: a task waits with the loop asleep (wfi); the dual timer's interrupt handler
// (the user hook) wakes it; the task's first action after the wait is a call to
// irqio_latency_marker(). The script counts the instructions executed from the handler's first
// instruction to the marker's, in the last of kRounds identical rounds.
//
// Built twice: cm_latency waits on a ThreadSafeFlag (one interrupt, one task: the common case);
// cm_latency_event (IRQIO_LATENCY_EVENT) waits on an Event, whose wake takes the general path
// (the Event's inbox node drained, its waiters woken through the run queue).
#include "check.hpp"
#include "irqio/cortex_m.hpp"
#include "irqio/irqio.hpp"
#include "test_timer.hpp"

extern "C" [[gnu::noinline, gnu::used]] void irqio_latency_marker() {
    asm volatile("" ::: "memory");
}

namespace {

using namespace irqio;

constexpr int kRounds = 4;
FramePool<256, 2> g_pool;

#if IRQIO_LATENCY_EVENT
Event g_event;

void on_timer(void*) {
    g_event.set();
}

Task<int> waiter() {
    for (int i = 0; i < kRounds; ++i) {
        g_event.clear();
        cm_test::TestTimer::start_oneshot(200, on_timer, nullptr);
        co_await g_event.wait();
        irqio_latency_marker();
    }
    co_return 0;
}
#else
ThreadSafeFlag g_flag;

void on_timer(void*) {
    g_flag.set();
}

Task<int> waiter() {
    for (int i = 0; i < kRounds; ++i) {
        cm_test::TestTimer::start_oneshot(200, on_timer, nullptr);
        co_await g_flag.wait();
        irqio_latency_marker();
    }
    co_return 0;
}
#endif

}  // namespace

int main() {
    FrameAllocatorScope scope(g_pool);
    int rc = run(waiter());
    cm_test::sh::write("PASS\n");
    return rc;
}
