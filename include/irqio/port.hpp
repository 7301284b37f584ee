// The narrow interface between the portable core and a platform: now, wait until, notify, mask.
// A loop owns one Port; the free functions below are link-time hooks that each port library
// defines.
#pragma once
#include <cstdint>

namespace irqio {

inline constexpr uint64_t kNever = UINT64_MAX;  // "no deadline" for Port::wait_until

// One instance per loop. now_us() and wait_until() are called only by the loop's own thread;
// notify() may be called from any context (interrupt, signal handler, other thread or core).
class Port {
  public:
    // Monotonic microseconds from an arbitrary origin; 64 bits, so it never wraps in practice.
    virtual uint64_t now_us() noexcept = 0;
    // Sleeps until now_us() >= deadline_us, or until notify(); may return early (spurious).
    // Must return promptly if notify() ran at any time since the previous wait_until returned:
    // a notify is sticky until it has ended one wait. This is what makes the idle race-free.
    virtual void wait_until(uint64_t deadline_us) noexcept = 0;
    // Any context: ends the current or the next wait_until.
    virtual void notify() noexcept = 0;
    // Task context, between passes of a busy loop: collect I/O readiness without sleeping.
    virtual void poll() noexcept {}
    // True on a single core where any interrupt ends wait_until even when entered with interrupts
    // masked (port::irq_save): the loop then makes its last check for work under the mask, and
    // interrupt handlers never need notify(). Asked once, when a Loop is built on this port.
    virtual bool wakes_on_interrupt() const noexcept { return false; }

  protected:
    ~Port() = default;
};

namespace port {

// Masks the interrupts (on Linux: the signals) that may run user handlers; returns the previous
// mask for irq_restore. Nests. Used by CriticalSection and, on cores without CAS, by atomics.
using IrqState = uint32_t;
IrqState irq_save() noexcept;
void irq_restore(IrqState previous) noexcept;

// The platform's monotonic clock, used by ticks_ms()/ticks_us() outside a running loop.
uint64_t clock_us() noexcept;

// The port a loop uses when the caller gives none (irqio::run). One per thread on hosted ports.
Port& default_port() noexcept;

// Reports a broken contract (IRQIO_ASSERT) and stops the program.
[[noreturn]] void fatal(const char* what, const char* file, int line) noexcept;

}  // namespace port
}  // namespace irqio

// Hooks on the interrupt path, inline where the port allows. A port's build defines
// IRQIO_PORT_INLINE_HEADER (a quoted header name) for a header that defines, in irqio::port,
//   inline constexpr bool kHandlerKnown;  // true: in_handler() is exact; false: only a hint
//   IRQIO_INLINE bool in_handler() noexcept;  // any context: the caller runs in a handler
//   IRQIO_INLINE uintptr_t context() noexcept;  // any context: which handler (0: none), so an
//                                              // interrupt level's loop knows its own context
//   IRQIO_INLINE void cpu_relax() noexcept;   // one turn of a busy-wait (a pause, or nothing)
// so the core stays free of CPU code. Without it they are link-time hooks like the ones above.
#ifdef IRQIO_PORT_INLINE_HEADER
#include IRQIO_PORT_INLINE_HEADER
#else
namespace irqio::port {
inline constexpr bool kHandlerKnown = false;
bool in_handler() noexcept;
uintptr_t context() noexcept;
void cpu_relax() noexcept;
}  // namespace irqio::port
#endif
