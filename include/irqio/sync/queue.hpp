// Queue<T, N>: a bounded FIFO between tasks (N = 0: capacity given at construction, heap storage).
// A woken getter (putter) has an item (slot) reserved for it, so nobody barges and, if it is
// cancelled before it runs, the reservation passes to the next waiter: no item is lost or
// duplicated.
#pragma once
#include <coroutine>
#include <cstddef>
#include <cstdint>
#include <new>
#include <utility>

#include "irqio/core/loop.hpp"
#include "irqio/core/loop_affinity.hpp"
#include "irqio/core/wait_list.hpp"

namespace irqio {

namespace detail {
template <class T, std::size_t N>
struct QueueStorage {
    alignas(T) unsigned char bytes[N * sizeof(T)];
    explicit QueueStorage(std::size_t) noexcept {}
    T* slots() noexcept { return reinterpret_cast<T*>(bytes); }
    static constexpr std::size_t capacity() noexcept { return N; }
};
template <class T>
struct QueueStorage<T, 0> {
    unsigned char* bytes;
    std::size_t cap;
    explicit QueueStorage(std::size_t c) noexcept
        : bytes(static_cast<unsigned char*>(
              ::operator new(size_for(c), std::align_val_t(alignof(T)), std::nothrow))),
          cap(bytes ? c : 0) {}
    // A capacity whose size in bytes does not fit in a size_t is a documented assertion (it
    // would otherwise wrap around to a small block).
    static std::size_t size_for(std::size_t c) noexcept {
        IRQIO_ASSERT(c <= SIZE_MAX / sizeof(T), "Queue capacity * sizeof(T) overflows size_t");
        return c * sizeof(T);
    }
    ~QueueStorage() { ::operator delete(bytes, std::align_val_t(alignof(T))); }
    T* slots() noexcept { return reinterpret_cast<T*>(bytes); }
    std::size_t capacity() const noexcept { return cap; }
};
}  // namespace detail

template <class T, std::size_t N = 0>
class Queue {
  public:
    // For N == 0 the capacity comes from here and is heap storage. Documented assertions: a
    // capacity of 0, one whose size in bytes (capacity * sizeof(T)) overflows size_t, or one the
    // heap cannot give. For N > 0 the capacity is N (static storage).
    explicit Queue(std::size_t capacity = N) noexcept : store_(capacity) {
        IRQIO_ASSERT(store_.capacity() > 0, "Queue needs a capacity > 0 (or no memory for it)");
    }
    ~Queue() {
        IRQIO_ASSERT(getters_.empty() && putters_.empty(), "Queue destroyed while tasks wait");
        while (count_ > 0) pop_front();
    }
    Queue(const Queue&) = delete;

    std::size_t size() const noexcept { return count_; }
    std::size_t capacity() const noexcept { return store_.capacity(); }
    bool empty() const noexcept { return count_ == 0; }
    bool full() const noexcept { return count_ >= capacity(); }

    // Task context. Error::full when no slot is free for a newcomer.
    Result<void> try_put(T v) noexcept {
        check_loop();
        if (count_ + put_reserved_ >= capacity() || !putters_.empty()) return Error::full;
        push_back(std::move(v));
        return {};
    }
    // Task context. Error::empty when no item is free for a newcomer.
    Result<T> try_get() noexcept {
        check_loop();
        if (count_ - get_reserved_ == 0 || !getters_.empty()) return Error::empty;
        return take_front();
    }

    class GetAwaiter {
      public:
        explicit GetAwaiter(Queue* q) noexcept : q_(q) {}
        GetAwaiter(GetAwaiter&& o) noexcept : q_(o.q_) {}
        GetAwaiter(const GetAwaiter&) = delete;
        ~GetAwaiter() {
            if (node_.state == detail::WaitNode::linked) {
                q_->getters_.remove(&node_);
            } else if (node_.state == detail::WaitNode::woken) {
                --q_->get_reserved_;  // reserved item stays first in line for the next getter
                q_->offer_to_getters();
            }
        }
        bool await_ready() const noexcept {
            q_->check_loop();
            return q_->count_ - q_->get_reserved_ > 0 && q_->getters_.empty();
        }
        void await_suspend(std::coroutine_handle<> h) noexcept {
            detail::TaskBase* t = Loop::current()->running();
            t->resume = h;
            node_.task = t;
            q_->getters_.push_back(&node_);
        }
        Result<T> await_resume() noexcept {
            if (node_.state == detail::WaitNode::woken) --q_->get_reserved_;
            node_.state = detail::WaitNode::idle;
            return q_->take_front();
        }

      private:
        Queue* q_;
        detail::WaitNode node_;
    };

    class PutAwaiter {
      public:
        PutAwaiter(Queue* q, T v) noexcept : q_(q), v_(std::move(v)) {}
        PutAwaiter(PutAwaiter&& o) noexcept : q_(o.q_), v_(std::move(o.v_)) {}
        PutAwaiter(const PutAwaiter&) = delete;
        ~PutAwaiter() {
            if (node_.state == detail::WaitNode::linked) {
                q_->putters_.remove(&node_);
            } else if (node_.state == detail::WaitNode::woken) {
                --q_->put_reserved_;
                q_->offer_to_putters();
            }
        }
        bool await_ready() const noexcept {
            q_->check_loop();
            return q_->count_ + q_->put_reserved_ < q_->capacity() && q_->putters_.empty();
        }
        void await_suspend(std::coroutine_handle<> h) noexcept {
            detail::TaskBase* t = Loop::current()->running();
            t->resume = h;
            node_.task = t;
            q_->putters_.push_back(&node_);
        }
        Result<void> await_resume() noexcept {
            if (node_.state == detail::WaitNode::woken) --q_->put_reserved_;
            node_.state = detail::WaitNode::idle;
            q_->push_back(std::move(v_));
            return {};
        }

      private:
        Queue* q_;
        T v_;
        detail::WaitNode node_;
    };

    // Task context: `Result<T> r = co_await q.get();`, `co_await q.put(v);`
    GetAwaiter get() noexcept { return GetAwaiter(this); }
    PutAwaiter put(T v) noexcept { return PutAwaiter(this, std::move(v)); }

  private:
    void check_loop() noexcept {
        affinity_.check(count_ == 0 && getters_.empty() && putters_.empty());
    }
    detail::LoopAffinity affinity_;
    void push_back(T&& v) noexcept {
        new (&store_.slots()[(head_ + count_) % capacity()]) T(std::move(v));
        ++count_;
        offer_to_getters();
    }
    T take_front() noexcept {
        T v = std::move(store_.slots()[head_]);
        pop_front();
        offer_to_putters();
        return v;
    }
    void pop_front() noexcept {
        store_.slots()[head_].~T();
        head_ = (head_ + 1) % capacity();
        --count_;
    }
    void offer_to_getters() noexcept {
        while (count_ > get_reserved_ && detail::wake_one(getters_)) ++get_reserved_;
    }
    void offer_to_putters() noexcept {
        while (count_ + put_reserved_ < capacity() && detail::wake_one(putters_)) ++put_reserved_;
    }

    detail::QueueStorage<T, N> store_;
    std::size_t head_ = 0, count_ = 0;
    std::size_t get_reserved_ = 0, put_reserved_ = 0;
    detail::WaitList getters_, putters_;
};

}  // namespace irqio
