// Uart: the task side (Transport, blocking calls) and the interrupt handler.
#include "irqio/periph/uart.hpp"

namespace irqio {

Result<std::size_t> Uart::try_read(std::span<uint8_t> into) noexcept {
    bind();
    std::size_t n = 0;
    while (n < into.size() && rx_.pop(into[n])) ++n;
    // Room again: let the bytes waiting in the UART in (throttle).
    if (n != 0 && detail::load_acquire(rx_throttled_)) {
        rx_throttled_.store(false, std::memory_order_relaxed);
        d_->uart_rx_irq(true);
    }
    if (n == 0) return Error::empty;
    return n;
}

Result<std::size_t> Uart::try_write(std::span<const uint8_t> from) noexcept {
    bind();
    std::size_t n = 0;
    while (n < from.size() && tx_.push(from[n])) ++n;
    if (n > 0) d_->uart_tx_irq(true);  // the transmit-empty interrupt takes it from here
    if (n == 0) return Error::empty;
    return n;
}

Result<void> Uart::write_blocking(std::span<const uint8_t> data) noexcept {
    std::size_t off = 0;
    while (off < data.size()) {
        Result<std::size_t> r = try_write(data.subspan(off));
        if (r) off += r.value();
    }
    while (tx_.size() != 0) {
    }
    return {};
}

Result<std::size_t> Uart::read_blocking(std::span<uint8_t> into) noexcept {
    for (;;) {
        Result<std::size_t> r = try_read(into);
        if (r || r.error() != Error::empty) return r;
    }
}

void Uart::bind() noexcept {
    if (!rx_note_.bound() && Loop::current()) {
        rx_note_.bind(Loop::current());
        tx_note_.bind(Loop::current());
    }
}

void Uart::on_uart_irq() noexcept {
    uint8_t b;
    bool got = false;
    const bool throttle = overflow_ == RxOverflow::throttle;
    // Throttled, a byte is taken only while the ring has room for it.
    while ((!throttle || rx_.size() < rx_.capacity()) && d_->uart_rx(b)) {
        got = true;
        if (!rx_.push(b)) {
            rx_overruns_.fetch_add(1, std::memory_order_relaxed);
            continue;
        }
        rx_bytes_.store(rx_bytes_.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
    }
    if (throttle && rx_.size() >= rx_.capacity() &&
        !rx_throttled_.load(std::memory_order_relaxed)) {
        d_->uart_rx_irq(false);  // the next bytes wait in the UART
        detail::store_release(rx_throttled_, true);
        rx_throttles_.store(rx_throttles_.load(std::memory_order_relaxed) + 1,
                            std::memory_order_relaxed);
    }
    if (got) {
        std::size_t s = rx_.size();
        if (s > rx_hwm_.load(std::memory_order_relaxed))
            rx_hwm_.store(s, std::memory_order_relaxed);
        rx_note_.notify();
    }
    uint32_t sent = 0;
    if (has_pending_.load(std::memory_order_relaxed) && d_->uart_tx(pending_tx_)) {
        has_pending_.store(false, std::memory_order_release);
        ++sent;
    }
    while (!has_pending_.load(std::memory_order_relaxed)) {
        uint8_t c;
        if (!tx_.pop(c)) break;
        if (!d_->uart_tx(c)) {  // register full: keep the byte for the next interrupt
            pending_tx_ = c;
            has_pending_.store(true, std::memory_order_release);
            break;
        }
        ++sent;
    }
    if (sent)
        tx_bytes_.store(tx_bytes_.load(std::memory_order_relaxed) + sent,
                        std::memory_order_relaxed);
    if (tx_.size() == 0 && !has_pending_.load(std::memory_order_relaxed)) d_->uart_tx_irq(false);
    if (sent) tx_note_.notify();
}

}  // namespace irqio
