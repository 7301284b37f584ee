#include "irqio/sync/event.hpp"

namespace irqio {

Event::~Event() {
    if (Loop* l = loop_.load_acquire()) l->settle(&node_);
    IRQIO_ASSERT(waiters_.empty(), "Event destroyed while tasks wait on it");
    IRQIO_ASSERT(detail::load_acquire(node_.queued) == 0,
                 "Event destroyed while a set() is in flight");
}

void Event::set() noexcept {
    Loop* l = loop_.load_acquire();
    if (l && l->in_task_context()) {
        detail::store_release(level_, 1);
        detail::wake_all(waiters_);
        return;
    }
    detail::store_sc(level_, 1);
    l = loop_.load();
    if (!l) return;  // no task ever waited: the level is all there is to keep
    detail::store_sc(pending_, 1);
    l->post(&node_);
}

void Event::drain(detail::InboxNode* n) noexcept {
    Event* ev = reinterpret_cast<Event*>(n);
    if (detail::atomic_exchange<uint8_t>(ev->pending_, 0)) detail::wake_all(ev->waiters_);
}

bool Event::bind(Loop* l) noexcept {
    IRQIO_ASSERT(waiters_.empty(), "an Event's waiters must belong to one loop");
    loop_.bind(l);
    return detail::load_sc(level_) == 0;
}

}  // namespace irqio
