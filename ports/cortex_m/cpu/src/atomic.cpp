// The libatomic entry points GCC calls for atomics the core cannot do in a few instructions:
// 64-bit ones everywhere (ARMv7-M has no LDREXD/STREXD), and every read-modify-write on ARMv6-M
// (no LDREX/STREX at all). The toolchain ships no libatomic for bare metal, so a portable header
// that uses std::atomic<uint64_t> (irqio::Adc) or fetch_add (irqio::Uart) would not link without
// these. On a single core, masking interrupts with PRIMASK makes a short sequence atomic against
// every handler that may call irqio (see irq.hpp), which is all libatomic has to guarantee here.
// Each function sits in its own section, so a program links only the ones it uses.
#include <cstdint>

#include "irqio/cortex_m/irq.hpp"

namespace {

using irqio::cortex_m::irq_disable;
using irqio::cortex_m::irq_restore;

template <class T>
T load(const volatile void* p) noexcept {
    uint32_t s = irq_disable();
    T v = *static_cast<const volatile T*>(p);
    irq_restore(s);
    return v;
}
template <class T>
void store(volatile void* p, T v) noexcept {
    uint32_t s = irq_disable();
    *static_cast<volatile T*>(p) = v;
    irq_restore(s);
}
template <class T>
T exchange(volatile void* p, T v) noexcept {
    uint32_t s = irq_disable();
    auto* a = static_cast<volatile T*>(p);
    T old = *a;
    *a = v;
    irq_restore(s);
    return old;
}
template <class T>
bool compare_exchange(volatile void* p, void* expected, T desired) noexcept {
    uint32_t s = irq_disable();
    auto* a = static_cast<volatile T*>(p);
    auto* e = static_cast<T*>(expected);
    T cur = *a;
    bool ok = cur == *e;
    if (ok)
        *a = desired;
    else
        *e = cur;
    irq_restore(s);
    return ok;
}
template <class T, class Op>
T fetch_op(volatile void* p, T v, Op op) noexcept {
    uint32_t s = irq_disable();
    auto* a = static_cast<volatile T*>(p);
    T old = *a;
    *a = op(old, v);
    irq_restore(s);
    return old;
}

}  // namespace

// GCC knows these names as builtins, so they are defined under other names and given the
// libatomic symbol names with asm labels.
#define IRQIO_ATOMIC_SIZED(N, T)                                                                 \
    extern "C" T irqio_atomic_load_##N(const volatile void* p,                                   \
                                       int) noexcept __asm__("__atomic_load_" #N);               \
    extern "C" T irqio_atomic_load_##N(const volatile void* p, int) noexcept {                   \
        return load<T>(p);                                                                       \
    }                                                                                            \
    extern "C" void irqio_atomic_store_##N(volatile void* p, T v,                                \
                                           int) noexcept __asm__("__atomic_store_" #N);          \
    extern "C" void irqio_atomic_store_##N(volatile void* p, T v, int) noexcept {                \
        store<T>(p, v);                                                                          \
    }                                                                                            \
    extern "C" T irqio_atomic_exchange_##N(volatile void* p, T v,                                \
                                           int) noexcept __asm__("__atomic_exchange_" #N);       \
    extern "C" T irqio_atomic_exchange_##N(volatile void* p, T v, int) noexcept {                \
        return exchange<T>(p, v);                                                                \
    }                                                                                            \
    extern "C" bool irqio_atomic_compare_exchange_##N(                                           \
        volatile void* p, void* e, T d, bool, int,                                               \
        int) noexcept __asm__("__atomic_compare_exchange_" #N);                                  \
    extern "C" bool irqio_atomic_compare_exchange_##N(volatile void* p, void* e, T d, bool, int, \
                                                      int) noexcept {                            \
        return compare_exchange<T>(p, e, d);                                                     \
    }                                                                                            \
    IRQIO_ATOMIC_FETCH(N, T, add, a + b)                                                         \
    IRQIO_ATOMIC_FETCH(N, T, sub, a - b)                                                         \
    IRQIO_ATOMIC_FETCH(N, T, and, a& b)                                                          \
    IRQIO_ATOMIC_FETCH(N, T, or, a | b)                                                          \
    IRQIO_ATOMIC_FETCH(N, T, xor, a ^ b)

#define IRQIO_ATOMIC_FETCH(N, T, name, expr)                                            \
    extern "C" T irqio_atomic_fetch_##name##_##N(                                       \
        volatile void* p, T v, int) noexcept __asm__("__atomic_fetch_" #name "_" #N);   \
    extern "C" T irqio_atomic_fetch_##name##_##N(volatile void* p, T v, int) noexcept { \
        return fetch_op<T>(p, v, [](T a, T b) -> T { return static_cast<T>(expr); });   \
    }                                                                                   \
    extern "C" T irqio_atomic_##name##_fetch_##N(                                       \
        volatile void* p, T v, int) noexcept __asm__("__atomic_" #name "_fetch_" #N);   \
    extern "C" T irqio_atomic_##name##_fetch_##N(volatile void* p, T v, int) noexcept { \
        T a = fetch_op<T>(p, v, [](T a, T b) -> T { return static_cast<T>(expr); });    \
        T b = v;                                                                        \
        return static_cast<T>(expr);                                                    \
    }

IRQIO_ATOMIC_SIZED(1, uint8_t)
IRQIO_ATOMIC_SIZED(2, uint16_t)
IRQIO_ATOMIC_SIZED(4, uint32_t)
IRQIO_ATOMIC_SIZED(8, uint64_t)
