// Event: a level that tasks wait on. set() works from any context and wakes every task waiting
// when it was set, in FIFO order per loop. Its waiters may belong to several loops at once
// (threads, cores, interrupt levels): each such loop has its own part (a Doorbell and a wait list)
// that only that loop's thread touches, and set() rings every part's loop.
#pragma once
#include <atomic>
#include <coroutine>

#include "irqio/config.hpp"
#include "irqio/core/doorbell.hpp"
#include "irqio/core/loop.hpp"
#include "irqio/core/wait_list.hpp"

namespace irqio {

class Event {
    struct Part;

  public:
    Event() noexcept = default;
    ~Event();
    Event(const Event&) = delete;
    Event& operator=(const Event&) = delete;

    // Any context.
    void set() noexcept;
    // Task context. Waiters that waited before a set() still wake even if clear() comes first
    // (the set's wakes for this loop are delivered now; other loops deliver theirs themselves).
    void clear() noexcept;
    bool is_set() const noexcept { return detail::load_acquire(level_) != 0; }

    class Awaiter {
      public:
        Awaiter(Event* ev, Priority p) noexcept : ev_(ev) { node_.priority = p; }
        Awaiter(const Awaiter&) = delete;
        Awaiter(Awaiter&& o) noexcept : ev_(o.ev_) { node_.priority = o.node_.priority; }
        ~Awaiter() {
            if (node_.state == detail::WaitNode::linked) part_->waiters.remove(&node_);
        }
        bool await_ready() const noexcept { return ev_->is_set(); }
        bool await_suspend(std::coroutine_handle<> h) noexcept;
        void await_resume() noexcept { node_.state = detail::WaitNode::idle; }

      private:
        Event* ev_;
        Part* part_ = nullptr;
        detail::WaitNode node_;
    };
    // Task context; `prio` high puts the woken task ahead of every normal ready task.
    Awaiter wait(Priority prio = Priority::normal) noexcept { return Awaiter(this, prio); }
    // Task context: whether tasks of the calling loop wait on it.
    bool has_waiters() const noexcept;

  private:
    // One loop's share of the Event. Invariant: `waiters` and `local_pending` are touched only by
    // that loop's thread (its own signal handlers included); `pending` by any context.
    struct Part : detail::Doorbell {
        Part() noexcept : detail::Doorbell(&Part::drain) {}
        static void drain(detail::InboxNode* n) noexcept;
        void deliver() noexcept;  // task context of its loop: wakes all if a set is due
        detail::WaitList waiters;
        std::atomic<uint8_t> pending{0};  // a set() from another thread or core not yet delivered
        std::atomic<uint8_t> local_pending{0};  // likewise from the loop's own thread (relaxed)
    };
    Part* part_of(const Loop* l) noexcept;
    // Claims a free part for `l`; false (and no part) if a set() raced the claim: don't wait.
    bool claim(Loop* l, Part*& out) noexcept;

    std::atomic<uint8_t> level_{0};
    Part parts_[IRQIO_EVENT_LOOPS];
};

}  // namespace irqio
