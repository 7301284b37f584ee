#include "irqio/isr/thread_safe_flag.hpp"

namespace irqio {

ThreadSafeFlag::~ThreadSafeFlag() {
    IRQIO_ASSERT(detail::load_acquire(word_) <= kSet,
                 "ThreadSafeFlag destroyed while a task waits");
}

void ThreadSafeFlag::set() noexcept {
    const uintptr_t w = claim();
    if (w <= kSet) return;
    Awaiter* a = reinterpret_cast<Awaiter*>(w);
    Loop* l = loop_;  // written before the waiter was published in word_
    if (l->in_task_context())
        Awaiter::drain(&a->node_);  // the waiter's own loop: ready at once, no trip via the inbox
    else
        l->post(&a->node_);
}

// Task context (the loop took the wake): the node is free again and the task is ready.
void ThreadSafeFlag::Awaiter::drain(detail::InboxNode* n) noexcept {
    Awaiter* a = reinterpret_cast<Awaiter*>(n);
    detail::TaskBase* t = a->task_;
    a->task_ = nullptr;
    Loop::current()->make_ready(t, a->node_.tag != 0);
}

bool ThreadSafeFlag::Awaiter::await_suspend(std::coroutine_handle<> h) noexcept {
    Loop* l = Loop::current();
    detail::TaskBase* t = l->running();
    t->resume = h;
    task_ = t;
    f_->loop_ = l;
    uintptr_t seen = kClear;
    if (detail::atomic_cas(f_->word_, seen, reinterpret_cast<uintptr_t>(this))) return true;
    IRQIO_ASSERT(seen == kSet, "ThreadSafeFlag has one waiter at a time");
    f_->consume();  // a set() came first: take it and go on
    task_ = nullptr;
    return false;
}

// Task context, from a waiting Awaiter's destructor.
void ThreadSafeFlag::withdraw(Awaiter& a) noexcept {
    uintptr_t me = reinterpret_cast<uintptr_t>(&a);
    if (detail::atomic_cas(word_, me, kClear)) return;  // no set() came
    // A set() claimed this waiter: its node is posted, or being posted from another core. The
    // loop takes it before the node goes away, and the set stays for the next wait.
    IRQIO_ASSERT(loop_->in_task_context(), "a ThreadSafeFlag wait ends in its loop's task context");
    while (a.task_) loop_->settle(&a.node_);  // (settle's acquire load re-reads task_)
    uintptr_t clear = kClear;
    detail::atomic_cas(word_, clear, kSet);
}

}  // namespace irqio
