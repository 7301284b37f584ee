// A single-producer single-consumer byte ring between one interrupt handler and the task loop
// (the UART echo test's stand-in for irqio's ThreadSafeQueue). Only loads and stores on the
// indices, no read-modify-write, so it needs no CAS and works on Cortex-M0 too.
#pragma once
#include <atomic>
#include <cstdint>

namespace cm_test {

template <uint32_t N>
class ByteRing {
    static_assert((N & (N - 1)) == 0, "N must be a power of two");

  public:
    bool push(uint8_t byte) noexcept {  // producer only
        uint32_t head = head_.load(std::memory_order_relaxed);
        if (head - tail_.load(std::memory_order_acquire) == N) return false;
        buf_[head % N] = byte;
        head_.store(head + 1, std::memory_order_release);
        return true;
    }
    bool pop(uint8_t& byte) noexcept {  // consumer only
        uint32_t tail = tail_.load(std::memory_order_relaxed);
        if (head_.load(std::memory_order_acquire) == tail) return false;
        byte = buf_[tail % N];
        tail_.store(tail + 1, std::memory_order_release);
        return true;
    }
    bool empty() const noexcept {
        return head_.load(std::memory_order_acquire) == tail_.load(std::memory_order_acquire);
    }
    bool full() const noexcept {
        return head_.load(std::memory_order_acquire) - tail_.load(std::memory_order_acquire) == N;
    }

  private:
    uint8_t buf_[N] = {};
    std::atomic<uint32_t> head_{0};
    std::atomic<uint32_t> tail_{0};
};

}  // namespace cm_test
