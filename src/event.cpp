#include "irqio/sync/event.hpp"

namespace irqio {

Event::~Event() {
    for (Part& p : parts_) {
        p.settle();
        IRQIO_ASSERT(p.waiters.empty(), "Event destroyed while tasks wait on it");
    }
}

// (tools/model/wake.pml: event_set)
void Event::set() noexcept {
    detail::store_release(level_, 1);
    // Counted after the level (see Awaiter::await_ready) and before the loads of the parts' loops
    // (a seq_cst read-modify-write: pairs with claim()'s re-check of the count).
    detail::atomic_fetch_add<uint32_t>(gen_, 1);
    const uint8_t used = detail::load_sc(used_);
    for (uint8_t i = 0; i < used; ++i)
        if (Loop* l = parts_[i].loop()) l->signal(parts_[i].node());
}

bool Event::has_waiters() const noexcept {
    for (const Part& p : parts_)
        if (p.loop_relaxed() == Loop::current() && !p.waiters.empty()) return true;
    return false;
}

Event::Part* Event::part_of(const Loop* l) noexcept {
    if (!l) return nullptr;  // outside a loop
    const uint8_t used = used_.load(std::memory_order_relaxed);
    for (uint8_t i = 0; i < used; ++i)
        if (parts_[i].loop_relaxed() == l) return &parts_[i];
    return nullptr;
}

bool Event::claim(Loop* l, uint32_t gen0, Part*& out) noexcept {
    for (uint8_t i = 0; i < IRQIO_EVENT_LOOPS; ++i) {
        Part& p = parts_[i];
        if (p.loop_relaxed() != nullptr) continue;
        uint8_t used = used_.load(std::memory_order_relaxed);
        while (used <= i &&
               !detail::atomic_cas<uint8_t>(used_, used, static_cast<uint8_t>(i + 1))) {
        }
        if (p.claim(l)) {
            out = &p;
            // The claim was seq_cst, so a set() counted after it finds the part and rings it; one
            // counted before it is seen here.
            return detail::load_sc(gen_) == gen0;
        }
    }
    IRQIO_ASSERT(false, "an Event has waiters on more loops than IRQIO_EVENT_LOOPS");
    return false;
}

// (tools/model/wake.pml: loop_thread, the task's event_round: claim the part, re-check the count)
bool Event::Awaiter::await_suspend(std::coroutine_handle<> h) noexcept {
    detail::step_hook(detail::StepPoint::awaiter_suspend);
    Loop* l = Loop::current();
    Part* p = ev_->part_of(l);
    if (!p && !ev_->claim(l, gen0_, p)) return false;  // set meanwhile: go on
    detail::TaskBase* t = l->running();
    t->resume = h;
    node_.task = t;
    node_.gen = gen0_;
    part_ = p;
    detail::step_hook(detail::StepPoint::waiter_link);
    p->waiters.push_back(&node_);
    return true;
}

void Event::Part::drain(detail::InboxNode* n) noexcept {
    static_cast<Part*>(Doorbell::of(n))->deliver();
}

// (tools/model/wake.pml: loop_thread, act_on(N_PART))
void Event::Part::deliver() noexcept {
    // seq_cst: ordered after the loop's reset of the node's `queued`, so the count of a set whose
    // ring found the node still queued is seen here.
    const uint32_t now = detail::load_sc(owner->gen_);
    while (detail::WaitNode* n = waiters.front()) {
        if (static_cast<int32_t>(n->gen - now) >= 0) break;  // began after the last set
        waiters.pop_front();
        detail::wake(n);
    }
}

}  // namespace irqio
