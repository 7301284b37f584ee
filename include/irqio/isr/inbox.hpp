// IsrInbox: the one door through which wakes from outside task context enter a loop.
// A lock-free intrusive stack (Treiber); each InboxNode is in it at most once however often it is
// set.
#pragma once
#include <atomic>

#include "irqio/core/atomic_ops.hpp"

namespace irqio::detail {

struct InboxNode {
    InboxNode* next = nullptr;
    void (*drain)(InboxNode*) noexcept = nullptr;  // task context: act on what was signalled
    std::atomic<uint8_t> queued{0};
};

class IsrInbox {
  public:
    // Any context. True when the inbox was empty (the loop may need a notify).
    bool push(InboxNode* n) noexcept {
        InboxNode* old = head_.load(std::memory_order_relaxed);
        do {
            n->next = old;
        } while (!atomic_cas(head_, old, n));
        return old == nullptr;
    }
    IRQIO_INLINE bool empty() const noexcept { return detail::load_sc(head_) == nullptr; }
    // Task context: takes everything, oldest first.
    InboxNode* take_all() noexcept {
        InboxNode* n = atomic_exchange<InboxNode*>(head_, nullptr);
        InboxNode* fifo = nullptr;
        while (n) {
            InboxNode* next = n->next;
            n->next = fifo;
            fifo = n;
            n = next;
        }
        return fifo;
    }

  private:
    std::atomic<InboxNode*> head_{nullptr};
};

}  // namespace irqio::detail
