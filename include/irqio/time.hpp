// Time: wrapping 32-bit tick counters as in MicroPython, and sleeping awaitables.
// Internally the loop keeps 64-bit microseconds, so deadlines never wrap; ticks_* are views of it.
#pragma once
#include <chrono>
#include <coroutine>
#include <cstdint>

#include "irqio/core/loop.hpp"
#include "irqio/core/timer_heap.hpp"

namespace irqio {

// The loop's clock (the port's, or the platform's outside a loop), as a std::chrono clock.
struct Clock {
    using rep = int64_t;
    using period = std::micro;
    using duration = std::chrono::duration<rep, period>;
    using time_point = std::chrono::time_point<Clock>;
    static constexpr bool is_steady = true;
    static time_point now() noexcept;
};

uint64_t now_us() noexcept;
inline uint32_t ticks_us() noexcept {
    return static_cast<uint32_t>(now_us());
}
inline uint32_t ticks_ms() noexcept {
    return static_cast<uint32_t>(now_us() / 1000u);
}
inline uint32_t ticks_add(uint32_t t, int32_t d) noexcept {
    return t + static_cast<uint32_t>(d);
}
// Signed a - b, correct across a wrap as long as the two are less than 2^31 ticks apart.
inline int32_t ticks_diff(uint32_t a, uint32_t b) noexcept {
    return static_cast<int32_t>(a - b);
}

namespace detail {
// Suspends until `deadline_us`; a deadline not in the future yields once (behind every ready task).
class SleepAwaiter {
  public:
    // deadline 0 means "yield once"; the node's own fields hold the request (kept small: every
    // sleeping task carries one of these in its frame).
    explicit SleepAwaiter(uint64_t deadline_us) noexcept { node_.deadline = deadline_us; }
    SleepAwaiter(const SleepAwaiter&) = delete;
    SleepAwaiter(SleepAwaiter&& o) noexcept { node_.deadline = o.node_.deadline; }
    ~SleepAwaiter() {
        if (node_.linked) Loop::current()->remove_timer(&node_);
    }
    bool await_ready() const noexcept { return false; }
    void await_suspend(std::coroutine_handle<> h) noexcept {
        Loop* loop = Loop::current();
        TaskBase* t = loop->running();
        t->resume = h;
        if (node_.deadline == 0 || node_.deadline <= loop->now_us()) {
            loop->make_ready(t, false);
            return;
        }
        node_.task = t;
        loop->add_timer(&node_);
    }
    void await_resume() const noexcept {}

  private:
    TimerNode node_;
};
inline uint64_t deadline_after_us(uint64_t us) noexcept {
    uint64_t now = now_us();
    return us > kNever - now ? kNever : now + us;
}
}  // namespace detail

inline detail::SleepAwaiter sleep_us(uint64_t us) noexcept {
    return detail::SleepAwaiter(us == 0 ? 0 : detail::deadline_after_us(us));
}
inline detail::SleepAwaiter sleep_ms(uint32_t ms) noexcept {
    return sleep_us(static_cast<uint64_t>(ms) * 1000u);
}
template <class Rep, class Per>
detail::SleepAwaiter sleep(std::chrono::duration<Rep, Per> d) noexcept {
    auto us = std::chrono::ceil<std::chrono::microseconds>(d).count();
    return sleep_us(us <= 0 ? 0 : static_cast<uint64_t>(us));
}
inline detail::SleepAwaiter sleep_until(Clock::time_point tp) noexcept {
    int64_t us = tp.time_since_epoch().count();
    return detail::SleepAwaiter(us <= 0 ? 0 : static_cast<uint64_t>(us));
}
// Yields once: every other ready task runs before this one continues.
inline detail::SleepAwaiter yield_now() noexcept {
    return detail::SleepAwaiter(0);
}

}  // namespace irqio
