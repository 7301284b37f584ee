#include "irqio/isr/thread_safe_flag.hpp"

namespace irqio {

ThreadSafeFlag::~ThreadSafeFlag() {
    if (Loop* l = loop_.load_acquire()) l->settle(&node_);
    IRQIO_ASSERT(waiter_ == nullptr, "ThreadSafeFlag destroyed while a task waits on it");
    IRQIO_ASSERT(detail::load_acquire(node_.queued) == 0,
                 "ThreadSafeFlag destroyed while a set() is in flight");
}

void ThreadSafeFlag::set() noexcept {
    detail::store_sc(state_, 1);
    Loop* l = loop_.load();
    if (!l) return;  // nobody waits yet: the flag keeps the set for the first wait()
    if (l->in_task_context())
        wake_waiter();
    else
        l->post(&node_);
}

// Task context: the flag clears as its waiter is woken, so later sets count for the next wait.
void ThreadSafeFlag::wake_waiter() noexcept {
    if (waiter_ && consume()) {
        detail::WaitNode* n = waiter_;
        waiter_ = nullptr;
        detail::wake(n);
    }
}

void ThreadSafeFlag::drain(detail::InboxNode* n) noexcept {
    reinterpret_cast<ThreadSafeFlag*>(n)->wake_waiter();
}

bool ThreadSafeFlag::Awaiter::await_suspend(std::coroutine_handle<> h) noexcept {
    IRQIO_ASSERT(f_->waiter_ == nullptr, "ThreadSafeFlag has one waiter at a time");
    Loop* l = Loop::current();
    if (f_->loop_.load(std::memory_order_relaxed) != l) {
        f_->node_.drain = &ThreadSafeFlag::drain;
        f_->loop_.bind(l);
    }
    if (f_->consume()) return false;  // a set() raced us
    detail::TaskBase* t = l->running();
    t->resume = h;
    node_.task = t;
    node_.state = detail::WaitNode::linked;
    f_->waiter_ = &node_;
    return true;
}

}  // namespace irqio
