// Event: a level that tasks wait on. set() works from any context and wakes every task waiting
// when it was set, in FIFO order per loop. Its waiters may belong to several loops at once
// (threads, cores, interrupt levels): each such loop has its own part (a Doorbell and a wait list)
// that only that loop's thread touches, and set() rings every part's loop.
// Invariant: set() counts itself (gen_) before it rings; each waiter notes the count when it
// begins, so a part's drain wakes exactly the waiters that began before a set, whenever it runs
// and whatever clear() did meanwhile (no wake is lost to a clear, none is given to a later waiter).
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
    Event() noexcept {
        for (Part& p : parts_) p.owner = this;
    }
    ~Event();
    Event(const Event&) = delete;
    Event& operator=(const Event&) = delete;

    // Any context.
    void set() noexcept;
    // Task context. Waiters that waited before a set() still wake even if clear() comes first.
    void clear() noexcept { level_.store(0, std::memory_order_relaxed); }
    bool is_set() const noexcept { return detail::load_acquire(level_) != 0; }

    class Awaiter {
      public:
        Awaiter(Event* ev, Priority p) noexcept : ev_(ev) { node_.priority = p; }
        Awaiter(const Awaiter&) = delete;
        Awaiter(Awaiter&& o) noexcept : ev_(o.ev_) { node_.priority = o.node_.priority; }
        ~Awaiter() {
            if (node_.state == detail::WaitNode::linked) part_->waiters.remove(&node_);
        }
        // (tools/model/wake.pml: loop_thread, event_round.)
        // The set count first, then the level: a set that this wait does not see as the level
        // is counted after gen0_, so it wakes this waiter (set() stores the level, then counts).
        bool await_ready() noexcept {
            detail::step_hook(detail::StepPoint::awaiter_ready);
            gen0_ = detail::load_sc(ev_->gen_);
            return detail::load_sc(ev_->level_) != 0;
        }
        bool await_suspend(std::coroutine_handle<> h) noexcept;
        void await_resume() noexcept {
            detail::step_hook(detail::StepPoint::awaiter_resume);
            node_.state = detail::WaitNode::idle;
        }

      private:
        Event* ev_;
        Part* part_ = nullptr;
        uint32_t gen0_ = 0;
        detail::WaitNode node_;
    };
    // Task context; `prio` high puts the woken task ahead of every normal ready task.
    Awaiter wait(Priority prio = Priority::normal) noexcept { return Awaiter(this, prio); }
    // Task context: whether tasks of the calling loop wait on it.
    bool has_waiters() const noexcept;

  private:
    // One loop's share of the Event. Invariant: `waiters` is touched only by that loop's thread,
    // in the order the waits began (so their counts never decrease along it).
    struct Part : detail::Doorbell {
        Part() noexcept : detail::Doorbell(&Part::drain) {}
        static void drain(detail::InboxNode* n) noexcept;
        void deliver() noexcept;  // task context of its loop: wakes the waiters a set is owed to
        detail::WaitList waiters;
        Event* owner = nullptr;
    };
    Part* part_of(const Loop* l) noexcept;
    // Claims a free part for `l`; false if a set() was counted since `gen0`: don't wait.
    bool claim(Loop* l, uint32_t gen0, Part*& out) noexcept;

    std::atomic<uint8_t> level_{0};
    std::atomic<uint32_t> gen_{0};  // sets so far (wraps; compared by difference)
    // Parts [0, used_) may be bound: raised (never lowered) before a claim, read by set() after
    // it counted itself, so a part claimed concurrently is either rung or sees the count.
    std::atomic<uint8_t> used_{0};
    Part parts_[IRQIO_EVENT_LOOPS];
};

}  // namespace irqio
