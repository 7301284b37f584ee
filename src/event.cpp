#include "irqio/sync/event.hpp"

namespace irqio {

Event::~Event() {
    IRQIO_ASSERT(waiters_.empty(), "Event destroyed while tasks wait on it");
    IRQIO_ASSERT(node_.queued.load() == 0, "Event destroyed while a set() is in flight");
}

void Event::set() noexcept {
    Loop* l = loop_.load(std::memory_order_acquire);
    if (l && l->in_task_context()) {
        level_.store(1, std::memory_order_release);
        detail::wake_all(waiters_);
        return;
    }
    level_.store(1, std::memory_order_seq_cst);
    l = loop_.load(std::memory_order_seq_cst);
    if (!l) return;  // no task ever waited: the level is all there is to keep
    pending_.store(1, std::memory_order_seq_cst);
    l->post(&node_);
}

void Event::clear() noexcept {
    level_.store(0, std::memory_order_seq_cst);
    // A set() from a handler that the loop has not drained yet still owes its waiters a wake.
    if (pending_.load(std::memory_order_seq_cst) && detail::atomic_exchange<uint8_t>(pending_, 0))
        detail::wake_all(waiters_);
}

void Event::drain(detail::InboxNode* n) noexcept {
    Event* ev = reinterpret_cast<Event*>(n);
    if (detail::atomic_exchange<uint8_t>(ev->pending_, 0)) detail::wake_all(ev->waiters_);
}

bool Event::Awaiter::await_suspend(std::coroutine_handle<> h) noexcept {
    Loop* l = Loop::current();
    if (ev_->loop_.load(std::memory_order_relaxed) != l) {
        IRQIO_ASSERT(ev_->waiters_.empty(), "an Event's waiters must belong to one loop");
        ev_->loop_.store(l, std::memory_order_seq_cst);
        if (ev_->level_.load(std::memory_order_seq_cst)) return false;  // set() raced the publish
    }
    detail::TaskBase* t = l->running();
    t->resume = h;
    node_.task = t;
    detail::step_hook(detail::StepPoint::waiter_link);
    ev_->waiters_.push_back(&node_);
    return true;
}

}  // namespace irqio
