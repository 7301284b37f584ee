// Step hooks: in test builds (IRQIO_STEP_HOOKS=1) the scheduler calls a hook at each internal step,
// so a test can run an "interrupt" at exactly that point. In other builds the calls compile away.
#pragma once
#include "irqio/config.hpp"

namespace irqio::detail {

enum class StepPoint : unsigned char {
    run_queue_push,    // inside RunQueue push (task made ready)
    run_queue_pop,     // a task taken off the RunQueue, before it runs
    timer_insert,      // inside TimerHeap insert
    timer_remove,      // inside TimerHeap remove (cancel, timeout disarm)
    timer_pop,         // an expired timer taken off the heap
    inbox_take,        // the loop took the inbox, before draining it
    inbox_drain_node,  // between two drained inbox (or local lane) nodes
    local_take,        // the loop took its local lane, before acting on it
    waiter_link,       // a waiter being linked into a WaitList
    waiter_wake,       // a waiter being woken
    cancel,            // a cancelled task's frame being destroyed
    before_sleep,      // loop decided to sleep: sleeping flag set, inbox checked
    after_wake,        // loop returned from Port::wait_until
    callbacks,         // running schedule() callbacks
    count_
};

#if IRQIO_STEP_HOOKS
using StepHook = void (*)(StepPoint, void* ctx);
void set_step_hook(StepHook hook, void* ctx) noexcept;
void step_hook(StepPoint p) noexcept;
#else
inline void step_hook(StepPoint) noexcept {}
#endif

}  // namespace irqio::detail
