#include "irqio/isr/schedule.hpp"

#include <atomic>

namespace irqio {
namespace detail {
std::atomic<Loop*> g_default_loop{nullptr};
}

Loop* default_loop() noexcept {
    return detail::g_default_loop.load(std::memory_order_acquire);
}

bool schedule(void (*fn)(void*), void* arg) noexcept {
    Loop* l = default_loop();
    return l ? l->schedule(fn, arg) : false;
}

}  // namespace irqio
