// MpmcRing<T, N>: a bounded ring that any context may push to and pop from without a lock.
// Each cell carries a sequence number (Vyukov's scheme), so producers and consumers never share a
// slot. N is any power of two, 1 included: with one cell, "full for position p" (p + 1) would equal
// "free for position p + 1", so the sequence numbers then advance by two per position (kStep).
#pragma once
#include <atomic>
#include <cstdint>
#include <new>
#include <type_traits>
#include <utility>

#include "irqio/core/atomic_ops.hpp"

namespace irqio::detail {

template <class T, uint32_t N>
class MpmcRing {
    static_assert(N >= 1 && (N & (N - 1)) == 0, "capacity must be a power of two (1, 2, 4, ...)");
    // A cell free for position p holds p * kStep, full for p holds p * kStep + 1.
    static constexpr uint32_t kStep = N == 1 ? 2 : 1;

  public:
    MpmcRing() noexcept {
        for (uint32_t i = 0; i < N; ++i) cells_[i].seq.store(i * kStep, std::memory_order_relaxed);
    }
    ~MpmcRing() {
        if constexpr (!std::is_trivially_destructible_v<T>) {
            T v;
            while (pop(v)) {
            }
        }
    }

    bool push(const T& v) noexcept { return emplace(v); }
    template <class U>
    bool emplace(U&& v) noexcept {
        uint32_t pos = enq_.load(std::memory_order_relaxed);
        Cell* c;
        for (;;) {
            c = &cells_[pos & (N - 1)];
            int32_t dif = static_cast<int32_t>(detail::load_acquire(c->seq) - pos * kStep);
            if (dif == 0) {
                if (atomic_cas(enq_, pos, pos + 1)) break;
            } else if (dif < 0) {
                return false;  // full
            } else {
                pos = enq_.load(std::memory_order_relaxed);
            }
        }
        new (c->data) T(std::forward<U>(v));
        detail::store_release(c->seq, pos * kStep + 1);
        return true;
    }
    bool pop(T& out) noexcept {
        uint32_t pos = deq_.load(std::memory_order_relaxed);
        Cell* c;
        for (;;) {
            c = &cells_[pos & (N - 1)];
            int32_t dif = static_cast<int32_t>(detail::load_acquire(c->seq) - (pos * kStep + 1));
            if (dif == 0) {
                if (atomic_cas(deq_, pos, pos + 1)) break;
            } else if (dif < 0) {
                return false;  // empty (or the producer of this cell has not finished)
            } else {
                pos = deq_.load(std::memory_order_relaxed);
            }
        }
        T* p = std::launder(reinterpret_cast<T*>(c->data));
        out = std::move(*p);
        p->~T();
        detail::store_release(c->seq, (pos + N) * kStep);
        return true;
    }
    uint32_t size() const noexcept {
        uint32_t d = detail::load_acquire(enq_) - detail::load_acquire(deq_);
        return d > N ? N : d;
    }
    static constexpr uint32_t capacity() noexcept { return N; }

  private:
    struct Cell {
        std::atomic<uint32_t> seq;
        alignas(T) unsigned char data[sizeof(T)];
    };
    Cell cells_[N];
    std::atomic<uint32_t> enq_{0};
    std::atomic<uint32_t> deq_{0};
};

}  // namespace irqio::detail
