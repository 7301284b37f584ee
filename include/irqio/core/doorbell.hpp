// Doorbell: what every object that handlers signal has in common (Semaphore, ThreadSafeQueue,
// each loop's part of an Event, IsrNotifier, the UART transports): an inbox node, the loop it
// rings (a LoopBinding, cleared when that loop ends) and a settle before the object goes away.
// Invariants: ring() is **any** and only queues the node (Loop::signal), so the owner's drain, in
// the loop's task context, is the one place that acts on what was signalled; node_ comes first.
#pragma once
#include "irqio/core/loop.hpp"

namespace irqio::detail {

class Doorbell {
  public:
    using Drain = void (*)(InboxNode*) noexcept;
    explicit Doorbell(Drain drain) noexcept { node_.drain = drain; }
    ~Doorbell() {
        IRQIO_ASSERT(load_acquire(node_.queued) == 0 && node_.local_queued == 0,
                     "an object that handlers signal was destroyed while a signal was in flight");
    }
    Doorbell(const Doorbell&) = delete;
    Doorbell& operator=(const Doorbell&) = delete;

    // Any context: the bound loop runs the owner's drain soon; nothing happens while unbound.
    IRQIO_INLINE void ring() noexcept {
        if (Loop* l = loop_.load()) l->signal(&node_);
    }
    // Any context. seq_cst: a ring after the owner's own store to its state sees a loop bound
    // before that store (paired with bind() then the waiter's re-check of the state).
    Loop* loop() const noexcept { return loop_.load(); }
    Loop* loop_relaxed() const noexcept { return loop_.load(std::memory_order_relaxed); }
    // Task context of `l`.
    void bind(Loop* l) noexcept { loop_.bind(l); }
    bool claim(Loop* l) noexcept { return loop_.claim(l); }
    void unbind() noexcept { loop_.unbind(); }
    // Task context: the owner calls this first thing in its destructor, so that a signal still on
    // its way is acted on while the owner is whole.
    void settle() noexcept {
        if (Loop* l = loop_.load_acquire()) l->settle(&node_);
    }
    InboxNode* node() noexcept { return &node_; }
    // The Doorbell that `n` belongs to (from within a drain).
    static Doorbell* of(InboxNode* n) noexcept { return reinterpret_cast<Doorbell*>(n); }

  private:
    InboxNode node_;  // first member: of() recovers the Doorbell from it
    LoopBinding loop_;
};

}  // namespace irqio::detail
