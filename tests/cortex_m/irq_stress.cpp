// A hardware timer interrupt (the dual timer, through its user hook) drives an Event, a
// ThreadSafeFlag and a ThreadSafeQueue thousands of times while tasks wait, sleep and hog the
// CPU, and nothing is lost:
//  - ThreadSafeFlag: sets coalesce, but after every set the waiter wakes again (its last wake
//    sees the last set's sequence number), and never wakes without a set;
//  - Event: the same for a task that waits and clears;
//  - ThreadSafeQueue: every item pushed is received in order or counted by dropped(), exactly
//    (the handler counts its refused pushes; they equal dropped() and the gaps the consumer sees).
// Meanwhile three tasks keep yielding, each after a spin of a different length, so the run queue
// is being changed at every phase of the loop when the interrupts land: a handler that acted on
// the loop's queues itself, instead of through the inbox, would corrupt them (a task lost, a wake
// lost, a hang).
#include "check.hpp"
#include "irqio/cortex_m.hpp"
#include "irqio/irqio.hpp"
#include "test_timer.hpp"

namespace {

using namespace irqio;
using cm_test::report;
using DualTimer = cm_test::TestTimer;

constexpr uint32_t kInterrupts = 5000;
constexpr uint32_t kPeriodUs = 40;

FramePool<512, 12> g_pool;

ThreadSafeFlag g_flag;
Event g_event;
ThreadSafeQueue<uint32_t, 16> g_queue;

// Handler state: plain words, written only by the handler (read by tasks after it stopped or as
// a hint).
volatile uint32_t g_seq = 0;      // sequence number of the last interrupt
volatile uint32_t g_refused = 0;  // try_put refused by a full queue
volatile bool g_done = false;     // the handler stopped the timer after kInterrupts

void on_timer(void*) {
    uint32_t seq = g_seq + 1;
    g_seq = seq;
    g_flag.set();
    g_event.set();
    if (!g_queue.try_put(seq)) g_refused = g_refused + 1;
    if (seq == kInterrupts) {
        DualTimer::stop();  // from the handler: no interrupt after the last one
        g_done = true;
    }
}

struct Stats {
    uint32_t flag_wakes = 0, flag_last_seen = 0, flag_empty_wakes = 0;
    uint32_t event_wakes = 0, event_last_seen = 0, event_empty_wakes = 0;
    uint32_t received = 0, gaps = 0, out_of_order = 0, last_item = 0;
    uint32_t sleeper_rounds = 0, hog_rounds = 0;
    uint32_t churn_rounds[3] = {};
};
Stats g;

Task<void> flag_waiter() {
    while (g.flag_last_seen < kInterrupts) {
        co_await g_flag.wait();
        ++g.flag_wakes;
        uint32_t seen = g_seq;
        // A set that lands after the flag cleared for this wake but before the line below is
        // seen now and wakes the next wait "empty": allowed, and counted.
        if (seen == g.flag_last_seen) ++g.flag_empty_wakes;
        g.flag_last_seen = seen;
    }
}

Task<void> event_waiter() {
    while (g.event_last_seen < kInterrupts) {
        co_await g_event.wait();
        g_event.clear();  // a set after this line keeps the event set for the next wait
        ++g.event_wakes;
        uint32_t seen = g_seq;
        if (seen == g.event_last_seen) ++g.event_empty_wakes;
        g.event_last_seen = seen;
    }
}

Task<void> consumer() {
    for (;;) {
        // The last items may be dropped too, so the end is "timer done and queue empty".
        auto r = co_await wait_for_ms(g_queue.get(), 2);
        if (!r.ok()) {
            CM_CHECK(r.error() == Error::timed_out);
            if (g_done && g_queue.empty()) break;
            continue;
        }
        uint32_t item = r.value();
        if (item <= g.last_item) ++g.out_of_order;
        g.gaps += item - g.last_item - 1;  // items refused by the full queue
        g.last_item = item;
        ++g.received;
    }
    g.gaps += kInterrupts - g.last_item;  // trailing drops
}

Task<void> sleeper() {
    while (!g_done) {
        co_await sleep_us(300);
        ++g.sleeper_rounds;
    }
}

// Now and then keeps the CPU for longer than the queue's 16 periods, so the queue overflows and
// the handler's sets land while tasks are running, not only while the loop sleeps.
Task<void> hog() {
    while (!g_done) {
        co_await sleep_ms(7);
        uint32_t t0 = ticks_us();
        while (ticks_diff(ticks_us(), t0) < 1000) {
        }
        ++g.hog_rounds;
    }
}

// Yields in a loop, spinning 0..28 iterations first (a different count each round), so that the
// interrupts find the loop at every point of its run-queue operations.
Task<void> churner(uint32_t id) {
    uint32_t k = id * 11;
    while (!g_done) {
        for (uint32_t i = 0; i < k % 29; ++i) __asm__ volatile("");
        k += 7;
        co_await yield_now();
        ++g.churn_rounds[id];
    }
}

Task<void> churners() {
    auto a = create_task(churner(0));
    auto b = create_task(churner(1));
    auto c = create_task(churner(2));
    co_await a;
    co_await b;
    co_await c;
}

Task<int> main_task() {
    auto a = create_task(flag_waiter());
    auto b = create_task(event_waiter());
    auto c = create_task(consumer());
    auto d = create_task(sleeper());
    auto e = create_task(hog());
    auto f = create_task(churners());
    co_await yield_now();  // every task waits before the first interrupt
    DualTimer::start_periodic(kPeriodUs, on_timer, nullptr);
    auto ra = co_await wait_for_ms(a, 20'000);
    auto rb = co_await wait_for_ms(b, 20'000);
    CM_CHECK(ra.ok() && rb.ok());  // each saw the last interrupt (a lost wake would hang it)
    co_await c;
    co_await d;
    co_await e;
    co_await f;
    co_return 0;
}

}  // namespace

int main() {
    cm_test::sh::write(
        "cm_irq_stress: dual timer hook -> Event, ThreadSafeFlag, ThreadSafeQueue\n");
    FrameAllocatorScope scope(g_pool);
    CM_CHECK(run(main_task()) == 0);

    report("interrupts (sets of each object)", g_seq);
    report("ThreadSafeFlag: waiter wakes", g.flag_wakes);
    report("ThreadSafeFlag: wakes without a new set", g.flag_empty_wakes);
    report("Event: waiter wakes", g.event_wakes);
    report("Event: wakes without a new set", g.event_empty_wakes);
    report("ThreadSafeQueue: received", g.received);
    report("ThreadSafeQueue: dropped()", g_queue.dropped());
    report("ThreadSafeQueue: refused in the handler", g_refused);
    report("ThreadSafeQueue: gaps seen by the consumer", g.gaps);
    report("sleeper rounds", g.sleeper_rounds);
    report("hog rounds (1 ms busy each)", g.hog_rounds);
    for (uint32_t rounds : g.churn_rounds) report("churner rounds (yields)", rounds);

    CM_CHECK(g_seq == kInterrupts);
    // The flag and the event: the last wake saw the last set (nothing lost), and sets only
    // coalesce: never more wakes than sets.
    CM_CHECK(g.flag_last_seen == kInterrupts && g.event_last_seen == kInterrupts);
    CM_CHECK(g.flag_wakes <= kInterrupts && g.event_wakes <= kInterrupts);
    CM_CHECK(g.flag_empty_wakes < g.flag_wakes / 2 && g.event_empty_wakes < g.event_wakes / 2);
    CM_CHECK(g.flag_wakes >= 100 && g.event_wakes >= 100);
    // The queue: every item received in order, or dropped, exactly.
    CM_CHECK(g.out_of_order == 0);
    CM_CHECK(g.received + g_queue.dropped() == kInterrupts);
    CM_CHECK(g_queue.dropped() == g_refused);
    CM_CHECK(g.gaps == g_refused);
    CM_CHECK(g_refused > 0);  // the hog did overflow it: the drop path was exercised
    CM_CHECK(g.sleeper_rounds > 10 && g.hog_rounds > 5);
    for (uint32_t rounds : g.churn_rounds) CM_CHECK(rounds > kInterrupts);
    CM_CHECK(g_pool.used() == 0);
    cm_test::sh::write("PASS\n");
    return 0;
}
