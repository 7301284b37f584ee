// ThreadSafeFlag: a self-clearing flag for one waiting task, set from any context.
// A set() before wait() is kept; sets while the waiter is being woken coalesce into one wake.
#pragma once
#include <atomic>
#include <coroutine>

#include "irqio/core/loop.hpp"
#include "irqio/core/wait_list.hpp"
#include "irqio/isr/inbox.hpp"

namespace irqio {

class ThreadSafeFlag {
  public:
    // All zero: a global flag lives in .bss and needs no start-up code (the inbox node learns its
    // drain function when the flag binds to a loop, before any set() can post it).
    constexpr ThreadSafeFlag() noexcept = default;
    ~ThreadSafeFlag();
    ThreadSafeFlag(const ThreadSafeFlag&) = delete;

    // Any context.
    void set() noexcept;
    // Task context.
    void clear() noexcept { state_.store(0, std::memory_order_relaxed); }
    bool is_set() const noexcept { return detail::load_acquire(state_) != 0; }

    class Awaiter {
      public:
        Awaiter(ThreadSafeFlag* f, Priority p) noexcept : f_(f) { node_.priority = p; }
        Awaiter(Awaiter&& o) noexcept : f_(o.f_) { node_.priority = o.node_.priority; }
        Awaiter(const Awaiter&) = delete;
        ~Awaiter() {
            if (f_->waiter_ == &node_) f_->waiter_ = nullptr;
        }
        bool await_ready() noexcept { return f_->consume(); }
        bool await_suspend(std::coroutine_handle<> h) noexcept;
        void await_resume() noexcept {}

      private:
        ThreadSafeFlag* f_;
        detail::WaitNode node_;
    };
    // Task context, one waiter at a time. `Priority::high`: runs before all normal ready tasks.
    Awaiter wait(Priority prio = Priority::normal) noexcept { return Awaiter(this, prio); }

  private:
    IRQIO_INLINE bool consume() noexcept {
        return state_.load(std::memory_order_relaxed) != 0 &&
               detail::atomic_exchange<uint8_t>(state_, 0) != 0;
    }
    void wake_waiter() noexcept;
    static void drain(detail::InboxNode* n) noexcept;
    detail::InboxNode node_;  // first member
    std::atomic<uint8_t> state_{0};
    detail::LoopBinding loop_;
    detail::WaitNode* waiter_ = nullptr;  // task context only
};

}  // namespace irqio
