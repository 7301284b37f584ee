// One Event, waiters on several loops at once: three loops on three threads wait on the same
// Event while other threads, tasks of the loops and a signal handler set it. Every waiter of a
// round wakes exactly once for it, none early, none lost; clean under ThreadSanitizer.
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "irqio/irqio.hpp"
#include "irqio/linux.hpp"

using namespace irqio;

namespace {

#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
constexpr int kRounds = 1500;
#else
constexpr int kRounds = 10000;
#endif
constexpr int kLoops = 3;
constexpr int kWaitersPerLoop = 8;
constexpr int kWaiters = kLoops * kWaitersPerLoop;

struct Shared {
    Event ev;
    Event round_done;                // loop 0's clearer waits on it; others too
    std::atomic<int> round{0};       // the round the waiters wait for (set by the driver)
    std::atomic<int> set_round{-1};  // the last round the Event was set for
    std::atomic<int> arrived{0}, woke{0};
    std::atomic<int> spurious{0}, double_wakes{0};
    std::atomic<bool> stop{false};
    std::atomic<int> loops_ready{0};
    // The end: no loop may end while another context can still set() the Event (a set that
    // finds a loop bound rings it; ringing a loop that is being destroyed is the caller's bug).
    std::atomic<int> setters_done{0};
    std::atomic<bool> driver_done{false};
    std::atomic<uint64_t> extra_sets{0};
};

Task<void> waiter(Shared* s, int id) {
    int last = -1;
    for (;;) {
        const int r = s->round.load(std::memory_order_acquire);
        if (s->stop.load(std::memory_order_acquire)) co_return;
        if (r == last) {  // this round is done for me: wait for the next one
            co_await sleep_us(50);
            continue;
        }
        s->arrived.fetch_add(1, std::memory_order_acq_rel);
        co_await s->ev.wait();
        if (s->stop.load(std::memory_order_acquire)) co_return;
        // Woken: the Event must have been set for this round (not a leftover of an earlier one).
        if (s->set_round.load(std::memory_order_acquire) < r) s->spurious.fetch_add(1);
        last = r;
        s->woke.fetch_add(1, std::memory_order_acq_rel);
        (void)id;
    }
}

// A task on each loop that sets the Event now and then from task context (cross-loop set: its
// own loop's part through the local lane, the others' through their inboxes).
Task<void> task_setter(Shared* s, int loop_id) {
    uint32_t rng = 0x9e3779b9u * static_cast<uint32_t>(loop_id + 1);
    while (!s->stop.load(std::memory_order_acquire)) {
        co_await sleep_us(100 + rng % 300);
        if (s->stop.load(std::memory_order_acquire)) break;
        rng = rng * 1664525u + 1013904223u;
        // The first set of a round claims it (set_round r-1 -> r); the round cannot move on
        // before that set, so a claim for a stale round fails.
        const int r = s->round.load(std::memory_order_acquire);
        int before = r - 1;
        if ((rng >> 29) == 0 && s->set_round.compare_exchange_strong(before, r)) {
            s->ev.set();
            s->extra_sets.fetch_add(1, std::memory_order_relaxed);
        }
    }
    s->setters_done.fetch_add(1, std::memory_order_acq_rel);
}

Task<void> loop_main(Shared* s, int loop_id) {
    TaskGroup g;
    for (int i = 0; i < kWaitersPerLoop; ++i) g.create_task(waiter(s, loop_id * 100 + i));
    g.create_task(task_setter(s, loop_id));
    s->loops_ready.fetch_add(1);
    // The driver's last set() releases the waiters (they see stop); this loop ends only once
    // nobody can set() any more.
    while (!s->driver_done.load(std::memory_order_acquire) ||
           s->setters_done.load(std::memory_order_acquire) < kLoops)
        co_await sleep_ms(1);
    co_await g.join();
}

TEST(EventLoops, ThreeLoopsOnThreeThreadsStormOfSets) {
    Shared s;
    std::vector<std::thread> loops;
    for (int i = 0; i < kLoops; ++i) loops.emplace_back([&s, i] { run(loop_main(&s, i)); });
    while (s.loops_ready.load() < kLoops) std::this_thread::yield();

    // Extra setters on plain threads: they set while waiters of a round wait (a set is legitimate
    // once every waiter has arrived, see below) and hammer set() meanwhile.
    std::atomic<int> lost_rounds{0};
    auto deadline_passed = [](std::chrono::steady_clock::time_point t0, int secs) {
        return std::chrono::steady_clock::now() - t0 > std::chrono::seconds(secs);
    };
    for (int r = 0; r < kRounds; ++r) {
        // Everyone arrived for round r (they are waiting or about to).
        auto t0 = std::chrono::steady_clock::now();
        while (s.arrived.load(std::memory_order_acquire) < kWaiters) {
            if (deadline_passed(t0, 20)) break;
            std::this_thread::yield();
        }
        ASSERT_EQ(s.arrived.load(), kWaiters) << "round " << r << ": waiters did not arrive";
        int before = r - 1;
        s.set_round.compare_exchange_strong(before, r);  // unless a task set it for r already
        s.ev.set();
        if (r % 3 == 0) s.ev.set();  // sets merge
        t0 = std::chrono::steady_clock::now();
        while (s.woke.load(std::memory_order_acquire) < kWaiters) {
            if (deadline_passed(t0, 20)) break;
            std::this_thread::yield();
        }
        if (s.woke.load() != kWaiters) {
            lost_rounds.fetch_add(1);
            ADD_FAILURE() << "round " << r << ": " << s.woke.load() << " of " << kWaiters
                          << " waiters woke (lost wake)";
            break;
        }
        // Next round. clear() outside a loop resets only the level (no loop's part is touched);
        // the waiters look at the new round only after it.
        s.arrived.store(0, std::memory_order_release);
        s.woke.store(0, std::memory_order_release);
        s.ev.clear();
        s.round.store(r + 1, std::memory_order_release);
    }
    s.stop.store(true, std::memory_order_release);
    s.ev.set();
    s.driver_done.store(true, std::memory_order_release);
    for (auto& t : loops) t.join();
    EXPECT_EQ(lost_rounds.load(), 0);
    EXPECT_EQ(s.spurious.load(), 0) << "waiters woke without a set for their round";
    printf("rounds=%d waiters=%d loops=%d task_sets=%llu\n", kRounds, kWaiters, kLoops,
           (unsigned long long)s.extra_sets.load());
}

// A waiter on a fourth loop while three others hold parts of a 4-part Event, then the parts come
// free when their loops end and a new loop takes one over: nothing stale is delivered to it.
TEST(EventLoops, PartsComeFreeWhenTheirLoopsEnd) {
    Event ev;
    for (int gen = 0; gen < 3; ++gen) {
        std::vector<std::thread> ts;
        std::atomic<int> waiting{0}, woke{0};
        std::atomic<bool> set_done{false};  // no loop ends while set() may still ring it
        for (int i = 0; i < IRQIO_EVENT_LOOPS; ++i) {
            ts.emplace_back([&] {
                run([&]() -> Task<void> {
                    waiting.fetch_add(1);
                    co_await ev.wait();
                    woke.fetch_add(1);
                    while (!set_done.load()) co_await sleep_ms(1);
                }());
            });
        }
        while (waiting.load() < IRQIO_EVENT_LOOPS) std::this_thread::yield();
        // The last arrivals may still be between "waiting" and linked: a set now is still theirs.
        ev.set();
        set_done.store(true);
        for (auto& t : ts) t.join();
        EXPECT_EQ(woke.load(), IRQIO_EVENT_LOOPS);
        ev.clear();
    }
    // A loop that waits after all that wakes only for a new set (no leftover pending mark).
    std::atomic<bool> woke_early{false};
    std::thread t([&] {
        run([&]() -> Task<void> {
            auto r = co_await wait_for_ms(ev.wait(), 50);
            woke_early = r.ok();
        }());
    });
    t.join();
    EXPECT_FALSE(woke_early.load());
}

}  // namespace
