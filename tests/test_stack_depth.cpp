// The stack depth of a chain of synchronously completing sub-tasks is bounded
// without relying on the optimiser (no tail call at -O0 or under ASan). Each test runs its loop on
// a thread with a 64 KiB stack; before the trampoline in resume_task (core/task_base.hpp), the
// first test overflowed it after a few hundred awaits in the default (Debug) build.
#include <gtest/gtest.h>
#include <pthread.h>

#include <cstdint>

#include "irqio/irqio.hpp"

using namespace irqio;

namespace {

constexpr std::size_t kStack = 64 * 1024;

// Runs fn() on a new thread with a kStack-byte stack and waits for it.
template <class F>
void on_small_stack(F fn) {
    pthread_attr_t attr;
    ASSERT_EQ(pthread_attr_init(&attr), 0);
    ASSERT_EQ(pthread_attr_setstacksize(&attr, kStack), 0);
    pthread_t th;
    auto tramp = [](void* p) -> void* {
        (*static_cast<F*>(p))();
        return nullptr;
    };
    ASSERT_EQ(pthread_create(&th, &attr, tramp, &fn), 0);
    pthread_join(th, nullptr);
    pthread_attr_destroy(&attr);
}

Task<int> leaf(int i) {
    co_return i & 3;
}

Task<int> middle(int i) {
    int a = co_await leaf(i);  // a sub-task that awaits a sub-task, both synchronous
    co_return a + 1;
}

Task<void> sync_leaf(uint64_t& n) {
    ++n;
    co_return;
}

// Ten million sub-task awaits that never suspend, in one step of one task.
TEST(StackDepth, TenMillionSynchronousSubTaskAwaits) {
    constexpr uint64_t kAwaits = 10'000'000;
    uint64_t sum = 0, n = 0;
    on_small_stack([&] {
        auto body = [&]() -> Task<void> {
            for (uint64_t i = 0; i < kAwaits / 2; ++i) {
                sum += static_cast<uint64_t>(co_await middle(static_cast<int>(i)));  // 2 awaits
            }
        };
        run(body());
        auto body2 = [&]() -> Task<void> {
            for (int i = 0; i < 1000; ++i) co_await sync_leaf(n);
        };
        run(body2());
    });
    uint64_t expect = 0;
    for (uint64_t i = 0; i < kAwaits / 2; ++i) expect += (i & 3) + 1;
    EXPECT_EQ(sum, expect);
    EXPECT_EQ(n, 1000u);
}

// The same through wait_for(Task, d), which starts its sub-task the same way.
TEST(StackDepth, SynchronousWaitForTaskAwaits) {
    constexpr int kAwaits = 1'000'000;
    int64_t sum = 0;
    on_small_stack([&] {
        auto body = [&]() -> Task<void> {
            for (int i = 0; i < kAwaits; ++i) {
                auto r = co_await wait_for_ms(leaf(i), 1000);
                sum += r.ok() ? r.value() : -1000000;
            }
        };
        run(body());
    });
    int64_t expect = 0;
    for (int i = 0; i < kAwaits; ++i) expect += i & 3;
    EXPECT_EQ(sum, expect);
}

// A chain of sub-tasks 20,000 deep (each awaits the next): the frames are on the heap, the stack
// depth stays that of one frame.
Task<int> nest(int depth) {
    if (depth == 0) co_return 0;
    int below = co_await nest(depth - 1);
    co_return below + 1;
}

TEST(StackDepth, DeepChainOfSubTasks) {
    int got = -1;
    on_small_stack([&] {
        auto body = [&]() -> Task<void> { got = co_await nest(20'000); };
        run(body());
    });
    EXPECT_EQ(got, 20'000);
}

// Sub-tasks that suspend now and then (a yield every 64th) mixed with synchronous ones, across
// tasks: what the echo server does when lines arrive in bursts.
Task<int> maybe_yield(int i) {
    if ((i & 63) == 0) co_await sleep_ms(0);
    co_return 1;
}

TEST(StackDepth, MixedSuspendingAndSynchronousSubTasks) {
    int total = 0;
    on_small_stack([&] {
        auto worker = [&]() -> Task<void> {
            for (int i = 0; i < 200'000; ++i) total += co_await maybe_yield(i);
        };
        auto body = [&]() -> Task<void> {
            auto a = create_task(worker());
            auto b = create_task(worker());
            co_await a;
            co_await b;
        };
        run(body());
    });
    EXPECT_EQ(total, 400'000);
}

}  // namespace
