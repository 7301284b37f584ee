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
    // Every atomic step of the any-context paths and the idle path (core/atomic_ops.hpp
    // calls these in hooked builds: after each load, before each store and read-modify-write).
    atomic_load,        // an atomic load has read its value, before the code acts on it
    atomic_store,       // an atomic store is about to publish
    atomic_rmw,         // an exchange / compare-and-swap / fetch-add is about to run
    local_push,         // inside LocalLane::push (busy_ set, head read, not yet stored)
    local_take_in,      // inside LocalLane::take_lifo (busy_ set, head read, not yet cleared)
    local_sleep_check,  // a local-lane push read sleeping_, before it acts on it
    before_wait,        // idle (hosted): the re-check found nothing, before Port::wait_until
    in_wait,          // inside Port::wait_until (test ports call it: an interrupt during the sleep)
    lone_wake,        // take_lone_wake found a lone TaskWake, before its task is stepped
    awaiter_ready,    // start of an await_ready (flag, Event, queues, Semaphore, completion, gate)
    awaiter_suspend,  // start of an await_suspend (same awaiters)
    awaiter_resume,   // start of an await_resume (same awaiters)
    timeout_expire,   // a wait_for timer fires, before it looks at who won
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
