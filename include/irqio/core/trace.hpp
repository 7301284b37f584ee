// Tracing (IRQIO_TRACE=1): what tasks, handlers and other threads did, as timestamped records in
// one fixed ring, written lock-free from any context. With IRQIO_TRACE=0 every hook is empty.
#pragma once
#include <atomic>
#include <cstddef>
#include <cstdint>

#include "irqio/config.hpp"

namespace irqio::trace {

// What a record says. `a` and `b` are per kind (ids are addresses: task headers, inbox nodes).
enum class Kind : uint8_t {
    task_created,    // a task, b the loop's running task (its creator) or 0
    task_run,        // a task: the loop resumes it
    task_suspended,  // a task: its step returned
    task_woken,      // a task, b the waking task in task context, else 0 (the cause precedes it)
    task_finished,   // a task
    task_cancelled,  // a task
    signal,          // a inbox node, b the loop signalled (any context: `ctx` says which)
    drain,           // a inbox node the loop acts on (task context)
    irq_enter,       // a interrupt id: Cortex-M the exception number, Linux signals 0x200 + signo,
                     // virtual-board lines 0x100 + line, a user's handler its own choice
    irq_leave,       // a interrupt id
    timer_fired,     // a timer node (the wake it causes follows)
    queue_depth,     // a queue, b items in it after a put or a get
    queue_drop,      // a queue, b items dropped so far
    schedule_overflow,  // a the callback refused
    user,               // a user id, b user value (trace::user)
    count_
};

// Who wrote it: a task of the record's loop, a handler, another loop's task, a thread with no loop.
enum class Context : uint8_t { task, handler, other_loop, thread };

// One event as read back (trace::read, trace::dump): ts in nanoseconds of the port's clock.
struct Event {
    uint32_t seq;  // position in the whole recording (wraps at 2^32)
    Kind kind;
    Context ctx;
    uint16_t level;  // interrupt nesting of the writer (IrqScope depth)
    uint64_t ts_ns;
    uintptr_t a, b;
    uintptr_t loop;    // the loop the event concerns (signal: the target), 0 if none
    uintptr_t thread;  // the writer's thread (one value on bare metal)
};

// One slot: the writer publishes `seq` last, so a reader keeps only slots whose seq it expects.
struct Slot {
    std::atomic<uint32_t> seq{0};  // 0 while written, else the record's index + 1
    std::atomic<uint32_t> info{0};
    std::atomic<uint32_t> ts_lo{0}, ts_hi{0};
    std::atomic<uintptr_t> a{0}, b{0}, loop{0}, thread{0};
};

// When the ring is full: overwrite the oldest records (a flight recorder: the end of the run is
// kept) or drop the new ones (the start is kept). Either way lost() counts what is not there.
enum class Mode : uint8_t { overwrite_oldest, drop_new };

#if IRQIO_TRACE
namespace detail {
void emit(Kind k, const void* a, uintptr_t b, const void* loop) noexcept;
void irq_edge(Kind k, uint32_t id) noexcept;
}  // namespace detail
#define IRQIO_TRACE_HOOK(...) ::irqio::trace::detail::emit(__VA_ARGS__)
#else
namespace detail {
template <class... A>
IRQIO_INLINE void none(const A&...) noexcept {}
}  // namespace detail
#define IRQIO_TRACE_HOOK(...) ::irqio::trace::detail::none(__VA_ARGS__)
#endif

// Task context, before recording starts or after it stops: the ring (a power of two of slots;
// without a call, a built-in one of IRQIO_TRACE_EVENTS) and the mode. Forgets what was recorded.
void set_buffer(Slot* slots, std::size_t count, Mode mode = Mode::overwrite_oldest) noexcept;
void reset() noexcept;
// Any context: records from now on (default) or not (a stopped ring can be read at leisure).
void enable(bool on) noexcept;
// Records written so far, and how many of them are not in the ring (overwritten or dropped).
uint64_t written() noexcept;
uint64_t lost() noexcept;
std::size_t capacity() noexcept;
// Any context: names a task (its header address), an interrupt id or a user id, for the host tool.
// `name` must live as long as the recording (a string literal). At most IRQIO_TRACE_NAMES names.
void set_name(uintptr_t id, const char* name) noexcept;
// Names the running task (task context).
void name_current_task(const char* name) noexcept;
// Reads back the i-th record still in the ring (0 = oldest kept); false past the end or for a
// slot being rewritten. For tests and dumpers; safe while others record.
std::size_t kept() noexcept;
bool read(std::size_t i, Event& out) noexcept;
// Writes the recording as text lines (tools/irqio_trace.py reads them) through `write`, which a
// port supplies (a file, semihosting, a UART). Stops recording while it runs.
using WriteFn = void (*)(void* ctx, const char* text, std::size_t len);
void dump(WriteFn write, void* ctx) noexcept;

// ---- hooks: one inline call each in the core; nothing at all with IRQIO_TRACE=0 ----
IRQIO_INLINE void task_created(const void* t, const void* creator) noexcept {
    IRQIO_TRACE_HOOK(Kind::task_created, t, reinterpret_cast<uintptr_t>(creator), nullptr);
}
IRQIO_INLINE void task_run(const void* t) noexcept {
    IRQIO_TRACE_HOOK(Kind::task_run, t, 0, nullptr);
}
IRQIO_INLINE void task_suspended(const void* t) noexcept {
    IRQIO_TRACE_HOOK(Kind::task_suspended, t, 0, nullptr);
}
IRQIO_INLINE void task_woken(const void* t, const void* by) noexcept {
    IRQIO_TRACE_HOOK(Kind::task_woken, t, reinterpret_cast<uintptr_t>(by), nullptr);
}
IRQIO_INLINE void task_done(const void* t, bool finished) noexcept {
    IRQIO_TRACE_HOOK(finished ? Kind::task_finished : Kind::task_cancelled, t, 0, nullptr);
}
IRQIO_INLINE void signal(const void* node, const void* loop) noexcept {
    IRQIO_TRACE_HOOK(Kind::signal, node, reinterpret_cast<uintptr_t>(loop), loop);
}
IRQIO_INLINE void drain(const void* node) noexcept {
    IRQIO_TRACE_HOOK(Kind::drain, node, 0, nullptr);
}
// The loop steps a lone woken task at once (no run queue): its drain and its wake.
IRQIO_INLINE void lone_wake(const void* node, const void* t) noexcept {
    IRQIO_TRACE_HOOK(Kind::drain, node, 0, nullptr);
    IRQIO_TRACE_HOOK(Kind::task_woken, t, 0, nullptr);
}
IRQIO_INLINE void timer_fired(const void* timer) noexcept {
    IRQIO_TRACE_HOOK(Kind::timer_fired, timer, 0, nullptr);
}
// A queue's depth after a put or get, and its drops: read only when recording (atomic loads that
// the compiler would keep), so the queue is passed, not the figures.
template <class Q>
IRQIO_INLINE void queue_depth([[maybe_unused]] const Q* q) noexcept {
#if IRQIO_TRACE
    detail::emit(Kind::queue_depth, q, q->size(), nullptr);
#endif
}
template <class Q>
IRQIO_INLINE void queue_drop([[maybe_unused]] const Q* q) noexcept {
#if IRQIO_TRACE
    detail::emit(Kind::queue_drop, q, q->dropped(), nullptr);
#endif
}
IRQIO_INLINE void schedule_overflow(const void* loop, void (*fn)(void*)) noexcept {
    IRQIO_TRACE_HOOK(Kind::schedule_overflow, reinterpret_cast<const void*>(fn), 0, loop);
}
// A user's own event (any context): an id (named with set_name) and a value.
IRQIO_INLINE void user(uintptr_t id, uintptr_t value) noexcept {
    IRQIO_TRACE_HOOK(Kind::user, reinterpret_cast<const void*>(id), value, nullptr);
}
#undef IRQIO_TRACE_HOOK

// Handler side: entered and left around an interrupt's body, by irqio's own trampolines and by any
// user handler that wants its time on the trace (IRQIO_TRACE_IRQ(id) at the top of the handler).
class IrqScope {
  public:
    IRQIO_INLINE explicit IrqScope(uint32_t id) noexcept : id_(id) {
#if IRQIO_TRACE
        detail::irq_edge(Kind::irq_enter, id_);
#endif
    }
    IRQIO_INLINE ~IrqScope() {
#if IRQIO_TRACE
        detail::irq_edge(Kind::irq_leave, id_);
#endif
    }
    IrqScope(const IrqScope&) = delete;
    IrqScope& operator=(const IrqScope&) = delete;

  private:
    [[maybe_unused]] uint32_t id_;
};

}  // namespace irqio::trace

#if IRQIO_TRACE
#define IRQIO_TRACE_IRQ_CAT2_(a, b) a##b
#define IRQIO_TRACE_IRQ_CAT_(a, b) IRQIO_TRACE_IRQ_CAT2_(a, b)
#define IRQIO_TRACE_IRQ(id) \
    ::irqio::trace::IrqScope IRQIO_TRACE_IRQ_CAT_(irqio_trace_irq_, __LINE__)(id)
#else
#define IRQIO_TRACE_IRQ(id) ((void)0)
#endif
