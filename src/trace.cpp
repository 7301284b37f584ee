// The trace ring: a claim by one fetch-add, then a seqlock-style slot write, from any context.
// Compiled empty unless IRQIO_TRACE=1, so a program without tracing links none of it.
#include "irqio/core/trace.hpp"

#if IRQIO_TRACE
#include "irqio/core/atomic_ops.hpp"
#include "irqio/core/loop.hpp"
#include "irqio/port.hpp"

namespace irqio {
namespace port {
// The trace's clock in nanoseconds. Any port has microseconds; one with a finer clock overrides
// this (a strong definition in an object file the program links anyway, as the Linux port does).
[[gnu::weak]] uint64_t trace_clock_ns() noexcept {
    return clock_us() * 1000u;
}
}  // namespace port

namespace trace {
namespace {

constinit Slot g_builtin[IRQIO_TRACE_EVENTS];
static_assert((IRQIO_TRACE_EVENTS & (IRQIO_TRACE_EVENTS - 1)) == 0, "a power of two");

struct Name {
    std::atomic<uintptr_t> id{0};
    std::atomic<const char*> name{nullptr};
};
constinit Name g_names[IRQIO_TRACE_NAMES];

// Changed only by set_buffer (no writers then); read by every writer.
constinit Slot* g_slots = g_builtin;
constinit uintptr_t g_mask = IRQIO_TRACE_EVENTS - 1;
constinit Mode g_mode = Mode::overwrite_oldest;
constinit std::atomic<uintptr_t> g_head{0};  // records claimed so far
constinit std::atomic<bool> g_on{true};
// Interrupt nesting of this thread's IrqScopes; its address tells threads apart.
constinit IRQIO_THREAD_LOCAL uint16_t t_level = 0;

#if defined(__SANITIZE_THREAD__)
#define IRQIO_TRACE_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define IRQIO_TRACE_TSAN 1
#endif
#endif

// ThreadSanitizer does not model fences: there every slot access is sequentially consistent
// instead, which orders the seqlock without them.
#if IRQIO_TRACE_TSAN
constexpr auto kSlotOrder = std::memory_order_seq_cst;
IRQIO_INLINE void fence_release() noexcept {}
IRQIO_INLINE void fence_acquire() noexcept {}
#else
constexpr auto kSlotOrder = std::memory_order_relaxed;
IRQIO_INLINE void fence_release() noexcept {
#if IRQIO_UNIPROCESSOR
    std::atomic_signal_fence(std::memory_order_release);
#else
    std::atomic_thread_fence(std::memory_order_release);
#endif
}
IRQIO_INLINE void fence_acquire() noexcept {
#if IRQIO_UNIPROCESSOR
    std::atomic_signal_fence(std::memory_order_acquire);
#else
    std::atomic_thread_fence(std::memory_order_acquire);
#endif
}
#endif

void write_slot(uintptr_t i, uint32_t info, uint64_t ts, uintptr_t a, uintptr_t b,
                uintptr_t loop) noexcept {
    Slot& s = g_slots[i & g_mask];
    // A reader that sees the old seq after these stores sees 0 first and skips the slot.
    s.seq.store(0, kSlotOrder);
    fence_release();
    s.info.store(info, kSlotOrder);
    s.ts_lo.store(static_cast<uint32_t>(ts), kSlotOrder);
    s.ts_hi.store(static_cast<uint32_t>(ts >> 32), kSlotOrder);
    s.a.store(a, kSlotOrder);
    s.b.store(b, kSlotOrder);
    s.loop.store(loop, kSlotOrder);
    s.thread.store(reinterpret_cast<uintptr_t>(&t_level), kSlotOrder);
    irqio::detail::store_release(s.seq, static_cast<uint32_t>(i + 1));
}

void record(Kind k, uintptr_t a, uintptr_t b, const void* loop) noexcept {
    if (!g_on.load(kSlotOrder)) return;
    const uint64_t ts = port::trace_clock_ns();
    Loop* cur = irqio::detail::tls_loop;
    // An interrupt level's tasks run in its handler: their context is the level's, not a handler.
    Context c = Context::other_loop;
    if (cur != nullptr && cur->on_loop_thread())
        c = (loop != nullptr && loop != cur) ? Context::other_loop : Context::task;
    else if (port::in_handler())
        c = Context::handler;
    else if (cur == nullptr)
        c = Context::thread;
    if (loop == nullptr) loop = cur;
    const uintptr_t i = irqio::detail::atomic_fetch_add(g_head, uintptr_t{1});
    if (i > g_mask && g_mode == Mode::drop_new) return;
    const uint32_t info = static_cast<uint32_t>(k) | (static_cast<uint32_t>(c) << 8) |
                          (static_cast<uint32_t>(t_level) << 16);
    write_slot(i, info, ts, a, b, reinterpret_cast<uintptr_t>(loop));
}

uintptr_t first_kept() noexcept {
    const uintptr_t h = g_head.load(std::memory_order_acquire);
    if (g_mode == Mode::drop_new || h <= g_mask + 1) return 0;
    return h - (g_mask + 1);
}

}  // namespace

namespace detail {
void emit(Kind k, const void* a, uintptr_t b, const void* loop) noexcept {
    record(k, reinterpret_cast<uintptr_t>(a), b, loop);
}
void irq_edge(Kind k, uint32_t id) noexcept {
    if (k == Kind::irq_enter) ++t_level;
    record(k, id, 0, nullptr);
    if (k == Kind::irq_leave) --t_level;
}
}  // namespace detail

void set_buffer(Slot* slots, std::size_t count, Mode mode) noexcept {
    IRQIO_ASSERT(slots != nullptr && count != 0 && (count & (count - 1)) == 0,
                 "trace::set_buffer: a power of two of slots");
    g_slots = slots;
    g_mask = count - 1;
    g_mode = mode;
    reset();
}

void reset() noexcept {
    for (uintptr_t i = 0; i <= g_mask; ++i) g_slots[i].seq.store(0, kSlotOrder);
    g_head.store(0, std::memory_order_release);
}

void enable(bool on) noexcept {
    g_on.store(on, std::memory_order_release);
}

uint64_t written() noexcept {
    return g_head.load(std::memory_order_acquire);
}

uint64_t lost() noexcept {
    const uintptr_t h = g_head.load(std::memory_order_acquire);
    return h > g_mask + 1 ? h - (g_mask + 1) : 0;
}

std::size_t capacity() noexcept {
    return g_mask + 1;
}

void set_name(uintptr_t id, const char* name) noexcept {
    for (Name& n : g_names) {
        uintptr_t cur = n.id.load(std::memory_order_acquire);
        if (cur == 0) {
            uintptr_t expected = 0;
            if (!irqio::detail::atomic_cas(n.id, expected, id) && expected != id) continue;
        } else if (cur != id) {
            continue;
        }
        n.name.store(name, std::memory_order_release);
        return;
    }
}

void name_current_task(const char* name) noexcept {
    Loop* l = irqio::detail::tls_loop;
    if (l && l->running()) set_name(reinterpret_cast<uintptr_t>(l->running()), name);
}

std::size_t kept() noexcept {
    const uintptr_t h = g_head.load(std::memory_order_acquire);
    return h > g_mask + 1 ? g_mask + 1 : h;
}

bool read(std::size_t i, Event& out) noexcept {
    if (i >= kept()) return false;
    const uintptr_t idx = first_kept() + i;
    const Slot& s = g_slots[idx & g_mask];
    const uint32_t seq = irqio::detail::load_acquire(s.seq);
    if (seq != static_cast<uint32_t>(idx + 1)) return false;
    const uint32_t info = s.info.load(kSlotOrder);
    out.seq = static_cast<uint32_t>(idx);
    out.kind = static_cast<Kind>(info & 0xFF);
    out.ctx = static_cast<Context>((info >> 8) & 0xFF);
    out.level = static_cast<uint16_t>(info >> 16);
    out.ts_ns = (uint64_t{s.ts_hi.load(kSlotOrder)} << 32) | s.ts_lo.load(kSlotOrder);
    out.a = s.a.load(kSlotOrder);
    out.b = s.b.load(kSlotOrder);
    out.loop = s.loop.load(kSlotOrder);
    out.thread = s.thread.load(kSlotOrder);
    fence_acquire();
    return s.seq.load(kSlotOrder) == seq;  // not rewritten meanwhile
}

namespace {
// Hex without a division (ARMv6-M has none), into a line buffer.
struct Line {
    char buf[192];
    std::size_t n = 0;
    void put(const char* s) noexcept {
        while (*s && n < sizeof buf - 1) buf[n++] = *s++;
    }
    void hex(uint64_t v) noexcept {
        char t[17];
        int k = 0;
        do {
            t[k++] = "0123456789abcdef"[v & 0xF];
            v >>= 4;
        } while (v != 0);
        while (k > 0 && n < sizeof buf - 1) buf[n++] = t[--k];
    }
    void sp() noexcept { put(" "); }
    void flush(WriteFn w, void* ctx) noexcept {
        buf[n++] = '\n';
        w(ctx, buf, n);
        n = 0;
    }
};
}  // namespace

void dump(WriteFn write, void* ctx) noexcept {
    const bool was_on = irqio::detail::atomic_exchange(g_on, false);
    Line l;
    l.put("irqio-trace 1 ns");
    l.flush(write, ctx);
    l.put("info ");
    l.hex(written());
    l.sp();
    l.hex(lost());
    l.sp();
    l.hex(capacity());
    l.sp();
    l.hex(static_cast<uint64_t>(g_mode));
    l.flush(write, ctx);
    for (const Name& nm : g_names) {
        const uintptr_t id = nm.id.load(std::memory_order_acquire);
        const char* s = nm.name.load(std::memory_order_acquire);
        if (id == 0 || s == nullptr) continue;
        l.put("name ");
        l.hex(id);
        l.sp();
        l.put(s);
        l.flush(write, ctx);
    }
    const std::size_t n = kept();
    for (std::size_t i = 0; i < n; ++i) {
        Event e;
        if (!read(i, e)) continue;
        l.put("ev ");
        for (uint64_t v :
             {uint64_t{e.seq}, e.ts_ns, uint64_t(e.kind), uint64_t(e.ctx), uint64_t{e.level},
              uint64_t{e.a}, uint64_t{e.b}, uint64_t{e.loop}, uint64_t{e.thread}}) {
            l.hex(v);
            l.sp();
        }
        l.flush(write, ctx);
    }
    l.put("end");
    l.flush(write, ctx);
    g_on.store(was_on, std::memory_order_release);
}

}  // namespace trace
}  // namespace irqio
#else
// Off: the calls a program may make still link, and do nothing.
namespace irqio::trace {
void set_buffer(Slot*, std::size_t, Mode) noexcept {}
void reset() noexcept {}
void enable(bool) noexcept {}
uint64_t written() noexcept {
    return 0;
}
uint64_t lost() noexcept {
    return 0;
}
std::size_t capacity() noexcept {
    return 0;
}
void set_name(uintptr_t, const char*) noexcept {}
void name_current_task(const char*) noexcept {}
std::size_t kept() noexcept {
    return 0;
}
bool read(std::size_t, Event&) noexcept {
    return false;
}
void dump(WriteFn, void*) noexcept {}
}  // namespace irqio::trace
#endif
