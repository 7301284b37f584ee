// The portable core on the board: tasks, timers (against an independent hardware timer), the
// tickless idle, cancellation, Event, Lock, Queue, wait_for, TaskGroup, gather, schedule() from
// an interrupt, and priorities (a high waiter woken by an interrupt overtakes ready tasks).
// Each test runs its own irqio::run(); frames come from one FramePool (no heap on bare metal).
#include "check.hpp"
#include "irqio/cortex_m.hpp"
#include "irqio/cortex_m/irq.hpp"
#include "irqio/cortex_m/nvic.hpp"
#include "irqio/irqio.hpp"
#include "named_tests.hpp"
#include "test_timer.hpp"

namespace {

using namespace irqio;
using cm_test::report;
using DualTimer = cm_test::TestTimer;  // the dual timer, or the board's timer (test_timer.hpp)

// Twelve frames of up to 1 KiB; fewer on a board with little RAM (the nRF51's 16 KiB).
#ifndef CM_CORE_FRAMES
#define CM_CORE_FRAMES 12
#endif
FramePool<1024, CM_CORE_FRAMES> g_pool;

cortex_m::CortexMPort& port() {
    return cortex_m::CortexMPort::instance();
}

// A tiny trace of events, to check orders.
struct Trace {
    char buf[32] = {};
    unsigned n = 0;
    void add(char c) {
        if (n < sizeof buf - 1) buf[n++] = c;
    }
    bool is(const char* s) const {
        unsigned i = 0;
        for (; s[i]; ++i)
            if (i >= n || buf[i] != s[i]) return false;
        return i == n;
    }
    void clear() { n = 0; }
};
Trace g_trace;

void expect_trace(const char* want, int line) {
    if (!g_trace.is(want)) {
        g_trace.buf[g_trace.n] = 0;
        cm_test::sh::write("trace: ");
        cm_test::sh::write(g_trace.buf);
        cm_test::sh::write(" want: ");
        cm_test::sh::write(want);
        cm_test::sh::write("\n");
        cm_test::fail("trace differs", line);
    }
}
#define EXPECT_TRACE(s) expect_trace(s, __LINE__)

// ---- tasks ----

Task<int> add_later(int a, int b) {
    co_await yield_now();
    co_return a + b;
}
Task<void> note(char c, int yields) {
    for (int i = 0; i < yields; ++i) co_await yield_now();
    g_trace.add(c);
}
Task<int> test_tasks() {
    g_trace.clear();
    int sum = co_await add_later(2, 3);  // inline sub-task
    CM_CHECK(sum == 5);
    auto a = create_task(note('a', 2));
    auto b = create_task(note('b', 0));
    auto c = create_task(note('c', 1));
    CM_CHECK(!a.done());  // created tasks first run when the creator suspends
    Result<void> ra = co_await a;
    CM_CHECK(ra.ok());
    CM_CHECK(b.done() && c.done());
    EXPECT_TRACE("bca");
    auto v = create_task(add_later(20, 22));
    Result<int> rv = co_await v;
    CM_CHECK(rv.ok() && rv.value() == 42);
    co_return 0;
}

// ---- timers ----

void count_tick(void*) {}

Task<int> test_sleep_accuracy() {
    // The loop's clock (TIMER0) against the dual timer's counter, an independent hardware timer
    // at the same 25 MHz: both must agree on how long sleep_ms(20) took.
    if constexpr (cm_test::kTestTimerHasCounter) {
        DualTimer::start_periodic(100'000'000, count_tick, nullptr);  // 100 s: never wraps here
        uint32_t c0 = DualTimer::counter();
        uint32_t t0 = ticks_us();
        co_await sleep_ms(20);
        uint32_t elapsed = static_cast<uint32_t>(ticks_diff(ticks_us(), t0));
        uint32_t by_dual = cm_test::test_timer_us(c0, DualTimer::counter());
        DualTimer::stop();
        report("sleep_ms(20): elapsed us by the loop clock (TIMER0)", elapsed);
        report("sleep_ms(20): elapsed us by the dual timer", by_dual);
        CM_CHECK(elapsed >= 20'000);
        CM_CHECK(elapsed < 20'000 + 100'000);  // late only by gross host delays (see clock.cpp)
        CM_CHECK(by_dual >= 20'000 - 2);       // the sleep did not end early by the other clock
        uint32_t diff = by_dual > elapsed ? by_dual - elapsed : elapsed - by_dual;
        CM_CHECK(diff <= 50);  // the two reads are a few instructions apart
    } else {
        // A timer whose counter cannot be read (QEMU's LM3S6965): its one-shot interrupt 2 us
        // before the sleep's end must have fired when the sleep ends, the one 50 us after not.
        uint32_t t0 = ticks_us();
        DualTimer::start_oneshot(20'000 - 2, count_tick, nullptr);
        co_await sleep_ms(20);
        uint32_t elapsed = static_cast<uint32_t>(ticks_diff(ticks_us(), t0));
        uint32_t fired_before = DualTimer::fired();
        report("sleep_ms(20): elapsed us by the loop clock", elapsed);
        CM_CHECK(elapsed >= 20'000);
        CM_CHECK(elapsed < 20'000 + 100'000);
        CM_CHECK(fired_before == 1);  // the sleep did not end early by the other clock
        DualTimer::stop();
        if (elapsed < 20'000 + 40) {  // not delayed by the host: the sleep did not end late
            t0 = ticks_us();
            DualTimer::start_oneshot(20'050, count_tick, nullptr);
            co_await sleep_ms(20);
            CM_CHECK(DualTimer::fired() == 0 || ticks_diff(ticks_us(), t0) > 20'040);
            DualTimer::stop();
        }
    }

    // Ordering: earlier deadlines first, equal deadlines FIFO.
    g_trace.clear();
    auto a = create_task([]() -> Task<void> {
        co_await sleep_ms(3);
        g_trace.add('3');
    }());
    auto b = create_task([]() -> Task<void> {
        co_await sleep_ms(1);
        g_trace.add('1');
    }());
    auto c = create_task([]() -> Task<void> {
        co_await sleep_ms(2);
        g_trace.add('2');
    }());
    co_await a;
    EXPECT_TRACE("123");
    (void)b, (void)c;

    // Wrapping ticks: ticks_diff across a wrap.
    CM_CHECK(ticks_diff(ticks_add(0xFFFF'FFF0u, 0x20), 0xFFFF'FFF0u) == 0x20);
    CM_CHECK(ticks_diff(5, 0xFFFF'FFFBu) == 10);
    co_return 0;
}

Task<int> test_tickless() {
    // One task sleeps 200 ms and nothing else is due: the core must sleep once (TIMER1 is
    // programmed for the deadline), not wake every millisecond.
    uint32_t sleeps0 = port().sleeps();
    uint64_t loop_sleeps0 = Loop::current()->stats().sleeps;
    uint64_t passes0 = Loop::current()->stats().passes;
    co_await sleep_ms(200);
    uint32_t sleeps = port().sleeps() - sleeps0;
    uint64_t loop_sleeps = Loop::current()->stats().sleeps - loop_sleeps0;
    uint64_t passes = Loop::current()->stats().passes - passes0;
    report("tickless: wfi sleeps during one 200 ms sleep", sleeps);
    report("tickless: loop passes during it", passes);
    uint32_t wraps = cm_test::extra_idle_wakes(200'000);  // SysTick port: its period's wraps
    CM_CHECK(sleeps >= 1 && sleeps <= 2 + wraps);
    CM_CHECK(loop_sleeps <= 2 + wraps);
    CM_CHECK(passes <= 4 + wraps);
    co_return 0;
}

// ---- cancellation ----

struct Cleanup {
    int* counter;
    ~Cleanup() { ++*counter; }
};
Task<void> wait_with_local(Event* ev, int* cleaned, int* reached) {
    Cleanup c{cleaned};
    co_await ev->wait();
    ++*reached;  // never: the task is cancelled while it waits
}
Task<void> sub_with_local(int* cleaned) {
    Cleanup c{cleaned};
    co_await sleep_ms(1000);
}
Task<void> outer_with_sub(int* cleaned) {
    Cleanup c{cleaned};
    co_await sub_with_local(cleaned);
}
Task<void> cancel_self(int* cleaned, int* after) {
    Cleanup c{cleaned};
    current_task().cancel();
    ++*after;  // still runs: a self-cancel stops at the next suspension point
    co_await yield_now();
    ++*after;  // never
}
Task<int> test_cancellation() {
    Event ev;
    int cleaned = 0, reached = 0;
    auto t = create_task(wait_with_local(&ev, &cleaned, &reached));
    co_await yield_now();
    CM_CHECK(ev.has_waiters());
    t.cancel();
    Result<void> r = co_await t;
    CM_CHECK(!r.ok() && r.error() == Error::cancelled);
    CM_CHECK(t.cancelled());
    CM_CHECK(cleaned == 1);       // the local's destructor ran
    CM_CHECK(!ev.has_waiters());  // the event forgot the task
    ev.set();
    co_await yield_now();
    CM_CHECK(reached == 0);

    // Cancelling a task stops its awaited sub-task too (both locals destroyed).
    cleaned = 0;
    auto o = create_task(outer_with_sub(&cleaned));
    co_await sleep_ms(1);
    CM_CHECK(Loop::current()->timer_count() == 1);
    o.cancel();
    co_await o;
    CM_CHECK(cleaned == 2);
    CM_CHECK(Loop::current()->timer_count() == 0);  // the sleep's timer was unlinked

    cleaned = 0;
    int after = 0;
    auto s = create_task(cancel_self(&cleaned, &after));
    Result<void> rs = co_await s;
    CM_CHECK(rs.error() == Error::cancelled && cleaned == 1 && after == 1);

    // Cancelling a finished task does nothing.
    auto f = create_task(note('x', 0));
    co_await f;
    f.cancel();
    CM_CHECK(f.done() && !f.cancelled());
    co_return 0;
}

// ---- Event ----

Task<void> event_waiter(Event* ev, char c) {
    co_await ev->wait();
    g_trace.add(c);
}
Event* g_isr_event = nullptr;
void set_event_from_isr(void*) {
    CM_CHECK(cortex_m::active_exception() != 0);  // really in the handler
    g_isr_event->set();
}
Task<int> test_event() {
    g_trace.clear();
    Event ev;
    auto a = create_task(event_waiter(&ev, 'a'));
    auto b = create_task(event_waiter(&ev, 'b'));
    auto c = create_task(event_waiter(&ev, 'c'));
    co_await yield_now();
    CM_CHECK(g_trace.n == 0);
    ev.set();  // task context: all three wake, FIFO
    co_await a;
    co_await b;
    co_await c;
    EXPECT_TRACE("abc");
    CM_CHECK(ev.is_set());
    // Level: a wait on a set event returns at once; clear() re-arms.
    co_await ev.wait();
    ev.clear();
    CM_CHECK(!ev.is_set());

    // From an interrupt: a one-shot dual timer interrupt sets it.
    g_trace.clear();
    g_isr_event = &ev;
    auto d = create_task(event_waiter(&ev, 'd'));
    auto e = create_task(event_waiter(&ev, 'e'));
    co_await yield_now();
    DualTimer::start_oneshot(500, set_event_from_isr, nullptr);
    co_await d;
    co_await e;
    DualTimer::stop();
    EXPECT_TRACE("de");
    co_return 0;
}

// ---- Lock ----

Task<void> locker(Lock* lock, char c, int hold_ms) {
    auto guard = co_await lock->acquire();
    g_trace.add(c);
    co_await sleep_ms(hold_ms);
    g_trace.add(static_cast<char>(c - 'a' + 'A'));
}
Task<int> test_lock() {
    g_trace.clear();
    Lock lock;
    auto a = create_task(locker(&lock, 'a', 2));
    auto b = create_task(locker(&lock, 'b', 1));
    auto c = create_task(locker(&lock, 'c', 1));
    co_await yield_now();
    CM_CHECK(lock.locked());
    b.cancel();  // a cancelled waiter never holds the lock
    co_await a;
    co_await b;
    co_await c;
    EXPECT_TRACE("aAcC");
    CM_CHECK(!lock.locked());
    {
        auto g = co_await lock.acquire();  // uncontended: no suspension
        CM_CHECK(g.owns() && lock.locked());
    }
    CM_CHECK(!lock.locked());
    co_return 0;
}

// ---- Queue ----

Task<void> producer(Queue<int, 4>* q, int n) {
    for (int i = 0; i < n; ++i) {
        Result<void> r = co_await q->put(i);
        CM_CHECK(r.ok());
    }
}
Task<int> test_queue() {
    Queue<int, 4> q;
    CM_CHECK(q.try_get().error() == Error::empty);
    auto p = create_task(producer(&q, 20));
    co_await yield_now();
    CM_CHECK(q.full() && !p.done());  // back-pressure: the producer waits for room
    for (int i = 0; i < 20; ++i) {
        Result<int> r = co_await q.get();
        CM_CHECK(r.ok() && r.value() == i);
    }
    co_await p;
    CM_CHECK(q.empty());
    CM_CHECK(q.try_put(7).ok());
    CM_CHECK(q.try_get().value() == 7);
    co_return 0;
}

// ---- wait_for ----

Task<int> slow_value(int* cleaned) {
    Cleanup c{cleaned};
    co_await sleep_ms(50);
    co_return 1;
}
Task<int> test_wait_for() {
    Event ev;
    uint32_t t0 = ticks_ms();
    auto r = co_await wait_for_ms(ev.wait(), 5);
    CM_CHECK(!r.ok() && r.error() == Error::timed_out);
    CM_CHECK(ticks_diff(ticks_ms(), t0) >= 5);
    CM_CHECK(!ev.has_waiters());

    int cleaned = 0;
    auto rt = co_await wait_for_ms(slow_value(&cleaned), 5);
    CM_CHECK(rt.error() == Error::timed_out && cleaned == 1);  // cleanup ran before return
    CM_CHECK(Loop::current()->timer_count() == 0);

    auto ok = co_await wait_for_ms(add_later(1, 2), 100);
    CM_CHECK(ok.ok() && ok.value() == 3);

    ThreadSafeQueue<int, 4> q;
    CM_CHECK(q.try_put(9));
    auto rq = co_await wait_for_ms(q.get(), 10);  // inner Result<int> not nested
    CM_CHECK(rq.ok() && rq.value() == 9);
    co_return 0;
}

// ---- TaskGroup and gather ----

Task<void> group_member(int ms, int* done, int* cleaned) {
    Cleanup c{cleaned};
    co_await sleep_ms(ms);
    ++*done;
}
Task<int> test_task_group() {
    int done = 0, cleaned = 0;
    {
        TaskGroup g;
        g.create_task(group_member(1, &done, &cleaned));
        g.create_task(group_member(3, &done, &cleaned));
        g.create_task(group_member(2, &done, &cleaned));
        CM_CHECK(g.size() == 3);
        co_await g.join();
        CM_CHECK(g.empty() && done == 3 && cleaned == 3);
    }
    done = cleaned = 0;
    {
        TaskGroup g;
        g.create_task(group_member(1000, &done, &cleaned));
        g.create_task(group_member(1000, &done, &cleaned));
        co_await yield_now();
    }  // destroying the group cancels its unfinished tasks
    co_await yield_now();
    co_await yield_now();
    CM_CHECK(done == 0 && cleaned == 2);
    CM_CHECK(Loop::current()->timer_count() == 0);

    auto [x, y] = co_await gather(add_later(1, 1), add_later(2, 2));
    CM_CHECK(x.value() == 2 && y.value() == 4);
    co_return 0;
}

// ---- schedule() from an interrupt ----

struct Soft {
    uint32_t ran = 0;
    uint32_t order_ok = 1;
    uint32_t last = 0;
    uint32_t in_handler = 0;
};
Soft g_soft;
uint32_t g_scheduled = 0, g_refused = 0;
void soft_cb(void* arg) {
    uint32_t v = reinterpret_cast<uintptr_t>(arg);
    if (cortex_m::active_exception() != 0) ++g_soft.in_handler;
    if (v != g_soft.last + 1) g_soft.order_ok = 0;
    g_soft.last = v;
    ++g_soft.ran;
}
uint32_t g_next_arg = 0;
void schedule_from_isr(void*) {
    // Three per interrupt, FIFO; the ring holds IRQIO_SCHEDULE_DEPTH.
    for (int i = 0; i < 3; ++i) {
        if (schedule(soft_cb, reinterpret_cast<void*>(uintptr_t{g_next_arg + 1}))) {
            ++g_next_arg;
            ++g_scheduled;
        } else {
            ++g_refused;
        }
    }
}
Task<int> test_schedule_from_isr() {
    DualTimer::start_periodic(200, schedule_from_isr, nullptr);
    while (g_scheduled < 300) co_await sleep_ms(1);
    DualTimer::stop();
    co_await yield_now();
    co_await yield_now();
    report("schedule(): callbacks scheduled from the dual timer handler", g_scheduled);
    report("schedule(): refused (ring full)", g_refused);
    CM_CHECK(g_soft.ran == g_scheduled);
    CM_CHECK(g_soft.order_ok == 1);    // FIFO
    CM_CHECK(g_soft.in_handler == 0);  // ran in task context

    // A full ring refuses: 3 calls per interrupt with the loop held back by a ScheduleLock.
    g_refused = 0;
    {
        ScheduleLock hold;
        DualTimer::start_oneshot(1'000'000, schedule_from_isr, nullptr);  // armed far away
        for (int i = 0; i < 3; ++i) {  // 9 calls from the handler, pended by software
            cm_test::pend_test_timer_irq();
            cortex_m::barrier();
        }
        DualTimer::stop();
        CM_CHECK(g_refused >= 1);
        CM_CHECK(g_scheduled - g_soft.ran == IRQIO_SCHEDULE_DEPTH);
        co_await yield_now();
        CM_CHECK(g_scheduled - g_soft.ran == IRQIO_SCHEDULE_DEPTH);  // held back
    }
    co_await yield_now();
    co_await yield_now();
    CM_CHECK(g_soft.ran == g_scheduled && g_soft.order_ok == 1);
    co_return 0;
}

// ---- priorities ----

ThreadSafeFlag g_prio_flag;
void set_prio_flag(void*) {
    g_prio_flag.set();
}
Task<void> busy_normal(char c) {
    g_trace.add(c);
    co_await yield_now();
    g_trace.add(c);
}
Task<void> high_waiter() {
    co_await g_prio_flag.wait(Priority::high);
    g_trace.add('H');
}
Task<int> test_priority() {
    g_trace.clear();
    auto h = create_task(high_waiter());
    co_await yield_now();  // the high waiter waits
    auto a = create_task(busy_normal('a'));
    auto b = create_task(busy_normal('b'));
    auto c = create_task(busy_normal('c'));
    // The interrupt comes while a, b, c (and this task) are ready: the flag's waiter runs
    // before all of them, since it waited with Priority::high.
    DualTimer::start_oneshot(1'000'000, set_prio_flag, nullptr);
    cm_test::pend_test_timer_irq();
    cortex_m::barrier();
    DualTimer::stop();
    co_await a;
    co_await b;
    co_await c;
    co_await h;
    EXPECT_TRACE("Habcabc");
    co_return 0;
}

constexpr cm_test::NamedTest kTests[] = {
    {"tasks", test_tasks},           {"sleep accuracy", test_sleep_accuracy},
    {"tickless", test_tickless},     {"cancellation", test_cancellation},
    {"event", test_event},           {"lock", test_lock},
    {"queue", test_queue},           {"wait_for", test_wait_for},
    {"task group", test_task_group}, {"schedule from isr", test_schedule_from_isr},
    {"priority", test_priority},
};

}  // namespace

int main() {
    cm_test::sh::write("cm_core: the irqio core on mps2-an385\n");
    FrameAllocatorScope scope(g_pool);
    cm_test::run_named(kTests, [] {
        CM_CHECK(g_pool.used() == 0);  // every frame went back
    });
    report("frame pool high water (blocks of 1 KiB)", g_pool.high_water());
    cm_test::sh::write("PASS\n");
    return 0;
}
