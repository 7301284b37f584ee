// CmsdkUartDriver: the CMSDK UART's hooks adapted to the portable UartDriver / UartSink pair.
#include "irqio/cortex_m/cmsdk_uart_driver.hpp"

#include "irqio/cortex_m/board.hpp"
#include "irqio/cortex_m/irq.hpp"
#include "irqio/cortex_m/nvic.hpp"

namespace irqio::cortex_m {

void CmsdkUartDriver::uart_attach(UartSink* sink) noexcept {
    if (sink == nullptr) {
        uart_.enable_rx_irq(false);
        uart_.enable_tx_irq(false);
        // Masked: a handler that preempts the task runs to completion before this returns, and
        // none starts afterwards (both interrupt enables are off).
        uint32_t primask = irq_disable();
        uart_.set_hooks(nullptr, nullptr, nullptr);
        sink_ = nullptr;
        held_valid_ = false;
        irq_restore(primask);
        return;
    }
    uart_.init(baud_, priority_);  // interrupts off until the enables below
    uint32_t primask = irq_disable();
    sink_ = sink;
    held_valid_ = false;
    irq_restore(primask);
    uart_.set_hooks(&CmsdkUartDriver::on_rx, &CmsdkUartDriver::on_tx, this);
    uart_.enable_rx_irq(true);  // pends the line itself if a byte is already waiting
}

bool CmsdkUartDriver::uart_rx(uint8_t& b) noexcept {
    if (held_valid_) {
        b = held_;
        held_valid_ = false;
        return true;
    }
    return uart_.try_read(b);
}

bool CmsdkUartDriver::uart_tx(uint8_t b) noexcept {
    return uart_.try_write(b);
}

void CmsdkUartDriver::uart_tx_irq(bool enable) noexcept {
    uart_.enable_tx_irq(enable);
    // The CMSDK TX interrupt is an event (a byte went out), not a level: an idle transmitter
    // would never raise it, so raise it by hand. A spurious one finds nothing to do.
    if (enable && !uart_.tx_busy()) nvic::pend(board::irq::kUartTx[uart_.index()]);
}

void CmsdkUartDriver::uart_rx_irq(bool enable) noexcept {
    uart_.enable_rx_irq(enable);  // pends the line itself if a byte is already waiting
}

// Interrupt context (the UART's RX line): `byte` was just read from the data register.
void CmsdkUartDriver::on_rx(void* ctx, uint8_t byte) {
    auto* self = static_cast<CmsdkUartDriver*>(ctx);
    self->held_ = byte;
    self->held_valid_ = true;
    self->rx_irqs_ = self->rx_irqs_ + 1;
    if (UartSink* s = self->sink_) s->on_uart_irq();
    if (self->held_valid_) {  // nobody took it
        self->held_valid_ = false;
        self->dropped_ = self->dropped_ + 1;
    }
}

// Interrupt context (the UART's TX line): the transmitter is free (or the line was pended).
void CmsdkUartDriver::on_tx(void* ctx) {
    auto* self = static_cast<CmsdkUartDriver*>(ctx);
    self->tx_irqs_ = self->tx_irqs_ + 1;
    if (UartSink* s = self->sink_) s->on_uart_irq();
}

}  // namespace irqio::cortex_m
