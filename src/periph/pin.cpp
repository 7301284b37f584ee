// Pin, Button and QuadratureEncoder: arming, the edge interrupt, debouncing and decoding.
#include "irqio/periph/pin.hpp"

namespace irqio {

Pin::DoneAwaiter Pin::level(bool want, Priority p) noexcept {
    arm(want ? Edge::rising : Edge::falling);
    if (read() == want) {
        // Already there: complete the arm ourselves (unless an edge just did).
        uint8_t a = armed_.exchange(0, std::memory_order_seq_cst);
        if (a != 0) {
            event_ = EdgeEvent{want, port::clock_us()};
            seq_.fetch_add(1, std::memory_order_seq_cst);
        }
    }
    return DoneAwaiter(this, p);
}

void Pin::on_edge(bool level, uint64_t ts) noexcept {
    edges_.fetch_add(1, std::memory_order_relaxed);
    if (Handler h = handler_.load(std::memory_order_acquire))
        h(ctx_.load(std::memory_order_relaxed), level, ts);
    uint8_t want = level ? static_cast<uint8_t>(Edge::rising) : static_cast<uint8_t>(Edge::falling);
    uint8_t a = armed_.load(std::memory_order_seq_cst);
    if ((a & want) && armed_.compare_exchange_strong(a, 0, std::memory_order_seq_cst)) {
        event_ = EdgeEvent{level, ts};
        seq_.fetch_add(1, std::memory_order_seq_cst);
        flag_.set();
    }
}

Task<Result<uint64_t>> Button::wait_level(bool level) {
    for (;;) {
        Result<EdgeEvent> first =
            co_await pin_->wait_for_edge(level ? Edge::rising : Edge::falling);
        if (!first) co_return first.error();
        // Wait until no edge comes for the debounce time.
        for (;;) {
            Result<EdgeEvent> e =
                co_await wait_for_ms(pin_->wait_for_edge(Edge::both), debounce_ms_);
            if (!e && e.error() == Error::timed_out) break;
            if (!e) co_return e.error();
            ++bounces_;
        }
        if (pin_->read() == level) co_return first.value().timestamp_us;
    }
}

void QuadratureEncoder::step(uint8_t next) noexcept {
    // index: old<<2 | new, states as AB bits; +1 clockwise, -1 counter, 0 none/invalid.
    static constexpr int8_t kTable[16] = {0, -1, 1, 0, 1, 0, 0, -1, -1, 0, 0, 1, 0, 1, -1, 0};
    uint8_t idx = static_cast<uint8_t>((state_ << 2) | next);
    int8_t d = kTable[idx];
    if (d == 0 && next != state_) invalid_.fetch_add(1, std::memory_order_relaxed);
    state_ = next;
    if (d != 0) {
        pos_.fetch_add(d, std::memory_order_acq_rel);
        flag_.set();
    }
}

}  // namespace irqio
