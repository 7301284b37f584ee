#include "irqio/sync/task_group.hpp"

namespace irqio {

TaskGroup::~TaskGroup() {
    if (!head_) return;
    Loop* l = Loop::current();
    IRQIO_ASSERT(l != nullptr, "TaskGroup with tasks destroyed outside its loop");
    cancel();
    l->adopt(&head_);  // they finish their cancellation as the loop's own tasks
}

// Each member not running is finished at once (its cleanup has run when cancel() returns). A
// member's cleanup may finish others too, so after one leaves the list the walk starts again from
// the head, where only members that could not finish yet (the running one) remain before it.
void TaskGroup::cancel() noexcept {
    Loop* l = Loop::current();
    detail::TaskBase* t = head_;
    while (t) {
        detail::add_task_ref(t);  // its header (with the links) outlives its cleanup
        l->cancel_now(t);
        detail::TaskBase* next = t->sib_pprev ? t->sib_next : head_;
        detail::drop_task_ref(t);
        t = next;
    }
}

std::size_t TaskGroup::size() const noexcept {
    std::size_t n = 0;
    for (detail::TaskBase* t = head_; t; t = t->sib_next) ++n;
    return n;
}

Task<void> TaskGroup::join() {
    while (head_) {
        TaskHandle<void> h(head_);
        (void)co_await h;  // a finished task leaves the list
    }
}

}  // namespace irqio
