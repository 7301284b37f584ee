// Pl011UartDriver. Registers from the Arm PrimeCell UART (PL011) Technical Reference Manual and
// QEMU's hw/char/pl011.c.
#include "irqio/cortex_m/pl011_uart_driver.hpp"

#include "irqio/cortex_m/irq.hpp"
#include "irqio/cortex_m/mmio.hpp"
#include "irqio/cortex_m/nvic.hpp"

namespace irqio::cortex_m {
namespace {

struct Pl011Regs {
    Reg dr;  // 0x000: data; bits 8..11 the receive errors of that byte
    Reg rsr;
    Reg reserved0[4];
    Reg fr;  // 0x018: flags
    Reg reserved1;
    Reg ilpr;
    Reg ibrd;  // 0x024: integer baud divisor
    Reg fbrd;  // 0x028: fractional baud divisor (64ths)
    Reg lcrh;  // 0x02C: line control
    Reg cr;    // 0x030: control
    Reg ifls;  // 0x034: FIFO interrupt levels
    Reg imsc;  // 0x038: interrupt mask (1 = enabled)
    Reg ris;
    Reg mis;  // 0x040: masked interrupt status
    Reg icr;  // 0x044: write 1 to clear
};
constexpr uint32_t kRxEmpty = 1u << 4, kTxFull = 1u << 5;    // FR
constexpr uint32_t kErrors = 0xF00;                          // DR: overrun, break, parity, framing
constexpr uint32_t kFifoEnable = 1u << 4, kWord8 = 3u << 5;  // LCRH
constexpr uint32_t kEnable = 1u << 0, kTxEnable = 1u << 8, kRxEnable = 1u << 9;  // CR
constexpr uint32_t kRx = 1u << 4, kTx = 1u << 5, kRxTimeout = 1u << 6;           // IMSC, MIS, ICR
constexpr uint32_t kAll = 0x7FF;
constexpr uint32_t kHalfFull = 2;  // IFLS level: 1/2 of the 16-byte FIFO, for both directions

}  // namespace

void Pl011UartDriver::uart_attach(UartSink* sink) noexcept {
    auto& r = mmio<Pl011Regs>(base_);
    if (sink == nullptr) {
        r.imsc = 0;
        // Masked: a handler that preempts the task runs to completion before this returns, and
        // none starts afterwards (the mask is off).
        uint32_t primask = irq_disable();
        nvic::disable(irq_);
        nvic::clear_pending(irq_);
        sink_ = nullptr;
        irq_restore(primask);
        return;
    }
    r.cr = 0;
    r.imsc = 0;
    r.icr = kAll;
    // Divisor = UARTCLK / (16 * baud), its fraction in 64ths, rounded.
    uint32_t div64 = static_cast<uint32_t>((uint64_t{clock_hz_} * 4 + baud_ / 2) / baud_);
    r.ibrd = div64 >> 6;
    r.fbrd = div64 & 63;
    r.lcrh = kWord8 | kFifoEnable;  // written after the divisors: it latches them
    r.ifls = (kHalfFull << 3) | kHalfFull;
    uint32_t primask = irq_disable();
    sink_ = sink;
    irq_restore(primask);
    nvic::set_priority(irq_, priority_);
    nvic::clear_pending(irq_);
    nvic::enable(irq_);
    r.cr = kEnable | kTxEnable | kRxEnable;
    uart_rx_irq(true);
}

bool Pl011UartDriver::uart_rx(uint8_t& b) noexcept {
    auto& r = mmio<Pl011Regs>(base_);
    if (r.fr & kRxEmpty) return false;
    uint32_t data = r.dr;
    if (data & kErrors) errors_ = errors_ + 1;
    b = static_cast<uint8_t>(data);
    return true;
}

bool Pl011UartDriver::uart_tx(uint8_t b) noexcept {
    auto& r = mmio<Pl011Regs>(base_);
    if (r.fr & kTxFull) return false;
    r.dr = b;
    return true;
}

// Read-modify-write of the mask, from the task or from the sink in the handler: masked.
void Pl011UartDriver::set_mask(uint32_t bits, bool on) noexcept {
    auto& r = mmio<Pl011Regs>(base_);
    uint32_t primask = irq_disable();
    r.imsc = on ? (r.imsc | bits) : (r.imsc & ~bits);
    irq_restore(primask);
}

void Pl011UartDriver::uart_tx_irq(bool enable) noexcept {
    set_mask(kTx, enable);
    // The transmit interrupt comes when the FIFO drains past its level, not while it has room:
    // start the exchange by hand. A spurious one finds nothing to do.
    if (enable && !(mmio<Pl011Regs>(base_).fr & kTxFull)) nvic::pend(irq_);
}

void Pl011UartDriver::uart_rx_irq(bool enable) noexcept {
    set_mask(kRx | kRxTimeout, enable);
    // Bytes that waited below the level while the interrupt was off raise nothing by themselves.
    if (enable && !(mmio<Pl011Regs>(base_).fr & kRxEmpty)) nvic::pend(irq_);
}

// Interrupt context. Clears the causes first: a byte that arrives, or FIFO room that appears,
// while the sink runs raises the interrupt again.
void Pl011UartDriver::on_irq() noexcept {
    auto& r = mmio<Pl011Regs>(base_);
    uint32_t status = r.mis;
    r.icr = status;
    if (status & (kRx | kRxTimeout)) rx_irqs_ = rx_irqs_ + 1;
    if (status & kTx) tx_irqs_ = tx_irqs_ + 1;
    if (UartSink* s = sink_) s->on_uart_irq();
}

}  // namespace irqio::cortex_m
