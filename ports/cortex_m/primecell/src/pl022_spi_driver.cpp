// Pl022SpiDriver. Registers from the Arm PrimeCell Synchronous Serial Port (PL022) Technical
// Reference Manual and QEMU's hw/ssi/pl022.c.
#include "irqio/cortex_m/pl022_spi_driver.hpp"

#include "irqio/cortex_m/irq.hpp"
#include "irqio/cortex_m/mmio.hpp"
#include "irqio/cortex_m/nvic.hpp"

namespace irqio::cortex_m {
namespace {

struct Pl022Regs {
    Reg cr0;   // 0x00: data size (bits 3..0, value - 1), frame format, SPO, SPH, SCR (15..8)
    Reg cr1;   // 0x04: loopback, enable, slave
    Reg dr;    // 0x08
    Reg sr;    // 0x0C: status
    Reg cpsr;  // 0x10: clock prescale (even, 2..254)
    Reg imsc;  // 0x14: interrupt mask (1 = enabled)
    Reg ris;
    Reg mis;
    Reg icr;  // 0x20: clears the overrun and timeout interrupts
};
constexpr uint32_t kBits8 = 7;                                                    // CR0
constexpr uint32_t kLoopback = 1u << 0, kEnable = 1u << 1;                        // CR1
constexpr uint32_t kTxNotFull = 1u << 1, kRxNotEmpty = 1u << 2, kBusy = 1u << 4;  // SR
constexpr uint32_t kRxTimeout = 1u << 1, kRxHalf = 1u << 2, kTxHalf = 1u << 3;    // IMSC
constexpr std::size_t kFifo = 8;

Pl022Regs& regs(uintptr_t base) noexcept {
    return mmio<Pl022Regs>(base);
}

}  // namespace

void Pl022SpiDriver::setup() noexcept {
    Pl022Regs& r = regs(base_);
    r.cr1 = 0;
    // Bit rate = SSPCLK / (CPSDVSR * (1 + SCR)): the smallest divisor that is not too fast.
    uint32_t want = bit_rate_hz_ ? (clock_hz_ + bit_rate_hz_ - 1) / bit_rate_hz_ : 2;
    uint32_t cpsdvsr = 2, scr = 0;
    while (cpsdvsr * 256 < want && cpsdvsr < 254) cpsdvsr += 2;
    scr = (want + cpsdvsr - 1) / cpsdvsr;
    scr = scr == 0 ? 0 : scr - 1;
    if (scr > 255) scr = 255;
    divisor_ = cpsdvsr * (1 + scr);
    r.cpsr = cpsdvsr;
    r.cr0 = (scr << 8) | kBits8;  // Motorola SPI mode 0, 8-bit frames
    r.imsc = 0;
    r.icr = 3;
    r.cr1 = (loopback_ ? kLoopback : 0) | kEnable;
    nvic::set_priority(irq_, priority_);
    nvic::clear_pending(irq_);
    nvic::enable(irq_);
    ready_ = true;
}

// Handler, or the task with interrupts masked. Keeps at most kFifo bytes in flight, so the receive
// FIFO (kFifo deep) cannot overrun whatever the interrupt latency.
bool Pl022SpiDriver::step() noexcept {
    Pl022Regs& r = regs(base_);
    bool moved = true;
    while (moved) {
        moved = false;
        while (received_ < sent_ && (r.sr & kRxNotEmpty)) {
            uint8_t b = static_cast<uint8_t>(r.dr);
            if (rx_) rx_[received_] = b;
            ++received_;
            moved = true;
        }
        while (sent_ < n_ && sent_ - received_ < kFifo && (r.sr & kTxNotFull)) {
            r.dr = tx_ ? tx_[sent_] : 0xFF;
            ++sent_;
            moved = true;
        }
    }
    return received_ == n_;
}

Result<void> Pl022SpiDriver::spi_start(const uint8_t* tx, uint8_t* rx, std::size_t n,
                                       Completion* done) noexcept {
    if (!ready_) setup();
    uint32_t primask = irq_disable();
    tx_ = tx;
    rx_ = rx;
    n_ = n;
    sent_ = received_ = 0;
    done_ = done;
    // Prime the transmit FIFO; the interrupts move the rest: transmit half empty while there is
    // more to send, then receive half full or timeout for the tail.
    while (sent_ < n_ && sent_ < kFifo) {
        regs(base_).dr = tx_ ? tx_[sent_] : 0xFF;
        ++sent_;
    }
    regs(base_).imsc = kTxHalf | kRxHalf | kRxTimeout;
    if (n == 0) nvic::pend(irq_);
    irq_restore(primask);
    return {};
}

void Pl022SpiDriver::on_irq() noexcept {
    irqs_ = irqs_ + 1;
    Pl022Regs& r = regs(base_);
    r.icr = 3;
    Completion* done = done_;
    if (done == nullptr) {  // aborted, or nothing started
        r.imsc = 0;
        return;
    }
    if (step()) {
        r.imsc = 0;
        done_ = nullptr;
        done->finish(Error::none, n_);
        return;
    }
    // Everything sent: only the tail's reception is left (a transmit interrupt would stay on).
    r.imsc = sent_ == n_ ? (kRxHalf | kRxTimeout) : (kTxHalf | kRxHalf | kRxTimeout);
}

// Task context. Masked, the handler cannot run; after the interrupt mask is off and the port idle
// with its receive FIFO emptied, nothing will touch the buffers again.
void Pl022SpiDriver::spi_abort() noexcept {
    Pl022Regs& r = regs(base_);
    uint32_t primask = irq_disable();
    r.imsc = 0;
    done_ = nullptr;
    tx_ = nullptr;
    rx_ = nullptr;
    n_ = sent_ = received_ = 0;
    nvic::clear_pending(irq_);
    irq_restore(primask);
    while (r.sr & kBusy) {
    }
    while (r.sr & kRxNotEmpty) (void)r.dr;
}

void Pl022SpiDriver::spi_select(uint8_t cs, bool active) noexcept {
    if (select_) select_(cs, active);
}

uint32_t Pl022SpiDriver::spi_clock_hz() const noexcept {
    return clock_hz_ / divisor_;
}

}  // namespace irqio::cortex_m
