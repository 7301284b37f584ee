#include "irqio/sync/task_group.hpp"

namespace irqio {

TaskGroup::~TaskGroup() {
    if (!head_) return;
    Loop* l = Loop::current();
    IRQIO_ASSERT(l != nullptr, "TaskGroup with tasks destroyed outside its loop");
    cancel();
    l->adopt(&head_);  // they finish their cancellation as the loop's own tasks
}

void TaskGroup::cancel() noexcept {
    Loop* l = Loop::current();
    for (detail::TaskBase* t = head_; t; t = t->sib_next) l->cancel(t);
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
