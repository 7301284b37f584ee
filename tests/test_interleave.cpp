// Exhaustive interleaving: every any-context call at every step point. Built against irqio_hooked:
// the scheduler, the awaiters and every atomic step of the any-context paths (core/atomic_ops.hpp)
// call a hook (detail::StepPoint). For every step point P, every occurrence N of it in a scenario,
// and every kind of any-context call K, the test replays the scenario and, at the N-th occurrence
// of P, runs K as a handler arriving at that instant would: inside an IsrScope, as a raw handler
// (no IsrScope, on the loop's thread), from another thread, from a task of another loop (on its
// thread), and on a port whose wait ends on any interrupt (the masked `wfi` idle of bare metal).
// Then: the task waiting for K woke exactly once, what K delivered arrived, and the loop finished.
// A lost wake fails at once, never as "late": the StrictPort's wait_until fails the run when it is
// entered while a wake is pending (inbox, local lane or run queue non-empty) with no notify()
// outstanding, or when a wake arrives during the wait without a notify(); its clock never ends a
// sleep by itself (it jumps to the deadline the loop asked for; none is a failure).
// At the end every (step point, call kind) pair must have been injected at least once: that is
// the coverage proof.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "irqio/io/ready_gate.hpp"
#include "irqio/irqio.hpp"
#include "irqio/periph/completion.hpp"
#include "irqio/port/virtual_clock_port.hpp"

#if !IRQIO_STEP_HOOKS
#error "test_interleave must be built against irqio_hooked"
#endif

using namespace irqio;
using detail::StepPoint;

namespace {

constexpr int kPoints = static_cast<int>(StepPoint::count_);

enum class Kind {
    event_set,
    flag_set,
    queue_put,
    queue_get,
    sem_release,
    schedule,
    completion,
    notifier,
    count_
};
constexpr int kKinds = static_cast<int>(Kind::count_);

const char* point_name(int p) {
    static const char* names[] = {
        "run_queue_push", "run_queue_pop",    "timer_insert", "timer_remove",  "timer_pop",
        "inbox_take",     "inbox_drain_node", "local_take",   "waiter_link",   "waiter_wake",
        "cancel",         "before_sleep",     "after_wake",   "callbacks",     "atomic_load",
        "atomic_store",   "atomic_rmw",       "local_push",   "local_take_in", "local_sleep_check",
        "before_wait",    "in_wait",          "lone_wake",    "awaiter_ready", "awaiter_suspend",
        "awaiter_resume", "timeout_expire"};
    static_assert(sizeof(names) / sizeof(names[0]) == kPoints, "name every step point");
    return names[p];
}
const char* kind_name(int k) {
    static const char* names[] = {"Event::set",
                                  "ThreadSafeFlag::set",
                                  "ThreadSafeQueue::try_put",
                                  "ThreadSafeQueue::try_get",
                                  "Semaphore::release",
                                  "schedule",
                                  "Completion::finish",
                                  "IsrNotifier::notify"};
    static_assert(sizeof(names) / sizeof(names[0]) == kKinds, "name every kind");
    return names[k];
}

// Set while the test's own port looks at the loop: steps taken there are not the code under test.
bool g_muted = false;
std::string g_run;  // the scenario running (for a run that has to stop)
struct Mute {
    Mute() { g_muted = true; }
    ~Mute() { g_muted = false; }
};
bool pending(Loop* l) {
    Mute m;
    return l->wake_pending();
}

// How the injected call is made.
enum class Mode {
    isr,         // inside an IsrScope (irqio's trampolines, an interrupt)
    raw,         // a handler irqio cannot recognise: on the loop's thread, no IsrScope
    thread,      // another thread (no loop of its own)
    other_loop,  // a task of another loop, on its own thread
    masked,      // inside an IsrScope, on a port whose wait ends on any interrupt (bare metal)
    count_
};
constexpr int kModes = static_cast<int>(Mode::count_);
const char* mode_name(int m) {
    static const char* names[] = {"IsrScope", "raw handler", "other thread", "other loop",
                                  "masked idle"};
    return names[m];
}

// The port of the interleaving test: a lost wake is a failure the moment the loop would sleep on
// it. Its clock moves only to the deadline a wait asks for.
class StrictPort final : public Port {
  public:
    explicit StrictPort(bool masked) : masked_(masked) {}
    void attach(Loop* l) { loop_ = l; }
    uint64_t now_us() noexcept override { return now_; }
    void wait_until(uint64_t deadline) noexcept override {
        if (pending(loop_) && !notified_.load())
            fail("wait_until entered while a wake is pending and no notify() is outstanding");
        detail::step_hook(StepPoint::in_wait);  // an interrupt during the sleep
        if (notified_.exchange(false)) return;
        if (masked_ && interrupted_.exchange(false)) return;  // any interrupt ends the wait
        if (pending(loop_)) {
            fail("a wake arrived during the wait without ending it (no notify())");
            return;
        }
        if (deadline == kNever) {
            // Nothing can end this wait: every task waits for a wake that was lost. Stop here
            // (returning would spin for ever), naming the run.
            fprintf(stderr, "lost wake: the loop would sleep for ever in %s\n", g_run.c_str());
            fflush(stderr);
            abort();
        }
        if (deadline > now_) now_ = deadline;
    }
    void notify() noexcept override { notified_.store(true); }
    bool wakes_on_interrupt() const noexcept override { return masked_; }
    void interrupt() noexcept { interrupted_.store(true); }
    const std::string& failure() const { return failure_; }

  private:
    void fail(const char* why) {
        if (failure_.empty()) failure_ = why;
    }
    bool masked_;
    Loop* loop_ = nullptr;
    uint64_t now_ = 1'000'000;
    std::atomic<bool> notified_{false}, interrupted_{false};
    std::string failure_;
};

struct Outcome {
    bool injected = false;  // the call ran from the hook (not the fallback)
    int woke = 0;
    bool ok = false;  // the loop finished and every check held
    std::string why;
};

// One run of the scenario. The target task waits for the one call of kind `kind`; background tasks
// make the scheduler go through every one of its step points, several times.
class Scenario {
  public:
    Scenario(Kind kind, int point, int nth, Mode mode = Mode::isr)
        : kind_(kind), point_(point), nth_(nth), mode_(mode), port_(mode == Mode::masked) {
        port_.attach(&loop_);
    }

    Outcome run(std::array<int, kPoints>* counts) {
        counts_ = counts;
        g_run = std::string(kind_name(static_cast<int>(kind_))) + " (" +
                mode_name(static_cast<int>(mode_)) + ") at occurrence " + std::to_string(nth_) +
                " of " + (point_ < 0 ? "no point (the baseline)" : point_name(point_));
        // A full queue for the task-to-interrupt direction: the target's put() must wait.
        if (kind_ == Kind::queue_get) {
            EXPECT_TRUE(t_q_.try_put(1));
            EXPECT_TRUE(t_q_.try_put(2));
        }
        if (kind_ == Kind::completion) {
            EXPECT_TRUE(t_done_.begin().ok());  // a transfer runs
        }
        if (kind_ == Kind::notifier) {
            t_note_.bind(&loop_);
            t_gate_.close();  // "would block" until the notifier's callback opens it
        }
        detail::set_step_hook(&Scenario::hook, this);
        auto main = [this]() -> Task<bool> { co_return co_await body(); };
        bool finished = loop_.run(main());
        detail::set_step_hook(nullptr, nullptr);
        Outcome o;
        o.injected = injected_;
        o.woke = woke_;
        o.ok = finished && checks_ok_;
        o.why = why_;
        if (!port_.failure().empty()) {
            o.ok = false;
            o.why += " lost wake: " + port_.failure();
        }
        if (o.ok && woke_ != 1) {
            o.ok = false;
            o.why += " woke " + std::to_string(woke_) + " times";
        }
        if (o.ok && kind_ == Kind::queue_get) {
            // The handler took 1; the target's 3 went in behind 2.
            auto a = t_q_.try_get(), b = t_q_.try_get(), c = t_q_.try_get();
            if (!(a.ok() && a.value() == 2 && b.ok() && b.value() == 3 && !c.ok())) {
                o.ok = false;
                o.why += " queue contents wrong after the put";
            }
        }
        if (o.ok && kind_ == Kind::schedule && cb_runs_ != 1) {
            o.ok = false;
            o.why += " callback ran " + std::to_string(cb_runs_) + " times";
        }
        return o;
    }

  private:
    static void hook(StepPoint p, void* ctx) {
        auto* s = static_cast<Scenario*>(ctx);
        if (g_muted) return;
        if (s->mode_ == Mode::masked) {
            // Loop::idle masks handlers from its before_sleep to its after_wake; only the wait
            // itself (wfi) lets one in.
            if (p == StepPoint::before_sleep) s->masked_ = true;
            if (p == StepPoint::after_wake) s->masked_ = false;
            if (s->masked_ && p != StepPoint::in_wait && p != StepPoint::before_sleep) return;
        }
        const int pi = static_cast<int>(p);
        if (s->counts_) ++(*s->counts_)[pi];
        if (p == StepPoint::in_wait && s->lone_armed_ && !s->lone_sent_) {
            // A background interrupt during the sleep wakes one task alone: the lone-wake path.
            s->lone_sent_ = true;
            s->port_.interrupt();
            IsrScope isr;
            s->lone_flag_.set();
        }
        if (s->fired_ || s->point_ < 0 || pi != s->point_) return;
        if (s->seen_++ != s->nth_) return;
        s->fired_ = true;
        s->injected_ = true;
        s->hook_firing_ = true;
        s->fire_as_handler();
        s->hook_firing_ = false;
        if (s->refused_) s->fired_ = s->injected_ = false;
    }
    void fire_as_handler() {
        port_.interrupt();
        switch (mode_) {
            case Mode::raw:
                fire();  // nothing tells it from task context
                break;
            case Mode::thread: {
                std::thread other([this] { fire(); });
                other.join();
                break;
            }
            case Mode::other_loop: {
                std::thread other([this] {
                    VirtualClockPort p{0};
                    Loop l{p};
                    auto task = [this]() -> Task<void> {
                        fire();
                        co_return;
                    };
                    l.run(task());
                });
                other.join();
                break;
            }
            default: {
                IsrScope isr;  // what irqio's own signal trampoline or an interrupt runs in
                fire();
                break;
            }
        }
    }

    void fail(const std::string& why) {
        checks_ok_ = false;
        why_ += " " + why;
    }

    void fire() {
        switch (kind_) {
            case Kind::event_set:
                t_ev_.set();
                break;
            case Kind::flag_set:
                t_flag_.set();
                break;
            case Kind::queue_put:
                if (!t_q_.try_put(42)) fail("try_put refused");
                break;
            case Kind::queue_get: {
                auto r = t_q_.try_get();
                if (!r.ok() || r.value() != 1) fail("try_get did not give the first item");
                break;
            }
            case Kind::sem_release:
                t_sem_.release();
                break;
            case Kind::schedule:
                if (!schedule(&Scenario::callback, this)) {
                    if (!hook_firing_) fail("schedule refused");
                    refused_ = true;  // no loop had started yet: made again at the end
                }
                break;
            case Kind::completion:
                t_done_.finish(Error::none, 7);
                break;
            case Kind::notifier:
                t_note_.notify();
                break;
            case Kind::count_:
                break;
        }
    }
    static void opened(void* p) noexcept { static_cast<Scenario*>(p)->t_gate_.open(); }
    static void callback(void* p) {
        auto* s = static_cast<Scenario*>(p);
        ++s->cb_runs_;
        s->t_cb_ev_.set();  // task-context call from a callback
    }

    Task<void> target() {
        switch (kind_) {
            case Kind::event_set:
                co_await t_ev_.wait();
                break;
            case Kind::flag_set:
                co_await t_flag_.wait();
                break;
            case Kind::queue_put: {
                auto r = co_await t_q_.get();
                if (!r.ok() || r.value() != 42) fail("get did not deliver the item");
                break;
            }
            case Kind::queue_get: {
                auto r = co_await t_q_.put(3);
                if (!r.ok()) fail("put failed");
                break;
            }
            case Kind::sem_release:
                co_await t_sem_.acquire();
                break;
            case Kind::schedule:
                co_await t_cb_ev_.wait();
                break;
            case Kind::completion: {
                auto r = co_await t_done_.wait();
                if (!r.ok() || t_done_.count() != 7) fail("completion outcome lost");
                break;
            }
            case Kind::notifier:
                while (!t_gate_.is_open()) co_await t_gate_.wait();
                break;
            case Kind::count_:
                break;
        }
        ++woke_;
    }

    // --- background: goes through every step point of the scheduler ---
    Task<void> interrupter() {
        for (int i = 0; i < 3; ++i) {
            co_await sleep_ms(2);  // timer_insert, timer_pop, idle (before_sleep, after_wake)
            if (i == 1) {
                bg_signal();  // as a raw handler or a task: the local lane (local_take)
            } else {
                IsrScope isr;  // a "handler" setting three objects: three inbox nodes
                bg_signal();
            }
        }
    }
    void bg_signal() {
        bg_ev_.set();
        bg_flag_.set();
        bg_sem_.release();
        if (!schedule(&Scenario::bg_callback, this)) fail("background schedule refused");
    }
    static void bg_callback(void* p) { ++static_cast<Scenario*>(p)->bg_callbacks_; }
    Task<void> event_waiter() {
        for (int i = 0; i < 3; ++i) {
            co_await bg_ev_.wait();  // waiter_link, waiter_wake
            bg_ev_.clear();
            ++bg_event_wakes_;
        }
    }
    Task<void> flag_waiter() {
        for (int i = 0; i < 3; ++i) {
            co_await bg_flag_.wait();
            ++bg_flag_wakes_;
        }
    }
    Task<void> sem_waiter() {
        int got = 0;
        while (got < 3) {
            auto r = co_await wait_for_ms(bg_sem_.acquire(), 3);  // timer_remove on success
            if (r.ok()) ++got;
        }
    }
    Task<void> lone_waiter() {
        lone_armed_ = true;
        co_await lone_flag_.wait();  // set by an interrupt during a sleep: a lone TaskWake
        ++lone_wakes_;
    }
    Task<void> timeout_waiter() {
        auto r = co_await wait_for_ms(never_ev_.wait(), 1);  // timeout_expire
        if (r.ok() || r.error() != Error::timed_out) fail("wait_for did not time out");
    }
    Task<void> doomed() {
        co_await sleep_ms(1000);
        fail("doomed task was not cancelled");
    }

    Task<bool> body() {
        auto tgt = create_task(target());
        auto d = create_task(doomed());
        TaskGroup g;
        g.create_task(interrupter());
        g.create_task(event_waiter());
        g.create_task(flag_waiter());
        g.create_task(sem_waiter());
        g.create_task(lone_waiter());
        g.create_task(timeout_waiter());
        co_await sleep_ms(1);
        d.cancel();  // cancel, timer_remove
        auto dr = co_await d;
        if (dr.ok() || dr.error() != Error::cancelled) fail("doomed task not cancelled");
        co_await g.join();
        if (bg_event_wakes_ != 3 || bg_flag_wakes_ != 3 || bg_callbacks_ != 3 || lone_wakes_ != 1)
            fail("background lost a wake");
        if (!fired_) {
            // The injection point was not reached in this run: make the call here instead.
            fired_ = true;
            fire_as_handler();
        }
        auto r = co_await wait_for_ms(tgt, 100);  // virtual time: a lost wake times out
        if (!r.ok())
            fail(r.error() == Error::timed_out ? "target never woke (lost wake)" : "target failed");
        co_return true;
    }

    Kind kind_;
    int point_, nth_;
    Mode mode_;
    int seen_ = 0;
    bool fired_ = false, injected_ = false, checks_ok_ = true;
    bool hook_firing_ = false, refused_ = false;
    bool lone_armed_ = false, lone_sent_ = false, masked_ = false;
    int lone_wakes_ = 0;
    std::string why_;
    std::array<int, kPoints>* counts_ = nullptr;
    int woke_ = 0, cb_runs_ = 0;
    int bg_event_wakes_ = 0, bg_flag_wakes_ = 0, bg_callbacks_ = 0;
    Event t_ev_, t_cb_ev_, bg_ev_, never_ev_;
    ThreadSafeFlag t_flag_, bg_flag_, lone_flag_;
    ThreadSafeQueue<int, 2> t_q_;
    Semaphore t_sem_, bg_sem_;
    Completion t_done_;
    detail::ReadyGate t_gate_;
    IsrNotifier t_note_{&Scenario::opened, this};
    // Last: the loop goes first, and its destructor acts on what the checks after run() (outside
    // the loop) signalled, before the objects go.
    StrictPort port_;
    Loop loop_{port_};
};

TEST(Interleave, EveryStepPointWithEveryAnyContextCall) {
    using Table = std::array<std::array<int, kPoints>, kKinds>;
    Table baseline{}, injected{};
    int runs = 0, failures = 0, injections = 0;
    for (int m = 0; m < kModes; ++m)
        for (int k = 0; k < kKinds; ++k) {
            const Mode mode = static_cast<Mode>(m);
            // Baseline: no injection, count the occurrences of every step point.
            std::array<int, kPoints> counts{};
            Scenario base(static_cast<Kind>(k), -1, 0, mode);
            Outcome o = base.run(&counts);
            ASSERT_TRUE(o.ok) << kind_name(k) << " (" << mode_name(m) << ") baseline:" << o.why;
            for (int p = 0; p < kPoints; ++p) {
                baseline[k][p] += counts[p];
                for (int n = 0; n < counts[p]; ++n) {
                    Scenario s(static_cast<Kind>(k), p, n, mode);
                    Outcome r = s.run(nullptr);
                    ++runs;
                    if (r.injected) ++injected[k][p], ++injections;
                    if (!r.ok) {
                        if (++failures < 30)
                            ADD_FAILURE()
                                << kind_name(k) << " (" << mode_name(m) << ") at occurrence " << n
                                << " of " << point_name(p) << ":" << r.why;
                    }
                }
            }
        }
    // Coverage proof: every step point was reached, and at each one every kind of call was made.
    std::string table;
    int pairs = 0;
    for (int p = 0; p < kPoints; ++p) {
        char line[160];
        snprintf(line, sizeof line, "%-17s occurrences %4d, injected:", point_name(p),
                 baseline[0][p]);
        table += line;
        for (int k = 0; k < kKinds; ++k) {
            EXPECT_GT(baseline[k][p], 0) << point_name(p) << " never hit with " << kind_name(k);
            EXPECT_GT(injected[k][p], 0) << kind_name(k) << " never injected at " << point_name(p);
            if (injected[k][p] > 0) ++pairs;
            table += " " + std::to_string(injected[k][p]);
        }
        table += "\n";
    }
    printf(
        "%s%d step points x %d calls x %d modes: %d (point, call) pairs injected, %d injections, "
        "%d scenario runs, %d failures\n",
        table.c_str(), kPoints, kKinds, kModes, pairs, injections, runs, failures);
    EXPECT_EQ(failures, 0);
}

// Not a step-point sweep, but the same family: a woken ThreadSafeQueue getter that is cancelled
// before it runs must not lose its item nor put it out of order.
TEST(Interleave, CancelledWokenQueueGetterKeepsItemsInOrder) {
    VirtualClockPort port{1'000'000};
    Loop loop{port};
    ThreadSafeQueue<int, 8> q;
    std::vector<int> got;
    auto getter = [&]() -> Task<void> {
        auto r = co_await q.get();
        if (r.ok()) got.push_back(r.value());
    };
    auto main = [&]() -> Task<void> {
        auto g1 = create_task(getter());
        co_await yield_now();  // g1 waits
        {
            IsrScope isr;
            q.try_put(1);
            q.try_put(2);
            q.try_put(3);
        }
        co_await yield_now();  // drained after this step: g1 is handed 1, queued behind us
        g1.cancel();
        co_await g1;
        for (int i = 0; i < 3; ++i) {
            auto r = q.try_get();
            if (r.ok()) got.push_back(r.value());
        }
    };
    loop.run(main());
    EXPECT_EQ(got, (std::vector<int>{1, 2, 3}));
}

// A ThreadSafeFlag waiter that is cancelled, and then taken by a handler's set() just before the
// loop steps it (its wake still in the inbox): the frame goes only after the loop has taken the
// wake, and the set stays for the next wait.
TEST(Interleave, FlagWaiterCancelledWhileItsWakeIsInTheInbox) {
    VirtualClockPort port{1'000'000};
    Loop loop{port};
    ThreadSafeFlag flag;
    struct Ctx {
        ThreadSafeFlag* flag;
        bool armed = false;
        int fired = 0;
    } ctx{&flag};
    detail::set_step_hook(
        [](StepPoint p, void* c) {
            auto* x = static_cast<Ctx*>(c);
            if (p != StepPoint::run_queue_pop || !x->armed) return;
            x->armed = false;
            IsrScope isr;
            x->flag->set();
            ++x->fired;
        },
        &ctx);
    bool waiter_ended = false;
    auto waiter = [&]() -> Task<void> {
        struct Mark {
            bool* ended;
            ~Mark() { *ended = true; }
        } mark{&waiter_ended};
        co_await flag.wait();
    };
    auto main = [&]() -> Task<void> {
        {
            // No handle is kept, so the frame block is freed as the task ends: a wake left in
            // the inbox would then point into freed memory (AddressSanitizer builds catch it).
            auto h = create_task(waiter());
            co_await yield_now();  // the waiter waits
            h.cancel();            // queued to be cancelled...
        }
        ctx.armed = true;  // ...and the set arrives as it is taken off the run queue
        co_await yield_now();
        EXPECT_TRUE(waiter_ended);
        EXPECT_EQ(ctx.fired, 1);
        EXPECT_TRUE(flag.is_set());
        co_await flag.wait();  // the kept set
    };
    loop.run(main());
    detail::set_step_hook(nullptr, nullptr);
    EXPECT_EQ(loop.stats().inbox_nodes, 1u);
}

}  // namespace

// --- Focused checks of the wake path (the mutation catalogue, tools/mutants/, relies on them).
// Each pins one rule that a single plausible bug would break, in microseconds.

// One interrupt waking three flag waiters: they run in the order of the sets, none is lost.
TEST(WakePath, WakesFromOneInterruptRunInTheOrderOfTheSets) {
    VirtualClockPort port{0};
    Loop loop{port};
    ThreadSafeFlag f[3];
    std::vector<int> order;
    auto waiter = [&](int i) -> Task<void> {
        co_await f[i].wait();
        order.push_back(i);
    };
    auto main = [&]() -> Task<void> {
        auto a = create_task(waiter(0)), b = create_task(waiter(1)), c = create_task(waiter(2));
        co_await yield_now();  // all three wait
        {
            IsrScope isr;
            for (auto& x : f) x.set();
        }
        co_await a;
        co_await b;
        co_await c;
    };
    loop.run(main());
    EXPECT_EQ(order, (std::vector<int>{0, 1, 2}));
}

// A set, then a clear before the loop drains the set: every waiter that began before the set
// wakes (the drain goes by the set count, not the level); one that begins after does not.
TEST(WakePath, EventSetThenClearBeforeTheDrainWakesEveryEarlierWaiter) {
    VirtualClockPort port{0};
    Loop loop{port};
    Event ev;
    int woke = 0;
    auto waiter = [&]() -> Task<void> {
        co_await ev.wait();
        ++woke;
    };
    auto main = [&]() -> Task<void> {
        auto a = create_task(waiter()), b = create_task(waiter()), c = create_task(waiter());
        co_await yield_now();  // all three wait
        {
            IsrScope isr;  // drained after this step, when the level is already clear again
            ev.set();
        }
        ev.clear();
        auto late = create_task(waiter());
        co_await a;
        co_await b;
        co_await c;
        co_await yield_now();
        EXPECT_EQ(woke, 3);  // the late waiter is still waiting
        ev.set();
        co_await late;
    };
    loop.run(main());
    EXPECT_EQ(woke, 4);
}

// A woken waiter cancelled before it runs gives back what it was handed (a permit, a reserved
// item, the lock): the next waiter gets it.
TEST(WakePath, CancelledWokenWaitersGiveBackWhatTheyWereHanded) {
    VirtualClockPort port{0};
    Loop loop{port};
    Semaphore sem;
    Queue<int> q(4);
    Lock lock;
    int sem_got = 0, q_got = 0, lock_got = 0;
    auto sem_waiter = [&]() -> Task<void> {
        co_await sem.acquire();
        ++sem_got;
    };
    auto q_waiter = [&]() -> Task<void> {
        auto r = co_await q.get();
        if (r.ok() && r.value() == 7) ++q_got;
    };
    auto lock_waiter = [&]() -> Task<void> {
        auto g = co_await lock.acquire();
        ++lock_got;
    };
    auto main = [&]() -> Task<void> {
        auto s1 = create_task(sem_waiter()), s2 = create_task(sem_waiter());
        auto q1 = create_task(q_waiter()), q2 = create_task(q_waiter());
        auto held = co_await lock.acquire();
        auto l1 = create_task(lock_waiter()), l2 = create_task(lock_waiter());
        co_await yield_now();            // all six wait
        EXPECT_TRUE(q.try_put(7).ok());  // q1 is handed the item
        held.unlock();                   // l1 is handed the lock
        q1.cancel();                     // ... both cancelled before they run
        l1.cancel();
        {
            IsrScope isr;
            sem.release();  // s1 is handed the permit when the loop drains, after this step
        }
        co_await yield_now();  // s1 woken, queued behind this task
        s1.cancel();
        co_await s1;
        co_await q1;
        co_await l1;
        co_await s2;
        co_await q2;
        co_await l2;
    };
    loop.run(main());
    EXPECT_EQ(sem_got, 1);
    EXPECT_EQ(q_got, 1);
    EXPECT_EQ(lock_got, 1);
    EXPECT_EQ(sem.value(), 0);
}

// First wake wins: the inner wait woken in the same pass as its timer falls due is not timed out.
TEST(WakePath, WaitForInnerWakeBeatsATimerDueInTheSamePass) {
    VirtualClockPort port{0};
    Loop loop{port};
    Event ev;
    bool ok = false;
    auto waiter = [&]() -> Task<void> {
        auto r = co_await wait_for_ms(ev.wait(), 5);
        ok = r.ok();
    };
    auto main = [&]() -> Task<void> {
        auto w = create_task(waiter());
        co_await yield_now();  // it waits, its timer due in 5 ms
        port.advance_ms(10);   // this task was busy past the deadline
        ev.set();              // ... and sets before the loop fires the timer
        co_await w;
    };
    loop.run(main());
    EXPECT_TRUE(ok);
}

// Full means exactly at capacity, for both queues; a putter waits until a slot is free.
TEST(WakePath, QueuesAreFullExactlyAtCapacity) {
    VirtualClockPort port{0};
    Loop loop{port};
    Queue<int> q(2);
    ThreadSafeQueue<int, 4> tq;
    int puts = 0;
    auto putter = [&](int v) -> Task<void> {
        co_await q.put(v);
        ++puts;
    };
    auto main = [&]() -> Task<void> {
        EXPECT_TRUE(q.try_put(1).ok());
        EXPECT_FALSE(q.full());
        EXPECT_TRUE(q.try_put(2).ok());
        EXPECT_TRUE(q.full());
        EXPECT_FALSE(q.try_put(3).ok());
        auto p1 = create_task(putter(3)), p2 = create_task(putter(4));
        co_await yield_now();
        co_await yield_now();
        EXPECT_EQ(puts, 0);
        EXPECT_EQ(q.size(), 2u);
        auto r = co_await q.get();  // one slot frees: one putter, not two
        EXPECT_TRUE(r.ok() && r.value() == 1);
        co_await p1;
        co_await yield_now();
        EXPECT_EQ(puts, 1);
        EXPECT_EQ(q.size(), 2u);
        r = co_await q.get();
        EXPECT_TRUE(r.ok() && r.value() == 2);
        co_await p2;
        EXPECT_EQ(puts, 2);
        EXPECT_EQ(q.size(), 2u);
        for (int i = 0; i < 4; ++i) {
            EXPECT_FALSE(tq.full());
            EXPECT_TRUE(tq.try_put(i));
        }
        EXPECT_TRUE(tq.full());
        EXPECT_FALSE(tq.try_put(9));
    };
    loop.run(main());
}
