// CmsdkUartDriver: a CMSDK UART behind the portable UartDriver interface, so irqio::Uart
// (irqio/periph/uart.hpp) and the streams over it run on the board as on the virtual board.
//
//   cortex_m::CmsdkUartDriver drv(cortex_m::uart0, 115200);
//   uint8_t rx_ring[256], tx_ring[256];
//   Uart uart(drv, rx_ring, tx_ring);        // attaches: programs the UART, enables RX irqs
//   StreamReader in(uart, rbuf);  StreamWriter out(uart, wbuf);
//
// Both of the UART's interrupt lines (RX and TX, same priority, so they never preempt each
// other) call the sink's on_uart_irq(). The RX handler has already taken the byte out of the
// data register when it runs the driver's hook; the driver holds it and hands it out as the first
// uart_rx() of that on_uart_irq(). The CMSDK transmitter raises its interrupt only when a byte
// has gone out, so enabling the transmit interrupt while the transmitter is idle pends the line
// by hand (the portable Uart relies on "transmit register empty" being level-like).
#pragma once
#include <cstdint>

#include "irqio/cortex_m/cmsdk_uart.hpp"
#include "irqio/periph/driver.hpp"

namespace irqio::cortex_m {

class CmsdkUartDriver final : public UartDriver {
  public:
    // `priority`: NVIC priority of both lines (8-bit register value, 0 = most urgent).
    explicit CmsdkUartDriver(CmsdkUart uart, uint32_t baud = 115200,
                             uint8_t priority = 0x80) noexcept
        : uart_(uart), baud_(baud), priority_(priority) {}
    CmsdkUartDriver(const CmsdkUartDriver&) = delete;
    CmsdkUartDriver& operator=(const CmsdkUartDriver&) = delete;

    // ---- UartDriver ----
    // Non-null: programs the UART (baud, enables, NVIC lines), installs the hooks, enables the
    // receive interrupt. nullptr: both interrupts off, hooks removed; returns once no handler
    // can call the old sink any more.
    void uart_attach(UartSink* sink) noexcept override;
    bool uart_rx(uint8_t& b) noexcept override;
    bool uart_tx(uint8_t b) noexcept override;
    void uart_tx_irq(bool enable) noexcept override;
    void uart_rx_irq(bool enable) noexcept override;

    // Statistics: RX and TX interrupts that reached the sink; received bytes dropped because no
    // sink was attached or it did not take them.
    uint32_t rx_irqs() const noexcept { return rx_irqs_; }
    uint32_t tx_irqs() const noexcept { return tx_irqs_; }
    uint32_t dropped() const noexcept { return dropped_; }
    CmsdkUart uart() const noexcept { return uart_; }

  private:
    static void on_rx(void* ctx, uint8_t byte);
    static void on_tx(void* ctx);

    CmsdkUart uart_;
    uint32_t baud_;
    uint8_t priority_;
    UartSink* volatile sink_ = nullptr;
    // The byte the RX handler read before calling the hook (handler side only).
    volatile bool held_valid_ = false;
    volatile uint8_t held_ = 0;
    volatile uint32_t rx_irqs_ = 0, tx_irqs_ = 0, dropped_ = 0;
};

}  // namespace irqio::cortex_m
