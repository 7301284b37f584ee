// Event: a level that tasks wait on. set() works from any context; every task waiting when it was
// set wakes, in FIFO order. From a handler, set() leaves a mark and queues the Event on the loop's
// inbox.
#pragma once
#include <atomic>
#include <coroutine>

#include "irqio/core/loop.hpp"
#include "irqio/core/wait_list.hpp"
#include "irqio/isr/inbox.hpp"

namespace irqio {

class Event {
  public:
    Event() noexcept { node_.drain = &Event::drain; }
    ~Event();
    Event(const Event&) = delete;
    Event& operator=(const Event&) = delete;

    // Any context.
    void set() noexcept;
    // Task context. Waiters that waited before a set() still wake even if clear() comes first.
    // No fence is needed between the two accesses: if a handler's set() slips between them, its
    // wake is still pending and the drain delivers it, which is the same as "set after clear".
    void clear() noexcept {
        level_.store(0, std::memory_order_relaxed);
        if (pending_.load(std::memory_order_relaxed) &&
            detail::atomic_exchange<uint8_t>(pending_, 0))
            detail::wake_all(waiters_);
    }
    bool is_set() const noexcept { return detail::load_acquire(level_) != 0; }

    class Awaiter {
      public:
        Awaiter(Event* ev, Priority p) noexcept : ev_(ev) { node_.priority = p; }
        Awaiter(const Awaiter&) = delete;
        Awaiter(Awaiter&& o) noexcept : ev_(o.ev_) { node_.priority = o.node_.priority; }
        ~Awaiter() {
            if (node_.state == detail::WaitNode::linked) ev_->waiters_.remove(&node_);
        }
        bool await_ready() const noexcept { return ev_->is_set(); }
        bool await_suspend(std::coroutine_handle<> h) noexcept {
            Loop* l = Loop::current();
            if (ev_->loop_.load(std::memory_order_relaxed) != l && !ev_->bind(l)) return false;
            detail::TaskBase* t = l->running();
            t->resume = h;
            node_.task = t;
            detail::step_hook(detail::StepPoint::waiter_link);
            ev_->waiters_.push_back(&node_);
            return true;
        }
        void await_resume() noexcept { node_.state = detail::WaitNode::idle; }

      private:
        Event* ev_;
        detail::WaitNode node_;
    };
    // Task context; `prio` high puts the woken task ahead of every normal ready task.
    Awaiter wait(Priority prio = Priority::normal) noexcept { return Awaiter(this, prio); }
    bool has_waiters() const noexcept { return !waiters_.empty(); }

  private:
    // Publishes the waiters' loop before they wait; false if a set() raced the publication.
    bool bind(Loop* l) noexcept;
    static void drain(detail::InboxNode* n) noexcept;
    detail::InboxNode node_;  // first member: drain() recovers the Event from it
    std::atomic<uint8_t> level_{0};
    std::atomic<uint8_t> pending_{0};  // a set() from a handler not yet turned into wakes
    detail::LoopBinding loop_;         // loop of the waiters, published before they wait
    detail::WaitList waiters_;
};

}  // namespace irqio
