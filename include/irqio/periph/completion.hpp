// Building blocks shared by every peripheral: how an interrupt hands a finished transfer to a task.
//
//   Completion  one transfer at a time: idle -> busy (start) -> done (finish() in the interrupt).
//               busy() polls it, `co_await done()` waits for it, wait_blocking() spins on it.
//   FlagWait    an awaiter that waits on a ThreadSafeFlag until a condition holds (the interrupt
//               changes some counters, then sets the flag); stale sets are harmless.
//   IsrNotifier runs a task-context callback soon after an interrupt asked for it (an InboxNode,
//               the same door ThreadSafeFlag uses), for objects with listeners (Uart streams).
//
// Interrupt side contract: store the outcome first, then set the flag. Task side: clear the flag
// only while no transfer can finish (before starting one), so a set always means "something
// changed since the clear".
#pragma once
#include <atomic>
#include <coroutine>
#include <cstddef>
#include <cstdint>

#include "irqio/core/doorbell.hpp"
#include "irqio/core/inbox.hpp"
#include "irqio/core/loop.hpp"
#include "irqio/isr/thread_safe_flag.hpp"
#include "irqio/result.hpp"

namespace irqio {

namespace detail {
// One turn of a blocking-mode spin. Handlers keep running meanwhile; on a hosted port the turn
// also enters the kernel (Port::poll), where a signal that is being held back is delivered
// (ThreadSanitizer defers signals to such points, so a pure spin would never see its interrupt).
inline void spin_turn() noexcept {
#if !IRQIO_SINGLE_THREAD
    if (Loop* l = Loop::current()) l->port().poll();
#endif
    port::cpu_relax();
}
}  // namespace detail

// Waits on `flag` until `cond()` is true. One waiter per flag (the flag's own rule).
template <class Cond>
class FlagWait {
  public:
    FlagWait(ThreadSafeFlag& f, Cond c, Priority p) noexcept : cond_(c), inner_(f.wait(p)) {}
    FlagWait(FlagWait&& o) noexcept : cond_(o.cond_), inner_(std::move(o.inner_)) {}
    FlagWait(const FlagWait&) = delete;
    bool await_ready() noexcept {
        detail::step_hook(detail::StepPoint::awaiter_ready);
        return cond_();
    }
    bool await_suspend(std::coroutine_handle<> h) noexcept {
        detail::step_hook(detail::StepPoint::awaiter_suspend);
        // A set left over from an earlier change we already saw is consumed here; a new one
        // cannot come without cond_ becoming true first (the interrupt stores, then sets).
        for (;;) {
            if (cond_()) return false;
            if (!inner_.await_ready()) return inner_.await_suspend(h);
        }
    }
    void await_resume() noexcept {
        detail::step_hook(detail::StepPoint::awaiter_resume);
        inner_.await_resume();
    }

  private:
    Cond cond_;
    ThreadSafeFlag::Awaiter inner_;
};

class Completion {
  public:
    enum State : uint8_t { idle = 0, busy = 1, done = 2 };

    // Task context: marks a transfer started. Error::busy if one is still running.
    Result<void> begin() noexcept {
        if (detail::load_acquire(state_) == busy) return Error::busy;
        flag_.clear();  // nothing can finish now: no transfer is in flight
        error_ = Error::none;
        count_ = 0;
        detail::store_sc(state_, busy);
        return {};
    }
    // Any context (the completion interrupt): records the outcome and wakes the waiter.
    // Ignored unless a transfer is running (a late interrupt after an abort does nothing).
    void finish(Error e, std::size_t count = 0) noexcept {
        if (detail::load_acquire(state_) != busy) return;
        error_ = e;
        count_ = count;
        detail::store_sc(state_, done);
        flag_.set();
    }
    // Task context: forget a transfer (after the driver stopped it).
    void cancel() noexcept {
        if (detail::load_acquire(state_) == busy) {
            error_ = Error::cancelled;
            detail::store_sc(state_, done);
        }
    }
    bool is_busy() const noexcept { return detail::load_acquire(state_) == busy; }
    State state() const noexcept { return detail::load_acquire(state_); }
    // The outcome of the last finished transfer (Error::busy while one runs).
    Result<void> result() const noexcept {
        if (is_busy()) return Error::busy;
        if (error_ != Error::none) return error_;
        return {};
    }
    std::size_t count() const noexcept { return count_; }

    struct NotBusy {
        const Completion* c;
        bool operator()() const noexcept { return !c->is_busy(); }
    };
    class Awaiter {
      public:
        Awaiter(Completion* c, Priority p) noexcept : c_(c), w_(c->flag_, NotBusy{c}, p) {}
        bool await_ready() noexcept { return w_.await_ready(); }
        bool await_suspend(std::coroutine_handle<> h) noexcept { return w_.await_suspend(h); }
        Result<void> await_resume() noexcept { return c_->result(); }

      private:
        Completion* c_;
        FlagWait<NotBusy> w_;
    };
    // Task context: waits until the running transfer ended; gives its outcome.
    Awaiter wait(Priority p = Priority::normal) noexcept { return Awaiter(this, p); }
    // Task context, blocking: spins until the interrupt reported the end (handlers keep running).
    Result<void> wait_blocking() const noexcept {
        while (is_busy()) detail::spin_turn();
        return result();
    }

  private:
    std::atomic<State> state_{idle};
    Error error_ = Error::none;
    std::size_t count_ = 0;
    ThreadSafeFlag flag_;
};

// Runs `fn(ctx)` in task context soon after notify() from any context; notifies coalesce.
class IsrNotifier : private detail::Doorbell {
  public:
    using Fn = void (*)(void* ctx) noexcept;
    IsrNotifier(Fn fn, void* ctx) noexcept
        : detail::Doorbell(&IsrNotifier::drain), fn_(fn), ctx_(ctx) {}
    ~IsrNotifier() { settle(); }
    IsrNotifier(const IsrNotifier&) = delete;
    // Task context: the loop that runs the callback (the first call binds it).
    void bind(Loop* l) noexcept { detail::Doorbell::bind(l); }
    bool bound() const noexcept { return loop_relaxed() != nullptr; }
    // Any context.
    void notify() noexcept { ring(); }

  private:
    static void drain(detail::InboxNode* n) noexcept {
        auto* self = static_cast<IsrNotifier*>(Doorbell::of(n));
        self->fn_(self->ctx_);
    }
    Fn fn_;
    void* ctx_;
};

}  // namespace irqio
