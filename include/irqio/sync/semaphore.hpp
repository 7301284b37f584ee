// Semaphore: a counter of permits. release() works from any context (an interrupt returning a
// buffer, say); acquire() waits in FIFO order and a permit handed to a cancelled waiter is given
// back.
#pragma once
#include <atomic>
#include <coroutine>
#include <cstdint>

#include "irqio/core/doorbell.hpp"
#include "irqio/core/loop.hpp"
#include "irqio/core/wait_list.hpp"

namespace irqio {

class Semaphore : private detail::Doorbell {
  public:
    explicit Semaphore(int32_t initial = 0) noexcept
        : detail::Doorbell(&Semaphore::drain), count_(initial) {}
    ~Semaphore();
    Semaphore(const Semaphore&) = delete;

    // Any context.
    void release() noexcept;
    // Any context: takes a permit if one is free and nobody is queued for it.
    bool try_acquire() noexcept;
    int32_t value() const noexcept { return detail::load_acquire(count_); }

    class Awaiter {
      public:
        explicit Awaiter(Semaphore* s) noexcept : sem_(s) {}
        Awaiter(const Awaiter&) = delete;
        Awaiter(Awaiter&& o) noexcept : sem_(o.sem_) {}
        ~Awaiter();
        bool await_ready() noexcept {
            detail::step_hook(detail::StepPoint::awaiter_ready);
            return sem_->waiters_.empty() && sem_->take();
        }
        bool await_suspend(std::coroutine_handle<> h) noexcept;
        void await_resume() noexcept {
            detail::step_hook(detail::StepPoint::awaiter_resume);
            node_.state = detail::WaitNode::idle;
        }

      private:
        Semaphore* sem_;
        detail::WaitNode node_;
    };
    Awaiter acquire() noexcept { return Awaiter(this); }

  private:
    bool take() noexcept;
    void grant() noexcept;  // task context: hand free permits to waiters, oldest first
    static void drain(detail::InboxNode* n) noexcept;
    std::atomic<int32_t> count_;
    detail::WaitList waiters_;
};

}  // namespace irqio
