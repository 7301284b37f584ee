// schedule(fn, arg): soft interrupts. FIFO order, refusal when the ring is full,
// held back while a ScheduleLock lives, callbacks using task-context calls, and scheduling from a
// signal handler, from another thread, and onto the loop of another thread (schedule_on).
#include <gtest/gtest.h>
#include <pthread.h>
#include <signal.h>

#include <atomic>
#include <thread>
#include <vector>

#include "irqio/irqio.hpp"
#include "irqio/linux.hpp"
#include "irqio/port/virtual_clock_port.hpp"

using namespace irqio;

namespace {

struct Loops {
    VirtualClockPort port{1'000'000};
    Loop loop{port};
};

struct Log {
    std::vector<int> order;
};
struct Item {
    Log* log;
    int id;
};
void record(void* p) {
    auto* it = static_cast<Item*>(p);
    it->log->order.push_back(it->id);
}

TEST(Schedule, RunsInFifoOrderAfterTheCallerSuspends) {
    Loops l;
    Log log;
    Item items[IRQIO_SCHEDULE_DEPTH];
    auto main = [&]() -> Task<void> {
        EXPECT_EQ(default_loop(), &l.loop);
        for (int i = 0; i < IRQIO_SCHEDULE_DEPTH; ++i) {
            items[i] = Item{&log, i};
            EXPECT_TRUE(schedule(&record, &items[i]));
        }
        EXPECT_TRUE(log.order.empty());  // not run inside the caller's step
        co_await sleep_ms(0);
        std::vector<int> want;
        for (int i = 0; i < IRQIO_SCHEDULE_DEPTH; ++i) want.push_back(i);
        EXPECT_EQ(log.order, want);
    };
    l.loop.run(main());
    EXPECT_EQ(l.loop.stats().callbacks, static_cast<uint64_t>(IRQIO_SCHEDULE_DEPTH));
}

TEST(Schedule, FalseWhenTheRingIsFullAndRoomAgainAfterItRan) {
    static_assert(IRQIO_SCHEDULE_DEPTH == 8, "the test is written for the default depth");
    Loops l;
    Log log;
    Item items[20];
    auto main = [&]() -> Task<void> {
        for (int i = 0; i < 20; ++i) items[i] = Item{&log, i};
        int accepted = 0;
        for (int i = 0; i < 20; ++i) accepted += schedule(&record, &items[i]) ? 1 : 0;
        EXPECT_EQ(accepted, 8);
        {
            IsrScope s;  // refused from a handler as well
            EXPECT_FALSE(schedule(&record, &items[19]));
        }
        co_await sleep_ms(0);
        EXPECT_EQ(log.order, (std::vector<int>{0, 1, 2, 3, 4, 5, 6, 7}));
        // The ring has room again.
        for (int i = 8; i < 16; ++i) EXPECT_TRUE(schedule(&record, &items[i]));
        EXPECT_FALSE(schedule(&record, &items[16]));
        co_await sleep_ms(0);
        EXPECT_EQ(log.order.size(), 16u);
        EXPECT_EQ(log.order.back(), 15);
    };
    l.loop.run(main());
    EXPECT_EQ(l.loop.stats().schedule_dropped, 14u);  // 12 + 1 from the handler + 1
}

TEST(Schedule, HeldBackWhileAScheduleLockLivesAndRunAfter) {
    Loops l;
    Log log;
    Item items[6];
    for (int i = 0; i < 6; ++i) items[i] = Item{&log, i};
    auto other = [&]() -> Task<void> {
        // Another task scheduling (from a "handler") while the lock is held: held back too.
        for (int i = 3; i < 6; ++i) {
            IsrScope s;
            EXPECT_TRUE(schedule(&record, &items[i]));
        }
        co_return;
    };
    auto main = [&]() -> Task<void> {
        {
            ScheduleLock lock;
            for (int i = 0; i < 3; ++i) EXPECT_TRUE(schedule(&record, &items[i]));
            auto o = create_task(other());
            for (int k = 0; k < 5; ++k) co_await sleep_ms(0);
            co_await sleep_ms(3);
            EXPECT_TRUE(o.done());
            EXPECT_TRUE(log.order.empty());
            {
                ScheduleLock nested;  // nests
            }
            co_await sleep_ms(0);
            EXPECT_TRUE(log.order.empty());
        }
        EXPECT_TRUE(log.order.empty());  // released, but still not inside this step
        co_await sleep_ms(0);
        EXPECT_EQ(log.order, (std::vector<int>{0, 1, 2, 3, 4, 5}));
    };
    l.loop.run(main());
}

TEST(Schedule, CallbackRunsBetweenTaskStepsNeverInsideOne) {
    Loops l;
    std::vector<std::string> log;
    struct Ctx {
        std::vector<std::string>* log;
    } ctx{&log};
    auto cb = [](void* p) { static_cast<Ctx*>(p)->log->push_back("cb"); };
    auto a = [&]() -> Task<void> {
        log.push_back("a1");
        EXPECT_TRUE(schedule(cb, &ctx));
        log.push_back("a2");
        co_await sleep_ms(0);
        log.push_back("a3");
    };
    auto b = [&]() -> Task<void> {
        log.push_back("b1");
        co_await sleep_ms(0);
        log.push_back("b2");
    };
    auto main = [&]() -> Task<void> {
        auto ha = create_task(a());
        auto hb = create_task(b());
        co_await ha;
        co_await hb;
    };
    l.loop.run(main());
    EXPECT_EQ(log, (std::vector<std::string>{"a1", "a2", "cb", "b1", "a3", "b2"}));
}

struct TaskCtx {
    Event ev;
    Queue<int, 4> q;
    int child_ran = 0;
    TaskHandle<void> child;
    Task<void> child_body() {
        ++child_ran;
        co_await ev.wait();
        ++child_ran;
    }
};

void create_and_put(void* p) {
    auto* c = static_cast<TaskCtx*>(p);
    c->child = create_task(c->child_body());
    EXPECT_TRUE(c->q.try_put(7).ok());
}
void set_event(void* p) {
    auto* c = static_cast<TaskCtx*>(p);
    c->ev.set();
    EXPECT_TRUE(c->q.try_put(8).ok());
}

TEST(Schedule, CallbacksMayCreateTasksSetEventsAndPutIntoQueues) {
    Loops l;
    TaskCtx c;
    auto main = [&]() -> Task<void> {
        {
            IsrScope s;  // as from an interrupt handler
            EXPECT_TRUE(schedule(&create_and_put, &c));
        }
        auto r = co_await c.q.get();  // the callback's put wakes us
        EXPECT_TRUE(r.ok());
        EXPECT_EQ(r.value(), 7);
        EXPECT_TRUE(static_cast<bool>(c.child));
        co_await sleep_ms(0);
        EXPECT_EQ(c.child_ran, 1);  // the created task runs and waits on the event
        EXPECT_TRUE(c.ev.has_waiters());
        {
            IsrScope s;
            EXPECT_TRUE(schedule(&set_event, &c));
        }
        auto r2 = co_await c.q.get();
        EXPECT_EQ(r2.value(), 8);
        co_await c.child;
        EXPECT_EQ(c.child_ran, 2);
    };
    l.loop.run(main());
}

// --- from a signal handler and from other threads (real Linux loops) ---

struct SigCtx {
    std::atomic<int> handled{0};
    std::atomic<int> refused{0};
    int ran = 0;  // loop thread only
    Event done;
    int want = 0;
};
void sig_cb(void* p) {
    auto* c = static_cast<SigCtx*>(p);
    if (++c->ran == c->want) c->done.set();
}
void sig_handler(int, void* p) {
    auto* c = static_cast<SigCtx*>(p);
    if (schedule(&sig_cb, c))
        c->handled.fetch_add(1, std::memory_order_relaxed);
    else
        c->refused.fetch_add(1, std::memory_order_relaxed);
}

TEST(Schedule, FromASignalHandler) {
    linux_port::LinuxPort port;
    Loop loop(port);
    SigCtx c;
    c.want = 3;
    ASSERT_EQ(linux_port::attach_signal(SIGUSR1, &sig_handler, &c), 0);
    auto main = [&]() -> Task<bool> {
        // Raised on the loop thread from inside a task (synchronous delivery)...
        EXPECT_EQ(::raise(SIGUSR1), 0);
        EXPECT_EQ(c.ran, 0);
        co_await sleep_ms(0);
        EXPECT_EQ(c.ran, 1);
        // ... and sent from another thread while the loop sleeps in epoll.
        pthread_t me = pthread_self();
        // (SIGUSR1 does not queue: the next one is sent once the handler took the previous
        // one, or a loaded host that delays the loop thread would merge them.)
        std::thread t([me, &c] {
            for (int i = 0; i < 2; ++i) {
                std::this_thread::sleep_for(std::chrono::milliseconds(20));
                const int before = c.handled.load() + c.refused.load();
                pthread_kill(me, SIGUSR1);
                while (c.handled.load() + c.refused.load() == before)
                    std::this_thread::sleep_for(std::chrono::milliseconds(1));
            }
        });
        auto r = co_await wait_for_ms(c.done.wait(), 5000);
        t.join();
        co_return r.ok();
    };
    EXPECT_TRUE(loop.run(main()));
    linux_port::detach_signal(SIGUSR1);
    EXPECT_EQ(c.handled.load(), 3);
    EXPECT_EQ(c.refused.load(), 0);
    EXPECT_EQ(c.ran, 3);
}

struct ThreadCtx {
    std::atomic<int> ran{0};
    std::thread::id loop_thread;
    std::atomic<bool> wrong_thread{false};
    Event done;
    int want = 0;
};
void thread_cb(void* p) {
    auto* c = static_cast<ThreadCtx*>(p);
    if (std::this_thread::get_id() != c->loop_thread) c->wrong_thread = true;
    if (c->ran.fetch_add(1) + 1 == c->want) c->done.set();
}

TEST(Schedule, FromAnotherThreadWakesASleepingLoop) {
    linux_port::LinuxPort port;
    Loop loop(port);
    ThreadCtx c;
    c.loop_thread = std::this_thread::get_id();
    c.want = 1000;
    int refused = 0;
    auto main = [&]() -> Task<bool> {
        std::thread t([&] {
            for (int i = 0; i < c.want; ++i) {
                while (!schedule_on(loop, &thread_cb, &c)) {
                    ++refused;  // ring full: the loop has not caught up yet
                    std::this_thread::yield();
                }
            }
        });
        auto r = co_await wait_for_ms(c.done.wait(), 10000);
        t.join();
        co_return r.ok();
    };
    EXPECT_TRUE(loop.run(main()));
    EXPECT_EQ(c.ran.load(), c.want);
    EXPECT_FALSE(c.wrong_thread.load());
    EXPECT_EQ(loop.stats().callbacks, static_cast<uint64_t>(c.want));
}

// Two loops on two threads; each thread schedules onto the other's loop.
struct Peer {
    std::atomic<Loop*> loop{nullptr};
    std::thread::id tid;
    std::atomic<int> ran{0};
    std::atomic<bool> sent_all{false};  // every schedule_on onto the other loop has returned
    std::atomic<bool> wrong_thread{false};
    Event* done = nullptr;
    int want = 0;
};
void peer_cb(void* p) {
    auto* peer = static_cast<Peer*>(p);
    if (std::this_thread::get_id() != peer->tid) peer->wrong_thread = true;
    if (peer->ran.fetch_add(1) + 1 == peer->want) peer->done->set();
}

TEST(Schedule, ScheduleOnTwoLoopsOnTwoThreads) {
    constexpr int kEach = 2000;
    Peer peers[2];
    bool ok[2] = {false, false};
    auto thread_main = [&](int me) {
        linux_port::LinuxPort port;
        Loop loop(port);
        Event done;
        Peer& self = peers[me];
        Peer& other = peers[1 - me];
        self.tid = std::this_thread::get_id();
        self.done = &done;
        self.want = kEach;
        auto body = [&]() -> Task<bool> {
            self.loop.store(&loop);
            while (other.loop.load() == nullptr) co_await sleep_ms(1);
            Loop* target = other.loop.load();
            for (int i = 0; i < kEach; ++i) {
                while (!schedule_on(*target, &peer_cb, &other))
                    co_await sleep_ms(0);  // ring full: let our own callbacks run meanwhile
                if (i % 64 == 0) co_await sleep_ms(0);
            }
            self.sent_all.store(true);
            auto r = co_await wait_for_ms(done.wait(), 10000);
            // The peer may still be inside its last schedule_on(our loop): stay alive until it
            // has returned.
            while (!other.sent_all.load()) co_await sleep_ms(1);
            co_return r.ok();
        };
        ok[me] = loop.run(body());
    };
    std::thread a(thread_main, 0), b(thread_main, 1);
    a.join();
    b.join();
    for (int i = 0; i < 2; ++i) {
        EXPECT_TRUE(ok[i]);
        EXPECT_EQ(peers[i].ran.load(), kEach);
        EXPECT_FALSE(peers[i].wrong_thread.load());
    }
}

}  // namespace
