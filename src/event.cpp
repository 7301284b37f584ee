#include "irqio/sync/event.hpp"

namespace irqio {

Event::~Event() {
    if (Loop* l = loop_.load(std::memory_order_acquire)) l->settle(&node_);
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

void Event::drain(detail::InboxNode* n) noexcept {
    Event* ev = reinterpret_cast<Event*>(n);
    if (detail::atomic_exchange<uint8_t>(ev->pending_, 0)) detail::wake_all(ev->waiters_);
}

bool Event::bind(Loop* l) noexcept {
    IRQIO_ASSERT(waiters_.empty(), "an Event's waiters must belong to one loop");
    loop_.bind(l);
    return level_.load(std::memory_order_seq_cst) == 0;
}

}  // namespace irqio
