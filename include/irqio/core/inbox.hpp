// IsrInbox: the one door through which wakes from outside task context enter a loop.
// An intrusive LIFO stack, lock-free (Treiber) or, on one core, a few masked instructions; each
// InboxNode is in it at most once however often it is posted.
#pragma once
#include <atomic>

#include "irqio/core/atomic_ops.hpp"

namespace irqio::detail {

struct TaskBase;

// A node is in the inbox (queued, `next`) and in its loop's local lane (local_queued, local_next)
// at most once each; the two links are apart so that a signal from the loop's own thread never
// needs a read-modify-write that another thread's signal could race (see Loop::signal).
struct InboxNode {
    InboxNode* next = nullptr;
    void (*drain)(InboxNode*) noexcept = nullptr;  // task context: act on what was signalled
    InboxNode* local_next = nullptr;               // loop thread only
    std::atomic<uint8_t> queued{0};
    uint8_t tag = 0;           // the owner's own use (it fills padding): a flag waiter's priority
    uint8_t local_queued = 0;  // loop thread only (its own handlers included)
};

// A node whose whole job is to make one task ready; `drain` stays null, the loop knows the kind.
// Posted at most once per wait, by whoever claims the waiter; the loop clears `task` as it takes
// it.
struct TaskWake : InboxNode {
    TaskBase* task = nullptr;
};

// Mirrored in tools/model/wake.pml: post and push in flag_set / event_set (the exchange of
// `queued`, then the link), take_lifo in loop_thread's drain_all and lone-wake take.
// Reverses a list linked through `Link` (newest first becomes oldest first), for the inbox and
// the local lane, whose links are apart.
template <InboxNode* InboxNode::*Link>
inline InboxNode* reverse_list(InboxNode* n) noexcept {
    InboxNode* fifo = nullptr;
    while (n) {
        InboxNode* next = n->*Link;
        n->*Link = fifo;
        fifo = n;
        n = next;
    }
    return fifo;
}

class IsrInbox {
  public:
    // Any context: pushes `n` unless it is already queued; true when this call queued it.
#if IRQIO_UNIPROCESSOR || IRQIO_NO_CAS
    // One core: masking makes the test-and-push one step, cheaper than an exchange and a CAS loop.
    IRQIO_INLINE bool post(InboxNode* n) noexcept {
        port::IrqState s = port::irq_save();
        const bool fresh = n->queued.load(std::memory_order_relaxed) == 0;
        if (fresh) {
            n->queued.store(1, std::memory_order_relaxed);
            n->next = head_.load(std::memory_order_relaxed);
            head_.store(n, std::memory_order_relaxed);
        }
        port::irq_restore(s);
        return fresh;
    }
    // Any context: pushes a node that only the caller can be posting (so it is not queued).
    IRQIO_INLINE void push(InboxNode* n) noexcept {
        port::IrqState s = port::irq_save();
        n->queued.store(1, std::memory_order_relaxed);
        n->next = head_.load(std::memory_order_relaxed);
        head_.store(n, std::memory_order_relaxed);
        port::irq_restore(s);
    }
    // Task context: takes everything, newest first.
    IRQIO_INLINE InboxNode* take_lifo() noexcept {
        port::IrqState s = port::irq_save();
        InboxNode* n = head_.load(std::memory_order_relaxed);
        head_.store(nullptr, std::memory_order_relaxed);
        port::irq_restore(s);
        return n;
    }
#else
    bool post(InboxNode* n) noexcept {
        if (atomic_exchange<uint8_t>(n->queued, 1) != 0) return false;  // already on its way
        link(n);
        return true;
    }
    void push(InboxNode* n) noexcept {
        store_sc(n->queued, 1);
        link(n);
    }
    InboxNode* take_lifo() noexcept {
        return atomic_exchange<InboxNode*>(head_, nullptr);
    }
#endif
    IRQIO_INLINE bool empty() const noexcept {
        return detail::load_sc(head_) == nullptr;
    }
    // Task context: takes everything, oldest first.
    InboxNode* take_all() noexcept {
        return oldest_first(take_lifo());
    }
    static InboxNode* oldest_first(InboxNode* n) noexcept {
        return reverse_list<&InboxNode::next>(n);
    }

  private:
#if !(IRQIO_UNIPROCESSOR || IRQIO_NO_CAS)
    void link(InboxNode* n) noexcept {
        InboxNode* old = head_.load(std::memory_order_relaxed);
        do {
            n->next = old;
        } while (!atomic_cas(head_, old, n));
    }
#endif
    std::atomic<InboxNode*> head_{nullptr};
};

}  // namespace irqio::detail
