// Lock: a FIFO mutex for tasks. Release hands ownership straight to the first waiter, so nobody
// barges; a waiter cancelled after the hand-over passes the lock on and never holds it.
#pragma once
#include <coroutine>
#include <utility>

#include "irqio/core/loop.hpp"
#include "irqio/core/loop_affinity.hpp"
#include "irqio/core/wait_list.hpp"

namespace irqio {

class Lock {
  public:
    class Guard {
      public:
        Guard() noexcept = default;
        explicit Guard(Lock* l) noexcept : lock_(l) {}
        Guard(Guard&& o) noexcept : lock_(std::exchange(o.lock_, nullptr)) {}
        Guard& operator=(Guard&& o) noexcept {
            if (this != &o) {
                unlock();
                lock_ = std::exchange(o.lock_, nullptr);
            }
            return *this;
        }
        ~Guard() { unlock(); }
        void unlock() noexcept {
            if (lock_) std::exchange(lock_, nullptr)->release();
        }
        bool owns() const noexcept { return lock_ != nullptr; }

      private:
        Lock* lock_ = nullptr;
    };

    class Awaiter {
      public:
        explicit Awaiter(Lock* l) noexcept : lock_(l) {}
        Awaiter(const Awaiter&) = delete;
        Awaiter(Awaiter&& o) noexcept : lock_(o.lock_) {}
        ~Awaiter() {
            if (node_.state == detail::WaitNode::linked)
                lock_->waiters_.remove(&node_);
            else if (node_.state == detail::WaitNode::woken)
                lock_->release();  // handed, unused
        }
        bool await_ready() noexcept {
            lock_->affinity_.check(lock_->await_free());
            if (lock_->locked_ || !lock_->waiters_.empty()) return false;
            lock_->locked_ = true;
            return true;
        }
        void await_suspend(std::coroutine_handle<> h) noexcept {
            detail::TaskBase* t = Loop::current()->running();
            t->resume = h;
            node_.task = t;
            lock_->waiters_.push_back(&node_);
        }
        Guard await_resume() noexcept {
            node_.state = detail::WaitNode::idle;
            return Guard(lock_);
        }

      private:
        Lock* lock_;
        detail::WaitNode node_;
    };

    Lock() noexcept = default;
    Lock(const Lock&) = delete;
    ~Lock() { IRQIO_ASSERT(waiters_.empty(), "Lock destroyed while tasks wait on it"); }

    // Task context: `auto guard = co_await lock.acquire();`
    Awaiter acquire() noexcept { return Awaiter(this); }
    bool locked() const noexcept { return locked_; }
    bool try_acquire() noexcept {
        affinity_.check(await_free());
        return await_free() ? (locked_ = true) : false;
    }
    // Unlocks (or hands over to the first waiter). Normally done by the Guard.
    void release() noexcept {
        IRQIO_ASSERT(locked_, "Lock released while not held");
        affinity_.check(false);
        if (!detail::wake_one(waiters_)) locked_ = false;
    }

  private:
    bool await_free() const noexcept { return !locked_ && waiters_.empty(); }
    bool locked_ = false;
    detail::WaitList waiters_;
    detail::LoopAffinity affinity_;
};

}  // namespace irqio
