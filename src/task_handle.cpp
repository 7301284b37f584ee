// Awaiting a task's completion (TaskHandle), and the handle to the running task.
#include "irqio/core/task_handle.hpp"

namespace irqio {
namespace detail {

void await_task(TaskBase* t, WaitNode* n, std::coroutine_handle<> c) noexcept {
    TaskBase* me = detail::tls_loop->running();
    me->resume = c;
    n->task = me;
    n->prev = nullptr;
    n->next = t->awaiters;
    if (t->awaiters) t->awaiters->prev = n;
    t->awaiters = n;
    n->state = WaitNode::linked;
}
void unawait_task(TaskBase* t, WaitNode* n) noexcept {
    if (n->prev)
        n->prev->next = n->next;
    else
        t->awaiters = n->next;
    if (n->next) n->next->prev = n->prev;
    n->next = n->prev = nullptr;
    n->state = WaitNode::idle;
}

}  // namespace detail

TaskHandle<void> current_task() noexcept {
    return TaskHandle<void>(detail::running_task());
}

}  // namespace irqio
