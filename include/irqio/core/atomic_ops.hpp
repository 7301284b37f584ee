// Atomics between task and handler context. On cores without compare-and-swap (ARMv6-M) a masked
// section of a few instructions replaces read-modify-write; on one core (IRQIO_UNIPROCESSOR) the
// ordering comes from compiler fences, since a handler sees the interrupted code in program order.
#pragma once
#include <atomic>
#include <type_traits>

#include "irqio/config.hpp"
#include "irqio/core/step_hook.hpp"
#include "irqio/port.hpp"

namespace irqio::detail {

#if IRQIO_UNIPROCESSOR
// The compiler may not move memory accesses across it; the CPU needs nothing more.
IRQIO_INLINE void context_fence() noexcept {
    std::atomic_signal_fence(std::memory_order_seq_cst);
}
template <class T>
IRQIO_INLINE T load_sc(const std::atomic<T>& a) noexcept {
    context_fence();
    T v = a.load(std::memory_order_relaxed);
    context_fence();
    return v;
}
template <class T>
IRQIO_INLINE void store_sc(std::atomic<T>& a, std::type_identity_t<T> v) noexcept {
    context_fence();
    a.store(v, std::memory_order_relaxed);
    context_fence();
}
template <class T>
IRQIO_INLINE T load_acquire(const std::atomic<T>& a) noexcept {
    return load_sc(a);
}
template <class T>
IRQIO_INLINE void store_release(std::atomic<T>& a, std::type_identity_t<T> v) noexcept {
    store_sc(a, v);
}
#else
// Test builds (IRQIO_STEP_HOOKS) get a step point after each load and before each store and
// read-modify-write, so test_interleave can run a handler between any two atomic steps.
template <class T>
IRQIO_INLINE T load_sc(const std::atomic<T>& a) noexcept {
    T v = a.load(std::memory_order_seq_cst);
    step_hook(StepPoint::atomic_load);
    return v;
}
template <class T>
IRQIO_INLINE void store_sc(std::atomic<T>& a, std::type_identity_t<T> v) noexcept {
    step_hook(StepPoint::atomic_store);
    a.store(v, std::memory_order_seq_cst);
}
template <class T>
IRQIO_INLINE T load_acquire(const std::atomic<T>& a) noexcept {
    T v = a.load(std::memory_order_acquire);
    step_hook(StepPoint::atomic_load);
    return v;
}
template <class T>
IRQIO_INLINE void store_release(std::atomic<T>& a, std::type_identity_t<T> v) noexcept {
    step_hook(StepPoint::atomic_store);
    a.store(v, std::memory_order_release);
}
#endif

// atomic_cas is strong: it fails only when the value differs from `expected` (an interrupt between
// ldrex and strex must not pass for a change), so a single call can decide.
#if IRQIO_NO_CAS
template <class T>
IRQIO_INLINE T atomic_exchange(std::atomic<T>& a, T v) noexcept {
    port::IrqState s = port::irq_save();
    T old = a.load(std::memory_order_relaxed);
    a.store(v, std::memory_order_relaxed);
    port::irq_restore(s);
    return old;
}
template <class T>
IRQIO_INLINE bool atomic_cas(std::atomic<T>& a, T& expected, T desired) noexcept {
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
IRQIO_INLINE T atomic_fetch_add(std::atomic<T>& a, T v) noexcept {
    port::IrqState s = port::irq_save();
    T old = a.load(std::memory_order_relaxed);
    a.store(old + v, std::memory_order_relaxed);
    port::irq_restore(s);
    return old;
}
#elif IRQIO_UNIPROCESSOR
template <class T>
IRQIO_INLINE T atomic_exchange(std::atomic<T>& a, T v) noexcept {
    context_fence();
    T old = a.exchange(v, std::memory_order_relaxed);
    context_fence();
    return old;
}
template <class T>
IRQIO_INLINE bool atomic_cas(std::atomic<T>& a, T& expected, T desired) noexcept {
    context_fence();
    bool ok = a.compare_exchange_strong(expected, desired, std::memory_order_relaxed,
                                        std::memory_order_relaxed);
    context_fence();
    return ok;
}
template <class T>
IRQIO_INLINE T atomic_fetch_add(std::atomic<T>& a, T v) noexcept {
    context_fence();
    T old = a.fetch_add(v, std::memory_order_relaxed);
    context_fence();
    return old;
}
#else
template <class T>
IRQIO_INLINE T atomic_exchange(std::atomic<T>& a, T v) noexcept {
    step_hook(StepPoint::atomic_rmw);
    return a.exchange(v, std::memory_order_seq_cst);
}
template <class T>
IRQIO_INLINE bool atomic_cas(std::atomic<T>& a, T& expected, T desired) noexcept {
    step_hook(StepPoint::atomic_rmw);
    return a.compare_exchange_strong(expected, desired, std::memory_order_seq_cst,
                                     std::memory_order_seq_cst);
}
template <class T>
IRQIO_INLINE T atomic_fetch_add(std::atomic<T>& a, T v) noexcept {
    step_hook(StepPoint::atomic_rmw);
    return a.fetch_add(v, std::memory_order_seq_cst);
}
#endif

}  // namespace irqio::detail
