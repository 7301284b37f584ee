// LocalLane: the wakes a loop's own thread signals (its tasks, or a signal handler that interrupted
// them), queued with plain stores instead of the inbox's read-modify-writes.
// Invariant: only the loop's thread touches it. A handler on that thread runs to completion before
// the code it interrupted goes on, so the one hazard is a handler landing inside a push or a take:
// `busy_` is set around both, and a handler that finds it set uses the inbox instead.
#pragma once
#include <atomic>

#include "irqio/config.hpp"
#include "irqio/core/inbox.hpp"
#include "irqio/core/step_hook.hpp"

namespace irqio::detail {

class LocalLane {
  public:
    // The loop's thread, any context there: queues `n` unless it is already in the lane; false
    // (nothing done) when this call interrupted the lane itself: post to the inbox then.
    IRQIO_INLINE bool push(InboxNode* n) noexcept {
        if (busy_.load(std::memory_order_relaxed)) return false;
        enter();
        if (!n->local_queued) {  // (tools/model/wake.pml: event_set, flag_set with FLAG_RAW)
            n->local_queued = 1;
            n->local_next = head_.load(std::memory_order_relaxed);
            step_hook(StepPoint::local_push);  // between reading the head and storing it
            head_.store(n, std::memory_order_relaxed);
        }
        leave();
        return true;
    }
    IRQIO_INLINE bool empty() const noexcept {
        return head_.load(std::memory_order_relaxed) == nullptr;
    }
    // The loop, task context: takes everything, newest first. (The loop's own code is never a
    // handler, so the guard is free: the code it guards against runs to completion inside it.)
    IRQIO_INLINE InboxNode* take_lifo() noexcept {
        enter();
        InboxNode* n = head_.load(std::memory_order_relaxed);  // (wake.pml: drain_all)
        step_hook(StepPoint::local_take_in);  // between reading the head and clearing it
        head_.store(nullptr, std::memory_order_relaxed);
        leave();
        return n;
    }
    static InboxNode* oldest_first(InboxNode* n) noexcept {
        return reverse_list<&InboxNode::local_next>(n);
    }
    // Before acting on a node taken from the lane: a signal from here on queues it again.
    static IRQIO_INLINE void unqueue(InboxNode* n) noexcept {
        std::atomic_signal_fence(std::memory_order_seq_cst);
        n->local_queued = 0;
        std::atomic_signal_fence(std::memory_order_seq_cst);
    }

  private:
    IRQIO_INLINE void enter() noexcept {
        busy_.store(1, std::memory_order_relaxed);
        std::atomic_signal_fence(std::memory_order_seq_cst);
    }
    IRQIO_INLINE void leave() noexcept {
        std::atomic_signal_fence(std::memory_order_seq_cst);
        busy_.store(0, std::memory_order_relaxed);
    }
    // Atomics only so that the same-thread handler's accesses are well defined; relaxed is all
    // they need (one thread), and costs plain loads and stores.
    std::atomic<InboxNode*> head_{nullptr};
    std::atomic<uint8_t> busy_{0};
};

}  // namespace irqio::detail
