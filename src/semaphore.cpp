#include "irqio/sync/semaphore.hpp"

namespace irqio {

Semaphore::~Semaphore() {
    settle();
    IRQIO_ASSERT(waiters_.empty(), "Semaphore destroyed while tasks wait on it");
}

bool Semaphore::take() noexcept {
    int32_t c = count_.load(std::memory_order_relaxed);
    while (c > 0) {
        if (detail::atomic_cas(count_, c, c - 1)) return true;
    }
    return false;
}

bool Semaphore::try_acquire() noexcept {
    // Queued tasks go first. (From a handler the list may be mid-edit; reading its head is still
    // one aligned load, and either answer is a fair one for a handler.)
    Loop* l = loop();
    if (l && l->on_loop_thread() && !waiters_.empty()) return false;
    return take();
}

void Semaphore::release() noexcept {
    detail::atomic_fetch_add(count_, int32_t{1});
    ring();  // the loop hands permits to waiters in its task context (grant)
}

void Semaphore::grant() noexcept {
    while (!waiters_.empty() && take()) detail::wake_one(waiters_);
}

void Semaphore::drain(detail::InboxNode* n) noexcept {
    static_cast<Semaphore*>(Doorbell::of(n))->grant();
}

bool Semaphore::Awaiter::await_suspend(std::coroutine_handle<> h) noexcept {
    detail::step_hook(detail::StepPoint::awaiter_suspend);
    Loop* l = Loop::current();
    if (sem_->loop_relaxed() != l) {
        IRQIO_ASSERT(sem_->waiters_.empty(), "a Semaphore's waiters must belong to one loop");
        sem_->bind(l);
    }
    if (sem_->waiters_.empty() && sem_->take()) return false;  // a release() raced the publish
    detail::TaskBase* t = l->running();
    t->resume = h;
    node_.task = t;
    sem_->waiters_.push_back(&node_);
    return true;
}

Semaphore::Awaiter::~Awaiter() {
    if (node_.state == detail::WaitNode::linked) {
        sem_->waiters_.remove(&node_);
    } else if (node_.state == detail::WaitNode::woken) {
        // Granted a permit but cancelled before running: give it to the next in line.
        detail::atomic_fetch_add(sem_->count_, int32_t{1});
        sem_->grant();
    }
}

}  // namespace irqio
