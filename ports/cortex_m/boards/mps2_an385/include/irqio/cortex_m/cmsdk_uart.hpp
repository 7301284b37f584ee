// The CMSDK APB UART: 8N1, one byte of buffer each way, separate RX and TX interrupt lines.
// The driver is the thin layer under irqio's streams: it owns the registers and the two handlers
// and hands each event to a hook; the buffering policy (queues, wake-ups) belongs to the caller.
//
// Hooks run in interrupt context (so they may call only "any context" irqio functions):
//   on_rx(ctx, byte)  once per received byte;
//   on_tx(ctx)        when the transmitter has become free and tx interrupts are enabled;
//                     it typically calls try_write() with the next byte, or disables tx
//                     interrupts when it has none.
#pragma once
#include <cstdint>

namespace irqio::cortex_m {

class CmsdkUart {
  public:
    using RxHook = void (*)(void* ctx, uint8_t byte);
    using TxHook = void (*)(void* ctx);

    explicit constexpr CmsdkUart(unsigned index) noexcept : index_(index) {}

    // Programs the baud rate, enables the transmitter and receiver, and the NVIC lines (at
    // `priority`); byte interrupts stay off until enable_rx_irq / enable_tx_irq.
    void init(uint32_t baud, uint8_t priority = 0x80) const noexcept;
    // Installs the hooks (nullptr: ignore that event). Call before enabling the interrupts.
    void set_hooks(RxHook on_rx, TxHook on_tx, void* ctx) const noexcept;
    void enable_rx_irq(bool on) const noexcept;
    void enable_tx_irq(bool on) const noexcept;

    // Non-blocking, any context. false when the transmitter still holds a byte.
    bool try_write(uint8_t byte) const noexcept;
    // Non-blocking, any context. false when no byte has arrived.
    bool try_read(uint8_t& byte) const noexcept;
    // Busy-waits: for start-up messages and panics, never for the running program.
    void write_blocking(const char* text) const noexcept;
    // True while the transmitter holds a byte it has not sent yet.
    bool tx_busy() const noexcept;

    unsigned index() const noexcept { return index_; }

  private:
    unsigned index_;
};

// UART0 is what QEMU connects to its first -serial.
inline constexpr CmsdkUart uart0{0};

}  // namespace irqio::cortex_m
