// ThreadSafeQueue<T, N>: fixed storage, any context may try_put/try_get; tasks may also await.
// N is the capacity, a power of two (1, 2, 4, 8, ...: a compile-time check).
// A full queue refuses and counts the drop; a task waiting for data (or space) is woken via the
// inbox.
#pragma once
#include <atomic>
#include <coroutine>
#include <cstdint>
#include <utility>

#include "irqio/core/doorbell.hpp"
#include "irqio/core/loop.hpp"
#include "irqio/core/mpmc_ring.hpp"
#include "irqio/core/wait_list.hpp"

namespace irqio {

template <class T, uint32_t N>
class ThreadSafeQueue : private detail::Doorbell {
  public:
    ThreadSafeQueue() noexcept : detail::Doorbell(&ThreadSafeQueue::drain) {}
    ~ThreadSafeQueue() {
        settle();
        IRQIO_ASSERT(getters_.empty() && putters_.empty(),
                     "ThreadSafeQueue destroyed while tasks wait");
    }
    ThreadSafeQueue(const ThreadSafeQueue&) = delete;

    // Any context: false when full (the drop is counted).
    bool try_put(const T& v) noexcept {
        if (!ring_.push(v)) {
            detail::atomic_fetch_add(dropped_, uint32_t{1});
            trace::queue_drop(this);
            return false;
        }
        trace::queue_depth(this);
        if (detail::load_sc(want_) & kWantData) signal();
        return true;
    }
    // Any context: Error::empty when nothing is there.
    Result<T> try_get() noexcept {
        if (detail::load_acquire(stash_state_) == kStashFull) {  // the oldest item comes first
            T v;
            if (take_stash(v)) return Result<T>(std::move(v));
        }
        alignas(T) unsigned char buf[sizeof(T)];
        T* v = new (buf) T();
        if (!ring_.pop(*v)) {
            v->~T();
            return Error::empty;
        }
        trace::queue_depth(this);
        if (detail::load_sc(want_) & kWantSpace) signal();
        Result<T> r(std::move(*v));
        v->~T();
        return r;
    }
    uint32_t dropped() const noexcept { return dropped_.load(std::memory_order_relaxed); }
    uint32_t size() const noexcept {
        return ring_.size() + (detail::load_acquire(stash_state_) != kStashEmpty ? 1u : 0u);
    }
    bool empty() const noexcept { return size() == 0; }
    // Any context, a snapshot (other contexts may change it at once): true while try_put would
    // refuse, as Queue::full().
    bool full() const noexcept { return ring_.size() >= N; }
    static constexpr uint32_t capacity() noexcept { return N; }

    // Each awaiter is its own wait node (a private base), so the queue gets from a node in its
    // lists back to the awaiter with a static_cast.
    class GetAwaiter : private detail::WaitNode {
      public:
        explicit GetAwaiter(ThreadSafeQueue* q) noexcept : q_(q) {}
        GetAwaiter(GetAwaiter&& o) noexcept : detail::WaitNode(), q_(o.q_) {}
        ~GetAwaiter() {
            if (node().state == detail::WaitNode::linked)
                q_->getters_.remove(&node());
            else if (node().state == detail::WaitNode::woken)
                q_->give_back(std::move(slot_));
        }
        bool await_ready() noexcept {
            detail::step_hook(detail::StepPoint::awaiter_ready);
            return q_->getters_.empty() && q_->take_now(slot_);
        }
        bool await_suspend(std::coroutine_handle<> h) noexcept {
            detail::step_hook(detail::StepPoint::awaiter_suspend);
            q_->bind(kWantData);
            if (q_->getters_.empty() && q_->take_now(slot_)) return false;  // raced a put
            link(q_->getters_, h);
            return true;
        }
        Result<T> await_resume() noexcept {
            detail::step_hook(detail::StepPoint::awaiter_resume);
            if (node().state == detail::WaitNode::woken) {
                node().state = detail::WaitNode::idle;
                q_->handing_ = false;
                if (!q_->getters_.empty()) q_->serve();  // the next getter's turn
            }
            return std::move(slot_);
        }

      private:
        friend class ThreadSafeQueue;
        void link(detail::WaitList& l, std::coroutine_handle<> h) noexcept {
            detail::TaskBase* t = Loop::current()->running();
            t->resume = h;
            node().task = t;
            l.push_back(&node());
        }
        detail::WaitNode& node() noexcept { return *this; }
        ThreadSafeQueue* q_;
        T slot_{};
    };

    class PutAwaiter : private detail::WaitNode {
      public:
        PutAwaiter(ThreadSafeQueue* q, const T& v) noexcept : q_(q), v_(v) {}
        PutAwaiter(PutAwaiter&& o) noexcept : detail::WaitNode(), q_(o.q_), v_(std::move(o.v_)) {}
        ~PutAwaiter() {
            if (node().state == detail::WaitNode::linked) q_->putters_.remove(&node());
        }
        bool await_ready() noexcept {
            detail::step_hook(detail::StepPoint::awaiter_ready);
            return q_->putters_.empty() && q_->push_now(v_);
        }
        bool await_suspend(std::coroutine_handle<> h) noexcept {
            detail::step_hook(detail::StepPoint::awaiter_suspend);
            q_->bind(kWantSpace);
            if (q_->putters_.empty() && q_->push_now(v_)) return false;
            detail::TaskBase* t = Loop::current()->running();
            t->resume = h;
            node().task = t;
            q_->putters_.push_back(&node());
            return true;
        }
        Result<void> await_resume() noexcept {
            detail::step_hook(detail::StepPoint::awaiter_resume);
            node().state = detail::WaitNode::idle;
            return {};
        }

      private:
        friend class ThreadSafeQueue;
        detail::WaitNode& node() noexcept { return *this; }
        ThreadSafeQueue* q_;
        T v_;
    };

    // Task context.
    GetAwaiter get() noexcept { return GetAwaiter(this); }
    PutAwaiter put(const T& v) noexcept { return PutAwaiter(this, v); }

  private:
    static constexpr uint8_t kWantData = 1, kWantSpace = 2;

    void bind(uint8_t want) noexcept {
        Loop* l = Loop::current();
        if (loop_relaxed() != l) {
            IRQIO_ASSERT(getters_.empty() && putters_.empty(),
                         "a ThreadSafeQueue's waiting tasks must belong to one loop");
            Doorbell::bind(l);
        }
        if ((want_.load(std::memory_order_relaxed) & want) == 0) {
            uint8_t w = want_.load(std::memory_order_relaxed);
            while (!detail::atomic_cas<uint8_t>(want_, w, static_cast<uint8_t>(w | want))) {
            }
        }
    }
    // Any context: the loop serves the waiting tasks soon (serve(), in its task context).
    void signal() noexcept { ring(); }
    // Any context: takes the item a cancelled getter gave back, if no other context took it first.
    bool take_stash(T& out) noexcept {
        uint8_t full = kStashFull;
        if (!detail::atomic_cas<uint8_t>(stash_state_, full, kStashBusy)) return false;
        out = std::move(stash_);
        detail::store_release(stash_state_, kStashEmpty);
        return true;
    }
    // Task context, an awaited put or get that did not wait: a task waiting on the other side
    // (a getter for this item, a putter for this slot) is served, as after try_put / try_get.
    bool push_now(const T& v) noexcept {
        if (!ring_.push(v)) return false;
        if (detail::load_sc(want_) & kWantData) signal();
        return true;
    }
    bool take_now(T& out) noexcept {
        if (!take(out)) return false;
        if (detail::load_sc(want_) & kWantSpace) signal();
        return true;
    }
    // Task context: the oldest item: the one a cancelled getter gave back, else the ring's first.
    bool take(T& out) noexcept {
        if (detail::load_acquire(stash_state_) == kStashFull && take_stash(out)) return true;
        return ring_.pop(out);
    }
    // Task context: hands items to waiting getters and slots to waiting putters, oldest first.
    // One woken getter holds an item at a time (handing_), so if it is cancelled before it runs,
    // its item is the oldest and can go back to the front (stash_), not behind newer ones.
    void serve() noexcept {
        for (;;) {
            if (!getters_.empty() && !handing_) {
                auto* g = getter_of(getters_.front());
                if (take(g->slot_)) {
                    handing_ = true;
                    detail::wake_one(getters_);
                }
            }
            while (!putters_.empty()) {
                auto* p = putter_of(putters_.front());
                if (!ring_.push(p->v_)) break;
                detail::wake_one(putters_);
            }
            uint8_t want = static_cast<uint8_t>((getters_.empty() ? 0 : kWantData) |
                                                (putters_.empty() ? 0 : kWantSpace));
            detail::store_sc(want_, want);
            // Re-check after publishing what we still want: a put/get may have slipped in.
            bool more = (!getters_.empty() && !handing_ && ring_.size() > 0) ||
                        (!putters_.empty() && ring_.size() < N);
            if (!more) return;
        }
    }
    static GetAwaiter* getter_of(detail::WaitNode* n) noexcept {
        return static_cast<GetAwaiter*>(n);
    }
    static PutAwaiter* putter_of(detail::WaitNode* n) noexcept {
        return static_cast<PutAwaiter*>(n);
    }
    // A getter handed an item but cancelled before it ran: the item goes to the next getter, or
    // to the front of the queue (stash_): never behind newer items, never dropped.
    void give_back(T&& v) noexcept {
        handing_ = false;
        if (!getters_.empty()) {
            auto* g = getter_of(getters_.front());
            g->slot_ = std::move(v);
            handing_ = true;
            detail::wake_one(getters_);
        } else {
            // Empty: while it is full, take() gives it to the first getter, so no getter can
            // hold a handed item to give back.
            IRQIO_ASSERT(detail::load_acquire(stash_state_) == kStashEmpty, "stash in use");
            stash_ = std::move(v);
            detail::store_release(stash_state_, kStashFull);
        }
    }
    static void drain(detail::InboxNode* n) noexcept {
        static_cast<ThreadSafeQueue*>(Doorbell::of(n))->serve();
    }

    detail::MpmcRing<T, N> ring_;
    std::atomic<uint32_t> dropped_{0};
    std::atomic<uint8_t> want_{0};
    detail::WaitList getters_, putters_;
    bool handing_ = false;  // task context: a woken getter holds an item and has not run yet
    // The item a cancelled getter gave back: written in task context while empty; any context
    // claims it (full -> busy -> empty) before reading it.
    static constexpr uint8_t kStashEmpty = 0, kStashFull = 1, kStashBusy = 2;
    std::atomic<uint8_t> stash_state_{kStashEmpty};
    T stash_{};
};

}  // namespace irqio
