// The scheduler: passes over the RunQueue, draining the IsrInbox between task steps,
// firing timers once per pass and sleeping in the port only when nothing is ready.
#include "irqio/core/loop.hpp"

namespace irqio {
namespace detail {
constinit IRQIO_THREAD_LOCAL PerContext<Loop*> tls_loop{};
std::atomic<Loop*> g_default_loop{nullptr};                     // the loop schedule() targets
[[gnu::weak]] void drain_schedule_ring(InboxNode* n) noexcept;  // src/loop_schedule.cpp
}  // namespace detail
namespace {

using detail::TaskBase;

void link_task(TaskBase** head, TaskBase* t) noexcept {
    t->sib_next = *head;
    if (*head) (*head)->sib_pprev = &t->sib_next;
    *head = t;
    t->sib_pprev = head;
}
void unlink_task(TaskBase* t) noexcept {
    if (!t->sib_pprev) return;
    *t->sib_pprev = t->sib_next;
    if (t->sib_next) t->sib_next->sib_pprev = t->sib_pprev;
    t->sib_pprev = nullptr;
    t->sib_next = nullptr;
}
}  // namespace

Loop::Loop(Port& port) noexcept
    : port_(port),
      wake_mode_(port.wakes_on_interrupt() ? WakeMode::irq_ends_wait : WakeMode::notify_sleeper) {
    IRQIO_ASSERT(!IRQIO_SINGLE_THREAD || wake_mode_ == WakeMode::irq_ends_wait,
                 "a bare-metal port must end wait_until on any interrupt");
    // A weak reference: a program that never calls schedule() links no callback ring code.
    callback_node_.drain = &detail::drain_schedule_ring;
}

Loop::~Loop() {
    Loop* prev = detail::tls_loop;
    detail::tls_loop = this;
    // Tasks first: their awaiters unlink from objects that other loops may share.
    if (tasks_) cancel_all_and_settle();
    {
        detail::SpinGuard g(bindings_lock_);
        while (detail::LoopBinding* b = bindings_) {  // handlers that signal later find no loop
            bindings_ = b->next_;
            detail::store_sc(b->loop_, nullptr);
            b->next_ = nullptr;
            b->pprev_ = nullptr;
        }
    }
    // Signals that came meanwhile are acted on (nobody waits any more, so they only clear their
    // marks), so that an object this loop leaves behind is clean for the next loop it meets.
    drain_inbox();
    detail::tls_loop = prev;
}

void Loop::add_timer(detail::TimerNode* n) noexcept {
    timers_.insert(n);
}
void Loop::remove_timer(detail::TimerNode* n) noexcept {
    timers_.remove(n);
}

TaskBase* Loop::spawn(TaskBase* t, Priority prio, TaskBase** owner) noexcept {
    IRQIO_ASSERT(!is_level() || t->alloc_id != 0,
                 "a task of an interrupt level needs its frame from a FramePool (no heap in a "
                 "handler)");
    t->flags |= detail::kRoot;
    if (prio == Priority::high) t->flags |= detail::kHigh;
    link_task(owner ? owner : &tasks_, t);
    trace::task_created(t, running_);
    ++live_tasks_;
    t->resume = t->frame_handle();
    make_ready(t, false);
    return t;
}

void Loop::cancel(TaskBase* t) noexcept {
    if (t->flags & (detail::kDone | detail::kCancelReq)) return;
    t->flags |= detail::kCancelReq;
    if (t->flags & (detail::kRunning | detail::kQueued)) return;  // handled when it suspends / runs
    make_ready(t, false);
}

void Loop::cancel_now(TaskBase* t) noexcept {
    if (t->flags & detail::kDone) return;
    t->flags |= detail::kCancelReq;
    if (t->flags & detail::kRunning) return;
    if (t->flags & detail::kQueued) detail::add_task_ref(t);  // step() lets go of it
    complete(t);
}

void Loop::adopt(TaskBase** head) noexcept {
    while (TaskBase* t = *head) {
        unlink_task(t);
        link_task(&tasks_, t);
    }
}

void Loop::abort_running(Error why) noexcept {
    IRQIO_ASSERT(running_ != nullptr, "abort_running outside a task");
    running_->set_error(why);
    running_->flags |= detail::kCancelReq;
}

void Loop::step(TaskBase* t) noexcept {
    detail::step_hook(detail::StepPoint::run_queue_pop);
    const uint16_t f = t->flags & ~detail::kQueued;
    if (f & (detail::kDone | detail::kCancelReq)) {  // one test on the hot path
        t->flags = f;
        if (f & detail::kDone)
            detail::drop_task_ref(t);  // finished by cancel_now() while it waited in the queue
        else
            complete(t);
        return;
    }
    running_ = t;
    t->flags = f | detail::kRunning;
    ++stats_.steps;
    trace::task_run(t);
    t->resume.resume();
    running_ = nullptr;
    trace::task_suspended(t);
    const uint16_t after = t->flags & ~detail::kRunning;
    t->flags = after;
    if ((after & detail::kDone) ||
        (after & (detail::kCancelReq | detail::kQueued)) == detail::kCancelReq)
        complete(t);
}

void Loop::complete(TaskBase* t) noexcept {
    const bool finished = t->has(detail::kDone);
    t->flags |= detail::kDone;
    if (!finished && t->error() == Error::none) t->set_error(Error::cancelled);
    trace::task_done(t, finished);
    add_task_ref(t);  // keep the header while cleanup runs and awaiters are told
    unlink_task(t);
    --live_tasks_;
    if (!finished) detail::step_hook(detail::StepPoint::cancel);
    t->frame_handle().destroy();
    // Wake those awaiting this task, oldest first (the list is newest first).
    detail::WaitNode* n = t->awaiters;
    t->awaiters = nullptr;
    detail::WaitNode* tail = n;
    while (tail && tail->next) tail = tail->next;
    for (detail::WaitNode* w = tail; w;) {
        detail::WaitNode* prev = w->prev;
        w->next = w->prev = nullptr;
        if (w->task)
            detail::wake(w);
        else
            static_cast<detail::CompletionHook*>(w)->on_complete(w, t);  // spawn() from elsewhere
        w = prev;
    }
    detail::drop_task_ref(t);
}

void Loop::drain_inbox() noexcept {
    if (!local_empty()) drain_local();
    if (inbox_.empty()) return;
    detail::InboxNode* n = inbox_.take_all();
    detail::step_hook(detail::StepPoint::inbox_take);
    drain_nodes(n);
}

void Loop::drain_local() noexcept {
    detail::InboxNode* n = detail::LocalLane::oldest_first(local_.take_lifo());
    detail::step_hook(detail::StepPoint::local_take);
    while (n) {
        detail::InboxNode* next = n->local_next;  // read before a new signal may relink it
        detail::LocalLane::unqueue(n);            // a signal from now on queues it again
        act_on(n);
        n = next;
        if (n) detail::step_hook(detail::StepPoint::inbox_drain_node);
    }
}

void Loop::act_on(detail::InboxNode* n) noexcept {
    trace::drain(n);
    if (n->drain)
        n->drain(n);
    else
        take_wake(static_cast<detail::TaskWake*>(n));
    ++stats_.inbox_nodes;
}

void Loop::drain_nodes(detail::InboxNode* n) noexcept {
    while (n) {
        detail::InboxNode* next = n->next;
        detail::store_sc(n->queued, 0);  // a set from now on queues it again
        act_on(n);
        n = next;
        if (n) detail::step_hook(detail::StepPoint::inbox_drain_node);
    }
}

// Right after a sleep, with the run queue empty: when the inbox holds one TaskWake and nothing
// else, its task is returned to be stepped at once, which is where queueing it would lead.
TaskBase* Loop::take_lone_wake() noexcept {
    if (!local_empty()) {  // a signal handler on this thread woke the loop: no shortcut
        drain_inbox();
        return nullptr;
    }
    detail::InboxNode* n = inbox_.take_lifo();
    if (!n) return nullptr;
    detail::step_hook(detail::StepPoint::inbox_take);
    if (n->next || n->drain) {
        drain_nodes(detail::IsrInbox::oldest_first(n));
        return nullptr;
    }
    auto* w = static_cast<detail::TaskWake*>(n);
    detail::step_hook(detail::StepPoint::lone_wake);
    detail::store_sc(w->queued, 0);
    ++stats_.inbox_nodes;
    TaskBase* t = w->task;
    trace::lone_wake(w, t);
    w->task = nullptr;
    return t;
}

void Loop::post(detail::InboxNode* n) noexcept {
    if (inbox_.post(n)) wake_sleeper();  // (not again when it is already on its way)
}
bool Loop::post_counted(detail::InboxNode* n) noexcept {
    if (!inbox_.post(n)) return false;
    wake_sleeper();
    return true;
}

void Loop::wake_sleeper_slow() noexcept {
    if (IRQIO_LEVELS && wake_mode_ == WakeMode::pend_level) {
        // A level never sleeps, so there is no handshake: its interrupt is pended and runs the
        // level before a lower context goes on, or once the level returns.
        port_.notify();
        return;
    }
    if (detail::load_sc(sleeping_) && detail::atomic_exchange(sleeping_, false)) port_.notify();
}

void Loop::fire_timers() noexcept {
    const uint64_t now = port_.now_us();
    while (detail::TimerNode* top = timers_.top()) {
        if (top->deadline > now) break;
        timers_.pop();
        ++stats_.timers_fired;
        trace::timer_fired(top);
        if (top->kind == detail::TimerNode::wake_task) {
            make_ready(top->task, false);
        } else {
            auto* cb = static_cast<detail::CallbackTimer*>(top);
            cb->expire(cb);
        }
    }
}

void Loop::idle() noexcept {
    const uint64_t deadline = timers_.empty() ? kNever : timers_.top()->deadline;
    // (Bare metal: a level never idles but in its destructor, where its port's wait is empty.)
    if (IRQIO_SINGLE_THREAD || irq_wakes_idle()) {
        // Any interrupt ends the port's wait even while masked, so a handler that posts after
        // this check still wakes it, and handlers need no notify().
        detail::step_hook(detail::StepPoint::before_sleep);  // (handlers masked from here...)
        port::IrqState s = port::irq_save();
        if (inbox_.empty() && local_empty() && ready_.empty()) {
            ++stats_.sleeps;
            port_.wait_until(deadline);
        }
        port::irq_restore(s);
        detail::step_hook(detail::StepPoint::after_wake);  // (...to here)
        return;
    }
    detail::store_sc(sleeping_, true);
    detail::step_hook(detail::StepPoint::before_sleep);
    if (inbox_.empty() && local_empty() && ready_.empty()) {
        ++stats_.sleeps;
        detail::step_hook(detail::StepPoint::before_wait);
        port_.wait_until(deadline);
    }
    sleeping_.store(false, std::memory_order_relaxed);
    detail::step_hook(detail::StepPoint::after_wake);
}

void Loop::run_once() noexcept {
    ++stats_.passes;
    drain_inbox();
    if (!timers_.empty()) fire_timers();
    if (ready_.empty()) {
        idle();
        // What an interrupt woke during the sleep runs in this same pass (timers that fell due
        // meanwhile are fired at the start of the next one). A lone woken task runs at once.
        if (TaskBase* t = take_lone_wake()) {
            step(t);
            return;
        }
        if (ready_.empty()) return;
    }
    // Run the tasks ready now; those made ready meanwhile wait for the next pass (fairness),
    // except that high-priority tasks are taken first whenever they appear.
    // (Each round pops one task and the queue only grows otherwise, so it never runs dry.)
    for (std::size_t budget = ready_.size(); budget > 0; --budget) {
        step(ready_.pop());
        drain_inbox();
    }
    if ((stats_.passes & 1023) == 0) port_.poll();  // I/O of a loop that never idles
}

void Loop::cancel_all_and_settle() noexcept {
    while (tasks_) {
        for (TaskBase* x = tasks_; x; x = x->sib_next) cancel(x);
        while (!ready_.empty()) run_once();
        if (tasks_ && ready_.empty()) {
            // Tasks that ignore cancellation cannot exist (cancel always queues), but a task
            // created by a destructor during cleanup is cancelled in the next round.
            bool any_uncancelled = false;
            for (TaskBase* x = tasks_; x; x = x->sib_next)
                if (!x->has(detail::kCancelReq)) any_uncancelled = true;
            if (!any_uncancelled) run_once();
        }
    }
}

TaskBase* Loop::start_main(TaskBase* t) noexcept {
    // A task that runs a loop would wait in it for ever: its own loop cannot go on meanwhile.
    IRQIO_ASSERT(detail::tls_loop == nullptr || detail::tls_loop->running() == nullptr,
                 "run() called from a task: a task awaits instead (create_task, co_await)");
    prev_loop_ = detail::tls_loop;
    detail::tls_loop = this;
    Loop* no_loop = nullptr;  // schedule() targets the first loop started while none ran
    const bool is_default = detail::atomic_cas(detail::g_default_loop, no_loop, this);
    spawn(t, Priority::normal, nullptr);
    while (!t->has(detail::kDone)) run_once();
    cancel_all_and_settle();
    if (is_default) detail::g_default_loop.store(nullptr);
    detail::tls_loop = prev_loop_;
    return t;
}

namespace detail {

// The loop's answers to a task that does not know it (task.hpp).
TaskBase* running_task() noexcept {
    return detail::tls_loop ? detail::tls_loop->running() : nullptr;
}
void abort_running(Error why) noexcept {
    detail::tls_loop->abort_running(why);
}

}  // namespace detail
}  // namespace irqio
