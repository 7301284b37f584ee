// The interrupt-to-task path, measured by ports/cortex_m/measure-latency.py from QEMU's
// instruction trace: a task waits with the loop asleep (wfi); the dual timer's interrupt handler
// (the user hook) wakes it; the task's first action after the wait is a call to
// irqio_latency_marker(). The script counts the instructions executed from the handler's first
// instruction to the marker's, in the last of kRounds identical rounds.
//
// Built several ways: cm_latency waits on a ThreadSafeFlag (one interrupt, one task: the common
// case); cm_latency_event (IRQIO_LATENCY_EVENT) waits on an Event, whose wake takes the general
// path (the Event's inbox node drained, its waiters woken through the run queue);
// cm_latency_level (IRQIO_LATENCY_LEVEL) waits on the flag in a task of an interrupt level (an
// InterruptLoop on an unused NVIC line). IRQIO_LATENCY_BUSY adds a thread-mode task whose steps
// spin for 100'000 instructions each, so the interrupt lands inside one: the level's figure stays
// the same, the cooperative task's waits for the rest of the step.
#ifndef IRQIO_LATENCY_BUSY
#define IRQIO_LATENCY_BUSY 0
#endif
#include "check.hpp"
#include "irqio/cortex_m.hpp"
#include "irqio/cortex_m/irq_level.hpp"
#include "irqio/irqio.hpp"
#include "test_timer.hpp"

extern "C" [[gnu::noinline, gnu::used]] void irqio_latency_marker() {
    asm volatile("" ::: "memory");
}

namespace {

using namespace irqio;

constexpr int kRounds = IRQIO_LATENCY_BUSY ? 2 : 4;
FramePool<256, 4> g_pool;

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
        // Busy: the timer fires about 30'000 instructions into a 100'000-instruction step.
        cm_test::TestTimer::start_oneshot(IRQIO_LATENCY_BUSY ? 30 : 200, on_timer, nullptr);
        co_await g_flag.wait();
        irqio_latency_marker();
    }
    co_return 0;
}
#endif

#if IRQIO_LATENCY_BUSY
volatile bool g_done = false;
// A thread-mode task whose every step spins for about 100'000 instructions (4 per turn).
Task<void> busy() {
    while (!g_done) {
        for (uint32_t i = 0; i < 25'000; ++i) __asm__ volatile("" ::: "memory");
        co_await sleep_ms(0);
    }
}
#endif

#if IRQIO_LATENCY_LEVEL
using cortex_m::CortexMPort;
constexpr unsigned kLevelIrq = 13;  // Ethernet: nothing drives it here
cortex_m::SysTickLevelAlarm g_alarm(CortexMPort::instance(), cortex_m::board::kTicksPerUs);
cortex_m::IrqLevel g_level_port(kLevelIrq, 0x80, CortexMPort::instance(), g_alarm);
FramePool<256, 4> g_level_pool;
InterruptLoop* g_level = nullptr;
#endif

Task<int> body() {
#if IRQIO_LATENCY_BUSY
    auto b = create_task(busy());
#endif
#if IRQIO_LATENCY_LEVEL
    auto w = spawn(*g_level, waiter());
#else
    auto w = create_task(waiter(), Priority::high);  // the cooperative path at its best
#endif
    auto r = co_await w;
#if IRQIO_LATENCY_BUSY
    g_done = true;
    co_await b;
#endif
    co_return r.ok() ? r.value() : 1;
}

}  // namespace

#if IRQIO_LATENCY_LEVEL
extern "C" void ETHERNET_IRQHandler() {
    g_level->serve();
}
#endif

int main() {
    port::default_port();
#if IRQIO_LATENCY_LEVEL
    static InterruptLoop level(g_level_port, g_level_pool);
    g_level = &level;
    g_level_port.start();
#endif
    FrameAllocatorScope scope(g_pool);
    int rc = run(body());
    cm_test::sh::write("PASS\n");
    return rc;
}
