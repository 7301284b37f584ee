#include "irqio/isr/schedule.hpp"

#include <atomic>

namespace irqio {
namespace detail {
extern std::atomic<Loop*> g_default_loop;  // src/loop.cpp
}

Loop* default_loop() noexcept {
    return detail::load_acquire(detail::g_default_loop);
}

bool schedule(void (*fn)(void*), void* arg) noexcept {
    Loop* l = default_loop();
    return l ? l->schedule(fn, arg) : false;
}

}  // namespace irqio
