// Per-thread state of the core (the current loop, the frame allocator): thread_local on hosted
// ports, one plain variable on a single-core bare-metal build, and with IRQIO_CORES > 1 a slot
// per core picked by port::core_id() (bare metal has no thread-local storage).
#pragma once
#include "irqio/config.hpp"
#include "irqio/port.hpp"

namespace irqio::detail {

#if IRQIO_CORES > 1
// Reads and writes like a T; each core sees only its own slot (only that core writes it).
template <class T>
class PerCore {
  public:
    constexpr PerCore() noexcept = default;
    IRQIO_INLINE operator T() const noexcept { return slots_[port::core_id()]; }
    IRQIO_INLINE T operator->() const noexcept { return slots_[port::core_id()]; }
    IRQIO_INLINE PerCore& operator=(T v) noexcept {
        slots_[port::core_id()] = v;
        return *this;
    }

  private:
    T slots_[IRQIO_CORES] = {};
};
template <class T>
using PerContext = PerCore<T>;
#else
template <class T>
using PerContext = T;
#endif

}  // namespace irqio::detail
