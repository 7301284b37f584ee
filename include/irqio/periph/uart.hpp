// Uart: an interrupt-driven UART as a Transport, so StreamReader / StreamWriter run over it.
// The caller chooses every buffer size: the receive and transmit rings here (filled and drained by
// the interrupt handler), and the streams' own buffers.
//
//   uint8_t rx_ring[256], tx_ring[256], rbuf[128], wbuf[512];
//   Uart uart(driver, rx_ring, tx_ring);
//   StreamReader in(uart, rbuf);  StreamWriter out(uart, wbuf);
//   awaited:  auto line = co_await in.readline(80);  co_await out.write_all(bytes);
//   started:  out.write(bytes) never waits (bytes go out from the interrupt); out.buffered()
//   blocking: uart.write_blocking(bytes), uart.read_blocking(dst)
//
// Received bytes that find the receive ring full: by default they are dropped and counted
// (rx_overruns()); with RxOverflow::throttle the receive interrupt goes off while the ring is full,
// so the bytes wait in the UART and its flow control holds the sender back (rx_throttles()), and
// a read that makes room turns it on again: no byte is lost.
//
// The one UART stream stack: a board's UART driver (CMSDK, the virtual board, ...) implements
// UartDriver, and Uart makes it a Transport. Its rings are detail::ByteRing, the byte ring of the
// library (single producer, single consumer, one side an interrupt handler).
#pragma once
#include <atomic>
#include <cstdint>
#include <span>

#include "irqio/io/transport.hpp"
#include "irqio/periph/completion.hpp"
#include "irqio/periph/driver.hpp"

namespace irqio {

namespace detail {
// Single producer, single consumer byte ring over caller storage (one side may be a handler).
class ByteRing {
  public:
    explicit ByteRing(std::span<uint8_t> s) noexcept : buf_(s.data()), cap_(s.size()) {}
    bool push(uint8_t b) noexcept {
        std::size_t h = head_.load(std::memory_order_relaxed);
        if (h - detail::load_acquire(tail_) >= cap_) return false;
        buf_[h % cap_] = b;
        detail::store_release(head_, h + 1);
        return true;
    }
    bool pop(uint8_t& b) noexcept {
        std::size_t t = tail_.load(std::memory_order_relaxed);
        if (t == detail::load_acquire(head_)) return false;
        b = buf_[t % cap_];
        detail::store_release(tail_, t + 1);
        return true;
    }
    std::size_t size() const noexcept {
        return detail::load_acquire(head_) - detail::load_acquire(tail_);
    }
    std::size_t capacity() const noexcept { return cap_; }

  private:
    uint8_t* buf_;
    std::size_t cap_;
    std::atomic<std::size_t> head_{0}, tail_{0};
};
}  // namespace detail

// What the receive interrupt does with a byte that finds the ring full.
enum class RxOverflow : uint8_t {
    drop,      // drop it and count it (rx_overruns())
    throttle,  // leave it in the UART: the receive interrupt is off until a read makes room
};

class Uart final : public Transport, private UartSink {
  public:
    Uart(UartDriver& d, std::span<uint8_t> rx_ring, std::span<uint8_t> tx_ring,
         RxOverflow overflow = RxOverflow::drop) noexcept
        : d_(&d),
          overflow_(overflow),
          rx_(rx_ring),
          tx_(tx_ring),
          rx_note_(&Uart::rx_ready, this),
          tx_note_(&Uart::tx_ready, this) {
        d_->uart_attach(this);
    }
    ~Uart() {
        d_->uart_tx_irq(false);
        d_->uart_attach(nullptr);
    }
    Uart(const Uart&) = delete;

    // --- Transport (task context) ---
    Result<std::size_t> try_read(std::span<uint8_t> into) noexcept override;
    Result<std::size_t> try_write(std::span<const uint8_t> from) noexcept override;
    void set_listener(Direction d, ReadyListener* l) noexcept override {
        bind();
        listener_[static_cast<int>(d)] = l;
    }
    Result<void> shutdown_write() noexcept override { return {}; }

    // --- blocking ---
    Result<void> write_blocking(std::span<const uint8_t> data) noexcept;
    Result<std::size_t> read_blocking(std::span<uint8_t> into) noexcept;

    std::size_t rx_buffered() const noexcept { return rx_.size(); }
    // Bytes not yet handed to the UART (in the ring, or held while its register was full).
    std::size_t tx_pending() const noexcept {
        return tx_.size() + (has_pending_.load(std::memory_order_acquire) ? 1 : 0);
    }
    uint32_t rx_overruns() const noexcept { return rx_overruns_.load(std::memory_order_relaxed); }
    std::size_t rx_high_water() const noexcept { return rx_hwm_.load(std::memory_order_relaxed); }
    // RxOverflow::throttle: times the ring filled and the receive interrupt went off.
    uint32_t rx_throttles() const noexcept { return rx_throttles_.load(std::memory_order_relaxed); }
    // Bytes taken from the UART by the receive interrupt, and handed to it for sending.
    uint32_t rx_bytes() const noexcept { return rx_bytes_.load(std::memory_order_relaxed); }
    uint32_t tx_bytes() const noexcept { return tx_bytes_.load(std::memory_order_relaxed); }

  private:
    void bind() noexcept;
    // The UART interrupt: empty the receive register into the ring, feed the transmit register.
    void on_uart_irq() noexcept override;
    static void rx_ready(void* ctx) noexcept {
        auto* self = static_cast<Uart*>(ctx);
        if (auto* l = self->listener_[0]) l->on_ready(Direction::read);
    }
    static void tx_ready(void* ctx) noexcept {
        auto* self = static_cast<Uart*>(ctx);
        if (auto* l = self->listener_[1]) l->on_ready(Direction::write);
    }

    UartDriver* d_;
    RxOverflow overflow_;
    detail::ByteRing rx_, tx_;
    IsrNotifier rx_note_, tx_note_;
    ReadyListener* listener_[2] = {nullptr, nullptr};
    std::atomic<uint32_t> rx_overruns_{0};
    std::atomic<std::size_t> rx_hwm_{0};
    std::atomic<bool> rx_throttled_{false};  // throttle: the receive interrupt is off
    std::atomic<uint32_t> rx_throttles_{0}, rx_bytes_{0}, tx_bytes_{0};
    uint8_t pending_tx_ = 0;                // handler only
    std::atomic<bool> has_pending_{false};  // written by the handler
};

}  // namespace irqio
