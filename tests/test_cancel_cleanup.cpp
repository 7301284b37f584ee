// Cancellation has finished when the wait that gave up returns, in every form.
// Each test lets a task own an SPI DMA transfer on the virtual board (a 23 ms read into a heap
// buffer), gives up on it in one way, and frees the buffer the moment the wait returns. If the
// DMA engine still writes, ASan reports a heap-use-after-free (run these under the asan preset);
// in plain builds a buffer allocated in its place is scribbled and checked not to change.
#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <tuple>

#include "irqio/irqio.hpp"
#include "irqio/periph/periph.hpp"
#include "irqio/sim/board.hpp"

#include "dma_cleanup.hpp"

using namespace irqio;
using namespace irqio::sim;

namespace {

using dma_cleanup::kLen;
using dma_cleanup::nothing_writes_after;
using dma_cleanup::read_into;

struct Rig {
    Board board;
    SpiBus bus{board.spi1()};
    SpiDevice flash{bus, kCsFlash};
};

// The wait that gave up has returned: the transfer must have stopped already; the buffer goes at
// once, and nothing may write into its place afterwards.
Task<void> stopped_then_freed(Rig& rig, std::unique_ptr<uint8_t[]>& buf) {
    EXPECT_FALSE(rig.bus.busy());
    buf.reset();
    co_await nothing_writes_after(rig.bus);
}

// wait_for(handle, a few ms) on a task that owns a DMA read. The waiter runs at `prio`: a
// high-priority one is made ready ahead of every normal task, so the cleanup must not depend on
// the cancelled task happening to run first.
void wait_for_handle_stops_the_dma(Priority prio) {
    Rig rig;
    for (int round = 0; round < 10; ++round) {
        auto body = [&]() -> Task<void> {
            auto buf = std::make_unique<uint8_t[]>(kLen);
            int started = 0;
            auto waiter = [&]() -> Task<void> {
                auto h = create_task(read_into(rig.flash, buf.get(), &started));
                auto r = co_await wait_for_ms(h, 2 + round);
                EXPECT_EQ(r.error(), Error::timed_out);
                // Cleanup has run: the task is done (cancelled), the transfer aborted.
                EXPECT_TRUE(h.done());
                EXPECT_TRUE(h.cancelled());
                EXPECT_EQ(started, 1);
                EXPECT_FALSE(rig.bus.busy());
                buf.reset();  // freed right after wait_for returned
            };
            co_await create_task(waiter(), prio);
            co_await nothing_writes_after(rig.bus);
        };
        run(body());
    }
}
TEST(CancelCleanup, WaitForHandleStopsTheDmaBeforeReturning) {
    wait_for_handle_stops_the_dma(Priority::normal);
}
TEST(CancelCleanup, WaitForHandleStopsTheDmaBeforeAHighPriorityWaiterReturns) {
    wait_for_handle_stops_the_dma(Priority::high);
}

// First wake wins: a task that finished before the timeout gives its value.
TEST(CancelCleanup, WaitForHandleGivesTheValueWhenTheTaskWins) {
    auto body = []() -> Task<void> {
        auto quick = []() -> Task<int> {
            co_await sleep_ms(1);
            co_return 42;
        };
        auto h = create_task(quick());
        auto r = co_await wait_for_ms(h, 200);
        EXPECT_TRUE(r.ok());
        if (r) {
            EXPECT_EQ(r.value(), 42);
        }
        // Already done: ready at once.
        auto again = co_await wait_for_ms(h, 0);
        EXPECT_TRUE(again.ok());
        // A task that is ready but has not run when a zero timeout fires: timers fire before
        // the ready tasks of a pass, so the timeout came first; the task is cancelled (never
        // run) and done when wait_for returns.
        auto zero = []() -> Task<int> { co_return 7; };
        auto z = create_task(zero());
        auto rz = co_await wait_for_ms(z, 0);
        EXPECT_EQ(rz.error(), Error::timed_out);
        EXPECT_TRUE(z.cancelled());
    };
    run(body());
}

// The task given up on is itself awaiting a sub-task that owns the transfer.
TEST(CancelCleanup, WaitForHandleWhoseTaskAwaitsASubTaskWithTheTransfer) {
    Rig rig;
    auto body = [&]() -> Task<void> {
        auto buf = std::make_unique<uint8_t[]>(kLen);
        int started = 0;
        auto outer = [&](uint8_t* b) -> Task<int> {
            co_await sleep_ms(1);
            int v = co_await read_into(rig.flash, b, &started);
            co_return v;
        };
        auto h = create_task(outer(buf.get()));
        auto r = co_await wait_for_ms(h, 5);
        EXPECT_EQ(r.error(), Error::timed_out);
        EXPECT_EQ(started, 1);
        co_await stopped_then_freed(rig, buf);
    };
    run(body());
}

// wait_for on a Task (not a handle) that owns a transfer: destroyed before wait_for returns.
TEST(CancelCleanup, WaitForTaskStopsTheDmaBeforeReturning) {
    Rig rig;
    auto body = [&]() -> Task<void> {
        auto buf = std::make_unique<uint8_t[]>(kLen);
        int started = 0;
        auto r = co_await wait_for_ms(read_into(rig.flash, buf.get(), &started), 5);
        EXPECT_EQ(r.error(), Error::timed_out);
        EXPECT_EQ(started, 1);
        co_await stopped_then_freed(rig, buf);
    };
    run(body());
}

// cancel() then co_await handle: the task's frame, and its transfer, are gone when it returns.
TEST(CancelCleanup, CancelThenAwaitHandle) {
    Rig rig;
    auto body = [&]() -> Task<void> {
        auto buf = std::make_unique<uint8_t[]>(kLen);
        int started = 0;
        auto h = create_task(read_into(rig.flash, buf.get(), &started));
        co_await sleep_ms(3);
        EXPECT_TRUE(rig.bus.busy());
        h.cancel();
        auto r = co_await h;
        EXPECT_EQ(r.error(), Error::cancelled);
        co_await stopped_then_freed(rig, buf);
    };
    run(body());
}

// A cancelled task that itself awaits a sub-task owning the transfer: cancelling the task stops
// the sub-task with it, before co_await handle returns.
TEST(CancelCleanup, CancelledTaskAwaitingASubTaskThatOwnsTheTransfer) {
    Rig rig;
    auto body = [&]() -> Task<void> {
        auto buf = std::make_unique<uint8_t[]>(kLen);
        int started = 0;
        auto outer = [&](uint8_t* b) -> Task<int> {
            int v = co_await read_into(rig.flash, b, &started);
            ADD_FAILURE() << "the sub-task should have been cancelled";
            co_return v;
        };
        auto h = create_task(outer(buf.get()));
        co_await sleep_ms(3);
        EXPECT_TRUE(rig.bus.busy());
        h.cancel();
        auto r = co_await h;
        EXPECT_EQ(r.error(), Error::cancelled);
        EXPECT_EQ(started, 1);
        co_await stopped_then_freed(rig, buf);
    };
    run(body());
}

// TaskGroup: cancel, then join; every member's transfer (one running, the others queued for the
// bus) is over when join returns.
TEST(CancelCleanup, TaskGroupCancelThenJoin) {
    Rig rig;
    auto body = [&]() -> Task<void> {
        constexpr int kMembers = 3;
        auto buf = std::make_unique<uint8_t[]>(kLen * kMembers);
        int started = 0;
        TaskGroup group;
        for (int i = 0; i < kMembers; ++i)
            group.create_task(read_into(rig.flash, buf.get() + i * kLen, &started));
        co_await sleep_ms(3);
        EXPECT_TRUE(rig.bus.busy());
        group.cancel();
        co_await group.join();
        EXPECT_TRUE(group.empty());
        EXPECT_EQ(started, 1);
        co_await stopped_then_freed(rig, buf);
    };
    run(body());
}

// TaskGroup whose member is given up on through wait_for(join(), d) after a cancel.
TEST(CancelCleanup, TaskGroupJoinAfterAMemberIsGivenUpOn) {
    Rig rig;
    auto body = [&]() -> Task<void> {
        auto buf = std::make_unique<uint8_t[]>(kLen);
        int started = 0;
        TaskGroup group;
        auto h = group.create_task(read_into(rig.flash, buf.get(), &started));
        auto r = co_await wait_for_ms(h, 4);
        EXPECT_EQ(r.error(), Error::timed_out);
        EXPECT_TRUE(group.empty());  // the member is gone already
        EXPECT_FALSE(rig.bus.busy());
        buf.reset();
        co_await group.join();
        co_await nothing_writes_after(rig.bus);
    };
    run(body());
}

// gather with a failing member: the others' transfers ran to the end, nothing runs afterwards.
TEST(CancelCleanup, GatherWithAFailingMember) {
    Rig rig;
    auto body = [&]() -> Task<void> {
        auto buf = std::make_unique<uint8_t[]>(kLen * 2);
        int started = 0;
        auto failing = []() -> Task<int> {
            co_await sleep_ms(1);
            co_return -5;  // gives up early
        };
        auto stuck = [&]() -> Task<int> {  // cancelled by its owner before the gather ends
            co_await sleep_ms(1000);
            co_return 0;
        };
        auto s = create_task(stuck());
        auto canceller = [&]() -> Task<int> {
            co_await sleep_ms(2);
            s.cancel();
            auto r = co_await s;
            co_return r.ok() ? 0 : -1;
        };
        auto [a, b, c, d] =
            co_await gather(read_into(rig.flash, buf.get(), &started), failing(),
                            read_into(rig.flash, buf.get() + kLen, &started), canceller());
        EXPECT_EQ(a.value(), 1);
        EXPECT_EQ(b.value(), -5);
        EXPECT_EQ(c.value(), 1);
        EXPECT_EQ(d.value(), -1);
        EXPECT_EQ(started, 2);
        co_await stopped_then_freed(rig, buf);
    };
    run(body());
}

// gather given up on by wait_for: every member still running is stopped, its transfer aborted,
// before wait_for returns. The waiter runs at `prio`: a high-priority one is made ready ahead of
// every normal task, so the members' cleanup must not depend on running before it in the queue
// (the destructor that gives them up finishes them at once: Loop::cancel_now).
void gather_given_up_on_by_wait_for(Priority prio) {
    Rig rig;
    auto body = [&]() -> Task<void> {
        auto buf = std::make_unique<uint8_t[]>(kLen * 2);
        int started = 0;
        auto waiter = [&]() -> Task<void> {
            auto failing = []() -> Task<int> { co_return -5; };
            auto r =
                co_await wait_for_ms(gather(read_into(rig.flash, buf.get(), &started), failing(),
                                            read_into(rig.flash, buf.get() + kLen, &started)),
                                     5);
            EXPECT_EQ(r.error(), Error::timed_out);
            EXPECT_EQ(started, 1);
            EXPECT_FALSE(rig.bus.busy());
            buf.reset();
        };
        co_await create_task(waiter(), prio);
        co_await nothing_writes_after(rig.bus);
    };
    run(body());
}
TEST(CancelCleanup, GatherGivenUpOnByWaitFor) {
    gather_given_up_on_by_wait_for(Priority::normal);
}
TEST(CancelCleanup, GatherGivenUpOnByAHighPriorityWaiter) {
    gather_given_up_on_by_wait_for(Priority::high);
}

// A task that owns a TaskGroup (and gather) is cancelled: co_await handle returns once the
// group's members have finished their cleanup too (the waiter at `prio`, as above).
void cancelled_task_owning_a_task_group(Priority prio) {
    Rig rig;
    auto body = [&]() -> Task<void> {
        auto buf = std::make_unique<uint8_t[]>(kLen);
        int started = 0;
        auto owner = [&](uint8_t* b) -> Task<void> {
            TaskGroup group;
            group.create_task(read_into(rig.flash, b, &started));
            co_await group.join();
        };
        auto waiter = [&]() -> Task<void> {
            auto h = create_task(owner(buf.get()));
            co_await sleep_ms(3);
            EXPECT_TRUE(rig.bus.busy());
            h.cancel();
            co_await h;
            EXPECT_EQ(started, 1);
            EXPECT_FALSE(rig.bus.busy());
            buf.reset();
        };
        co_await create_task(waiter(), prio);
        co_await nothing_writes_after(rig.bus);
    };
    run(body());
}
TEST(CancelCleanup, CancelledTaskOwningATaskGroup) {
    cancelled_task_owning_a_task_group(Priority::normal);
}
TEST(CancelCleanup, CancelledTaskOwningATaskGroupHighPriorityWaiter) {
    cancelled_task_owning_a_task_group(Priority::high);
}

}  // namespace
