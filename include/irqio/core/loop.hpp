// Loop: runs tasks on one thread. The RunQueue and TimerHeap are touched only here, in task
// context; every wake from outside (interrupt, signal, other thread) arrives through the IsrInbox.
#pragma once
#include <atomic>
#include <cstdint>
#include <type_traits>
#include <utility>

#include "irqio/config.hpp"
#include "irqio/core/inbox.hpp"
#include "irqio/core/local_lane.hpp"
#include "irqio/core/loop_binding.hpp"
#include "irqio/core/mpmc_ring.hpp"
#include "irqio/core/per_core.hpp"
#include "irqio/core/run_queue.hpp"
#include "irqio/core/step_hook.hpp"
#include "irqio/core/task.hpp"
#include "irqio/core/timer_heap.hpp"
#include "irqio/core/trace.hpp"
#include "irqio/core/wait_list.hpp"
#include "irqio/port.hpp"

namespace irqio {
class Loop;
namespace detail {
extern constinit IRQIO_THREAD_LOCAL PerContext<Loop*> tls_loop;  // the loop running on this thread
void drain_schedule_ring(InboxNode* n) noexcept;
// The node that rings a loop for its schedule() ring, as a base of Loop: the ring's drain gets
// from the node to its loop with casts (the node is this struct's first member), no offsetof.
struct ScheduleDoor {
    InboxNode callback_node_;
};
}  // namespace detail

// What the loop has done: a snapshot of cheap counters, read in task context. Pointer-sized, so one
// instruction to bump on any core; they wrap after 2^32 on 32-bit targets.
struct LoopStats {
    using Count = std::uintptr_t;
    Count steps = 0;        // task resumptions
    Count passes = 0;       // scheduler passes
    Count sleeps = 0;       // calls to Port::wait_until
    Count notifies = 0;     // Port::notify calls made by wakers
    Count inbox_nodes = 0;  // external wakes drained
    Count callbacks = 0;    // schedule() callbacks run
    Count timers_fired = 0;
    uint32_t schedule_dropped = 0;  // schedule() refused because the ring was full (any context)
};

class Loop : private detail::ScheduleDoor {
  public:
    explicit Loop(Port& port) noexcept;
    ~Loop();
    Loop(const Loop&) = delete;
    Loop& operator=(const Loop&) = delete;

    // Runs until `main` finishes, then cancels every task still pending and returns main's value.
    // A main that is cancelled or could not be allocated is a documented assertion.
    template <class T>
    T run(Task<T> main);

    // The loop running on this thread (nullptr outside run()).
    static Loop* current() noexcept { return detail::tls_loop; }
    Port& port() noexcept { return port_; }
    uint64_t now_us() noexcept { return port_.now_us(); }
    LoopStats stats() const noexcept {
        LoopStats s = stats_;
        s.schedule_dropped = schedule_dropped_.load(std::memory_order_relaxed);
        return s;
    }
    std::size_t ready_count() const noexcept { return ready_.size(); }
    std::size_t timer_count() const noexcept { return timers_.size(); }
    std::size_t task_count() const noexcept { return live_tasks_; }

    // --- interfaces for the library's own awaitables and ports (task context unless noted) ---
    void make_ready(detail::TaskBase* t, bool high) noexcept {
        const uint16_t f = t->flags;
        if (f & (detail::kQueued | detail::kDone)) return;
        t->flags = f | detail::kQueued;
        trace::task_woken(t, running_);
        detail::step_hook(detail::StepPoint::run_queue_push);
        ready_.push(t, high || (f & detail::kHigh));
    }
    // Task context: acts on a TaskWake (from the inbox, or directly by a waker in task context).
    void take_wake(detail::TaskWake* w) noexcept {
        detail::TaskBase* t = w->task;
        w->task = nullptr;
        make_ready(t, w->tag != 0);
    }
    void add_timer(detail::TimerNode* n) noexcept;
    void remove_timer(detail::TimerNode* n) noexcept;
    detail::TaskBase* running() const noexcept { return running_; }
    detail::TaskBase* spawn(detail::TaskBase* t, Priority prio, detail::TaskBase** owner) noexcept;
    void cancel(detail::TaskBase* t) noexcept;
    // Task context: cancels `t` and, unless it is the running task (which stops at its next
    // suspension), finishes it at once: its frame tree is destroyed, so its cleanup (destructors,
    // transfer aborts) has run when this returns. For owners that give up on their tasks
    // (TaskGroup, gather).
    void cancel_now(detail::TaskBase* t) noexcept;
    // Moves the tasks of another owner's list (a TaskGroup being destroyed) into the loop's.
    void adopt(detail::TaskBase** head) noexcept;
    void abort_running(Error why) noexcept;
    // Any context, however it was entered (a task, a signal handler installed by any means, a
    // vector-table handler, another thread or core): the loop calls n->drain(n) soon, in its task
    // context; signals of one node coalesce until then. The caller never touches the run queue or
    // a wait list itself, so a handler that interrupted the loop anywhere is harmless.
    // (Where the port tells handlers apart exactly, the loop's own thread is task context and the
    // loop acts at once, as the drain would.)
    // (tools/model/wake.pml: event_set, the ring: local lane, or the inbox)
    IRQIO_INLINE void signal(detail::InboxNode* n) noexcept {
        trace::signal(n, this);
        if (!signal_here(n, [this, n] { act_on(n); })) post(n);
    }
    // Any context: queues the TaskWake of a waiter the caller has just claimed (so only it posts).
    // (tools/model/wake.pml: flag_set, after the exchange that found the waiter)
    IRQIO_INLINE void post_wake(detail::TaskWake* w) noexcept {
        trace::signal(w, this);
        if (signal_here(w, [this, w] { take_wake(w); })) return;
        inbox_.push(w);  // claimed by the caller: no other context can be posting it
        wake_sleeper();
    }
    // Any context: the inbox path of signal() (always a read-modify-write; notifies the port only
    // if the loop may be asleep). post_counted() also says whether this call queued `n` (false:
    // it was queued already), for owners whose queued node holds a reference.
    void post(detail::InboxNode* n) noexcept;
    bool post_counted(detail::InboxNode* n) noexcept;
    // Any context: run fn(arg) soon in task context, FIFO; false when the ring is full.
    bool schedule(void (*fn)(void*), void* arg) noexcept;
    void hold_callbacks() noexcept { ++callback_holds_; }
    void release_callbacks() noexcept;
    // True on the thread (core) that runs this loop, outside any handler the port can recognise.
    // That is task context or a handler the port cannot tell from it (a signal handler on a hosted
    // port): code that must be safe from both uses it to pick the local lane, never to decide that
    // it may touch task-context state.
    // (An interrupt level's "thread" is its own handler: `ctx_` is the context its tasks run in.)
    IRQIO_INLINE bool on_loop_thread() const noexcept {
        return port::context() == ctx_.load(std::memory_order_relaxed) && detail::tls_loop == this;
    }
    // Whether this loop is an interrupt level (InterruptLoop): it never sleeps, a wake pends it.
    bool is_level() const noexcept { return wake_mode_ == WakeMode::pend_level; }

    // Task context: an object that is about to be destroyed while a handler's mark for it still
    // sits in the inbox (or the local lane) lets the loop act on it now, so neither ever holds a
    // dangling node. (A handler that keeps signalling an object while it is destroyed is the
    // caller's bug: stop the source first, see docs/interrupts.md.)
    void settle(detail::InboxNode* n) noexcept {
        if ((detail::load_acquire(n->queued) != 0 || n->local_queued != 0) && on_loop_thread())
            drain_inbox();
    }
    // Task context (the loop's own code): whether its local lane holds anything. Always empty
    // where the port tells handlers apart (task-context signals are acted on at once).
    IRQIO_INLINE bool local_empty() const noexcept {
        if constexpr (port::kHandlerKnown) return true;
        return local_.empty();
    }

    // One scheduler pass; returns after running the tasks ready at its start (or after sleeping).
    void run_once() noexcept;
    // Task context, for test ports: a wake is waiting to be acted on (inbox, local lane or run
    // queue), so a wait_until entered now without a pending notify() would lose it.
    bool wake_pending() const noexcept {
        return !inbox_.empty() || !local_.empty() || !ready_.empty();
    }

  protected:
    // An interrupt level (core/interrupt_loop.hpp): built on a port whose notify() pends its
    // interrupt; serve_level() is what that interrupt's handler runs.
    struct LevelTag {};
    Loop(Port& port, LevelTag) noexcept;
    // The level's handler: runs until nothing is ready, never sleeps; returns the earliest
    // deadline (kNever: none). Defined in src/interrupt_loop.cpp (linked only if levels are used).
    uint64_t serve_level() noexcept;
    // Set by InterruptLoop when its port's notify() is one store (LevelPort::pend_word).
    volatile uint32_t* pend_word_ = nullptr;
    uint32_t pend_value_ = 0;

  private:
    struct Callback {
        void (*fn)(void*);
        void* arg;
    };
    void step(detail::TaskBase* t) noexcept;
    void complete(detail::TaskBase* t) noexcept;
    // Mirrored in tools/model/wake.pml, process loop_thread: drain_inbox, drain_local and
    // drain_nodes (drain_all, act_on), take_lone_wake (after the wait), idle (the hosted and the
    // bare-metal idle); wake_sleeper and after_local_push (inline wake_sleeper, in the setters).
    void drain_inbox() noexcept;
    void drain_local() noexcept;
    void drain_nodes(detail::InboxNode* oldest) noexcept;
    void act_on(detail::InboxNode* n) noexcept;
    // The part of signal() and post_wake() on the loop's own thread: acted on at once where the
    // port tells handlers apart (`now`), else queued in the local lane. False when the caller must
    // use the inbox: another thread or handler, or a handler that interrupted the lane itself.
    template <class Now>
    IRQIO_INLINE bool signal_here(detail::InboxNode* n, Now now) noexcept {
        if (!on_loop_thread()) return false;
        if constexpr (port::kHandlerKnown) {
            (void)n;
            now();
            return true;
        } else {
            (void)now;
            // A level's handler cannot tell a raw handler nested in it from its own tasks, and it
            // returns without sleeping: the inbox path pends it again, the lane would not.
            if (is_level() || !local_.push(n)) return false;
            after_local_push();
            return true;
        }
    }
    IRQIO_INLINE void after_local_push() noexcept {
        // Only a handler that interrupted this thread between idle()'s publication and its wait
        // finds the loop asleep here; it must end that wait like any other waker.
        const bool asleep = sleeping_.load(std::memory_order_relaxed);
        detail::step_hook(detail::StepPoint::local_sleep_check);
        if (asleep) wake_sleeper();
    }
    detail::TaskBase* take_lone_wake() noexcept;
    void run_callbacks() noexcept;
    void fire_timers() noexcept;
    void idle() noexcept;
    // After a push onto the inbox: makes sure the loop will look. A level whose port pends it with
    // one store gets that store here, with no call; a bare-metal loop needs nothing (any
    // interrupt ends its wait); the rest is out of line.
    IRQIO_INLINE void wake_sleeper() noexcept {
        if constexpr (IRQIO_LEVELS) {
            if (volatile uint32_t* w = pend_word_) {
                *w = pend_value_;
                return;
            }
        }
        // (Bare metal: every level pends by one store, asserted, so nothing is left to do.)
        if (IRQIO_SINGLE_THREAD || irq_wakes_idle()) return;
        wake_sleeper_slow();
    }
    void wake_sleeper_slow() noexcept;
    void cancel_all_and_settle() noexcept;
    detail::TaskBase* start_main(detail::TaskBase* t) noexcept;

    Port& port_;
    detail::RunQueue ready_;
    detail::TimerHeap timers_;
    detail::IsrInbox inbox_;
    detail::LocalLane local_;
    detail::TaskBase* tasks_ = nullptr;        // top-level tasks (not owned by a TaskGroup)
    detail::LoopBinding* bindings_ = nullptr;  // objects whose handlers wake this loop
    std::atomic<uint8_t> bindings_lock_{0};    // task contexts of any loop edit the list
    detail::TaskBase* running_ = nullptr;
    Loop* prev_loop_ = nullptr;
    std::size_t live_tasks_ = 0;
    uint32_t callback_holds_ = 0;
    bool in_callbacks_ = false;
    // How a waker makes sure the loop sees its wake: nothing (any interrupt ends the port's wait,
    // even while masked), the sleeping_ handshake and notify(), or pending the level's interrupt.
    enum class WakeMode : uint8_t { irq_ends_wait, notify_sleeper, pend_level };
    const WakeMode wake_mode_;
    // Bare metal has no other wakers than interrupts: its ports must wake on them (asserted). The
    // test folds to a constant there unless interrupt levels are built in.
    bool irq_wakes_idle() const noexcept {
        return (IRQIO_SINGLE_THREAD && !IRQIO_LEVELS) || wake_mode_ == WakeMode::irq_ends_wait;
    }
    // port::context() of this loop's tasks (0: thread mode, no handler). A level's handler sets it
    // on entry (the board's lines nest at varying depths); any context reads it.
    std::atomic<uintptr_t> ctx_{0};
    std::atomic<bool> sleeping_{false};
    detail::MpmcRing<Callback, IRQIO_SCHEDULE_DEPTH> callbacks_;
    std::atomic<uint32_t> schedule_dropped_{0};  // bumped by schedule() in any context
    LoopStats stats_;
    friend void detail::drain_schedule_ring(detail::InboxNode* n) noexcept;
    friend class detail::LoopBinding;
};

template <class T>
T Loop::run(Task<T> main) {
    IRQIO_ASSERT(main.valid(), "run(): no memory for the main task");
    detail::TaskBase* t = main.header();
    main.release();
    detail::add_task_ref(t);  // the outcome outlives the frame
    start_main(t);
    Result<T> r = detail::task_outcome<T>(t);
    detail::drop_task_ref(t);
    IRQIO_ASSERT(r.ok(), "run(): the main task was cancelled or failed");
    if constexpr (!std::is_void_v<T>) return std::move(r).value();
}

// Runs `main` on a new loop over this thread's default port.
template <class T>
T run(Task<T> main) {
    Loop loop(port::default_port());
    return loop.run(std::move(main));
}

// As run(main), and hands the new loop to `on_loop(Loop&)` before any task runs: how the thread
// that owns a loop tells other threads (or handlers) which loop to signal (`loop.schedule(...)`,
// objects bound to it). The loop lives until run() returns. (Equivalent: construct a Loop on the
// thread, publish its address, then call loop.run(main).)
template <class T, class F>
requires std::is_invocable_v<F&, Loop&> T run(Task<T> main, F&& on_loop) {
    Loop loop(port::default_port());
    on_loop(loop);
    return loop.run(std::move(main));
}

namespace detail {
// Task context: marks `n` woken and makes its task ready (its list has already dropped it).
inline void wake(WaitNode* n) noexcept {
    step_hook(StepPoint::waiter_wake);
    n->state = WaitNode::woken;
    tls_loop->make_ready(n->task, n->priority == Priority::high);
}
inline bool wake_one(WaitList& l) noexcept {
    WaitNode* n = l.pop_front();
    if (!n) return false;
    wake(n);
    return true;
}
inline void wake_all(WaitList& l) noexcept {
    while (wake_one(l)) {
    }
}
}  // namespace detail

}  // namespace irqio
