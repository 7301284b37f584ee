// IrqController: an NVIC-like interrupt controller for the virtual board on Linux.
//
// Lines 0..31, each with a handler, a priority (lower number = more urgent, as on Cortex-M), an
// enable bit and a pending bit. pend() may come from any thread (the device models run on their
// own) or from a handler; it delivers a real-time signal to the loop's thread (pthread_kill), whose
// handler (inside irqio's IsrScope) runs the pending, enabled lines in priority order. While a
// handler runs, a more urgent line preempts it (nesting: the signal is unblocked around handlers);
// an equal or less urgent one waits until it returns. CriticalSection masks the signal, so it masks
// every line at once, like PRIMASK; disable()/enable() mask one line.
#pragma once
#include <pthread.h>

#include <atomic>
#include <cstdint>

namespace irqio::sim {

using IrqHandler = void (*)(void* ctx) noexcept;
using IrqTraceHook = void (*)(void* ctx, int line, uint64_t start_us, uint64_t end_us) noexcept;

class IrqController {
  public:
    static constexpr int kLines = 32;
    static constexpr int kNoPriority = 256;

    // Binds to the calling thread (the one that will run the loop). signo 0 picks SIGRTMIN + 3.
    explicit IrqController(int signo = 0) noexcept;
    ~IrqController();
    IrqController(const IrqController&) = delete;

    // Task context (or before the loop runs).
    void attach(int line, IrqHandler h, void* ctx, uint8_t priority) noexcept;
    void detach(int line) noexcept;
    void set_priority(int line, uint8_t priority) noexcept;
    uint8_t priority(int line) const noexcept { return lines_[line].priority; }
    void enable(int line) noexcept;
    void disable(int line) noexcept;
    bool enabled(int line) const noexcept { return (enabled_.load() >> line) & 1u; }

    // Any thread or context.
    void pend(int line) noexcept;
    void clear_pending(int line) noexcept;
    bool pending(int line) const noexcept { return (pending_.load() >> line) & 1u; }

    // Handler context: the priority of the handler running now (kNoPriority outside handlers).
    int active_priority() const noexcept { return active_prio_; }
    int nesting() const noexcept { return depth_; }

    // Statistics.
    uint64_t count(int line) const noexcept {
        return lines_[line].count.load(std::memory_order_relaxed);
    }
    uint64_t total() const noexcept;
    uint32_t max_nesting() const noexcept { return max_depth_.load(std::memory_order_relaxed); }
    uint64_t signals_sent() const noexcept { return signals_.load(std::memory_order_relaxed); }

    // Called in handler context after each handler ran (for traces); set before interrupts come.
    void set_trace(IrqTraceHook hook, void* ctx) noexcept {
        trace_ctx_ = ctx;
        trace_.store(hook, std::memory_order_release);
    }
    int signo() const noexcept { return signo_; }
    pthread_t thread() const noexcept { return thread_; }

  private:
    struct Line {
        std::atomic<IrqHandler> handler{nullptr};
        void* ctx = nullptr;
        uint8_t priority = 128;
        std::atomic<uint64_t> count{0};
    };
    static void on_signal(int signo, void* ctx);
    void dispatch() noexcept;
    void raise() noexcept;

    int signo_;
    pthread_t thread_;
    Line lines_[kLines];
    std::atomic<uint32_t> pending_{0};
    std::atomic<uint32_t> enabled_{0};
    std::atomic<bool> signal_sent_{false};
    std::atomic<uint64_t> signals_{0};
    std::atomic<uint32_t> max_depth_{0};
    std::atomic<IrqTraceHook> trace_{nullptr};
    void* trace_ctx_ = nullptr;
    // Touched only on the bound thread, in handlers.
    int active_prio_ = kNoPriority;
    int depth_ = 0;
};

// Microseconds on the platform clock (CLOCK_MONOTONIC), async-signal-safe.
uint64_t mono_us() noexcept;
uint64_t mono_ns() noexcept;

}  // namespace irqio::sim
