// The schedule() ring: callbacks queued from any context, run in task context in FIFO order.
// Its own object file, which the loop references only weakly: programs without schedule() omit it.
#include "irqio/core/loop.hpp"

namespace irqio {

bool Loop::schedule(void (*fn)(void*), void* arg) noexcept {
    if (!callbacks_.push(Callback{fn, arg})) {
        detail::atomic_fetch_add(schedule_dropped_, uint32_t{1});
        trace::schedule_overflow(this, fn);
        return false;
    }
    post(&callback_node_);
    return true;
}

namespace detail {
// The callback node's drain: the loop holds it by a weak reference (see Loop::Loop).
void drain_schedule_ring(InboxNode* n) noexcept {
    static_cast<Loop*>(reinterpret_cast<ScheduleDoor*>(n))->run_callbacks();
}
}  // namespace detail

void Loop::release_callbacks() noexcept {
    IRQIO_ASSERT(callback_holds_ > 0, "ScheduleLock released twice");
    if (--callback_holds_ == 0 && callbacks_.size() != 0) post(&callback_node_);
}

void Loop::run_callbacks() noexcept {
    if (callback_holds_ != 0 || in_callbacks_) return;  // held: released later re-posts
    in_callbacks_ = true;
    detail::step_hook(detail::StepPoint::callbacks);
    // Only those queued now: a callback that schedules another does not starve the tasks.
    uint32_t n = callbacks_.size();
    Callback c;
    while (n-- > 0 && callback_holds_ == 0 && callbacks_.pop(c)) {
        ++stats_.callbacks;
        c.fn(c.arg);
    }
    in_callbacks_ = false;
    if (callbacks_.size() != 0 && callback_holds_ == 0) post(&callback_node_);
}

}  // namespace irqio
