// RemoteTask: what a task started on another loop (spawn) shares with the loop that started it.
// Invariants: the two loops meet only here, through `state`, `refs` and two inbox nodes; each
// queued node holds a reference, so the block outlives every signal on its way to either loop.
#pragma once
#include <atomic>
#include <cstdint>
#include <new>

#include "irqio/core/atomic_ops.hpp"
#include "irqio/core/inbox.hpp"
#include "irqio/core/task.hpp"
#include "irqio/core/wait_list.hpp"

namespace irqio {
class Loop;
namespace detail {

struct RemoteTask {
    enum : uint8_t { kStarted = 1, kCancelReq = 2, kDone = 4 };
    struct Node : InboxNode {
        RemoteTask* owner = nullptr;
    };
    struct DoneHook : CompletionHook {
        RemoteTask* owner = nullptr;
    };
    Node home_node;            // drained by the home loop: start the task; cancel it
    Node caller_node;          // drained by the caller's loop: the task is done, wake its awaiters
    DoneHook on_done;          // in the task's awaiters, on the home loop
    WaitList awaiters;         // the caller's tasks awaiting the handle (its task context only)
    TaskBase* task = nullptr;  // the home loop's, once handed over
    Loop* home = nullptr;
    Loop* caller = nullptr;
    std::atomic<uint32_t> refs{0};
    std::atomic<uint8_t> state{0};
    Priority prio = Priority::normal;
    uint8_t alloc_id = 0;
    Error error = Error::none;  // written by the home loop before kDone
    // The home loop, on completion: moves the value out of the task's header (typed part).
    void (*take_value)(RemoteTask*, TaskBase*) noexcept = nullptr;
    // The last owner: destroys the value taken (typed part).
    void (*drop_value)(RemoteTask*) noexcept = nullptr;

    // What a handle does with the block, reached through it: a program that never calls spawn()
    // links none of it (TaskHandle's own code only tests for a block).
    struct Ops {
        void (*drop_ref)(RemoteTask*) noexcept;
        void (*cancel)(RemoteTask*) noexcept;
        void (*link_awaiter)(RemoteTask*, WaitNode*, std::coroutine_handle<>) noexcept;
    };
    const Ops* ops = nullptr;

    // Any context.
    bool done() const noexcept { return (load_acquire(state) & kDone) != 0; }
    void add_ref() noexcept { atomic_fetch_add(refs, uint32_t{1}); }
    // Sets `bits` in state; returns the state before (a read-modify-write that every core has).
    uint8_t set_state(uint8_t bits) noexcept {
        uint8_t old = state.load(std::memory_order_relaxed);
        while (!atomic_cas(state, old, static_cast<uint8_t>(old | bits))) {
        }
        return old;
    }
    void drop_ref() noexcept { ops->drop_ref(this); }
    void cancel() noexcept { ops->cancel(this); }
    // The caller's task context.
    void link_awaiter(WaitNode* n, std::coroutine_handle<> c) noexcept {
        ops->link_awaiter(this, n, c);
    }
    void unlink_awaiter(WaitNode* n) noexcept { awaiters.remove(n); }
};

// The typed part: the value of a task that finished with one.
template <class T>
struct RemoteTaskOf : RemoteTask {
    union {
        T value;
    };
    bool has_value = false;
    RemoteTaskOf() noexcept {}
    ~RemoteTaskOf() {}
    static void take(RemoteTask* r, TaskBase* t) noexcept {
        auto* self = static_cast<RemoteTaskOf*>(r);
        if (t->error() != Error::none || !t->has(kHasValue)) return;
        new (&self->value) T(std::move(static_cast<TaskHeader<T>*>(t)->value));
        self->has_value = true;
    }
    static void drop(RemoteTask* r) noexcept {
        auto* self = static_cast<RemoteTaskOf*>(r);
        if (self->has_value) self->value.~T();
    }
};
template <>
struct RemoteTaskOf<void> : RemoteTask {};

// The caller's task context: hands `t` (just created, owned by the caller alone) to `home`.
// `r` is a fresh block from the caller's frame allocator, already referenced by the caller's
// handle.
void start_remote(Loop& home, TaskBase* t, Priority prio, RemoteTask* r) noexcept;

}  // namespace detail
}  // namespace irqio
