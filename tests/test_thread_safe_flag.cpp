// ThreadSafeFlag and the loop's interrupt-wake path: a set() kept for the next wait, one wake per
// wait, the flag clearing as its waiter resumes, a waiter cancelled after a handler took it, and
// what an interrupt during the loop's sleep wakes (one task straight away, several in order).
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "irqio/irqio.hpp"

using namespace irqio;

namespace {

// A virtual clock whose sleep can be ended by an "interrupt": a function run in an IsrScope
// inside wait_until, as a handler that fires while the core sleeps.
class InterruptingPort final : public Port {
  public:
    uint64_t now_us() noexcept override { return now_; }
    void wait_until(uint64_t deadline_us) noexcept override {
        ++waits_;
        if (std::exchange(notified_, false)) return;
        if (irq_) {
            auto irq = std::exchange(irq_, nullptr);
            if (irq_at_us_ > now_) now_ = irq_at_us_;
            IsrScope isr;
            irq();
            return;
        }
        IRQIO_ASSERT(deadline_us != kNever, "InterruptingPort: the loop would sleep forever");
        if (deadline_us > now_) now_ = deadline_us;
    }
    void notify() noexcept override { notified_ = true; }
    // `irq` runs during the next sleep, with the clock at `at_us` (if that is later).
    void interrupt_next_sleep(std::function<void()> irq, uint64_t at_us = 0) {
        irq_ = std::move(irq);
        irq_at_us_ = at_us;
    }
    int waits() const { return waits_; }

  private:
    uint64_t now_ = 0;
    uint64_t irq_at_us_ = 0;
    bool notified_ = false;
    int waits_ = 0;
    std::function<void()> irq_;
};

// A loop on an InterruptingPort and a flag (declared after the loop: destroyed first, when no
// task waits any more).
class ThreadSafeFlagTest : public ::testing::Test {
  protected:
    InterruptingPort port;
    Loop loop{port};
    ThreadSafeFlag flag;
};
using InterruptWake = ThreadSafeFlagTest;

TEST_F(ThreadSafeFlagTest, SetBeforeWaitIsKeptAndTakenWithoutSuspending) {
    auto main = [&]() -> Task<void> {
        {
            IsrScope isr;
            flag.set();
            flag.set();  // merges with the first
        }
        EXPECT_TRUE(flag.is_set());
        const auto steps = loop.stats().steps;
        co_await flag.wait();
        EXPECT_EQ(loop.stats().steps, steps);  // did not suspend
        EXPECT_FALSE(flag.is_set());
    };
    loop.run(main());
}

TEST_F(ThreadSafeFlagTest, InterruptDuringSleepWakesTheWaiterOnceAndItClearsAsItResumes) {
    int woke = 0;
    auto waiter = [&]() -> Task<void> {
        co_await flag.wait();
        ++woke;
        EXPECT_FALSE(flag.is_set());  // the second set merged into this wake
    };
    auto main = [&]() -> Task<void> {
        port.interrupt_next_sleep([&] {
            flag.set();
            flag.set();
        });
        co_await waiter();
        EXPECT_EQ(woke, 1);
        EXPECT_EQ(port.waits(), 1);
    };
    loop.run(main());
}

TEST_F(ThreadSafeFlagTest, SetFromTaskContextMakesTheWaiterReady) {
    std::vector<std::string> order;
    auto waiter = [&]() -> Task<void> {
        co_await flag.wait();
        order.push_back("waiter");
    };
    auto main = [&]() -> Task<void> {
        auto h = create_task(waiter());
        co_await sleep_ms(0);  // the waiter waits
        flag.set();
        order.push_back("setter");
        co_await h;
    };
    loop.run(main());
    EXPECT_EQ(order, (std::vector<std::string>{"setter", "waiter"}));
}

TEST_F(ThreadSafeFlagTest, WaiterCancelledAfterAWakeLeavesTheFlagSet) {
    auto waiter = [&]() -> Task<void> { co_await flag.wait(); };
    auto main = [&]() -> Task<void> {
        auto h = create_task(waiter());
        co_await sleep_ms(0);
        {
            IsrScope isr;
            flag.set();  // takes the waiter and posts its wake
        }
        h.cancel();  // before it could resume
        auto r = co_await h;
        EXPECT_EQ(r.error(), Error::cancelled);
        EXPECT_TRUE(flag.is_set());  // the set was never seen: kept for the next wait
        auto again = create_task(waiter());
        co_await again;  // returns at once
        EXPECT_FALSE(flag.is_set());
    };
    loop.run(main());
}

TEST_F(ThreadSafeFlagTest, WaiterCancelledWithoutASetLeavesItClear) {
    auto waiter = [&]() -> Task<void> { co_await flag.wait(); };
    auto main = [&]() -> Task<void> {
        auto h = create_task(waiter());
        co_await sleep_ms(0);
        h.cancel();
        co_await h;
        EXPECT_FALSE(flag.is_set());
        flag.set();  // no waiter any more: just sets
        EXPECT_TRUE(flag.is_set());
        co_await flag.wait();
    };
    loop.run(main());
}

TEST(ThreadSafeFlagDeathTest, SecondWaiterIsAnAssertion) {
    auto two_waiters = [] {
        InterruptingPort port;
        Loop loop(port);
        ThreadSafeFlag flag;
        auto waiter = [&]() -> Task<void> { co_await flag.wait(); };
        auto main = [&]() -> Task<void> {
            auto a = create_task(waiter());
            auto b = create_task(waiter());
            co_await sleep_ms(1);
        };
        loop.run(main());
    };
    EXPECT_DEATH(two_waiters(), "one waiter at a time");
}

// Several wakes from one interrupt go through the run queue in the order they were made; a timer
// that fell due during the same sleep fires in the next pass.
TEST_F(InterruptWake, SeveralWakesFromOneInterruptRunInOrder) {
    ThreadSafeFlag& a = flag;
    ThreadSafeFlag b;
    Event ev;
    std::vector<std::string> order;
    auto on = [&](ThreadSafeFlag& f, const char* name) -> Task<void> {
        co_await f.wait();
        order.push_back(name);
    };
    auto on_event = [&]() -> Task<void> {
        co_await ev.wait();
        order.push_back("event");
    };
    auto sleeper = [&]() -> Task<void> {
        co_await sleep_ms(5);
        order.push_back("timer");
    };
    auto main = [&]() -> Task<void> {
        auto ha = create_task(on(a, "a"));
        auto hb = create_task(on(b, "b"));
        auto he = create_task(on_event());
        auto hs = create_task(sleeper());
        co_await sleep_ms(0);  // everyone waits
        port.interrupt_next_sleep(
            [&] {
                b.set();
                ev.set();
                a.set();
            },
            5000);  // the moment the sleeper's timer falls due
        co_await ha;
        co_await hb;
        co_await he;
        co_await hs;
    };
    loop.run(main());
    EXPECT_EQ(order, (std::vector<std::string>{"b", "event", "a", "timer"}));
}

TEST_F(InterruptWake, LoneWakeRunsInTheSamePassAsTheSleep) {
    LoopStats::Count passes_at_sleep = 0, passes_at_wake = 0;
    auto waiter = [&]() -> Task<void> {
        passes_at_sleep = loop.stats().passes;
        co_await flag.wait();
        passes_at_wake = loop.stats().passes;
    };
    auto main = [&]() -> Task<void> {
        port.interrupt_next_sleep([&] { flag.set(); });
        co_await waiter();  // inline: this task itself sleeps
    };
    loop.run(main());
    EXPECT_EQ(passes_at_wake, passes_at_sleep + 1);  // the pass that slept ran it
    EXPECT_EQ(loop.stats().inbox_nodes, 1u);
}

}  // namespace
