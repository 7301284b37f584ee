// Tasks, ordering, cancellation and results, on a loop whose clock the test controls.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "irqio/irqio.hpp"
#include "irqio/port/virtual_clock_port.hpp"

using namespace irqio;

namespace {

struct Loops {
    VirtualClockPort port{1'000'000};
    Loop loop{port};
};

Task<int> answer() {
    co_return 42;
}
Task<int> add_one(int x) {
    int a = co_await answer();
    co_return a + x;
}

TEST(Tasks, InlineAwaitGivesValue) {
    Loops l;
    EXPECT_EQ(l.loop.run(add_one(1)), 43);
}

TEST(Tasks, CreatedTaskRunsAfterCreatorSuspends) {
    Loops l;
    std::vector<std::string> log;
    auto child = [&]() -> Task<void> {
        log.push_back("child");
        co_return;
    };
    auto main = [&]() -> Task<void> {
        auto h = create_task(child());
        log.push_back("after create");
        co_await sleep_ms(0);
        log.push_back("after yield");
        EXPECT_TRUE(h.done());
    };
    l.loop.run(main());
    EXPECT_EQ(log, (std::vector<std::string>{"after create", "child", "after yield"}));
}

TEST(Tasks, FifoAmongReadyTasksAndSleepZeroLetsEachRunOnce) {
    Loops l;
    std::vector<int> order;
    auto worker = [&](int id) -> Task<void> {
        for (int i = 0; i < 3; ++i) {
            order.push_back(id);
            co_await sleep_ms(0);
        }
    };
    auto main = [&]() -> Task<void> {
        auto a = create_task(worker(1));
        auto b = create_task(worker(2));
        auto c = create_task(worker(3));
        co_await a;
        co_await b;
        co_await c;
    };
    l.loop.run(main());
    EXPECT_EQ(order, (std::vector<int>{1, 2, 3, 1, 2, 3, 1, 2, 3}));
}

TEST(Tasks, EqualDeadlinesExpireInFifoOrder) {
    Loops l;
    std::vector<int> order;
    auto sleeper = [&](int id, uint32_t ms) -> Task<void> {
        co_await sleep_ms(ms);
        order.push_back(id);
    };
    auto main = [&]() -> Task<void> {
        TaskGroup g;
        for (int i = 0; i < 20; ++i) g.create_task(sleeper(i, i % 2 ? 10 : 5));
        co_await g.join();
    };
    l.loop.run(main());
    std::vector<int> want;
    for (int i = 0; i < 20; i += 2) want.push_back(i);
    for (int i = 1; i < 20; i += 2) want.push_back(i);
    EXPECT_EQ(order, want);
}

TEST(Tasks, SleepAdvancesVirtualTimeExactly) {
    Loops l;
    auto main = [&]() -> Task<uint64_t> {
        uint64_t t0 = now_us();
        co_await sleep_ms(250);
        co_return now_us() - t0;
    };
    EXPECT_EQ(l.loop.run(main()), 250'000u);
}

struct Counted {
    int* n;
    explicit Counted(int* c) : n(c) {}
    ~Counted() { ++*n; }
};

TEST(Cancel, SleepingTaskStopsAndLocalsDestroyedOnce) {
    Loops l;
    int destroyed = 0;
    bool finished = false;
    auto sleeper = [&]() -> Task<int> {
        Counted c(&destroyed);
        co_await sleep_ms(1000);
        finished = true;
        co_return 1;
    };
    auto main = [&]() -> Task<void> {
        auto h = create_task(sleeper());
        co_await sleep_ms(10);
        EXPECT_EQ(l.loop.timer_count(), 1u);
        h.cancel();
        auto r = co_await h;
        EXPECT_EQ(r.error(), Error::cancelled);
        EXPECT_TRUE(h.cancelled());
        EXPECT_EQ(l.loop.timer_count(), 0u);
    };
    l.loop.run(main());
    EXPECT_EQ(destroyed, 1);
    EXPECT_FALSE(finished);
}

TEST(Cancel, TaskWaitingOnEventIsForgottenByTheEvent) {
    Loops l;
    Event ev;
    int destroyed = 0;
    auto waiter = [&]() -> Task<void> {
        Counted c(&destroyed);
        co_await ev.wait();
    };
    auto main = [&]() -> Task<void> {
        auto h = create_task(waiter());
        co_await sleep_ms(0);
        EXPECT_TRUE(ev.has_waiters());
        h.cancel();
        co_await h;
        EXPECT_FALSE(ev.has_waiters());
        ev.set();
    };
    l.loop.run(main());
    EXPECT_EQ(destroyed, 1);
}

TEST(Cancel, CancelledLockWaiterNeverHoldsTheLock) {
    Loops l;
    Lock lock;
    bool b_got = false, c_got = false;
    auto holder = [&]() -> Task<void> {
        auto g = co_await lock.acquire();
        co_await sleep_ms(10);
    };
    auto taker = [&](bool* got) -> Task<void> {
        auto g = co_await lock.acquire();
        *got = true;
    };
    auto main = [&]() -> Task<void> {
        auto a = create_task(holder());
        co_await sleep_ms(0);
        auto b = create_task(taker(&b_got));
        auto c = create_task(taker(&c_got));
        co_await sleep_ms(0);
        b.cancel();
        co_await a;
        co_await c;
        auto rb = co_await b;
        EXPECT_EQ(rb.error(), Error::cancelled);
        EXPECT_FALSE(lock.locked());
    };
    l.loop.run(main());
    EXPECT_FALSE(b_got);
    EXPECT_TRUE(c_got);
}

TEST(Cancel, CancelAfterHandoverPassesLockOn) {
    Loops l;
    Lock lock;
    bool c_got = false;
    // Coroutine lambdas must outlive their frames: keep them in named variables.
    auto never_runs = [&]() -> Task<void> {
        auto g2 = co_await lock.acquire();
        ADD_FAILURE() << "cancelled waiter ran";
    };
    auto gets = [&]() -> Task<void> {
        auto g3 = co_await lock.acquire();
        c_got = true;
    };
    auto main = [&]() -> Task<void> {
        auto g = co_await lock.acquire();
        auto b = create_task(never_runs());
        auto c = create_task(gets());
        co_await sleep_ms(0);
        g.unlock();  // hands over to b, which is then cancelled before it runs
        b.cancel();
        co_await c;
        EXPECT_FALSE(lock.locked());
    };
    l.loop.run(main());
    EXPECT_TRUE(c_got);
}

TEST(Cancel, TaskAwaitingAnotherThatJustFinished) {
    Loops l;
    auto quick = []() -> Task<int> {
        co_await sleep_ms(0);
        co_return 7;
    };
    auto await_it = [](TaskHandle<int> target) -> Task<int> {
        auto r = co_await target;
        co_return r.value();
    };
    auto main = [&]() -> Task<void> {
        auto target = create_task(quick());
        auto awaiter = create_task(await_it(target));
        co_await sleep_ms(0);  // target yields, awaiter starts waiting on it
        co_await sleep_ms(0);  // target finishes; awaiter is woken but has not run
        EXPECT_TRUE(target.done());
        awaiter.cancel();
        auto r = co_await awaiter;
        EXPECT_EQ(r.error(), Error::cancelled);
        EXPECT_EQ((co_await target).value(), 7);
    };
    l.loop.run(main());
}

TEST(Cancel, SelfCancelStopsAtNextSuspension) {
    Loops l;
    bool after = false;
    int destroyed = 0;
    auto self = [&]() -> Task<void> {
        Counted c(&destroyed);
        current_task().cancel();
        co_await sleep_ms(1);
        after = true;
    };
    auto main = [&]() -> Task<void> {
        auto h = create_task(self());
        auto r = co_await h;
        EXPECT_EQ(r.error(), Error::cancelled);
    };
    l.loop.run(main());
    EXPECT_FALSE(after);
    EXPECT_EQ(destroyed, 1);
}

TEST(Cancel, CancellingParentStopsInlineSubTask) {
    Loops l;
    int destroyed = 0;
    auto inner = [&]() -> Task<void> {
        Counted c(&destroyed);
        co_await sleep_ms(100);
    };
    auto outer = [&]() -> Task<void> {
        Counted c(&destroyed);
        co_await inner();
    };
    auto main = [&]() -> Task<void> {
        auto h = create_task(outer());
        co_await sleep_ms(1);
        h.cancel();
        co_await h;
    };
    l.loop.run(main());
    EXPECT_EQ(destroyed, 2);
}

TEST(Run, PendingTasksAreCancelledWithCleanupWhenMainReturns) {
    int destroyed = 0;
    {
        Loops l;
        auto forever = [&]() -> Task<void> {
            Counted c(&destroyed);
            Event never;
            co_await never.wait();
        };
        auto main = [&]() -> Task<int> {
            create_task(forever());
            create_task(forever());
            co_await sleep_ms(1);
            co_return 5;
        };
        EXPECT_EQ(l.loop.run(main()), 5);
        EXPECT_EQ(destroyed, 2);
        EXPECT_EQ(l.loop.task_count(), 0u);
    }
}

TEST(Events, ManyWaitersAllWakeInOrder) {
    Loops l;
    Event ev;
    std::vector<int> order;
    auto waiter = [&](int i) -> Task<void> {
        co_await ev.wait();
        order.push_back(i);
    };
    auto main = [&]() -> Task<void> {
        TaskGroup g;
        for (int i = 0; i < 100; ++i) g.create_task(waiter(i));
        co_await sleep_ms(0);
        ev.set();
        co_await g.join();
    };
    l.loop.run(main());
    ASSERT_EQ(order.size(), 100u);
    for (int i = 0; i < 100; ++i) EXPECT_EQ(order[i], i);
}

TEST(Queue, PutGetFifoAndBackPressure) {
    Loops l;
    Queue<int, 4> q;
    std::vector<int> got;
    auto producer = [&]() -> Task<void> {
        for (int i = 0; i < 20; ++i) (void)co_await q.put(i);
    };
    auto consumer = [&]() -> Task<void> {
        for (int i = 0; i < 20; ++i) {
            auto r = co_await q.get();
            got.push_back(r.value());
            if (i % 3 == 0) co_await sleep_ms(1);
        }
    };
    auto main = [&]() -> Task<void> {
        auto p = create_task(producer());
        auto c = create_task(consumer());
        co_await p;
        co_await c;
    };
    l.loop.run(main());
    ASSERT_EQ(got.size(), 20u);
    for (int i = 0; i < 20; ++i) EXPECT_EQ(got[i], i);
    EXPECT_EQ(q.try_get().error(), Error::empty);
}

TEST(Queue, TryPutFullAndCapacityFromConstructor) {
    Queue<std::string> q(2);
    EXPECT_TRUE(q.try_put("a").ok());
    EXPECT_TRUE(q.try_put("b").ok());
    EXPECT_EQ(q.try_put("c").error(), Error::full);
    EXPECT_TRUE(q.full());
    EXPECT_EQ(q.try_get().value(), "a");
}

TEST(Queue, CancelledWokenGetterLosesNoItem) {
    Loops l;
    Queue<int, 2> q;
    auto getter = [&]() -> Task<int> { co_return (co_await q.get()).value(); };
    auto main = [&]() -> Task<void> {
        auto g1 = create_task(getter());
        auto g2 = create_task(getter());
        co_await sleep_ms(0);
        EXPECT_TRUE(q.try_put(1).ok());  // wakes g1 with the item reserved
        g1.cancel();                     // before g1 runs
        auto r2 = co_await g2;
        EXPECT_EQ(r2.value(), 1);
    };
    l.loop.run(main());
}

TEST(Semaphore, AcquireReleaseFifo) {
    Loops l;
    Semaphore sem(1);
    std::vector<int> order;
    auto user = [&](int i) -> Task<void> {
        co_await sem.acquire();
        order.push_back(i);
        co_await sleep_ms(1);
        sem.release();
    };
    auto main = [&]() -> Task<void> {
        TaskGroup g;
        for (int i = 0; i < 5; ++i) g.create_task(user(i));
        co_await g.join();
    };
    l.loop.run(main());
    EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3, 4}));
    EXPECT_EQ(sem.value(), 1);
}

TEST(WaitFor, TimesOutAndCancelsInnerTask) {
    Loops l;
    int destroyed = 0;
    auto slow = [&]() -> Task<int> {
        Counted c(&destroyed);
        co_await sleep_ms(100);
        co_return 1;
    };
    auto main = [&]() -> Task<void> {
        uint64_t t0 = now_us();
        auto r = co_await wait_for_ms(slow(), 10);
        EXPECT_EQ(r.error(), Error::timed_out);
        EXPECT_EQ(destroyed, 1);  // cleanup has run when wait_for returns
        EXPECT_EQ(now_us() - t0, 10'000u);
        EXPECT_EQ(l.loop.timer_count(), 0u);
    };
    l.loop.run(main());
}

TEST(WaitFor, TimesOutATaskThatNeverStopsYielding) {
    Loops l;
    int destroyed = 0;
    auto spinner = [&]() -> Task<int> {
        Counted c(&destroyed);
        for (;;) {
            l.port.advance_us(100);
            co_await sleep_ms(0);
        }
    };
    auto main = [&]() -> Task<void> {
        auto r = co_await wait_for_ms(spinner(), 5);
        EXPECT_EQ(r.error(), Error::timed_out);
        EXPECT_EQ(destroyed, 1);
    };
    l.loop.run(main());
}

TEST(WaitFor, CompletesInTime) {
    Loops l;
    auto quick = []() -> Task<int> {
        co_await sleep_ms(5);
        co_return 9;
    };
    auto main = [&]() -> Task<void> {
        auto r = co_await wait_for(quick(), std::chrono::milliseconds(50));
        EXPECT_EQ(r.value(), 9);
        EXPECT_EQ(l.loop.timer_count(), 0u);
    };
    l.loop.run(main());
}

TEST(WaitFor, EventWaitAndQueueGet) {
    Loops l;
    Event ev;
    Queue<int, 2> q;
    auto set_later = [&]() -> Task<void> {
        co_await sleep_ms(1);
        ev.set();
    };
    auto main = [&]() -> Task<void> {
        auto r = co_await wait_for_ms(ev.wait(), 3);
        EXPECT_EQ(r.error(), Error::timed_out);
        EXPECT_FALSE(ev.has_waiters());
        auto r2 = co_await wait_for_ms(q.get(), 3);
        EXPECT_EQ(r2.error(), Error::timed_out);
        (void)q.try_put(4);
        auto r3 = co_await wait_for_ms(q.get(), 3);
        EXPECT_EQ(r3.value(), 4);  // Result<int>, not Result<Result<int>>
        create_task(set_later());
        auto r4 = co_await wait_for_ms(ev.wait(), 10);
        EXPECT_TRUE(r4.ok());
    };
    l.loop.run(main());
}

TEST(WaitFor, Nested) {
    Loops l;
    auto inner = []() -> Task<int> {
        auto r = co_await wait_for_ms(sleep_ms(100), 50);
        co_return r.ok() ? 1 : 2;
    };
    auto main = [&]() -> Task<void> {
        auto r = co_await wait_for_ms(inner(), 20);
        EXPECT_EQ(r.error(), Error::timed_out);
        auto r2 = co_await wait_for_ms(inner(), 80);
        EXPECT_EQ(r2.value(), 2);
        EXPECT_EQ(l.loop.timer_count(), 0u);
    };
    l.loop.run(main());
}

TEST(Gather, OneCancelledOneFailingOthersFine) {
    Loops l;
    auto val = [](int v, uint32_t ms) -> Task<int> {
        co_await sleep_ms(ms);
        co_return v;
    };
    auto cancels_itself = []() -> Task<int> {
        current_task().cancel();
        co_await sleep_ms(1);
        co_return 0;
    };
    auto main = [&]() -> Task<void> {
        auto [a, b, c] = co_await gather(val(1, 5), cancels_itself(), val(3, 1));
        EXPECT_EQ(a.value(), 1);
        EXPECT_EQ(b.error(), Error::cancelled);
        EXPECT_EQ(c.value(), 3);
    };
    l.loop.run(main());
}

TEST(TaskGroup, DestroyingCancelsChildren) {
    Loops l;
    int destroyed = 0;
    auto child = [&]() -> Task<void> {
        Counted c(&destroyed);
        co_await sleep_ms(1000);
    };
    auto main = [&]() -> Task<void> {
        {
            TaskGroup g;
            g.create_task(child());
            g.create_task(child());
            co_await sleep_ms(1);
        }
        co_await sleep_ms(1);
        EXPECT_EQ(destroyed, 2);
    };
    l.loop.run(main());
    EXPECT_EQ(l.port.now_us(), 1'000'000u + 2'000u);
}

TEST(Time, TicksWrapAround) {
    EXPECT_EQ(ticks_diff(5u, 0xFFFFFFFBu), 10);
    EXPECT_EQ(ticks_add(0xFFFFFFFBu, 10), 5u);
    EXPECT_EQ(ticks_diff(0xFFFFFFFBu, 5u), -10);
    // A loop clock that starts 5 ms before ticks_ms() wraps: sleeps across the wrap are exact.
    VirtualClockPort port((uint64_t{1} << 32) * 1000u - 5000u);
    Loop loop(port);
    auto main = [&]() -> Task<void> {
        uint32_t t0 = ticks_ms();
        EXPECT_EQ(t0, 0xFFFFFFFBu);
        co_await sleep_ms(10);
        uint32_t t1 = ticks_ms();
        EXPECT_EQ(t1, 5u);
        EXPECT_EQ(ticks_diff(t1, t0), 10);
        uint32_t u0 = ticks_us();
        co_await sleep_us(3000);
        EXPECT_EQ(ticks_diff(ticks_us(), u0), 3000);
    };
    loop.run(main());
}

TEST(Time, ZeroPastAndHugeDeadlines) {
    Loops l;
    auto main = [&]() -> Task<void> {
        uint64_t t0 = now_us();
        co_await sleep_until(Clock::time_point(Clock::duration(1)));  // long past
        co_await sleep(std::chrono::microseconds(-5));
        EXPECT_EQ(now_us(), t0);
        auto h = create_task([]() -> Task<void> { co_await sleep_us(UINT64_MAX); }());
        co_await sleep_ms(1);
        EXPECT_FALSE(h.done());
        h.cancel();
        co_await h;
    };
    l.loop.run(main());
}

}  // namespace
