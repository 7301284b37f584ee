// ThreadSafeFlag: a self-clearing flag for one waiting task, set from any context.
// One atomic word: clear, set, or the waiting Awaiter. set() swaps in "set"; finding a waiter
// there, it hands the Awaiter's own inbox node to the waiter's loop. The waiter clears the flag as
// it resumes, so sets until then merge, and a waiter cancelled before it resumes leaves the flag
// set.
#pragma once
#include <atomic>
#include <coroutine>
#include <cstdint>

#include "irqio/core/inbox.hpp"
#include "irqio/core/loop.hpp"

namespace irqio {

class ThreadSafeFlag {
  public:
    // All zero: a global flag lives in .bss and needs no start-up code.
    constexpr ThreadSafeFlag() noexcept = default;
    ~ThreadSafeFlag();
    ThreadSafeFlag(const ThreadSafeFlag&) = delete;

    // Any context: wakes the waiter if there is one, otherwise leaves the flag set.
    void set() noexcept;
    // Task context.
    void clear() noexcept { consume(); }
    bool is_set() const noexcept { return detail::load_acquire(word_) == kSet; }

    // Invariant: wake_.task is non-null from suspension until the loop takes the wake, and while
    // it is non-null the node is either named by the flag's word or posted to the loop.
    class Awaiter {
      public:
        Awaiter(ThreadSafeFlag* f, Priority p) noexcept : f_(f) {
            wake_.tag = static_cast<uint8_t>(p);
        }
        Awaiter(Awaiter&& o) noexcept : Awaiter(o.f_, static_cast<Priority>(o.wake_.tag)) {}
        Awaiter(const Awaiter&) = delete;
        ~Awaiter() {
            if (wake_.task) f_->withdraw(*this);  // destroyed while waiting (cancelled)
        }
        // (tools/model/wake.pml: loop_thread, the task's flag_round and flag_resume)
        bool await_ready() noexcept {
            detail::step_hook(detail::StepPoint::awaiter_ready);
            return f_->consume();
        }
        bool await_suspend(std::coroutine_handle<> h) noexcept;
        void await_resume() noexcept {
            detail::step_hook(detail::StepPoint::awaiter_resume);
            f_->consume();
        }

      private:
        friend class ThreadSafeFlag;
        detail::TaskWake wake_;  // first member: the flag's word holds this Awaiter's address
        ThreadSafeFlag* f_;
    };
    // Task context, one waiter at a time. `Priority::high`: runs before all normal ready tasks.
    Awaiter wait(Priority prio = Priority::normal) noexcept { return Awaiter(this, prio); }

  private:
    static constexpr uintptr_t kClear = 0;
    static constexpr uintptr_t kSet = 1;  // any other value: the waiting Awaiter's address

    // Task context, the only one that clears: from kSet no other context changes the word (a
    // set() on a set flag is a no-op), so a plain store after the load is as good as a CAS.
    IRQIO_INLINE bool consume() noexcept {
        if (detail::load_acquire(word_) != kSet) return false;
        word_.store(kClear, std::memory_order_relaxed);
        return true;
    }
    void withdraw(Awaiter& a) noexcept;
    std::atomic<uintptr_t> word_{kClear};
    Loop* loop_ = nullptr;  // the waiter's loop; read only by the set() that claims the waiter
};

}  // namespace irqio
