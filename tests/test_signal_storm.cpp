// signal_storm: the test this project was started for (handlers firing at any instant).
//
// A POSIX timer raises a real-time signal on the loop thread every few tens of microseconds. Its
// handler (an interrupt, for the loop) sets Events and ThreadSafeFlags, pushes sequence numbers
// into a ThreadSafeQueue, takes items out of another one that a task fills, and releases a
// Semaphore, while hundreds of tasks wait on those objects, sleep, wait with timeouts, get
// cancelled and wait again. Whatever the scheduler was doing when the signal came, no wake may be
// lost:
//
//  - every task that waited on an Event before a set() woke, and none woke without a set (no
//    spurious or double wake). Checked twice: by the handler itself, at every interrupt, for the
//    objects it is about to signal (once a scheduler pass has begun since a signal, the inbox has
//    been drained past it, so a task owed that wake must be running or in the run queue; one
//    still parked in the same wait at an interrupt in a later pass was lost); and at quiescent
//    points (signal masked, woken tasks run);
//  - a ThreadSafeFlag waiter never sleeps on a set flag, and never wakes more often than it was
//  set;
//  - queue items arrive strictly in order, and received + dropped() == pushed exactly, in both
//    directions (handler to task and task to handler);
//  - Semaphore permits: acquired + left == released;
//  - sleeps and timeouts never end early.
//
//  - schedule() callbacks: run + refused == scheduled exactly.
//
// The handler is installed either through irqio's attach_signal (its trampoline opens an IsrScope)
// or, with `raw`, by a plain sigaction that knows nothing of irqio: the first thing a Linux user
// writes. Every invariant must hold the same way both times.
//
// Usage: signal_storm [interrupts=1000000] [period_us=20] [attach|raw]. Env IRQIO_STORM_INTERRUPTS
// overrides the count (sanitizer presets lower it). Exit status 0 when every invariant held.
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <vector>

#include "irqio/irqio.hpp"
#include "irqio/linux.hpp"

using namespace irqio;

namespace {

constexpr int kEvents = 8;
constexpr int kEventWaiters = 256;
constexpr int kFlags = 8;
constexpr int kSleepers = 64;
constexpr uint32_t kRxDepth = 64;
constexpr uint32_t kTxDepth = 16;

std::atomic<uint64_t> violations{0};  // the handler counts too
#define CHECK(cond, ...)                                                             \
    do {                                                                             \
        if (!(cond)) {                                                               \
            if (violations++ < 20) {                                                 \
                fprintf(stderr, "VIOLATION %s:%d: %s: ", __FILE__, __LINE__, #cond); \
                fprintf(stderr, __VA_ARGS__);                                        \
                fprintf(stderr, "\n");                                               \
            }                                                                        \
        }                                                                            \
    } while (0)

uint32_t xorshift(uint32_t& s) {
    s ^= s << 13;
    s ^= s >> 17;
    s ^= s << 5;
    return s;
}

// Between "about to co_await" and "resumed" (RAII: cleared when a cancelled task is destroyed);
// seq tells one wait from the next.
struct Waiting {
    bool on = false;
    uint32_t seq = 0;
};

// What the handler suspected at an earlier interrupt: the wait `seq` looked lost at loop `pass`.
// A task the loop has just taken off the run queue (but not yet marked running) looks the same
// for a few instructions, so a loss is confirmed only if the same wait still looks lost once a
// later pass has begun.
struct Suspect {
    bool valid = false;
    uint32_t seq = 0;
    uint64_t pass = 0;
};

struct WaiterRec {
    int ev = 0;
    Waiting waiting;
    uint32_t g0 = 0;  // event generation when the wait began
    bool s0 = false;  // the event was already set when the wait began
    uint32_t rng = 1;
    Priority prio = Priority::normal;
    TaskHandle<void> h;
    uint64_t wakes = 0, timeouts = 0;
};

struct FlagRec {
    Waiting waiting;
    uint64_t wakes = 0, timeouts = 0;
    uint32_t rng = 1;
    TaskHandle<void> h;
};

// The handler reads task bookkeeping written on the same thread: keep the compiler from moving
// those stores across the points that matter.
inline void sig_fence() {
    std::atomic_signal_fence(std::memory_order_seq_cst);
}

struct Storm {
    // --- written by the handler (signal context, same thread) ---
    std::atomic<uint64_t> irqs{0};
    // Loop pass at which each of the last kHist sets of an event happened (by generation), and at
    // which the other objects last went from "nothing for a waiter" to "something for it".
    static constexpr uint32_t kHist = 16;
    uint64_t ev_pass[kEvents][kHist] = {};
    uint64_t flag_pass[kFlags] = {};
    uint64_t rx_pass = 0, tx_pass = 0, sem_pass = 0;
    std::atomic<uint64_t> handler_checks{0}, handler_lost{0};
    Suspect ev_sus[kEventWaiters], flag_sus[kFlags], rx_sus, tx_sus, sem_sus;
    std::atomic<uint32_t> egen[kEvents] = {};
    std::atomic<uint64_t> fsets[kFlags] = {};
    std::atomic<uint32_t> rx_seq{0};     // = pushed
    std::atomic<uint32_t> tx_expect{0};  // next item the handler expects from the task
    std::atomic<uint64_t> tx_got{0};
    std::atomic<uint64_t> tx_disorder{0};
    std::atomic<uint64_t> released{0};
    std::atomic<uint64_t> scheduled{0}, sched_refused{0}, sched_run{0};

    Event events[kEvents];
    ThreadSafeFlag flags[kFlags];
    ThreadSafeQueue<uint32_t, kRxDepth> rx;  // handler -> task
    ThreadSafeQueue<uint32_t, kTxDepth> tx;  // task -> handler
    Semaphore sem;

    // --- task context only ---
    WaiterRec waiters[kEventWaiters];
    FlagRec flag_recs[kFlags];
    TaskHandle<void> sleeper_h[kSleepers];
    bool sleeper_waiting[kSleepers] = {};
    uint64_t received = 0;
    Waiting rx_waiting;
    uint32_t tx_next = 0;  // next item the producer puts
    Waiting tx_waiting;
    uint64_t acquired = 0;
    Waiting sem_waiting;
    TaskHandle<void> rx_h, tx_h, sem_h;
    uint64_t event_wakes = 0, event_timeouts = 0, flag_wakes = 0, sleeps = 0, cancels = 0;
    uint64_t checks = 0, rx_timeouts = 0;
    bool stop = false;
};

Storm* g_storm = nullptr;

// True when the task is suspended and nobody has made it ready: not running, not in the run queue.
// (A task that was woken but has not run yet is queued; with high-priority tasks around that can
// last several passes, so "queued" rather than a pass count tells woken from forgotten.)
bool parked(const TaskHandle<void>& h, detail::TaskBase* running) {
    detail::TaskBase* t = h.base();
    return t != nullptr && t != running && !t->has(detail::kQueued) && !t->has(detail::kDone);
}

// Called by the handler: the wake a task is owed was signalled at loop pass `since`. Once a later
// pass has begun, the inbox is drained past that signal (or is about to be), so the task must be
// running or in the run queue. If it is parked in the same wait at an interrupt in a later pass
// still, its wake was lost.
void handler_verdict(Storm& s, uint64_t pass, uint64_t since, const Waiting& w, bool parked_now,
                     Suspect& sus, const char* what, int idx) {
    if (pass == since || !w.on) {
        sus.valid = false;
        return;
    }
    s.handler_checks.fetch_add(1, std::memory_order_relaxed);  // a waiting task owed a wake
    if (!parked_now) {
        sus.valid = false;
        return;
    }
    if (!sus.valid || sus.seq != w.seq || pass <= sus.pass) {
        if (!sus.valid || sus.seq != w.seq) sus = Suspect{true, w.seq, pass};
        return;
    }
    sus.pass = pass;  // report each further pass at most once
    s.handler_lost.fetch_add(1, std::memory_order_relaxed);
    if (violations++ < 20) {
        char buf[128];
        int len = snprintf(buf, sizeof buf,
                           "VIOLATION: lost wake seen by the handler: %s %d, %llu passes\n", what,
                           idx, (unsigned long long)(pass - since));
        ssize_t r = write(2, buf, len > 0 ? static_cast<size_t>(len) : 0);
        (void)r;
    }
}

// A soft interrupt: runs in task context between steps.
void on_scheduled(void* arg) {
    static_cast<Storm*>(arg)->sched_run.fetch_add(1, std::memory_order_relaxed);
}

// The interrupt handler: runs in signal context (inside irqio's IsrScope, or not at all with
// `raw`).
void on_signal(int, void*) {
    Storm& s = *g_storm;
    const uint64_t n = s.irqs.fetch_add(1, std::memory_order_relaxed);
    Loop* loop = Loop::current();
    const uint64_t pass = loop ? loop->stats().passes : 0;
    detail::TaskBase* running = loop ? loop->running() : nullptr;
    // Every waiter of every event, at every interrupt: is one still parked in a wait that a set
    // drained at least one pass ago should have ended?
    for (int i = 0; i < kEventWaiters; ++i) {
        const WaiterRec& w = s.waiters[i];
        const uint32_t gen = s.egen[w.ev].load(std::memory_order_relaxed);
        if (!w.waiting.on || w.s0 || w.g0 == gen) {
            s.ev_sus[i].valid = false;
            continue;
        }
        // The first set after this wait began is generation g0 + 1 (or, if that left the
        // history, the oldest one kept, which is later still).
        const uint32_t first = gen - w.g0 > Storm::kHist ? gen - Storm::kHist + 1 : w.g0 + 1;
        handler_verdict(s, pass, s.ev_pass[w.ev][first % Storm::kHist], w.waiting,
                        parked(w.h, running), s.ev_sus[i], "event waiter", i);
    }
    // Every flag, the queues and the semaphore likewise: a waiter still parked although what it
    // waits for has been there since a pass that is over.
    for (int f = 0; f < kFlags; ++f) {
        if (s.flags[f].is_set())
            handler_verdict(s, pass, s.flag_pass[f], s.flag_recs[f].waiting,
                            parked(s.flag_recs[f].h, running), s.flag_sus[f], "flag waiter", f);
        else
            s.flag_sus[f].valid = false;
    }
    if (!s.rx.empty())
        handler_verdict(s, pass, s.rx_pass, s.rx_waiting, parked(s.rx_h, running), s.rx_sus,
                        "rx consumer", 0);
    else
        s.rx_sus.valid = false;
    if (s.sem.value() > 0)
        handler_verdict(s, pass, s.sem_pass, s.sem_waiting, parked(s.sem_h, running), s.sem_sus,
                        "semaphore taker", 0);
    else
        s.sem_sus.valid = false;
    if (s.tx.size() < kTxDepth)
        handler_verdict(s, pass, s.tx_pass, s.tx_waiting, parked(s.tx_h, running), s.tx_sus,
                        "tx producer", 0);
    else
        s.tx_sus.valid = false;

    // Signal: two events and two flags per interrupt, rotating. An object with a suspect waiter is
    // left alone this time, so its next signal does not hide a loss before it is confirmed.
    for (int k = 0; k < 2; ++k) {
        const int e = static_cast<int>((n * 3 + static_cast<uint64_t>(k) * 5) % kEvents);
        bool suspect = false;
        for (int i = e; i < kEventWaiters; i += kEvents) suspect = suspect || s.ev_sus[i].valid;
        if (!suspect) {
            const uint32_t gen = s.egen[e].load(std::memory_order_relaxed);
            s.ev_pass[e][(gen + 1) % Storm::kHist] = pass;
            s.egen[e].fetch_add(1, std::memory_order_relaxed);
            s.events[e].set();
        }
        const int f = static_cast<int>((n + static_cast<uint64_t>(k) * 3) % kFlags);
        if (!s.flag_sus[f].valid) {
            if (!s.flags[f].is_set()) s.flag_pass[f] = pass;  // the set the waiter is owed now
            s.fsets[f].fetch_add(1, std::memory_order_relaxed);
            s.flags[f].set();
        }
    }
    if (!s.rx_sus.valid) {
        if (s.rx.empty()) s.rx_pass = pass;
        s.rx.try_put(s.rx_seq.fetch_add(1, std::memory_order_relaxed));
    }
    if (!s.sem_sus.valid) {
        if (s.sem.value() <= 0) s.sem_pass = pass;
        s.released.fetch_add(1, std::memory_order_relaxed);
        s.sem.release();
    }
    s.scheduled.fetch_add(1, std::memory_order_relaxed);
    if (!schedule(&on_scheduled, &s)) s.sched_refused.fetch_add(1, std::memory_order_relaxed);
    if (s.tx_sus.valid) return;
    if (s.tx.size() == kTxDepth) s.tx_pass = pass;  // the get below makes room the producer is owed
    if (auto r = s.tx.try_get()) {
        if (r.value() != s.tx_expect.load(std::memory_order_relaxed))
            s.tx_disorder.fetch_add(1, std::memory_order_relaxed);
        s.tx_expect.store(r.value() + 1, std::memory_order_relaxed);
        s.tx_got.fetch_add(1, std::memory_order_relaxed);
    }
}

struct Mark {
    bool& b;
    explicit Mark(bool& x) : b(x) {
        sig_fence();
        b = true;
        sig_fence();
    }
    explicit Mark(Waiting& w) : b(w.on) {
        sig_fence();
        ++w.seq;
        b = true;
        sig_fence();
    }
    ~Mark() {
        sig_fence();
        b = false;
        sig_fence();
    }
};

Task<void> event_waiter(Storm* s, int i) {
    WaiterRec& w = s->waiters[i];
    Event& ev = s->events[w.ev];
    for (;;) {
        const uint32_t choice = xorshift(w.rng) % 16;
        if (choice < 2) {
            const uint64_t us = xorshift(w.rng) % 1500;
            const uint64_t deadline = now_us() + us;
            co_await sleep_us(us);
            CHECK(now_us() >= deadline, "event waiter %d woke early from a sleep", i);
            continue;
        }
        if (choice < 3) {
            co_await yield_now();
            continue;
        }
        sig_fence();
        w.g0 = s->egen[w.ev].load(std::memory_order_relaxed);
        w.s0 = ev.is_set();
        sig_fence();
        if (choice < 8) {
            const uint64_t us = 50 + xorshift(w.rng) % 2000;
            const uint64_t t0 = now_us();
            Result<void> r;
            {
                Mark m(w.waiting);
                r = co_await wait_for_us(ev.wait(w.prio), us);
            }
            if (!r.ok()) {
                CHECK(r.error() == Error::timed_out, "wait_for gave error %d", int(r.error()));
                CHECK(now_us() - t0 >= us, "wait_for timed out early (%llu < %llu)",
                      (unsigned long long)(now_us() - t0), (unsigned long long)us);
                ++w.timeouts;
                ++s->event_timeouts;
                continue;
            }
        } else {
            Mark m(w.waiting);
            co_await ev.wait(w.prio);
        }
        CHECK(w.s0 || s->egen[w.ev].load(std::memory_order_relaxed) != w.g0,
              "event waiter %d woke without a set (spurious or double wake)", i);
        ++w.wakes;
        ++s->event_wakes;
    }
}

// One per event: clears it after each set, so waiters have something to wait for.
Task<void> clearer(Storm* s, int e) {
    for (;;) {
        co_await s->events[e].wait();
        s->events[e].clear();
        if ((s->egen[e].load(std::memory_order_relaxed) & 7) == 0) co_await yield_now();
    }
}

// Clears a random event at the end of a long step: a set() that lands during the step is still
// undrained when clear() runs, which must not cost the waiters their wake.
Task<void> slow_clearer(Storm* s) {
    uint32_t rng = 99991;
    while (!s->stop) {
        const int e = static_cast<int>(xorshift(rng) % kEvents);
        const uint64_t until = now_us() + 20 + xorshift(rng) % 60;
        while (now_us() < until) {
        }
        s->events[e].clear();
        co_await sleep_us(xorshift(rng) % 400);
    }
}

Task<void> flag_waiter(Storm* s, int j) {
    FlagRec& f = s->flag_recs[j];
    for (;;) {
        const uint32_t choice = xorshift(f.rng) % 8;
        if (choice < 3) {
            const uint64_t us = 20 + xorshift(f.rng) % 500;
            Result<void> r;
            {
                Mark m(f.waiting);
                r = co_await wait_for_us(
                    s->flags[j].wait(j & 1 ? Priority::high : Priority::normal), us);
            }
            if (!r.ok()) {
                ++f.timeouts;
                continue;
            }
        } else {
            Mark m(f.waiting);
            co_await s->flags[j].wait(j & 1 ? Priority::high : Priority::normal);
        }
        ++f.wakes;
        ++s->flag_wakes;
        CHECK(f.wakes <= s->fsets[j].load(std::memory_order_relaxed),
              "flag %d woke %llu times for %llu sets", j, (unsigned long long)f.wakes,
              (unsigned long long)s->fsets[j].load());
        if (choice == 7) co_await sleep_us(xorshift(f.rng) % 300);
    }
}

Task<void> sleeper(Storm* s, int i) {
    uint32_t rng = 0x9e3779b9u * static_cast<uint32_t>(i + 1);
    for (;;) {
        const uint64_t us = xorshift(rng) % 3000;
        const uint64_t deadline = now_us() + us;
        {
            Mark m(s->sleeper_waiting[i]);
            co_await sleep_us(us);
        }
        CHECK(now_us() >= deadline, "sleeper %d woke early", i);
        ++s->sleeps;
    }
}

Task<void> rx_consumer(Storm* s) {
    uint32_t rng = 12345;
    int64_t last = -1;
    for (;;) {
        Result<uint32_t> r = Error::empty;
        if (xorshift(rng) % 4 == 0) {
            Mark m(s->rx_waiting);
            r = co_await wait_for_us(s->rx.get(), 100 + rng % 1000);
            if (!r.ok()) {
                ++s->rx_timeouts;
                continue;
            }
        } else {
            Mark m(s->rx_waiting);
            r = co_await s->rx.get();
        }
        CHECK(r.ok(), "rx get failed");
        CHECK(static_cast<int64_t>(r.value()) > last, "rx item %u after %lld: out of order",
              r.value(), (long long)last);
        last = r.value();
        ++s->received;
        if (s->received % 64 == 0) co_await yield_now();  // get() does not suspend while items wait
        // Now and then fall behind, so the queue fills up and the handler drops.
        if (xorshift(rng) % 512 == 0) co_await sleep_us(2000);
    }
}

Task<void> tx_producer(Storm* s) {
    for (;;) {
        Result<void> r;
        {
            Mark m(s->tx_waiting);
            r = co_await s->tx.put(s->tx_next);
        }
        CHECK(r.ok(), "tx put failed");
        ++s->tx_next;
    }
}

Task<void> sem_taker(Storm* s) {
    uint32_t rng = 777;
    for (;;) {
        if (xorshift(rng) % 4 == 0) {
            Result<void> r;
            {
                Mark m(s->sem_waiting);
                r = co_await wait_for_us(s->sem.acquire(), 200);
            }
            if (!r.ok()) continue;
        } else {
            Mark m(s->sem_waiting);
            co_await s->sem.acquire();
        }
        ++s->acquired;
        // acquire() does not suspend while permits are free: let the others run now and then.
        if (s->acquired % 16 == 0) co_await yield_now();
    }
}

// With the signal masked (no new sets) and every woken task run, no task may still wait for
// something that has already happened.
Task<void> quiescent_check(Storm* s) {
    CriticalSection cs;
    for (int k = 0; k < 3; ++k) co_await yield_now();
    ++s->checks;
    detail::TaskBase* me = Loop::current()->running();
    for (int i = 0; i < kEventWaiters; ++i) {
        const WaiterRec& w = s->waiters[i];
        if (!w.waiting.on || !parked(w.h, me)) continue;  // not waiting, or woken and about to run
        CHECK(w.s0 == false && s->egen[w.ev].load() == w.g0,
              "lost wake: waiter %d on event %d began at gen %u, event now at gen %u", i, w.ev,
              w.g0, s->egen[w.ev].load());
    }
    for (int j = 0; j < kFlags; ++j) {
        if (s->flag_recs[j].waiting.on && parked(s->flag_recs[j].h, me))
            CHECK(!s->flags[j].is_set(), "lost wake: flag %d is set while its waiter sleeps", j);
    }
    if (s->rx_waiting.on && parked(s->rx_h, me))
        CHECK(s->rx.empty(), "lost wake: rx has %u items while its consumer waits", s->rx.size());
    if (s->tx_waiting.on && parked(s->tx_h, me))
        CHECK(s->tx.size() == kTxDepth, "lost wake: tx has room while its producer waits");
    if (s->sem_waiting.on && parked(s->sem_h, me))
        CHECK(s->sem.value() == 0, "lost wake: semaphore has %d permits while a task waits",
              s->sem.value());
}

Task<void> canceller(Storm* s, TaskGroup* g) {
    uint32_t rng = 4242;
    while (!s->stop) {
        co_await sleep_us(200 + xorshift(rng) % 800);
        if (s->stop) break;
        const uint32_t what = xorshift(rng) % 8;
        if (what < 6) {
            const int i = static_cast<int>(xorshift(rng) % kEventWaiters);
            WaiterRec& w = s->waiters[i];
            w.h.cancel();
            auto r = co_await w.h;
            CHECK(!r.ok() && r.error() == Error::cancelled, "cancelled waiter %d: not cancelled",
                  i);
            CHECK(!w.waiting.on, "cancelled waiter %d: its locals were not destroyed", i);
            w.h = g->create_task(event_waiter(s, i), w.prio);
        } else if (what == 6) {
            const int j = static_cast<int>(xorshift(rng) % kFlags);
            FlagRec& f = s->flag_recs[j];
            f.h.cancel();
            co_await f.h;
            CHECK(!f.waiting.on, "cancelled flag waiter %d: locals not destroyed", j);
            f.h = g->create_task(flag_waiter(s, j));
        } else {
            const int i = static_cast<int>(xorshift(rng) % kSleepers);
            s->sleeper_h[i].cancel();
            co_await s->sleeper_h[i];
            CHECK(!s->sleeper_waiting[i], "cancelled sleeper %d: locals not destroyed", i);
            s->sleeper_h[i] = g->create_task(sleeper(s, i));
        }
        ++s->cancels;
    }
}

// Keeps the loop busy half of the time (signals then arrive in the middle of task steps and
// scheduler passes) and lets it go idle the other half (signals then race the loop going to sleep).
Task<void> spinner(Storm* s) {
    while (!s->stop) {
        const uint64_t until = now_us() + 3000;
        while (now_us() < until && !s->stop) co_await yield_now();
        co_await sleep_ms(3);
    }
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

Task<int> storm_main(Storm* s, uint64_t target, uint64_t period_us) {
    TaskGroup g;
    for (int i = 0; i < kEventWaiters; ++i) {
        WaiterRec& w = s->waiters[i];
        w.ev = i % kEvents;
        w.rng = 0x2545F491u * static_cast<uint32_t>(i + 1) | 1u;
        w.prio = (i % 5 == 0) ? Priority::high : Priority::normal;
        w.h = g.create_task(event_waiter(s, i), w.prio);
    }
    for (int e = 0; e < kEvents; ++e) g.create_task(clearer(s, e));
    for (int j = 0; j < kFlags; ++j) {
        s->flag_recs[j].rng = 0x1234567u * static_cast<uint32_t>(j + 1) | 1u;
        s->flag_recs[j].h = g.create_task(flag_waiter(s, j));
    }
    for (int i = 0; i < kSleepers; ++i) s->sleeper_h[i] = g.create_task(sleeper(s, i));
    s->rx_h = g.create_task(rx_consumer(s));
    s->tx_h = g.create_task(tx_producer(s));
    s->sem_h = g.create_task(sem_taker(s));
    auto canc = create_task(canceller(s, &g));
    auto spin = create_task(spinner(s));
    auto slow = create_task(slow_clearer(s));
    co_await yield_now();  // everybody waits

    const auto t0 = std::chrono::steady_clock::now();
    linux_port::PeriodicSignal timer(SIGRTMIN, period_us);
    if (!timer.ok()) {
        fprintf(stderr, "signal_storm: cannot start the periodic timer\n");
        co_return 2;
    }
    uint64_t next_report = target / 10;
    uint64_t rounds = 0;
    while (s->irqs.load(std::memory_order_relaxed) < target) {
        co_await sleep_ms(5);
        if (++rounds % 2 == 0) co_await quiescent_check(s);
        if (s->irqs.load(std::memory_order_relaxed) >= next_report && getenv("STORM_PROGRESS")) {
            fprintf(stderr, "  %llu interrupts, %.1f s\n", (unsigned long long)s->irqs.load(),
                    seconds_since(t0));
            next_report += target / 10;
        }
        if (seconds_since(t0) > 3600) break;
    }
    timer.stop();
    const double secs = seconds_since(t0);
    co_await sleep_ms(5);  // a signal still pending is delivered and drained
    co_await quiescent_check(s);

    // The end: stop everybody, then settle the books.
    s->stop = true;
    co_await canc;
    co_await spin;
    co_await slow;
    g.cancel();
    co_await g.join();
    linux_port::detach_signal(SIGRTMIN);
    co_await yield_now();  // drain anything a last handler posted
    co_await yield_now();

    while (auto r = s->rx.try_get()) {
        ++s->received;
        (void)r;
    }
    const uint64_t pushed = s->rx_seq.load();
    CHECK(s->received + s->rx.dropped() == pushed, "rx: received %llu + dropped %u != pushed %llu",
          (unsigned long long)s->received, s->rx.dropped(), (unsigned long long)pushed);
    uint64_t tx_left = 0;
    while (auto r = s->tx.try_get()) {
        CHECK(r.value() == s->tx_expect.load(), "tx left item out of order");
        s->tx_expect.store(r.value() + 1);
        ++tx_left;
    }
    CHECK(s->tx_disorder.load() == 0, "tx: %llu items reached the handler out of order",
          (unsigned long long)s->tx_disorder.load());
    CHECK(s->tx.dropped() == 0, "tx: the task side dropped %u", s->tx.dropped());
    CHECK(s->tx_got.load() + tx_left == s->tx_next, "tx: got %llu + left %llu != put %u",
          (unsigned long long)s->tx_got.load(), (unsigned long long)tx_left, s->tx_next);
    CHECK(s->acquired + static_cast<uint64_t>(s->sem.value()) == s->released.load(),
          "semaphore: acquired %llu + left %d != released %llu", (unsigned long long)s->acquired,
          s->sem.value(), (unsigned long long)s->released.load());
    CHECK(s->checks > 0, "no quiescent check ran");
    CHECK(s->sched_run.load() + s->sched_refused.load() == s->scheduled.load(),
          "schedule: run %llu + refused %llu != scheduled %llu",
          (unsigned long long)s->sched_run.load(), (unsigned long long)s->sched_refused.load(),
          (unsigned long long)s->scheduled.load());

    const uint64_t irqs = s->irqs.load();
    printf(
        "signal_storm: interrupts=%llu time=%.2fs rate=%.0f/s period=%lluus tasks=%d "
        "event_wakes=%llu event_timeouts=%llu flag_wakes=%llu sleeps=%llu cancels=%llu "
        "rx_pushed=%llu rx_received=%llu rx_dropped=%u tx_items=%u sem_released=%llu "
        "scheduled=%llu sched_refused=%llu quiescent_checks=%llu handler_checks=%llu "
        "violations=%llu\n",
        (unsigned long long)irqs, secs, irqs / secs, (unsigned long long)period_us,
        kEventWaiters + kEvents + kFlags + kSleepers + 7, (unsigned long long)s->event_wakes,
        (unsigned long long)s->event_timeouts, (unsigned long long)s->flag_wakes,
        (unsigned long long)s->sleeps, (unsigned long long)s->cancels, (unsigned long long)pushed,
        (unsigned long long)s->received, s->rx.dropped(), s->tx_next,
        (unsigned long long)s->released.load(), (unsigned long long)s->scheduled.load(),
        (unsigned long long)s->sched_refused.load(), (unsigned long long)s->checks,
        (unsigned long long)s->handler_checks.load(), (unsigned long long)violations.load());
    fflush(stdout);
    co_return violations == 0 && irqs >= target ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
    uint64_t target = 1'000'000;
    uint64_t period_us = 20;
    if (argc > 1) target = strtoull(argv[1], nullptr, 10);
    if (const char* e = getenv("IRQIO_STORM_INTERRUPTS")) target = strtoull(e, nullptr, 10);
    if (argc > 2) period_us = strtoull(argv[2], nullptr, 10);
    const bool raw = argc > 3 && strcmp(argv[3], "raw") == 0;
    if (target == 0 || period_us == 0 || (argc > 3 && !raw && strcmp(argv[3], "attach") != 0)) {
        fprintf(stderr, "usage: signal_storm [interrupts] [period_us] [attach|raw]\n");
        return 2;
    }
    static Storm storm;  // outlives the loop and any late signal
    g_storm = &storm;
    if (raw) {
        // What a user writes without reading irqio's docs: a plain handler, nothing registered.
        struct sigaction sa {};
        sa.sa_handler = [](int signo) {
            const int saved = errno;
            on_signal(signo, nullptr);
            errno = saved;
        };
        sigemptyset(&sa.sa_mask);
        sa.sa_flags = SA_RESTART;
        if (sigaction(SIGRTMIN, &sa, nullptr) != 0) {
            fprintf(stderr, "signal_storm: sigaction failed\n");
            return 2;
        }
        // The quiescent checks' CriticalSection must hold this signal back too: name it.
        linux_port::mask_in_critical_sections(SIGRTMIN);
    } else if (linux_port::attach_signal(SIGRTMIN, &on_signal, nullptr) != 0) {
        fprintf(stderr, "signal_storm: attach_signal failed\n");
        return 2;
    }
    printf("signal_storm: handler installed by %s\n", raw ? "plain sigaction" : "attach_signal");
    return run(storm_main(&storm, target, period_us));
}
