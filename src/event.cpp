#include "irqio/sync/event.hpp"

namespace irqio {

Event::~Event() {
    for (Part& p : parts_) {
        p.settle();
        IRQIO_ASSERT(p.waiters.empty(), "Event destroyed while tasks wait on it");
    }
}

void Event::set() noexcept {
    detail::store_sc(level_, 1);  // before the loads of the parts' loops: pairs with claim()
    for (Part& p : parts_) {
        Loop* l = p.loop();
        if (!l) continue;
        if (l->on_loop_thread()) {
            // The loop's own thread (a task, or a handler that interrupted one): no
            // read-modify-write needed; deliver() reads the mark after the lane gives the node.
            p.local_pending.store(1, std::memory_order_relaxed);
            std::atomic_signal_fence(std::memory_order_seq_cst);
        } else {
            detail::store_sc(p.pending, 1);
        }
        l->signal(p.node());
    }
}

void Event::clear() noexcept {
    level_.store(0, std::memory_order_relaxed);
    // No fence needed: a set() that slips in after the store above is still due and is delivered
    // here or by the drain, which is the same as "set after clear".
    if (Part* p = part_of(Loop::current())) p->deliver();
}

bool Event::has_waiters() const noexcept {
    for (const Part& p : parts_)
        if (p.loop_relaxed() == Loop::current() && !p.waiters.empty()) return true;
    return false;
}

Event::Part* Event::part_of(const Loop* l) noexcept {
    for (Part& p : parts_)
        if (p.loop_relaxed() == l) return &p;
    return nullptr;
}

bool Event::claim(Loop* l, Part*& out) noexcept {
    for (Part& p : parts_) {
        if (p.loop_relaxed() == nullptr && p.claim(l)) {
            out = &p;
            // The claim was seq_cst, so a set() that stored the level before this load finds the
            // part; one that did not is seen here.
            return detail::load_sc(level_) == 0;
        }
    }
    IRQIO_ASSERT(false, "an Event has waiters on more loops than IRQIO_EVENT_LOOPS");
    return false;
}

bool Event::Awaiter::await_suspend(std::coroutine_handle<> h) noexcept {
    Loop* l = Loop::current();
    Part* p = ev_->part_of(l);
    if (!p && !ev_->claim(l, p)) return false;  // set meanwhile: go on
    detail::TaskBase* t = l->running();
    t->resume = h;
    node_.task = t;
    part_ = p;
    detail::step_hook(detail::StepPoint::waiter_link);
    p->waiters.push_back(&node_);
    return true;
}

void Event::Part::drain(detail::InboxNode* n) noexcept {
    static_cast<Part*>(Doorbell::of(n))->deliver();
}

void Event::Part::deliver() noexcept {
    bool due = false;
    if (local_pending.load(std::memory_order_relaxed)) {
        // A handler on this thread that sets it again after this store is delivered by the
        // wake_all below or by the drain of its own signal: never lost, never early.
        local_pending.store(0, std::memory_order_relaxed);
        std::atomic_signal_fence(std::memory_order_seq_cst);
        due = true;
    }
    // seq_cst: ordered after the loop's reset of the node's `queued`, so a set whose post found
    // the node still queued is seen here (load first: an exchange is dearer than a load).
    if (detail::load_sc(pending) && detail::atomic_exchange<uint8_t>(pending, 0)) due = true;
    if (due) detail::wake_all(waiters);
}

}  // namespace irqio
