#include "irqio/sync/semaphore.hpp"

namespace irqio {

Semaphore::~Semaphore() {
    if (Loop* l = loop_.load_acquire()) l->settle(&node_);
    IRQIO_ASSERT(waiters_.empty(), "Semaphore destroyed while tasks wait on it");
    IRQIO_ASSERT(detail::load_acquire(node_.queued) == 0,
                 "Semaphore destroyed while a release() is in flight");
}

bool Semaphore::take() noexcept {
    int32_t c = count_.load(std::memory_order_relaxed);
    while (c > 0) {
        if (detail::atomic_cas(count_, c, c - 1)) return true;
    }
    return false;
}

bool Semaphore::try_acquire() noexcept {
    Loop* l = loop_.load_acquire();
    if (l && l->in_task_context() && !waiters_.empty()) return false;  // queued tasks go first
    return take();
}

void Semaphore::release() noexcept {
    detail::atomic_fetch_add(count_, int32_t{1});
    Loop* l = loop_.load();
    if (!l) return;
    if (l->in_task_context())
        grant();
    else
        l->post(&node_);
}

void Semaphore::grant() noexcept {
    while (!waiters_.empty() && take()) detail::wake_one(waiters_);
}

void Semaphore::drain(detail::InboxNode* n) noexcept {
    reinterpret_cast<Semaphore*>(n)->grant();
}

bool Semaphore::Awaiter::await_suspend(std::coroutine_handle<> h) noexcept {
    Loop* l = Loop::current();
    if (sem_->loop_.load(std::memory_order_relaxed) != l) {
        IRQIO_ASSERT(sem_->waiters_.empty(), "a Semaphore's waiters must belong to one loop");
        sem_->loop_.bind(l);
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
