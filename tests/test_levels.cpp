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

#include "dma_cleanup.hpp"

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

// A storm across levels with exact accounting: a device thread feeds the low level through a
// ThreadSafeQueue (a full queue says so and counts it; the item is offered again), the low level
// hands each item to the high one by a Semaphore permit and a queue, the high level to thread mode.
TEST(Levels, StormAcrossLevelsWithExactAccounting) {
    IrqController irq;
    Levels lv(irq);
    constexpr uint32_t kItems = 40'000;
    ThreadSafeQueue<uint32_t, 16> to_low, to_thread;
    ThreadSafeQueue<uint32_t, 16> low_to_high;
    Semaphore permits(0), room(16);
    std::atomic<uint64_t> full_offers{0};
    auto low_task = [&]() -> Task<uint64_t> {
        uint64_t sum = 0;
        for (uint32_t i = 0; i < kItems; ++i) {
            auto v = co_await to_low.get();
            EXPECT_TRUE(v.ok() && v.value() == i);
            sum += v.value();
            auto p = co_await low_to_high.put(v.value());
            EXPECT_TRUE(p.ok());
            permits.release();
        }
        co_return sum;
    };
    auto high_task = [&]() -> Task<void> {
        for (uint32_t i = 0; i < kItems; ++i) {
            co_await permits.acquire();
            auto v = low_to_high.try_get();
            EXPECT_TRUE(v.ok() && v.value() == i);
            // (An awaited ThreadSafeQueue has its waiting tasks on one loop: thread mode awaits
            // the items, so the room is counted by a Semaphore that thread mode releases.)
            co_await room.acquire();
            EXPECT_TRUE(to_thread.try_put(v.value()));
        }
    };
    auto main_task = [&]() -> Task<void> {
        FrameAllocatorScope frames(spawn_pool());
        auto lo = spawn(lv.low, low_task());
        auto hi = spawn(lv.high, high_task());
        std::thread device([&] {
            for (uint32_t i = 0; i < kItems;) {
                if (to_low.try_put(i))
                    ++i;
                else
                    full_offers.fetch_add(1), std::this_thread::yield();
            }
        });
        uint32_t next = 0;
        while (next < kItems) {
            auto v = co_await to_thread.get();
            EXPECT_TRUE(v.ok() && v.value() == next);
            if (!v.ok() || v.value() != next) break;
            ++next;
            room.release();
        }
        device.join();
        auto sum = co_await lo;
        co_await hi;
        EXPECT_EQ(next, kItems);
        EXPECT_TRUE(sum.ok() && sum.value() == uint64_t{kItems} * (kItems - 1) / 2);
    };
    run(main_task());
    EXPECT_EQ(to_low.dropped(), full_offers.load());  // every refusal counted, none lost
    EXPECT_EQ(to_thread.dropped(), 0u);
    printf("storm: %u items through two levels, %llu full offers\n", kItems,
           static_cast<unsigned long long>(full_offers.load()));
}

// Tasks of different levels share data only through any-context objects: a Lock or a Queue used
// from a second loop while it holds something is an assertion.
TEST(LevelsDeathTest, LockHeldInThreadModeTakenFromALevel) {
    GTEST_FLAG_SET(death_test_style, "threadsafe");
    auto scenario = [] {
        IrqController irq;
        Levels lv(irq);
        Lock lock;
        auto level_task = [&]() -> Task<void> { auto g = co_await lock.acquire(); };
        auto main_task = [&]() -> Task<void> {
            FrameAllocatorScope frames(spawn_pool());
            auto g = co_await lock.acquire();
            auto h = spawn(lv.low, level_task());  // the level runs at once and asks for it
            co_await h;
        };
        run(main_task());
    };
    EXPECT_DEATH(scenario(), "used from two loops");
}
TEST(LevelsDeathTest, QueueWithItemsTakenFromALevel) {
    GTEST_FLAG_SET(death_test_style, "threadsafe");
    auto scenario = [] {
        IrqController irq;
        Levels lv(irq);
        Queue<int, 4> q;
        auto level_task = [&]() -> Task<void> {
            (void)q.try_get();
            co_return;
        };
        auto main_task = [&]() -> Task<void> {
            FrameAllocatorScope frames(spawn_pool());
            (void)q.try_put(1);
            auto h = spawn(lv.low, level_task());
            co_await h;
        };
        run(main_task());
    };
    EXPECT_DEATH(scenario(), "used from two loops");
}

// wait_for on a task of a level that owns a DMA transfer: when wait_for returns, the transfer has
// stopped and the task's frame (with the buffer) is gone; the buffer is freed at once, and nothing
// may write into it afterwards (ASan under the asan preset; a scribbled check elsewhere).
using dma_cleanup::kLen;
using dma_cleanup::read_into;
FramePool<4096, 8>& big_pool() {
    static FramePool<4096, 8> pool;
    return pool;
}
TEST(Levels, WaitForAcrossLevelsStopsTheDmaBeforeReturning) {
    Board board;
    SpiBus bus{board.spi1()};
    SpiDevice flash{bus, kCsFlash};
    FramePool<4096, 8> level_pool;
    LevelLine line(board.irq(), kLowLine, kLowPrio);
    InterruptLoop level(line, level_pool);
    line.start(level);
    for (int round = 0; round < 5; ++round) {
        auto body = [&]() -> Task<void> {
            FrameAllocatorScope frames(big_pool());
            auto buf = std::make_unique<uint8_t[]>(kLen);
            int started = 0;
            auto h = spawn(level, read_into(flash, buf.get(), &started));
            auto r = co_await wait_for_ms(h, 2 + round);
            EXPECT_EQ(r.error(), Error::timed_out);
            EXPECT_TRUE(h.done() && h.cancelled());  // cleanup ran on the level already
            EXPECT_EQ(started, 1);
            EXPECT_FALSE(bus.busy());
            buf.reset();  // freed right after wait_for returned
            co_await dma_cleanup::nothing_writes_after(bus);
            // cancel() across levels: the level preempts the call, so the task is done after it.
            auto again = std::make_unique<uint8_t[]>(kLen);
            auto h2 = spawn(level, read_into(flash, again.get(), &started));
            co_await sleep_ms(1);
            h2.cancel();
            EXPECT_TRUE(h2.done() && h2.cancelled());
            EXPECT_FALSE(bus.busy());
            again.reset();
            co_await sleep_ms(25);
        };
        run(body());
    }
}

}  // namespace

namespace {

// spawn() between the loops of two threads: the same handle protocol as across levels, with the
// RemoteTask block's atomics really shared by two CPUs (run under the tsan preset too).
TEST(Spawn, AcrossThreadsAwaitCancelAndWaitFor) {
    std::atomic<Loop*> other{nullptr};
    Event stop;
    std::thread b([&] {
        auto body = [&]() -> Task<void> { co_await stop.wait(); };
        run(body(), [&](Loop& l) { other.store(&l); });
    });
    while (!other.load()) std::this_thread::yield();
    std::atomic<int> cleaned{0}, started{0};
    struct Cleanup {
        std::atomic<int>* n;
        ~Cleanup() { n->fetch_add(1); }
    };
    auto twice = [](int v) -> Task<int> {
        co_await sleep_ms(0);
        co_return v * 2;
    };
    auto forever = [&]() -> Task<int> {
        Cleanup c{&cleaned};
        started.fetch_add(1);
        co_await sleep_ms(100'000);
        co_return -1;
    };
    auto main_task = [&]() -> Task<void> {
        Loop& b_loop = *other.load();
        for (int i = 0; i < 300; ++i) {
            auto h = spawn(b_loop, twice(i));
            auto r = co_await h;
            EXPECT_TRUE(r.ok() && r.value() == 2 * i);
        }
        // (A task cancelled before it first ran has no locals to clean up: wait until it runs.)
        auto c = spawn(b_loop, forever());
        while (started.load() < 1) co_await sleep_ms(1);
        c.cancel();
        auto rc = co_await c;
        EXPECT_EQ(rc.error(), Error::cancelled);
        EXPECT_EQ(cleaned.load(), 1);
        auto w = spawn(b_loop, forever());
        while (started.load() < 2) co_await sleep_ms(1);
        auto rw = co_await wait_for_ms(w, 2);
        EXPECT_EQ(rw.error(), Error::timed_out);
        EXPECT_TRUE(w.done() && w.cancelled());
        EXPECT_EQ(cleaned.load(), 2);  // cleanup ran on the other thread before wait_for returned
        for (int i = 0; i < 50; ++i) (void)spawn(b_loop, twice(i));  // handles dropped at once
        co_await sleep_ms(20);  // their completions come back to this loop, which frees them
    };
    run(main_task());
    stop.set();
    b.join();
}

}  // namespace
