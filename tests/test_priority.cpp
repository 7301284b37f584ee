// Priorities: MicroPython's example, on a clock the test controls.
// Four ready normal tasks "block" for 50, 30, 25 and 10 ms; during the first one an interrupt wakes
// a task. A high-priority waiter starts right after the current task (+50 ms); a normal one starts
// after all four (+115 ms). The clock only moves when a task says so, so the figures are exact.
#include <gtest/gtest.h>
#include <signal.h>

#include <string>
#include <vector>

#include "irqio/irqio.hpp"
#include "irqio/linux.hpp"
#include "irqio/port/virtual_clock_port.hpp"

using namespace irqio;

namespace {

struct Loops {
    VirtualClockPort port{5'000'000};
    Loop loop{port};
};

enum class How { isr_scope, signal, task_context };

// Raised signal handler: sets the flag passed as ctx (runs inside irqio's IsrScope).
void set_flag_handler(int, void* ctx) {
    static_cast<ThreadSafeFlag*>(ctx)->set();
}
void set_event_handler(int, void* ctx) {
    static_cast<Event*>(ctx)->set();
}

template <class Obj>
void interrupt(Obj& obj, How how) {
    switch (how) {
        case How::isr_scope: {
            IsrScope s;  // as a handler would be
            obj.set();
            break;
        }
        case How::signal:
            // raise() runs the attached handler on this thread before it returns: a real
            // asynchronous-context call, in the middle of the blocking task's step.
            ASSERT_EQ(::raise(SIGUSR1), 0);
            break;
        case How::task_context:
            obj.set();
            break;
    }
}

// Runs the example; returns the start time (ms after the four blockers became ready) of the task
// woken by the interrupt, and the order in which things ran.
template <class Obj>
uint64_t run_example(Priority wait_prio, Priority task_prio, How how,
                     std::vector<std::string>* order = nullptr) {
    Loops l;
    Obj obj;
    if (how == How::signal) {
        if constexpr (std::is_same_v<Obj, ThreadSafeFlag>)
            EXPECT_EQ(linux_port::attach_signal(SIGUSR1, &set_flag_handler, &obj), 0);
        else
            EXPECT_EQ(linux_port::attach_signal(SIGUSR1, &set_event_handler, &obj), 0);
    }
    std::vector<std::string> log;
    uint64_t t0 = 0, started = 0;
    bool interrupted = false;

    auto waiter = [&]() -> Task<void> {
        co_await obj.wait(wait_prio);
        started = l.port.now_us();
        log.push_back("woken");
    };
    auto blocker = [&](int ms, bool raise_irq) -> Task<void> {
        log.push_back("block " + std::to_string(ms));
        l.port.advance_ms(ms / 2);
        if (raise_irq) {
            interrupt(obj, how);
            interrupted = true;
        }
        l.port.advance_ms(ms - ms / 2);  // a blocking call: no suspension, the clock moves
        co_return;
    };
    auto main = [&]() -> Task<void> {
        auto w = create_task(waiter(), task_prio);
        co_await sleep_ms(0);  // the waiter is now waiting
        t0 = l.port.now_us();
        auto a = create_task(blocker(50, true));
        auto b = create_task(blocker(30, false));
        auto c = create_task(blocker(25, false));
        auto d = create_task(blocker(10, false));
        co_await w;
        co_await a;
        co_await b;
        co_await c;
        co_await d;
    };
    l.loop.run(main());
    if (how == How::signal) linux_port::detach_signal(SIGUSR1);
    EXPECT_TRUE(interrupted);
    EXPECT_EQ(log.size(), 5u);
    if (order) *order = log;
    return (started - t0) / 1000u;
}

TEST(Priority, HighPriorityFlagWaiterStartsAfterTheCurrentTask) {
    std::vector<std::string> order;
    EXPECT_EQ(run_example<ThreadSafeFlag>(Priority::high, Priority::normal, How::isr_scope, &order),
              50u);
    EXPECT_EQ(order,
              (std::vector<std::string>{"block 50", "woken", "block 30", "block 25", "block 10"}));
}

TEST(Priority, NormalPriorityFlagWaiterStartsAfterAllOfThem) {
    std::vector<std::string> order;
    EXPECT_EQ(
        run_example<ThreadSafeFlag>(Priority::normal, Priority::normal, How::isr_scope, &order),
        115u);
    EXPECT_EQ(order,
              (std::vector<std::string>{"block 50", "block 30", "block 25", "block 10", "woken"}));
}

TEST(Priority, FromARealSignalHandler) {
    EXPECT_EQ(run_example<ThreadSafeFlag>(Priority::high, Priority::normal, How::signal), 50u);
    EXPECT_EQ(run_example<ThreadSafeFlag>(Priority::normal, Priority::normal, How::signal), 115u);
}

TEST(Priority, EventWaitWithPriority) {
    EXPECT_EQ(run_example<Event>(Priority::high, Priority::normal, How::isr_scope), 50u);
    EXPECT_EQ(run_example<Event>(Priority::normal, Priority::normal, How::isr_scope), 115u);
    EXPECT_EQ(run_example<Event>(Priority::high, Priority::normal, How::signal), 50u);
    // Set from task context (the blocker itself): the same ordering rules apply.
    EXPECT_EQ(run_example<Event>(Priority::high, Priority::normal, How::task_context), 50u);
    EXPECT_EQ(run_example<Event>(Priority::normal, Priority::normal, How::task_context), 115u);
}

TEST(Priority, TaskCreatedWithHighPriorityIsWokenAheadEvenByANormalWait) {
    EXPECT_EQ(run_example<ThreadSafeFlag>(Priority::normal, Priority::high, How::isr_scope), 50u);
    EXPECT_EQ(run_example<Event>(Priority::normal, Priority::high, How::signal), 50u);
}

TEST(Priority, HighPriorityTaskCreatedBehindReadyNormalTasksRunsFirst) {
    Loops l;
    std::vector<int> order;
    auto worker = [&](int id) -> Task<void> {
        order.push_back(id);
        co_return;
    };
    auto main = [&]() -> Task<void> {
        auto a = create_task(worker(1));
        auto b = create_task(worker(2));
        auto c = create_task(worker(3), Priority::high);
        auto d = create_task(worker(4));
        auto e = create_task(worker(5), Priority::high);
        co_await a;
        co_await b;
        co_await c;
        co_await d;
        co_await e;
    };
    l.loop.run(main());
    // High-priority tasks first, FIFO within each priority.
    EXPECT_EQ(order, (std::vector<int>{3, 5, 1, 2, 4}));
}

TEST(Priority, HighPriorityTaskStaysHighAcrossItsWaits) {
    // A high task that yields and sleeps still goes ahead of the normal tasks each time it wakes.
    Loops l;
    std::vector<std::string> log;
    auto normal = [&](int id) -> Task<void> {
        for (int i = 0; i < 3; ++i) {
            log.push_back("n" + std::to_string(id));
            l.port.advance_ms(10);
            co_await sleep_ms(0);
        }
    };
    auto high = [&]() -> Task<void> {
        co_await sleep_ms(5);  // expires while n1 "blocks"
        log.push_back("h");
    };
    auto main = [&]() -> Task<void> {
        auto h = create_task(high(), Priority::high);
        auto a = create_task(normal(1));
        auto b = create_task(normal(2));
        co_await h;
        co_await a;
        co_await b;
    };
    l.loop.run(main());
    // Timers fire once per pass, so h becomes ready at the start of the next pass and then runs
    // before the normal tasks of that pass.
    ASSERT_GE(log.size(), 3u);
    EXPECT_EQ(log[0], "n1");
    EXPECT_EQ(log[1], "n2");
    EXPECT_EQ(log[2], "h");
}

}  // namespace
