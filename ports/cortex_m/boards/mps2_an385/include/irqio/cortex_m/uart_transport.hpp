// UartTransport: a CMSDK UART as an irqio Transport, so StreamReader and StreamWriter work over
// it as over a socket. Two ThreadSafeQueues carry the bytes between the interrupt handlers and
// the tasks:
//
//   RX interrupt -> rx queue (try_put) -> StreamReader (try_read pops)
//   StreamWriter (try_write pushes) -> tx queue -> TX interrupt (try_get) -> UART
//
// Wake-ups: each handler marks which direction may progress and rings the transport's Doorbell
// (any-context, no allocation, coalesced); the loop's drain calls the stream's listener in task
// context. Flow control: when the rx queue is full the RX interrupt is turned
// off, so the next byte waits in the UART (QEMU then holds the sender back) until a read makes
// room; no byte is dropped.
//
//   cortex_m::UartTransport<64, 64> uart(cortex_m::uart0);   // static storage, any scope
//   uart.start(115200);                                      // in task context
//   uint8_t rbuf[64], wbuf[64];
//   StreamReader in(uart, rbuf);  StreamWriter out(uart, wbuf);
//
// One transport per UART. The transport must outlive the streams and stay alive while its
// interrupts are enabled (stop() turns them off).
#pragma once
#include <atomic>
#include <cstdint>

#include "irqio/core/doorbell.hpp"
#include "irqio/core/loop.hpp"
#include "irqio/cortex_m/cmsdk_uart.hpp"
#include "irqio/io/transport.hpp"
#include "irqio/isr/thread_safe_queue.hpp"

namespace irqio::cortex_m {

template <uint32_t RxN = 64, uint32_t TxN = 64>
class UartTransport final : public Transport, private detail::Doorbell {
  public:
    explicit UartTransport(CmsdkUart uart) noexcept
        : detail::Doorbell(&UartTransport::drain), uart_(uart) {}
    ~UartTransport() {
        stop();
        settle();
    }
    UartTransport(const UartTransport&) = delete;
    UartTransport& operator=(const UartTransport&) = delete;

    // Task context, inside the loop that will serve the streams: programs the UART, installs
    // the hooks and enables receiving.
    void start(uint32_t baud, uint8_t priority = 0x80) noexcept {
        bind(Loop::current());
        uart_.init(baud, priority);
        uart_.set_hooks(&UartTransport::on_rx, &UartTransport::on_tx, this);
        tx_idle_.store(true, std::memory_order_relaxed);
        uart_.enable_tx_irq(true);  // the TX interrupt comes only after a byte has gone out
        uart_.enable_rx_irq(true);
    }
    // Turns the interrupts off and forgets the hooks; queued bytes stay queued.
    void stop() noexcept {
        uart_.enable_rx_irq(false);
        uart_.enable_tx_irq(false);
        uart_.set_hooks(nullptr, nullptr, nullptr);
    }

    // ---- Transport (task context) ----
    Result<std::size_t> try_read(std::span<uint8_t> into) noexcept override {
        std::size_t n = 0;
        while (n < into.size()) {
            Result<uint8_t> b = rx_.try_get();
            if (!b.ok()) break;
            into[n++] = b.value();
        }
        // Room again: let the byte waiting in the UART in (its interrupt is pended if needed).
        if (n != 0 && detail::load_acquire(rx_throttled_)) {
            rx_throttled_.store(false, std::memory_order_relaxed);
            uart_.enable_rx_irq(true);
        }
        if (n == 0) return Error::empty;  // the RX handler tells the listener when bytes come
        return n;
    }
    Result<std::size_t> try_write(std::span<const uint8_t> from) noexcept override {
        std::size_t n = 0;
        // Only this side pushes, so the size seen here can only shrink: no push fails (and none
        // is counted as dropped).
        while (n < from.size() && tx_.size() < TxN) {
            tx_.try_put(from[n]);
            ++n;
        }
        kick_tx();
        if (n == 0) return Error::empty;  // the TX handler tells the listener when room comes
        return n;
    }
    void set_listener(Direction d, ReadyListener* l) noexcept override {
        listener_[static_cast<int>(d)] = l;
    }
    Result<void> shutdown_write() noexcept override { return {}; }

    // Statistics: times the rx queue filled and held the sender back; bytes moved.
    uint32_t rx_throttles() const noexcept { return rx_throttles_; }
    uint32_t rx_bytes() const noexcept { return rx_bytes_; }
    uint32_t tx_bytes() const noexcept { return tx_bytes_; }
    // True while bytes wait in the tx queue or the transmitter (drain before stopping).
    bool tx_pending() const noexcept { return tx_.size() != 0 || !detail::load_acquire(tx_idle_); }

  private:
    static constexpr uint8_t kRead = 1, kWrite = 2;

    // Task context: starts the transmitter if it is idle; the TX interrupt keeps it going.
    void kick_tx() noexcept {
        port::IrqState s = port::irq_save();  // against the TX handler deciding "idle"
        if (tx_idle_.load(std::memory_order_relaxed)) {
            Result<uint8_t> b = tx_.try_get();
            if (b.ok()) {
                tx_idle_.store(false, std::memory_order_relaxed);
                uart_.try_write(b.value());
                tx_bytes_ = tx_bytes_ + 1;
            }
        }
        port::irq_restore(s);
    }

    // Interrupt context.
    static void on_rx(void* ctx, uint8_t byte) noexcept {
        auto* self = static_cast<UartTransport*>(ctx);
        self->rx_.try_put(byte);  // never full here: the interrupt is off while it is
        self->rx_bytes_ = self->rx_bytes_ + 1;
        if (self->rx_.size() == RxN) {
            self->uart_.enable_rx_irq(false);
            detail::store_release(self->rx_throttled_, true);
            ++self->rx_throttles_;
        }
        self->signal(kRead);
    }
    static void on_tx(void* ctx) noexcept {
        auto* self = static_cast<UartTransport*>(ctx);
        Result<uint8_t> b = self->tx_.try_get();
        if (b.ok()) {
            self->uart_.try_write(b.value());
            self->tx_bytes_ = self->tx_bytes_ + 1;
        } else {
            detail::store_release(self->tx_idle_, true);
        }
        self->signal(kWrite);  // a slot came free (or the line went idle)
    }
    void signal(uint8_t what) noexcept {
        detail::store_sc(what == kRead ? rx_ready_ : tx_ready_, 1);
        ring();
    }

    // Task context, when the loop answers the Doorbell.
    static void drain(detail::InboxNode* n) noexcept {
        auto* self = static_cast<UartTransport*>(Doorbell::of(n));
        if (detail::load_acquire(self->rx_ready_) &&
            detail::atomic_exchange<uint8_t>(self->rx_ready_, 0)) {
            if (ReadyListener* l = self->listener_[0]) l->on_ready(Direction::read);
        }
        if (detail::load_acquire(self->tx_ready_) &&
            detail::atomic_exchange<uint8_t>(self->tx_ready_, 0)) {
            if (ReadyListener* l = self->listener_[1]) l->on_ready(Direction::write);
        }
    }

    CmsdkUart uart_;
    ReadyListener* listener_[2] = {nullptr, nullptr};
    ThreadSafeQueue<uint8_t, RxN> rx_;
    ThreadSafeQueue<uint8_t, TxN> tx_;
    std::atomic<uint8_t> rx_ready_{0}, tx_ready_{0};
    std::atomic<bool> tx_idle_{true};
    std::atomic<bool> rx_throttled_{false};
    uint32_t rx_throttles_ = 0;
    volatile uint32_t rx_bytes_ = 0, tx_bytes_ = 0;
};

}  // namespace irqio::cortex_m
