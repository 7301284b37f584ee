// Other threads as other cores: several std::threads call the any-context API in
// tight loops while the loop's tasks wait on it. Counts must come out exact, no waiter may be left
// behind, and the whole thing must be clean under ThreadSanitizer (build/tsan). Also the busy-loop
// property: while the loop has work, set() from another thread never writes the eventfd.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "irqio/irqio.hpp"
#include "irqio/linux.hpp"

using namespace irqio;

namespace {

#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
constexpr int kPerThread = 20000;
#else
constexpr int kPerThread = 100000;
#endif
constexpr int kThreads = 4;
constexpr int kEventWaiters = 16;
constexpr uint64_t kSentinel = ~uint64_t{0};

struct Shared {
    Event ev;
    ThreadSafeFlag flag;
    ThreadSafeQueue<uint64_t, 256> q;
    Semaphore sem;
    Loop* loop = nullptr;

    // written by the producer threads
    std::atomic<uint64_t> flag_sets{0}, puts_ok{0}, puts_failed{0}, releases{0};
    std::atomic<uint64_t> scheduled{0}, schedule_refused{0};
    std::atomic<int> threads_done{0};

    // loop thread only
    uint64_t callbacks = 0;
    uint64_t event_wakes = 0, flag_wakes = 0, received = 0, acquired = 0;
    int64_t last_seq[kThreads] = {-1, -1, -1, -1};
    bool order_ok = true;
    bool stop = false;
};

void count_callback(void* p) {
    ++static_cast<Shared*>(p)->callbacks;
}

void producer(Shared* s, int id) {
    for (int i = 0; i < kPerThread; ++i) {
        s->ev.set();
        s->flag.set();
        s->flag_sets.fetch_add(1, std::memory_order_relaxed);
        if (s->q.try_put((uint64_t(id) << 32) | uint32_t(i)))
            s->puts_ok.fetch_add(1, std::memory_order_relaxed);
        else
            s->puts_failed.fetch_add(1, std::memory_order_relaxed);
        s->sem.release();
        s->releases.fetch_add(1, std::memory_order_relaxed);
        if (i % 16 == 0) {
            if (schedule_on(*s->loop, &count_callback, s))
                s->scheduled.fetch_add(1, std::memory_order_relaxed);
            else
                s->schedule_refused.fetch_add(1, std::memory_order_relaxed);
        }
    }
    s->threads_done.fetch_add(1);
}

Task<void> event_waiter(Shared* s) {
    while (!s->stop) {
        co_await s->ev.wait();
        ++s->event_wakes;
        s->ev.clear();
        co_await yield_now();
    }
}
Task<void> flag_waiter(Shared* s) {
    while (!s->stop) {
        co_await s->flag.wait(Priority::high);
        ++s->flag_wakes;
    }
}
Task<void> consumer(Shared* s) {
    for (;;) {
        auto r = co_await s->q.get();
        if (!r.ok()) co_return;
        if (r.value() == kSentinel) co_return;
        const int id = static_cast<int>(r.value() >> 32);
        const int64_t seq = static_cast<uint32_t>(r.value());
        if (id < 0 || id >= kThreads || seq <= s->last_seq[id]) s->order_ok = false;
        if (id >= 0 && id < kThreads) s->last_seq[id] = seq;
        ++s->received;
    }
}
Task<void> sem_taker(Shared* s) {
    while (!s->stop) {
        co_await s->sem.acquire();
        ++s->acquired;
        if (s->acquired % 32 == 0) co_await yield_now();
    }
}

TEST(Threads, ManyThreadsCallTheAnyContextApiWhileTasksWait) {
    linux_port::LinuxPort port;
    Loop loop(port);
    Shared s;
    s.loop = &loop;
    std::vector<std::thread> threads;
    bool finished_in_time = false;

    auto main = [&]() -> Task<void> {
        TaskGroup g;
        std::vector<TaskHandle<void>> waiters;
        for (int i = 0; i < kEventWaiters; ++i) waiters.push_back(g.create_task(event_waiter(&s)));
        auto fw = g.create_task(flag_waiter(&s));
        auto co = g.create_task(consumer(&s));
        auto st = g.create_task(sem_taker(&s));
        co_await yield_now();  // all waiting
        for (int t = 0; t < kThreads; ++t) threads.emplace_back(producer, &s, t);
        while (s.threads_done.load() < kThreads) co_await sleep_ms(1);
        for (auto& t : threads) t.join();
        for (int i = 0; i < 4; ++i) co_await sleep_ms(1);  // let the inbox settle

        // The end, from another thread again: every waiter must be woken by these.
        s.stop = true;
        std::thread last([&] {
            s.ev.set();
            s.flag.set();
            s.flag_sets.fetch_add(1);
            s.sem.release();
            s.releases.fetch_add(1);
            while (!s.q.try_put(kSentinel)) std::this_thread::yield();
        });
        auto all = [&]() -> Task<void> { co_await g.join(); };
        auto r = co_await wait_for_ms(all(), 10000);
        last.join();
        finished_in_time = r.ok();
        if (!r.ok()) g.cancel();
        for (int i = 0; i < 4; ++i) co_await yield_now();
    };
    loop.run(main());

    EXPECT_TRUE(finished_in_time) << "a waiter missed the final wake";
    const uint64_t total = uint64_t(kThreads) * kPerThread;
    EXPECT_TRUE(s.order_ok) << "queue items out of order for a producer";
    EXPECT_EQ(s.puts_ok.load() + s.puts_failed.load(), total);
    EXPECT_EQ(s.q.dropped(), s.puts_failed.load());
    EXPECT_EQ(s.received, s.puts_ok.load()) << "items lost in the queue";
    EXPECT_EQ(s.acquired + static_cast<uint64_t>(s.sem.value()), s.releases.load());
    EXPECT_GE(s.flag_wakes, 1u);
    EXPECT_LE(s.flag_wakes, s.flag_sets.load());
    EXPECT_GE(s.event_wakes, static_cast<uint64_t>(kEventWaiters));
    EXPECT_EQ(s.callbacks, s.scheduled.load());
    EXPECT_EQ(s.scheduled.load() + s.schedule_refused.load(),
              uint64_t(kThreads) * ((kPerThread + 15) / 16));
    printf(
        "event_wakes=%llu flag_wakes=%llu received=%llu dropped=%u acquired=%llu callbacks=%llu "
        "refused=%llu notify_writes=%llu\n",
        (unsigned long long)s.event_wakes, (unsigned long long)s.flag_wakes,
        (unsigned long long)s.received, s.q.dropped(), (unsigned long long)s.acquired,
        (unsigned long long)s.callbacks, (unsigned long long)s.schedule_refused.load(),
        (unsigned long long)port.notify_writes());
}

TEST(Threads, EventSetFromAnotherThreadWakesEveryWaiterOfAnIdleLoop) {
    // Repeated rounds: all waiters wait, the loop goes to sleep, one set() from another thread.
    linux_port::LinuxPort port;
    Loop loop(port);
    Event ev;
    constexpr int kWaiters = 50, kRounds = 200;
    int woke = 0;
    int rounds_ok = 0;
    auto waiter = [&]() -> Task<void> {
        co_await ev.wait();
        ++woke;
    };
    auto main = [&]() -> Task<void> {
        for (int round = 0; round < kRounds; ++round) {
            ev.clear();
            woke = 0;
            TaskGroup g;
            for (int i = 0; i < kWaiters; ++i) g.create_task(waiter());
            co_await yield_now();
            std::thread t([&] { ev.set(); });
            auto join = [&]() -> Task<void> { co_await g.join(); };
            auto r = co_await wait_for_ms(join(), 5000);
            t.join();
            if (r.ok() && woke == kWaiters) ++rounds_ok;
        }
    };
    loop.run(main());
    EXPECT_EQ(rounds_ok, kRounds);
}

// Busy loop: zero syscalls per set(). While tasks keep the loop busy, sets from another thread
// only queue the object on the inbox; the eventfd is written only when the loop may be asleep.
TEST(Threads, BusyLoopSetsFromAnotherThreadMakeNoSyscalls) {
    linux_port::LinuxPort port;
    Loop loop(port);
    Event ev;
    ThreadSafeFlag flag;
    Semaphore sem;
    ThreadSafeQueue<int, 64> q;
    std::atomic<bool> go{false}, done{false};
    constexpr int kSets = 200000;
    uint64_t writes_during = 0, wakes = 0, flag_wakes = 0, got = 0;
    bool stop = false;

    auto busy = [&]() -> Task<void> {
        while (!done.load(std::memory_order_acquire)) co_await yield_now();
    };
    auto waiter = [&]() -> Task<void> {
        while (!stop) {
            co_await ev.wait();
            ev.clear();
            ++wakes;
        }
    };
    auto flag_waiter = [&]() -> Task<void> {
        while (!stop) {
            co_await flag.wait();
            ++flag_wakes;
        }
    };
    auto getter = [&]() -> Task<void> {
        while (!stop) {
            auto r = co_await q.get();
            if (r.ok() && r.value() < 0) break;
            ++got;
            co_await sem.acquire();
        }
    };
    auto main = [&]() -> Task<void> {
        TaskGroup g;
        g.create_task(waiter());
        g.create_task(flag_waiter());
        g.create_task(getter());
        auto b1 = create_task(busy());
        auto b2 = create_task(busy());
        co_await yield_now();
        std::thread t([&] {
            while (!go.load()) std::this_thread::yield();
            for (int i = 0; i < kSets; ++i) {
                ev.set();
                flag.set();
                if (i % 8 == 0) {
                    q.try_put(i);
                    sem.release();
                }
            }
            done.store(true, std::memory_order_release);
        });
        const uint64_t before = port.notify_writes();
        go.store(true);
        co_await b1;  // the busy tasks run until the thread has finished
        co_await b2;
        writes_during = port.notify_writes() - before;
        t.join();
        stop = true;
        ev.set();
        flag.set();
        q.try_put(-1);
        sem.release();
        auto join = [&]() -> Task<void> { co_await g.join(); };
        auto r = co_await wait_for_ms(join(), 5000);
        EXPECT_TRUE(r.ok());
    };
    loop.run(main());
    printf("sets=%d notify_writes_while_busy=%llu event_wakes=%llu flag_wakes=%llu items=%llu\n",
           kSets, (unsigned long long)writes_during, (unsigned long long)wakes,
           (unsigned long long)flag_wakes, (unsigned long long)got);
    EXPECT_LE(writes_during, 2u) << "the busy loop was notified through the eventfd";
    EXPECT_GT(wakes, 0u);
    EXPECT_GT(flag_wakes, 0u);
}

// Each thread runs its own loop; threads wake each other's loops through the any-context API.
TEST(Threads, LoopsOnSeveralThreadsWakeEachOther) {
    constexpr int kLoops = 3, kRounds = 2000;
    struct Node {
        std::atomic<Loop*> loop{nullptr};
        ThreadSafeQueue<int, 16> q;
        std::atomic<bool> finished{false};
        int got = 0;
        bool order_ok = true;
    };
    Node nodes[kLoops];
    auto thread_main = [&](int me) {
        linux_port::LinuxPort port;
        Loop loop(port);
        Node& self = nodes[me];
        Node& next = nodes[(me + 1) % kLoops];
        auto receiver = [&]() -> Task<void> {
            int last = -1;
            while (self.got < kRounds) {
                auto r = co_await self.q.get();
                if (!r.ok() || r.value() != last + 1) self.order_ok = false;
                last = r.value();
                ++self.got;
            }
        };
        auto body = [&]() -> Task<void> {
            self.loop.store(&loop);
            auto rx = create_task(receiver());
            co_await yield_now();
            for (int i = 0; i < kRounds; ++i) {
                while (!next.q.try_put(i)) co_await sleep_ms(0);  // room made by the next loop
            }
            co_await rx;
            self.finished.store(true);
            // The previous loop may still be inside try_put on our queue: wait for everyone.
            for (;;) {
                bool all = true;
                for (auto& n : nodes) all = all && n.finished.load();
                if (all) break;
                co_await sleep_ms(1);
            }
        };
        loop.run(body());
    };
    std::vector<std::thread> ts;
    for (int i = 0; i < kLoops; ++i) ts.emplace_back(thread_main, i);
    for (auto& t : ts) t.join();
    for (auto& n : nodes) {
        EXPECT_EQ(n.got, kRounds);
        EXPECT_TRUE(n.order_ok);
    }
}

}  // namespace
