// Tracing (IRQIO_TRACE=1, the irqio_traced library): the recording says what happened, in order,
// with the right causes, as many times as the loop's own counters say, and counts what it lost.
#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "irqio/irqio.hpp"
#include "irqio/linux.hpp"
#include "irqio/linux/trace_file.hpp"

using namespace irqio;
using trace::Context;
using trace::Kind;

namespace {

std::vector<trace::Event> events() {
    std::vector<trace::Event> v;
    trace::Event e;
    for (std::size_t i = 0; i < trace::kept(); ++i)
        if (trace::read(i, e)) v.push_back(e);
    return v;
}
std::size_t count(const std::vector<trace::Event>& v, Kind k, uintptr_t a = 0) {
    std::size_t n = 0;
    for (const auto& e : v)
        if (e.kind == k && (a == 0 || e.a == a)) ++n;
    return n;
}
uintptr_t id(const void* p) {
    return reinterpret_cast<uintptr_t>(p);
}

struct Fresh {  // every test starts from an empty built-in ring, recording
    Fresh() {
        static trace::Slot slots[1 << 14];
        trace::set_buffer(slots, 1 << 14);
        trace::enable(true);
    }
};

// ---- order ----

std::vector<uintptr_t> g_order;  // tasks in the order their bodies ran
Task<void> yielder(int n) {
    for (int i = 0; i < n; ++i) {
        g_order.push_back(id(Loop::current()->running()));
        co_await yield_now();
    }
}

TEST(Trace, RunsAlternateAsTheTasksDid) {
    Fresh f;
    g_order.clear();
    uintptr_t a = 0, b = 0;
    run([&]() -> Task<void> {
        auto ha = create_task(yielder(3));
        auto hb = create_task(yielder(3));
        (void)co_await ha;
        (void)co_await hb;
    }());
    a = g_order[0];
    b = g_order[1];
    auto v = events();
    ASSERT_EQ(trace::lost(), 0u);
    // Each task: created; woken once before every run (while it still runs, for a yield: it
    // queued itself); suspended after every run; then finished.
    std::vector<uintptr_t> runs;
    for (uintptr_t t : {a, b}) {
        enum { none, created, running, suspended, finished } st = none;
        bool woken = false;
        for (const auto& e : v) {
            if (e.a != t) continue;
            switch (e.kind) {
                case Kind::task_created:
                    ASSERT_EQ(st, none);
                    st = created;
                    break;
                case Kind::task_woken:
                    ASSERT_NE(st, none);
                    ASSERT_FALSE(woken);  // a queued task is not woken again
                    woken = true;
                    break;
                case Kind::task_run:
                    ASSERT_TRUE(woken);
                    ASSERT_TRUE(st == created || st == suspended);
                    woken = false;
                    st = running;
                    break;
                case Kind::task_suspended:
                    ASSERT_EQ(st, running);
                    st = suspended;
                    break;
                case Kind::task_finished:
                    ASSERT_EQ(st, suspended);
                    st = finished;
                    break;
                default:
                    break;
            }
        }
        EXPECT_EQ(st, finished);
        EXPECT_EQ(count(v, Kind::task_run, t), 4u);  // three yields and the last step
    }
    // The runs interleave exactly as the bodies did.
    for (const auto& e : v)
        if (e.kind == Kind::task_run && (e.a == a || e.a == b)) runs.push_back(e.a);
    ASSERT_EQ(runs.size(), 8u);
    for (std::size_t i = 0; i < g_order.size(); ++i) EXPECT_EQ(runs[i], g_order[i]) << i;
    // Sequence numbers and timestamps never go backwards on one thread.
    for (std::size_t i = 1; i < v.size(); ++i) {
        EXPECT_EQ(v[i].seq, v[i - 1].seq + 1);
        EXPECT_GE(v[i].ts_ns, v[i - 1].ts_ns);
    }
}

// A task already queued is not woken again: one wake record per run.
TEST(Trace, AQueuedTaskIsWokenOnce) {
    Fresh f;
    uintptr_t t = 0;
    run([&]() -> Task<void> {
        auto h = create_task(yielder(1));
        t = id(h.base());
        Loop::current()->make_ready(h.base(), false);  // queued already: nothing happens
        (void)co_await h;
    }());
    auto v = events();
    EXPECT_EQ(count(v, Kind::task_woken, t), count(v, Kind::task_run, t));
    EXPECT_EQ(count(v, Kind::task_run, t), 2u);
}

// ---- wake causes ----

// For the i-th wake of `task`: the context of the signal behind it (the signal of the node the
// loop drained just before the wake), or task if a running task woke it directly.
std::vector<Context> wake_causes(const std::vector<trace::Event>& v, uintptr_t task) {
    std::vector<Context> out;
    for (std::size_t i = 0; i < v.size(); ++i) {
        if (v[i].kind != Kind::task_woken || v[i].a != task) continue;
        if (v[i].b != 0) {
            out.push_back(Context::task);
            continue;
        }
        std::size_t d = i;
        while (d > 0 && v[d].kind != Kind::drain) --d;
        if (v[d].kind != Kind::drain) continue;
        std::size_t s = d;
        while (s > 0 && !(v[s].kind == Kind::signal && v[s].a == v[d].a)) --s;
        if (v[s].kind == Kind::signal && v[s].a == v[d].a) out.push_back(v[s].ctx);
    }
    return out;
}

ThreadSafeFlag g_flag;
uintptr_t g_waiter = 0;
Task<void> flag_waiter(int n) {
    g_waiter = id(Loop::current()->running());
    for (int i = 0; i < n; ++i) co_await g_flag.wait();
}
void on_sigusr1(int, void*) {
    g_flag.set();
}

TEST(Trace, WakesNameTheirCause) {
    Fresh f;
    ASSERT_EQ(linux_port::attach_signal(SIGUSR1, &on_sigusr1, nullptr), 0);
    run([]() -> Task<void> {
        // Each sleep lets the waiter take the flag and wait again (two sets would merge).
        auto w = create_task(flag_waiter(4));
        co_await sleep_ms(1);
        g_flag.set();  // 1: from a task
        co_await sleep_ms(1);
        {
            IsrScope isr;  // 2: from a handler
            g_flag.set();
        }
        co_await sleep_ms(1);
        std::thread([] { g_flag.set(); }).join();  // 3: from a thread with no loop
        co_await sleep_ms(1);
        raise(SIGUSR1);  // 4: from irqio's signal trampoline
        (void)co_await w;
    }());
    linux_port::detach_signal(SIGUSR1);
    // tests/trace_tool_check.py converts this recording with the host tool.
    if (const char* out = getenv("IRQIO_TRACE_TEST_OUT")) {
        trace::set_name(g_waiter, "waiter");
        trace::set_name(0x200 + SIGUSR1, "SIGUSR1");
        ASSERT_TRUE(linux_port::write_trace(out));
    }
    auto v = events();
    // Its creation (by the main task), then the four sets.
    EXPECT_EQ(wake_causes(v, g_waiter),
              (std::vector<Context>{Context::task, Context::task, Context::handler, Context::thread,
                                    Context::handler}));
    // The signal came in irq_enter / irq_leave of its line, one level deep.
    const uint32_t line = 0x200 + SIGUSR1;
    std::size_t enter = v.size(), sig = v.size(), leave = v.size();
    for (std::size_t i = 0; i < v.size(); ++i) {
        if (v[i].kind == Kind::irq_enter && v[i].a == line) enter = i;
        if (enter < v.size() && sig == v.size() && v[i].kind == Kind::signal) sig = i;
        if (v[i].kind == Kind::irq_leave && v[i].a == line) leave = i;
    }
    ASSERT_LT(enter, sig);
    ASSERT_LT(sig, leave);
    EXPECT_EQ(v[sig].ctx, Context::handler);
    EXPECT_EQ(v[sig].level, 1u);
    EXPECT_EQ(v[enter].level, 1u);
    EXPECT_EQ(v[leave].level, 1u);
}

TEST(Trace, AWakeFromAnotherLoopSaysSo) {
    Fresh f;
    std::atomic<Loop*> target{nullptr};
    std::atomic<bool> about_to_wait{false};
    Event ev;
    std::thread other([&] {
        run(
            [&]() -> Task<void> {
                about_to_wait = true;
                co_await ev.wait();
            }(),
            [&](Loop& l) { target.store(&l); });
    });
    run([&]() -> Task<void> {
        while (!about_to_wait.load()) co_await sleep_ms(1);
        co_await sleep_ms(5);  // the waiter has begun its wait (it suspends right after the store)
        ev.set();
    }());
    other.join();
    auto v = events();
    std::size_t from_other = 0;
    for (const auto& e : v)
        if (e.kind == Kind::signal && e.loop == id(target.load()) && e.ctx == Context::other_loop)
            ++from_other;
    EXPECT_EQ(from_other, 1u);
}

// ---- counts equal the program's own counters ----

ThreadSafeQueue<int, 4> g_q;
void cb(void*) {}

TEST(Trace, CountsEqualTheLoopsCounters) {
    Fresh f;
    LoopStats st;
    uint32_t q_dropped = 0;
    run([&]() -> Task<void> {
        auto w = create_task(flag_waiter(4));
        for (int i = 0; i < 3; ++i) {
            co_await sleep_ms(1);
            IsrScope isr;
            g_flag.set();
        }
        // The fourth set comes while the loop sleeps: the lone-wake shortcut (no run queue).
        std::thread late([] {
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
            g_flag.set();
        });
        for (int i = 0; i < 12; ++i) (void)Loop::current()->schedule(&cb, nullptr);  // 4 refused
        co_await yield_now();
        for (int i = 0; i < 6; ++i) (void)g_q.try_put(i);  // 2 dropped
        while (g_q.try_get()) {
        }
        (void)co_await w;
        late.join();
        trace::enable(false);  // what follows is not in the counters
        st = Loop::current()->stats();
        q_dropped = g_q.dropped();
    }());
    auto v = events();
    EXPECT_EQ(count(v, Kind::task_run), st.steps);
    EXPECT_EQ(count(v, Kind::timer_fired), st.timers_fired);
    EXPECT_EQ(count(v, Kind::drain), st.inbox_nodes);
    EXPECT_EQ(count(v, Kind::schedule_overflow), st.schedule_dropped);
    EXPECT_EQ(st.schedule_dropped, 4u);
    EXPECT_EQ(count(v, Kind::queue_drop, id(&g_q)), q_dropped);
    EXPECT_EQ(q_dropped, 2u);
    std::vector<uintptr_t> depths;
    for (const auto& e : v)
        if (e.kind == Kind::queue_depth && e.a == id(&g_q)) depths.push_back(e.b);
    EXPECT_EQ(depths, (std::vector<uintptr_t>{1, 2, 3, 4, 3, 2, 1, 0}));
    trace::enable(true);
}

// ---- the loss when the ring overflows ----

TEST(Trace, OverwriteKeepsTheNewestAndCountsTheRest) {
    static trace::Slot slots[64];
    trace::set_buffer(slots, 64, trace::Mode::overwrite_oldest);
    trace::enable(true);
    for (uintptr_t i = 0; i < 1000; ++i) trace::user(7, i);
    EXPECT_EQ(trace::written(), 1000u);
    EXPECT_EQ(trace::lost(), 1000u - 64u);
    auto v = events();
    ASSERT_EQ(v.size(), 64u);
    for (std::size_t i = 0; i < v.size(); ++i) {
        EXPECT_EQ(v[i].kind, Kind::user);
        EXPECT_EQ(v[i].b, 1000u - 64u + i);
        EXPECT_EQ(v[i].seq, 1000u - 64u + i);
    }
}

TEST(Trace, DropNewKeepsTheOldestAndCountsTheRest) {
    static trace::Slot slots[64];
    trace::set_buffer(slots, 64, trace::Mode::drop_new);
    trace::enable(true);
    for (uintptr_t i = 0; i < 1000; ++i) trace::user(7, i);
    EXPECT_EQ(trace::lost(), 1000u - 64u);
    auto v = events();
    ASSERT_EQ(v.size(), 64u);
    for (std::size_t i = 0; i < v.size(); ++i) EXPECT_EQ(v[i].b, i);
}

// Writers on several threads and a reader at the same time: every record read back is whole
// (its value belongs to its writer's sequence), each writer's records stay in its order.
TEST(Trace, ConcurrentWritersAndAReader) {
    static trace::Slot slots[256];
    trace::set_buffer(slots, 256, trace::Mode::overwrite_oldest);
    trace::enable(true);
    constexpr int kThreads = 3, kEach = 20000;
    std::atomic<bool> go{false}, done{false};
    std::vector<std::thread> ts;
    for (int t = 1; t <= kThreads; ++t)
        ts.emplace_back([&, t] {
            while (!go.load()) {
            }
            for (uintptr_t i = 0; i < kEach; ++i) trace::user(t, i * 16 + t);
        });
    std::size_t whole = 0;
    std::thread reader([&] {
        while (!done.load()) {
            trace::Event e;
            for (std::size_t i = 0; i < trace::kept(); ++i)
                if (trace::read(i, e)) {
                    EXPECT_EQ(e.b % 16, e.a);  // a torn record would mix two writers
                    ++whole;
                }
        }
    });
    go = true;
    for (auto& t : ts) t.join();
    done = true;
    reader.join();
    EXPECT_EQ(trace::written(), uint64_t{kThreads} * kEach);
    EXPECT_EQ(trace::lost(), uint64_t{kThreads} * kEach - 256);
    uintptr_t last[kThreads + 1] = {};
    for (const auto& e : events()) {
        EXPECT_GE(e.b, last[e.a]);
        last[e.a] = e.b;
    }
}

// ---- the file ----

TEST(Trace, TheFileHoldsNamesAndEveryKeptRecord) {
    Fresh f;
    trace::set_name(0x1234, "my irq");
    run([]() -> Task<void> {
        trace::name_current_task("main task");
        { IRQIO_TRACE_IRQ(0x1234); }
        co_return;
    }());
    const std::string path = ::testing::TempDir() + "irqio_trace_test.txt";
    ASSERT_TRUE(linux_port::write_trace(path.c_str()));
    FILE* fp = fopen(path.c_str(), "r");
    ASSERT_NE(fp, nullptr);
    char line[256];
    std::size_t evs = 0;
    bool header = false, named_irq = false, named_task = false, end = false;
    while (fgets(line, sizeof line, fp)) {
        std::string s(line);
        if (s.rfind("irqio-trace 1 ns", 0) == 0) header = true;
        if (s == "name 1234 my irq\n") named_irq = true;
        if (s.find(" main task\n") != std::string::npos) named_task = true;
        if (s.rfind("ev ", 0) == 0) ++evs;
        if (s == "end\n") end = true;
    }
    fclose(fp);
    EXPECT_TRUE(header && named_irq && named_task && end);
    EXPECT_EQ(evs, trace::kept());
}

}  // namespace
