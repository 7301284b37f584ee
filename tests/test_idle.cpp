// The Linux loop sleeps without ticking (a tickless loop costs nothing while idle), and
// CriticalSection masks exactly the attached signals and nests.
#include <gtest/gtest.h>
#include <pthread.h>
#include <signal.h>
#include <sys/resource.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "irqio/irqio.hpp"
#include "irqio/linux.hpp"

using namespace irqio;

namespace {

// Voluntary switches only: the thread blocking (a wait in the port). Involuntary ones are other
// processes preempting it, which a loaded machine does at any rate and says nothing of the loop.
long thread_context_switches() {
    rusage ru{};
    getrusage(RUSAGE_THREAD, &ru);
    return ru.ru_nvcsw;
}

TEST(Idle, SleepingLoopDoesNotTick) {
    linux_port::LinuxPort port;
    Loop loop(port);
    long switches = 0;
    uint64_t slept_us = 0;
    auto main = [&]() -> Task<void> {
        const long before = thread_context_switches();
        const uint64_t t0 = now_us();
        co_await sleep_ms(1500);
        slept_us = now_us() - t0;
        switches = thread_context_switches() - before;
    };
    const uint64_t wakeups_before = port.wakeups();
    loop.run(main());
    printf("slept %llu us with %ld context switches and %llu port waits\n",
           (unsigned long long)slept_us, switches,
           (unsigned long long)(port.wakeups() - wakeups_before));
    EXPECT_GE(slept_us, 1'500'000u);
    EXPECT_LT(slept_us, 1'500'000u + 200'000u);
    EXPECT_LE(switches, 5) << "the idle loop woke up more than a couple of times";
    EXPECT_LE(port.wakeups() - wakeups_before, 3u);
}

TEST(Idle, ManySleepersAtOnceStillOneWakeupPerDeadline) {
    // 100 tasks sleeping until the same instant: one wait in the port, not one per task.
    linux_port::LinuxPort port;
    Loop loop(port);
    int woke = 0;
    long switches = 0;
    auto sleeper = [&](Clock::time_point until) -> Task<void> {
        co_await sleep_until(until);
        ++woke;
    };
    auto main = [&]() -> Task<void> {
        const long before = thread_context_switches();
        const auto until = Clock::now() + std::chrono::milliseconds(500);
        TaskGroup g;
        for (int i = 0; i < 100; ++i) g.create_task(sleeper(until));
        co_await g.join();
        switches = thread_context_switches() - before;
    };
    loop.run(main());
    EXPECT_EQ(woke, 100);
    EXPECT_LE(switches, 5);
}

std::atomic<int> g_hits{0};
void count_handler(int, void*) {
    g_hits.fetch_add(1);
}

bool blocked(int signo) {
    sigset_t cur;
    pthread_sigmask(SIG_BLOCK, nullptr, &cur);
    return sigismember(&cur, signo) == 1;
}

class CriticalSectionTest : public ::testing::Test {
  protected:
    void SetUp() override {
        g_hits = 0;
        ASSERT_EQ(linux_port::attach_signal(SIGUSR2, &count_handler, nullptr), 0);
        ASSERT_EQ(linux_port::attach_signal(SIGRTMIN + 2, &count_handler, nullptr), 0);
    }
    void TearDown() override {
        linux_port::detach_signal(SIGUSR2);
        linux_port::detach_signal(SIGRTMIN + 2);
    }
};

TEST_F(CriticalSectionTest, SignalRaisedInsideIsDeliveredAfter) {
    EXPECT_FALSE(blocked(SIGUSR2));
    {
        CriticalSection cs;
        EXPECT_TRUE(blocked(SIGUSR2));
        EXPECT_TRUE(blocked(SIGRTMIN + 2));
        ASSERT_EQ(::raise(SIGUSR2), 0);
        EXPECT_EQ(g_hits.load(), 0) << "handler ran inside the critical section";
    }
    EXPECT_EQ(g_hits.load(), 1) << "the masked signal was not delivered when the section ended";
    EXPECT_FALSE(blocked(SIGUSR2));
    ASSERT_EQ(::raise(SIGUSR2), 0);
    EXPECT_EQ(g_hits.load(), 2);
}

TEST_F(CriticalSectionTest, Nests) {
    {
        CriticalSection outer;
        ASSERT_EQ(::raise(SIGUSR2), 0);
        {
            CriticalSection inner;
            ASSERT_EQ(::raise(SIGRTMIN + 2), 0);
            EXPECT_EQ(g_hits.load(), 0);
        }
        // Leaving the inner section must not unmask: the outer one still holds.
        EXPECT_TRUE(blocked(SIGUSR2));
        EXPECT_TRUE(blocked(SIGRTMIN + 2));
        EXPECT_EQ(g_hits.load(), 0);
    }
    EXPECT_EQ(g_hits.load(), 2);
    EXPECT_FALSE(blocked(SIGUSR2));
}

TEST_F(CriticalSectionTest, MasksOnlyTheAttachedSignals) {
    sigset_t before;
    pthread_sigmask(SIG_BLOCK, nullptr, &before);
    const bool urg_before = sigismember(&before, SIGURG) == 1;
    {
        CriticalSection cs;
        EXPECT_EQ(blocked(SIGURG), urg_before) << "a signal nobody attached was masked";
        EXPECT_EQ(blocked(SIGWINCH), sigismember(&before, SIGWINCH) == 1);
    }
    sigset_t after;
    pthread_sigmask(SIG_BLOCK, nullptr, &after);
    for (int s = 1; s < SIGRTMAX; ++s)
        EXPECT_EQ(sigismember(&after, s), sigismember(&before, s)) << "mask not restored: " << s;
}

TEST_F(CriticalSectionTest, PeriodicTimerIsHeldOffInsideAndResumesAfter) {
    linux_port::LinuxPort port;
    Loop loop(port);
    int inside = -1, after = -1;
    auto main = [&]() -> Task<void> {
        linux_port::PeriodicSignal timer(SIGUSR2, 1000);
        EXPECT_TRUE(timer.ok());
        {
            CriticalSection cs;
            const int h0 = g_hits.load();
            const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(30);
            while (std::chrono::steady_clock::now() < until) {
            }
            inside = g_hits.load() - h0;
        }
        const int h1 = g_hits.load();
        co_await sleep_ms(30);
        after = g_hits.load() - h1;
        timer.stop();
    };
    loop.run(main());
    EXPECT_EQ(inside, 0);
    EXPECT_GE(after, 2);
}

TEST_F(CriticalSectionTest, ASetFromAMaskedHandlerIsNotLost) {
    // A task sets up a wait, masks, the "interrupt" comes while masked; it is delivered on exit
    // and its Event::set wakes the task.
    linux_port::LinuxPort port;
    Loop loop(port);
    static Event* ev = nullptr;
    Event e;
    ev = &e;
    linux_port::attach_signal(
        SIGUSR2, [](int, void*) { ev->set(); }, nullptr);
    bool woke = false;
    auto waiter = [&]() -> Task<void> {
        co_await e.wait();
        woke = true;
    };
    auto main = [&]() -> Task<void> {
        auto w = create_task(waiter());
        co_await yield_now();
        {
            CriticalSection cs;
            ::raise(SIGUSR2);
            EXPECT_FALSE(e.is_set());
        }
        EXPECT_TRUE(e.is_set());
        auto r = co_await wait_for_ms(w, 2000);
        EXPECT_TRUE(r.ok());
    };
    loop.run(main());
    EXPECT_TRUE(woke);
}

}  // namespace
