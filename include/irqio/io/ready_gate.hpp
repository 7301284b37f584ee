// ReadyGate: an edge-triggered "may make progress" hint plus the tasks waiting for it. A stream
// closes the gate when its transport said "would block" and opens it when the transport's listener
// is told; a waiter that is destroyed (cancelled, timed out) unlinks itself and leaves nothing.
#pragma once
#include <coroutine>

#include "irqio/core/loop.hpp"
#include "irqio/core/wait_list.hpp"

namespace irqio::detail {

class ReadyGate {
  public:
    ~ReadyGate() { IRQIO_ASSERT(waiters_.empty(), "stream destroyed while a task waits on it"); }
    bool is_open() const noexcept { return open_; }
    void close() noexcept { open_ = false; }
    void mark_open() noexcept { open_ = true; }
    // Wakes every waiter; each looks at its own condition again (and may wait again).
    void wake() noexcept { wake_all(waiters_); }
    void open() noexcept {
        open_ = true;
        wake_all(waiters_);
    }

    class Awaiter {
      public:
        explicit Awaiter(ReadyGate* g) noexcept : g_(g) {}
        Awaiter(const Awaiter&) = delete;
        Awaiter(Awaiter&& o) noexcept : g_(o.g_) {}
        ~Awaiter() {
            if (node_.state == WaitNode::linked) g_->waiters_.remove(&node_);
        }
        bool await_ready() const noexcept {
            step_hook(StepPoint::awaiter_ready);
            return g_->open_;
        }
        void await_suspend(std::coroutine_handle<> h) noexcept {
            step_hook(StepPoint::awaiter_suspend);
            TaskBase* t = Loop::current()->running();
            t->resume = h;
            node_.task = t;
            g_->waiters_.push_back(&node_);
        }
        void await_resume() noexcept {
            step_hook(StepPoint::awaiter_resume);
            node_.state = WaitNode::idle;
        }

      private:
        ReadyGate* g_;
        WaitNode node_;
    };
    Awaiter wait() noexcept { return Awaiter(this); }

  private:
    bool open_ = true;  // unknown counts as open: the first try finds out
    WaitList waiters_;
};

}  // namespace irqio::detail
