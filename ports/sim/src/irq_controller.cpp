// The interrupt controller model: pending bits in one atomic word, a coalesced signal per burst of
// pends, priority dispatch with preemption in the signal handler.
#include "irqio/sim/irq_controller.hpp"

#include <errno.h>
#include <signal.h>
#include <time.h>

#include "irqio/config.hpp"
#include "irqio/core/trace.hpp"
#include "irqio/linux.hpp"

namespace irqio::sim {

uint64_t mono_ns() noexcept {
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<uint64_t>(ts.tv_sec) * 1000000000u + static_cast<uint64_t>(ts.tv_nsec);
}
uint64_t mono_us() noexcept {
    return mono_ns() / 1000u;
}

IrqController::IrqController(int signo) noexcept
    : signo_(signo ? signo : SIGRTMIN + 3), thread_(pthread_self()) {
    int r = linux_port::attach_signal(signo_, &IrqController::on_signal, this);
    IRQIO_ASSERT(r == 0, "IrqController: attach_signal failed");
    trace::set_name(0x200u + static_cast<uint32_t>(signo_), "board irq signal");
}

IrqController::~IrqController() {
    // Mask, detach, then nothing can run a handler of ours any more.
    sigset_t s, old;
    sigemptyset(&s);
    sigaddset(&s, signo_);
    pthread_sigmask(SIG_BLOCK, &s, &old);
    linux_port::detach_signal(signo_);
    // Drop a signal that is still queued for this thread (it would otherwise be ignored anyway).
    timespec zero{0, 0};
    while (sigtimedwait(&s, nullptr, &zero) > 0) {
    }
    pthread_sigmask(SIG_SETMASK, &old, nullptr);
}

void IrqController::attach(int line, IrqHandler h, void* ctx, uint8_t priority) noexcept {
    IRQIO_ASSERT(line >= 0 && line < kLines, "IrqController: bad line");
    lines_[line].ctx = ctx;
    lines_[line].priority = priority;
    lines_[line].handler.store(h, std::memory_order_release);
    enable(line);
}

void IrqController::detach(int line) noexcept {
    disable(line);
    clear_pending(line);
    lines_[line].handler.store(nullptr, std::memory_order_release);
}

void IrqController::set_priority(int line, uint8_t priority) noexcept {
    lines_[line].priority = priority;
}

void IrqController::enable(int line) noexcept {
    enabled_.fetch_or(1u << line, std::memory_order_seq_cst);
    if (pending(line)) raise();
}

void IrqController::disable(int line) noexcept {
    enabled_.fetch_and(~(1u << line), std::memory_order_seq_cst);
}

void IrqController::pend(int line) noexcept {
    uint32_t bit = 1u << line;
    pending_.fetch_or(bit, std::memory_order_seq_cst);
    if (enabled_.load(std::memory_order_seq_cst) & bit) raise();
}

void IrqController::clear_pending(int line) noexcept {
    pending_.fetch_and(~(1u << line), std::memory_order_seq_cst);
}

uint64_t IrqController::total() const noexcept {
    uint64_t t = 0;
    for (const Line& l : lines_) t += l.count.load(std::memory_order_relaxed);
    return t;
}

// One signal stands for every pend until the handler starts: it clears signal_sent_ first, so a
// pend after that sends a new one. pthread_kill is async-signal-safe.
void IrqController::raise() noexcept {
    if (signal_sent_.exchange(true, std::memory_order_seq_cst)) return;
    signals_.fetch_add(1, std::memory_order_relaxed);
    int saved = errno;
    pthread_kill(thread_, signo_);
    errno = saved;
}

void IrqController::on_signal(int, void* ctx) {
    static_cast<IrqController*>(ctx)->dispatch();
}

void IrqController::dispatch() noexcept {
    signal_sent_.store(false, std::memory_order_seq_cst);
    for (;;) {
        uint32_t m =
            pending_.load(std::memory_order_seq_cst) & enabled_.load(std::memory_order_seq_cst);
        int best = -1, best_prio = active_prio_;
        for (uint32_t mm = m; mm; mm &= mm - 1) {
            int line = __builtin_ctz(mm);
            int p = lines_[line].priority;
            if (p < best_prio) {  // strictly more urgent than what runs now; ties: lowest line
                best = line;
                best_prio = p;
            }
        }
        if (best < 0) return;
        uint32_t bit = 1u << best;
        if ((pending_.fetch_and(~bit, std::memory_order_seq_cst) & bit) == 0) continue;
        IrqHandler h = lines_[best].handler.load(std::memory_order_acquire);
        if (!h) continue;
        int saved_prio = active_prio_;
        active_prio_ = best_prio;
        ++depth_;
        if (static_cast<uint32_t>(depth_) > max_depth_.load(std::memory_order_relaxed))
            max_depth_.store(static_cast<uint32_t>(depth_), std::memory_order_relaxed);
        lines_[best].count.fetch_add(1, std::memory_order_relaxed);
        IRQIO_TRACE_IRQ(0x100u + static_cast<uint32_t>(best));
        IrqTraceHook trace = trace_.load(std::memory_order_acquire);
        uint64_t t0 = trace ? mono_us() : 0;
        // Let more urgent lines preempt this handler: unblock our signal while it runs.
        sigset_t s, old;
        sigemptyset(&s);
        sigaddset(&s, signo_);
        pthread_sigmask(SIG_UNBLOCK, &s, &old);
        h(lines_[best].ctx);
        pthread_sigmask(SIG_SETMASK, &old, nullptr);
        if (trace) trace(trace_ctx_, best, t0, mono_us());
        --depth_;
        active_prio_ = saved_prio;
    }
}

}  // namespace irqio::sim
