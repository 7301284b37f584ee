// Atomic read-modify-write that also works on cores without compare-and-swap (ARMv6-M).
// There, a masked section of a few instructions replaces the atomic; everywhere else it is
// std::atomic.
#pragma once
#include <atomic>

#include "irqio/config.hpp"
#include "irqio/port.hpp"

namespace irqio::detail {

#if IRQIO_NO_CAS
template <class T>
T atomic_exchange(std::atomic<T>& a, T v) noexcept {
    port::IrqState s = port::irq_save();
    T old = a.load(std::memory_order_relaxed);
    a.store(v, std::memory_order_relaxed);
    port::irq_restore(s);
    return old;
}
template <class T>
bool atomic_cas(std::atomic<T>& a, T& expected, T desired) noexcept {
    port::IrqState s = port::irq_save();
    T cur = a.load(std::memory_order_relaxed);
    bool ok = cur == expected;
    if (ok)
        a.store(desired, std::memory_order_relaxed);
    else
        expected = cur;
    port::irq_restore(s);
    return ok;
}
template <class T>
T atomic_fetch_add(std::atomic<T>& a, T v) noexcept {
    port::IrqState s = port::irq_save();
    T old = a.load(std::memory_order_relaxed);
    a.store(old + v, std::memory_order_relaxed);
    port::irq_restore(s);
    return old;
}
#else
template <class T>
T atomic_exchange(std::atomic<T>& a, T v) noexcept {
    return a.exchange(v, std::memory_order_seq_cst);
}
template <class T>
bool atomic_cas(std::atomic<T>& a, T& expected, T desired) noexcept {
    return a.compare_exchange_weak(expected, desired, std::memory_order_seq_cst,
                                   std::memory_order_seq_cst);
}
template <class T>
T atomic_fetch_add(std::atomic<T>& a, T v) noexcept {
    return a.fetch_add(v, std::memory_order_seq_cst);
}
#endif

}  // namespace irqio::detail
