// VirtualClockPort: a port whose clock only moves when told to, so timing tests are exact.
// Sleeping jumps the clock straight to the deadline; a sleep with no deadline and no notify is a
// bug.
#pragma once
#include <atomic>

#include "irqio/config.hpp"
#include "irqio/port.hpp"

namespace irqio {

class VirtualClockPort final : public Port {
  public:
    explicit VirtualClockPort(uint64_t start_us = 0) noexcept : now_(start_us) {}
    uint64_t now_us() noexcept override { return now_.load(std::memory_order_relaxed); }
    void wait_until(uint64_t deadline_us) noexcept override {
        ++waits_;
        if (notified_.exchange(false)) return;
        if (deadline_us == kNever) {
            IRQIO_ASSERT(allow_idle_spin_, "VirtualClockPort: loop would sleep forever");
            return;
        }
        if (deadline_us > now_us()) now_.store(deadline_us, std::memory_order_relaxed);
    }
    void notify() noexcept override { notified_.store(true); }
    // Moves the clock forward (a task "blocking" for that long, say).
    void advance_us(uint64_t d) noexcept { now_.fetch_add(d, std::memory_order_relaxed); }
    void advance_ms(uint64_t d) noexcept { advance_us(d * 1000u); }
    uint64_t waits() const noexcept { return waits_; }
    // For tests where other threads wake the loop: an endless sleep returns at once instead.
    void allow_idle_spin(bool on) noexcept { allow_idle_spin_ = on; }

  private:
    std::atomic<uint64_t> now_;
    std::atomic<bool> notified_{false};
    uint64_t waits_ = 0;
    bool allow_idle_spin_ = false;
};

}  // namespace irqio
