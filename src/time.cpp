#include "irqio/time.hpp"

namespace irqio {

uint64_t now_us() noexcept {
    Loop* l = Loop::current();
    return l ? l->now_us() : port::clock_us();
}

Clock::time_point Clock::now() noexcept {
    return time_point(duration(static_cast<int64_t>(now_us())));
}

}  // namespace irqio
