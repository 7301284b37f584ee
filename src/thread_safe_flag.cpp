#include "irqio/isr/thread_safe_flag.hpp"

namespace irqio {

ThreadSafeFlag::~ThreadSafeFlag() {
    IRQIO_ASSERT(detail::load_acquire(word_) <= kSet,
                 "ThreadSafeFlag destroyed while a task waits");
}

// (tools/model/wake.pml: flag_set)
void ThreadSafeFlag::set() noexcept {
    const uintptr_t w = detail::atomic_exchange(word_, kSet);
    if (w <= kSet) return;
    detail::TaskWake* wake = &reinterpret_cast<Awaiter*>(w)->wake_;
    loop_->post_wake(wake);  // loop_ was written before the waiter was published in word_
}

// (tools/model/wake.pml: loop_thread, the task's flag_round: publish, then the CAS claim)
bool ThreadSafeFlag::Awaiter::await_suspend(std::coroutine_handle<> h) noexcept {
    detail::step_hook(detail::StepPoint::awaiter_suspend);
    Loop* l = Loop::current();
    detail::TaskBase* t = l->running();
    t->resume = h;
    wake_.task = t;
    f_->loop_ = l;
    uintptr_t seen = kClear;
    if (detail::atomic_cas(f_->word_, seen, reinterpret_cast<uintptr_t>(this))) return true;
    IRQIO_ASSERT(seen == kSet, "ThreadSafeFlag has one waiter at a time");
    f_->consume();  // a set() came first: take it and go on
    wake_.task = nullptr;
    return false;
}

// Task context, from a waiting Awaiter's destructor.
void ThreadSafeFlag::withdraw(Awaiter& a) noexcept {
    uintptr_t me = reinterpret_cast<uintptr_t>(&a);
    if (detail::atomic_cas(word_, me, kClear)) return;  // no set() came
    // A set() took this waiter (the flag stays set): its node is posted, or being posted from
    // another core. The loop takes it now, before the node goes away.
    IRQIO_ASSERT(loop_->on_loop_thread(), "a ThreadSafeFlag wait ends in its loop's task context");
    while (a.wake_.task) loop_->settle(&a.wake_);  // (settle's acquire load re-reads it)
}

}  // namespace irqio
