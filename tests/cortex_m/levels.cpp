// Interrupt levels on the Cortex-M board: two InterruptLoops on otherwise unused NVIC lines (low
// and high priority) beside the thread-mode loop. Exact preemption order; a long thread-mode step
// preempted with a latency that does not depend on its length; every any-context object across
// levels both ways; a storm with exact accounting; spawn, cancel and wait_for across levels;
// timers of two levels on one SysTick alarm; each level's deepest stack, measured by painting.
#include "check.hpp"
#include "irqio/cortex_m.hpp"
#include "irqio/cortex_m/irq_level.hpp"
#include "irqio/irqio.hpp"
#include "test_timer.hpp"

extern "C" char end[];  // the end of static data (linker script); the stack grows down to it

namespace {

using namespace irqio;
using irqio::cortex_m::CortexMPort;
using irqio::cortex_m::IrqLevel;
using irqio::cortex_m::SysTickLevelAlarm;
namespace board = irqio::cortex_m::board;

constexpr unsigned kLowIrq = 13, kHighIrq = 14;  // Ethernet and I2S: nothing drives them here

SysTickLevelAlarm g_alarm(CortexMPort::instance(), board::kTicksPerUs);
IrqLevel g_low_port(kLowIrq, 0x80, CortexMPort::instance(), g_alarm);
IrqLevel g_high_port(kHighIrq, 0x40, CortexMPort::instance(), g_alarm);
FramePool<256, 12> g_thread_pool, g_low_pool, g_high_pool;
InterruptLoop* g_low = nullptr;
InterruptLoop* g_high = nullptr;

// The deepest SP each level's handler was entered at (stack painting, below).
uintptr_t g_low_entry = UINTPTR_MAX, g_high_entry = UINTPTR_MAX;
[[gnu::always_inline]] inline uintptr_t sp_now() {
    uintptr_t sp;
    __asm__ volatile("mov %0, sp" : "=r"(sp));
    return sp;
}

// Who ran when; levels nest on one stack, so plain appends are enough.
struct Trace {
    char text[128] = {};
    unsigned len = 0;
    void add(const char* s) {
        if (len) text[len++] = ' ';
        while (*s && len + 1 < sizeof text) text[len++] = *s++;
        text[len] = 0;
    }
    bool is(const char* want) const {
        unsigned i = 0;
        for (; want[i]; ++i)
            if (text[i] != want[i]) return false;
        return text[i] == 0;
    }
    void clear() {
        len = 0;
        text[0] = 0;
    }
};
Trace g_trace;

// ---- 1. exact preemption order: thread mode, low, high ----
ThreadSafeFlag g_wake_low, g_wake_high;
Task<void> order_high() {
    for (int i = 0; i < 2; ++i) {
        co_await g_wake_high.wait();
        g_trace.add("H");
    }
}
Task<void> order_low() {
    for (int i = 0; i < 2; ++i) {
        co_await g_wake_low.wait();
        g_trace.add("L<");
        g_wake_high.set();  // the high level preempts right here
        g_trace.add("L>");
    }
}
Task<void> preemption_order() {
    auto h = spawn(*g_high, order_high());
    auto l = spawn(*g_low, order_low());
    for (int i = 0; i < 2; ++i) {
        g_trace.add("T<");
        g_wake_low.set();  // the low level preempts right here
        g_trace.add("T>");
    }
    co_await h;
    co_await l;
    if (!g_trace.is("T< L< H L> T> T< L< H L> T>")) {
        cortex_m::semihosting::write(g_trace.text);
        cortex_m::semihosting::write("\n");
    }
    CM_CHECK(g_trace.is("T< L< H L> T> T< L< H L> T>"));
}

// ---- 2. a long thread-mode step: the level runs inside it, with the same latency ----
ThreadSafeFlag g_tick;
volatile bool g_in_step = false;
volatile uint32_t g_fired_at = 0, g_ran_at = 0;
volatile bool g_ran_in_step = false;
void on_tick(void* flag) {
    g_fired_at = cm_test::TestTimer::counter();
    static_cast<ThreadSafeFlag*>(flag)->set();
}
Task<void> tick_waiter(int rounds) {
    for (int i = 0; i < rounds; ++i) {
        co_await g_tick.wait();
        g_ran_at = cm_test::TestTimer::counter();
        g_ran_in_step = g_in_step;
    }
}
// Spins `n` turns (a step that never awaits) with the timer due in its middle; returns the timer
// ticks from the interrupt to the waiting task.
uint32_t one_long_step(uint32_t n) {
    g_ran_in_step = false;
    g_in_step = true;
    cm_test::TestTimer::start_oneshot(50, on_tick, &g_tick);
    for (uint32_t i = 0; i < n; ++i) __asm__ volatile("" ::: "memory");
    g_in_step = false;
    return g_fired_at - g_ran_at;  // a down-counter
}
Task<void> long_step() {
    auto h = spawn(*g_low, tick_waiter(2));
    const uint32_t short_step = one_long_step(20'000);
    CM_CHECK(g_ran_in_step);
    const uint32_t long_step = one_long_step(200'000);
    CM_CHECK(g_ran_in_step);
    co_await h;
    // (In timer ticks: equal, and small. The exact figures, in instructions, come from
    // cm_latency_level and cm_latency_level_busy.)
    CM_CHECK(long_step == short_step && short_step < 25);
    // The cooperative contrast: a high-priority thread-mode task waits for the step's end.
    auto coop = create_task(tick_waiter(1), Priority::high);
    co_await sleep_ms(0);
    one_long_step(20'000);
    CM_CHECK(!g_ran_in_step);
    co_await coop;
    CM_CHECK(!g_ran_in_step);
}

// ---- 3. every any-context object, thread mode to a level and back ----
Event g_ev_down, g_ev_up;
ThreadSafeFlag g_fl_down, g_fl_up;
ThreadSafeQueue<int, 4> g_q_down, g_q_up;
Semaphore g_sem_down(0), g_sem_up(0);
Task<int> across_level() {
    co_await g_ev_down.wait();
    g_trace.add("ev");
    g_ev_up.set();
    co_await g_fl_down.wait();
    g_trace.add("fl");
    g_fl_up.set();
    auto v = co_await g_q_down.get();
    g_trace.add(v.ok() && v.value() == 7 ? "q7" : "q?");
    CM_CHECK(g_q_up.try_put(8));
    co_await g_sem_down.acquire();
    g_trace.add("sem");
    g_sem_up.release();
    co_return 5;
}
Task<void> every_any_object() {
    g_trace.clear();
    auto h = spawn(*g_low, across_level());
    g_ev_down.set();
    co_await g_ev_up.wait();
    g_fl_down.set();
    co_await g_fl_up.wait();
    CM_CHECK(g_q_down.try_put(7));
    auto v = co_await g_q_up.get();
    CM_CHECK(v.ok() && v.value() == 8);
    g_sem_down.release();
    co_await g_sem_up.acquire();
    auto r = co_await h;
    CM_CHECK(r.ok() && r.value() == 5);
    CM_CHECK(g_trace.is("ev fl q7 sem"));
    // schedule_on a level: the callback runs inside the level's handler, before the call returns.
    static Loop* seen = nullptr;
    CM_CHECK(schedule_on(
        *g_high, [](void*) { seen = Loop::current(); }, nullptr));
    CM_CHECK(seen == g_high);
}

// ---- 4. a storm: the timer feeds the low level, the low level the high one, both the thread ----
constexpr uint32_t kStorm = 3000;
ThreadSafeQueue<uint32_t, 8> g_storm_q;  // timer handler -> low level
Semaphore g_storm_sem(0);                // low level -> high level, one permit per item
ThreadSafeQueue<uint32_t, 8> g_done_q;   // high level -> thread mode
volatile uint32_t g_produced = 0;
// The timer is more urgent than both levels (priority 0) and re-arms itself after a delay that
// sweeps 250..446 ticks in steps of one (40 instructions), so its handler lands at many points of
// both levels' code, their run queues and inboxes included.
uint32_t g_storm_ticks = 0;
void on_storm_tick(void*) {
    const uint32_t next = g_produced;
    if (next < kStorm && g_storm_q.try_put(next)) g_produced = next + 1;
    if (g_produced < kStorm) {
        g_storm_ticks = g_storm_ticks + 1;
        cm_test::TestTimer::start_oneshot_ticks(250 + g_storm_ticks % 197, on_storm_tick, nullptr,
                                                0x00);
    }
}
Task<uint32_t> storm_low() {
    uint32_t sum = 0;
    for (uint32_t i = 0; i < kStorm; ++i) {
        auto v = co_await g_storm_q.get();
        CM_CHECK(v.ok() && v.value() == i);  // in order, none missing
        sum += v.value();
        g_storm_sem.release();
    }
    co_return sum;
}
Task<void> storm_high() {
    for (uint32_t i = 0; i < kStorm; ++i) {
        co_await g_storm_sem.acquire();
        auto r = co_await g_done_q.put(i);  // waits for thread mode to make room
        CM_CHECK(r.ok());
    }
}
Task<void> storm() {
    auto lo = spawn(*g_low, storm_low());
    auto hi = spawn(*g_high, storm_high());
    cm_test::TestTimer::start_oneshot_ticks(250, on_storm_tick, nullptr, 0x00);
    uint32_t next = 0;
    while (next < kStorm) {
        auto v = co_await g_done_q.get();
        CM_CHECK(v.ok() && v.value() == next);
        ++next;
    }
    cm_test::TestTimer::stop();
    auto sum = co_await lo;
    co_await hi;
    CM_CHECK(sum.ok() && sum.value() == kStorm * (kStorm - 1) / 2);
    CM_CHECK(g_done_q.dropped() == 0);
    cm_test::report("storm_items", next);
    // A tick that found the low level's queue full counted a drop and offered the item again.
    cm_test::report("storm_full_ticks", g_storm_q.dropped());
}

// ---- 5. spawn, cancel and wait_for across levels ----
bool g_cleaned = false;
struct Cleanup {
    ~Cleanup() { g_cleaned = true; }
};
Event g_never;
Task<int> sleeper() {
    Cleanup c;
    co_await sleep_ms(50);
    co_return 1;
}
Task<int> never_done() {
    Cleanup c;
    co_await g_never.wait();
    co_return 2;
}
Task<int> thread_side() {
    co_await sleep_ms(1);
    co_return 9;
}
Task<int> level_awaits_thread(Loop* thread_loop) {
    auto h = spawn(*thread_loop, thread_side());
    auto r = co_await wait_for_ms(h, 100);
    co_return r.ok() ? r.value() : -1;
}
Task<void> cancel_across() {
    g_cleaned = false;
    auto h = spawn(*g_low, sleeper());
    auto r = co_await wait_for_ms(h, 2);
    CM_CHECK(r.error() == Error::timed_out);
    CM_CHECK(g_cleaned && h.done() && h.cancelled());  // cleanup ran before wait_for returned

    g_cleaned = false;
    auto n = spawn(*g_high, never_done());
    CM_CHECK(!n.done());
    n.cancel();  // the level preempts the call: the task is finished when cancel() returns
    CM_CHECK(n.done() && g_cleaned);
    auto rn = co_await n;
    CM_CHECK(rn.error() == Error::cancelled);

    auto back = spawn(*g_low, level_awaits_thread(Loop::current()));
    auto rb = co_await back;
    CM_CHECK(rb.ok() && rb.value() == 9);
}

// ---- 6. timers of two levels on one alarm ----
uint64_t g_woke_low = 0, g_woke_high = 0;
Task<void> timed(uint32_t ms, uint64_t* woke) {
    co_await sleep_ms(ms);
    *woke = CortexMPort::instance().now_us();
}
Task<void> level_timers() {
    const uint64_t t0 = CortexMPort::instance().now_us();
    auto l = spawn(*g_low, timed(3, &g_woke_low));
    auto h = spawn(*g_high, timed(1, &g_woke_high));
    co_await l;
    co_await h;
    CM_CHECK(g_woke_high >= t0 + 1000 && g_woke_low >= t0 + 3000);
    CM_CHECK(g_woke_high < g_woke_low);
    CM_CHECK(g_alarm.fired() >= 2);
}

// ---- 7. the deepest stack of each level, by painting ----
constexpr uint32_t kPaint = 0xC0DEFACEu;
void paint() {
    uint32_t* p = reinterpret_cast<uint32_t*>((reinterpret_cast<uintptr_t>(end) + 3) & ~3u);
    uint32_t* top = reinterpret_cast<uint32_t*>(sp_now() - 128);
    while (p < top) *p++ = kPaint;
}
uintptr_t lowest_touched() {
    uint32_t* p = reinterpret_cast<uint32_t*>((reinterpret_cast<uintptr_t>(end) + 3) & ~3u);
    while (*p == kPaint) ++p;
    return reinterpret_cast<uintptr_t>(p);
}
Task<int> nested_work(int depth) {
    if (depth == 0) co_return 0;
    co_await sleep_ms(0);
    co_return 1 + co_await nested_work(depth - 1);
}
Task<void> stack_depth() {
    uint32_t used[2];
    InterruptLoop* levels[2] = {g_low, g_high};
    uintptr_t* entries[2] = {&g_low_entry, &g_high_entry};
    for (int i = 0; i < 2; ++i) {
        *entries[i] = UINTPTR_MAX;
        paint();
        auto h = spawn(*levels[i], nested_work(4));
        auto r = co_await h;
        CM_CHECK(r.ok() && r.value() == 4);
        used[i] = static_cast<uint32_t>(*entries[i] - lowest_touched());
    }
    cm_test::report("low_level_stack_bytes", used[0]);
    cm_test::report("high_level_stack_bytes", used[1]);
    CM_CHECK(used[0] > 0 && used[0] < 1024);
    CM_CHECK(used[1] > 0 && used[1] < 1024);
}

Task<int> all() {
    co_await preemption_order();
    co_await long_step();
    co_await every_any_object();
    co_await storm();
    co_await cancel_across();
    co_await level_timers();
    co_await stack_depth();
    co_return 0;
}

}  // namespace

extern "C" void ETHERNET_IRQHandler() {
    const uintptr_t sp = sp_now();
    if (sp < g_low_entry) g_low_entry = sp;
    g_low->serve();
}
extern "C" void I2S_IRQHandler() {
    const uintptr_t sp = sp_now();
    if (sp < g_high_entry) g_high_entry = sp;
    g_high->serve();
}

int main() {
    port::default_port();  // starts the board's clock
    static InterruptLoop low(g_low_port, g_low_pool);
    static InterruptLoop high(g_high_port, g_high_pool);
    g_low = &low;
    g_high = &high;
    g_low_port.start();
    g_high_port.start();
    FrameAllocatorScope frames(g_thread_pool);
    Loop loop(port::default_port());
    CM_CHECK(loop.run(all()) == 0);
    cortex_m::semihosting::write(
        "cm_levels: order, long step, any objects, storm, cancel, timers, stack\n");
    return 0;
}
