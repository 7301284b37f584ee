// Pl011UartDriver: an Arm PrimeCell PL011 UART (LM3S6965, RP2040, the mps2 and many other chips)
// behind the portable UartDriver interface, so irqio::Uart and the streams over it run on it.
// Interrupt-driven with the FIFOs on: receive at half a FIFO or on the receive timeout (what is
// left below the level, 32 bit times after the last byte), transmit when the FIFO drains to half.
//
//   Uart uart(cortex_m::lm3s6965::uart0(), rx_ring, tx_ring);   // LM3S6965 UART0
//
// The board routes the UART's NVIC line to its instance's on_irq() (boards/*/src/uart0.cpp).
// The PL011 raises its transmit interrupt when the FIFO level crosses the trigger, never while
// the transmitter merely idles, so enabling it with room in the FIFO pends the line by hand.
#pragma once
#include <cstdint>

#include "irqio/periph/driver.hpp"

namespace irqio::cortex_m {

class Pl011UartDriver final : public UartDriver {
  public:
    // `base`: the UART's registers; `irq`: its NVIC line; `clock_hz`: UARTCLK (for the baud
    // divisor); `priority`: NVIC priority (8-bit register value).
    constexpr Pl011UartDriver(uintptr_t base, unsigned irq, uint32_t clock_hz,
                              uint32_t baud = 115200, uint8_t priority = 0x80) noexcept
        : base_(base), irq_(irq), clock_hz_(clock_hz), baud_(baud), priority_(priority) {}
    Pl011UartDriver(const Pl011UartDriver&) = delete;
    Pl011UartDriver& operator=(const Pl011UartDriver&) = delete;

    // ---- UartDriver ----
    // Non-null: programs the UART (baud, 8N1, FIFOs, levels), enables the receive interrupts
    // and the NVIC line. nullptr: interrupts off; returns once no handler can call the old sink.
    void uart_attach(UartSink* sink) noexcept override;
    bool uart_rx(uint8_t& b) noexcept override;
    bool uart_tx(uint8_t b) noexcept override;
    void uart_tx_irq(bool enable) noexcept override;
    void uart_rx_irq(bool enable) noexcept override;

    // The UART's interrupt handler (the board's IRQ<n>_Handler calls it): clears what it saw,
    // calls the sink.
    void on_irq() noexcept;

    // Statistics: interrupts for received bytes (level or timeout) and for the transmit FIFO;
    // bytes received with an error (overrun, break, parity, framing), still handed out.
    uint32_t rx_irqs() const noexcept { return rx_irqs_; }
    uint32_t tx_irqs() const noexcept { return tx_irqs_; }
    uint32_t dropped() const noexcept { return errors_; }

  private:
    void set_mask(uint32_t bits, bool on) noexcept;

    uintptr_t base_;
    unsigned irq_;
    uint32_t clock_hz_;
    uint32_t baud_;
    uint8_t priority_;
    UartSink* volatile sink_ = nullptr;
    volatile uint32_t rx_irqs_ = 0, tx_irqs_ = 0, errors_ = 0;
};

}  // namespace irqio::cortex_m
