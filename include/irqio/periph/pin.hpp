// Pin: a GPIO with edge interrupts. The timestamp of an edge is taken inside the interrupt, so a
// late task still learns when the edge happened.
//
//   awaited:  auto e = co_await pin.wait_for_edge(Edge::rising);   -> Result<EdgeEvent>
//             co_await pin.wait_for_high() / wait_for_low()        (at once if already there)
//   started:  pin.arm(Edge::falling); ... pin.busy(); auto e = co_await pin.done();
//   blocking: pin.wait_for_edge_blocking(Edge::both)
//   handler:  pin.set_handler(fn, ctx): fn runs inside the interrupt for every edge (encoders).
//
// Button: a debounced push button over a Pin (a press counts once the level has been stable for
// the debounce time; the press time is the first edge's timestamp). QuadratureEncoder: decodes two
// pins in their interrupt handler; tasks await a change of position.
#pragma once
#include <atomic>
#include <cstdint>

#include "irqio/core/task.hpp"
#include "irqio/periph/completion.hpp"
#include "irqio/periph/driver.hpp"
#include "irqio/sync/wait_for.hpp"

namespace irqio {

struct EdgeEvent {
    bool level = false;         // the level after the edge
    uint64_t timestamp_us = 0;  // taken in the interrupt (platform clock, port::clock_us)
};

class Pin final : private EdgeSink {
  public:
    using Handler = void (*)(void* ctx, bool level, uint64_t timestamp_us) noexcept;

    explicit Pin(PinDriver& d) noexcept : d_(&d) { d_->pin_irq(Edge::both, this); }
    ~Pin() { d_->pin_irq(Edge::none, nullptr); }
    Pin(const Pin&) = delete;

    bool read() noexcept { return d_->pin_read(); }
    void write(bool level) noexcept { d_->pin_write(level); }

    // Set before edges come (task context); runs in the interrupt, keep it short.
    void set_handler(Handler h, void* ctx) noexcept {
        ctx_.store(ctx, std::memory_order_relaxed);
        handler_.store(h, std::memory_order_release);
    }

    // --- started ---
    // Waits for the next matching edge from now on (a new arm replaces the old).
    void arm(Edge e) noexcept {
        flag_.clear();
        target_ = seq_.load(std::memory_order_acquire) + 1;
        armed_.store(static_cast<uint8_t>(e), std::memory_order_seq_cst);
    }
    void disarm() noexcept {
        if (armed_.exchange(0, std::memory_order_seq_cst) != 0)
            target_ = seq_.load(std::memory_order_acquire);
    }
    bool busy() const noexcept { return seq_.load(std::memory_order_acquire) < target_; }
    struct Fired {
        const Pin* p;
        bool operator()() const noexcept { return !p->busy(); }
    };
    class DoneAwaiter {
      public:
        DoneAwaiter(Pin* p, Priority prio) noexcept : p_(p), w_(p->flag_, Fired{p}, prio) {}
        DoneAwaiter(DoneAwaiter&& o) noexcept
            : p_(std::exchange(o.p_, nullptr)), w_(std::move(o.w_)) {}
        ~DoneAwaiter() {
            if (p_ && p_->busy()) p_->disarm();  // cancelled: stop listening
        }
        bool await_ready() noexcept { return w_.await_ready(); }
        bool await_suspend(std::coroutine_handle<> h) noexcept { return w_.await_suspend(h); }
        Result<EdgeEvent> await_resume() noexcept { return p_->event_; }

      private:
        Pin* p_;
        FlagWait<Fired> w_;
    };
    DoneAwaiter done(Priority p = Priority::normal) noexcept { return DoneAwaiter(this, p); }

    // --- awaited ---
    DoneAwaiter wait_for_edge(Edge e, Priority p = Priority::normal) noexcept {
        arm(e);
        return DoneAwaiter(this, p);
    }
    DoneAwaiter wait_for_high(Priority p = Priority::normal) noexcept { return level(true, p); }
    DoneAwaiter wait_for_low(Priority p = Priority::normal) noexcept { return level(false, p); }

    // --- blocking ---
    Result<EdgeEvent> wait_for_edge_blocking(Edge e) noexcept {
        arm(e);
        while (busy()) detail::spin_turn();
        return event_;
    }

    uint32_t edges() const noexcept { return edges_.load(std::memory_order_relaxed); }

  private:
    DoneAwaiter level(bool want, Priority p) noexcept;
    void on_edge(bool level, uint64_t ts) noexcept override;

    PinDriver* d_;
    std::atomic<Handler> handler_{nullptr};
    std::atomic<void*> ctx_{nullptr};
    std::atomic<uint8_t> armed_{0};
    std::atomic<uint64_t> seq_{0};
    uint64_t target_ = 0;
    EdgeEvent event_;
    std::atomic<uint32_t> edges_{0};
    ThreadSafeFlag flag_;
};

// A push button, debounced: a press is reported once the pin has stayed at the pressed level for
// `debounce_ms` after its last edge.
class Button {
  public:
    Button(Pin& pin, bool active_low = true, uint32_t debounce_ms = 20) noexcept
        : pin_(&pin), active_low_(active_low), debounce_ms_(debounce_ms) {}

    // The timestamp (interrupt time) of the first edge of the press.
    Task<Result<uint64_t>> wait_press() { return wait_level(!active_low_); }
    Task<Result<uint64_t>> wait_release() { return wait_level(active_low_); }
    bool pressed() noexcept { return pin_->read() != active_low_; }
    // Edges seen that did not end a stable change (contact bounce).
    uint32_t bounces() const noexcept { return bounces_; }

  private:
    Task<Result<uint64_t>> wait_level(bool level);
    Pin* pin_;
    bool active_low_;
    uint32_t debounce_ms_;
    uint32_t bounces_ = 0;
};

// Quadrature decoding in the pins' interrupt handlers (a Gray-code state table), so no step is
// lost however late the task looks. position() is readable from any context.
class QuadratureEncoder {
  public:
    QuadratureEncoder(Pin& a, Pin& b) noexcept : a_(&a), b_(&b) {
        state_ = static_cast<uint8_t>((a.read() ? 2 : 0) | (b.read() ? 1 : 0));
        a.set_handler(&QuadratureEncoder::edge_a, this);
        b.set_handler(&QuadratureEncoder::edge_b, this);
    }
    ~QuadratureEncoder() {
        a_->set_handler(nullptr, nullptr);
        b_->set_handler(nullptr, nullptr);
    }
    QuadratureEncoder(const QuadratureEncoder&) = delete;

    // In quarter steps (4 per detent on most encoders).
    int32_t position() const noexcept { return pos_.load(std::memory_order_acquire); }
    uint32_t invalid_transitions() const noexcept {
        return invalid_.load(std::memory_order_relaxed);
    }

    struct Changed {
        const QuadratureEncoder* e;
        int32_t seen;
        bool operator()() const noexcept { return e->position() != seen; }
    };
    // Waits until position() differs from `seen`; gives the new position.
    class ChangeAwaiter {
      public:
        ChangeAwaiter(QuadratureEncoder* e, int32_t seen, Priority p) noexcept
            : e_(e), w_(e->flag_, Changed{e, seen}, p) {}
        bool await_ready() noexcept { return w_.await_ready(); }
        bool await_suspend(std::coroutine_handle<> h) noexcept { return w_.await_suspend(h); }
        int32_t await_resume() noexcept { return e_->position(); }

      private:
        QuadratureEncoder* e_;
        FlagWait<Changed> w_;
    };
    ChangeAwaiter changed(int32_t seen, Priority p = Priority::normal) noexcept {
        return ChangeAwaiter(this, seen, p);
    }

  private:
    static void edge_a(void* ctx, bool level, uint64_t) noexcept {
        auto* self = static_cast<QuadratureEncoder*>(ctx);
        self->step(static_cast<uint8_t>((self->state_ & 1) | (level ? 2 : 0)));
    }
    static void edge_b(void* ctx, bool level, uint64_t) noexcept {
        auto* self = static_cast<QuadratureEncoder*>(ctx);
        self->step(static_cast<uint8_t>((self->state_ & 2) | (level ? 1 : 0)));
    }
    void step(uint8_t next) noexcept;
    Pin* a_;
    Pin* b_;
    uint8_t state_;  // handler-only (both pins' handlers run at one priority)
    std::atomic<int32_t> pos_{0};
    std::atomic<uint32_t> invalid_{0};
    ThreadSafeFlag flag_;
};

}  // namespace irqio
