// CmsdkUart: registers, the RX/TX interrupt handlers of all five AN385 UARTs, and hook dispatch.
#include "irqio/cortex_m/cmsdk_uart.hpp"

#include <initializer_list>

#include "irqio/cortex_m/board.hpp"
#include "irqio/cortex_m/irq.hpp"
#include "irqio/cortex_m/mmio.hpp"
#include "irqio/cortex_m/nvic.hpp"

namespace irqio::cortex_m {
namespace {

struct Regs {
    Reg data;       // 0x00: read takes the received byte, write sends one
    Reg state;      // 0x04
    Reg ctrl;       // 0x08
    Reg intstatus;  // 0x0C: latched interrupt causes; write 1 to clear
    Reg bauddiv;    // 0x10: PCLK / baud, at least 16
};

constexpr uint32_t kStateTxFull = 1u << 0;
constexpr uint32_t kStateRxFull = 1u << 1;
constexpr uint32_t kCtrlTxEnable = 1u << 0;
constexpr uint32_t kCtrlRxEnable = 1u << 1;
constexpr uint32_t kCtrlTxIrq = 1u << 2;
constexpr uint32_t kCtrlRxIrq = 1u << 3;
constexpr uint32_t kIntTx = 1u << 0;
constexpr uint32_t kIntRx = 1u << 1;

Regs& regs(unsigned index) noexcept {
    return mmio<Regs>(board::kUartBase[index]);
}

struct Hooks {
    CmsdkUart::RxHook on_rx;
    CmsdkUart::TxHook on_tx;
    void* ctx;
};
Hooks g_hooks[board::kUartCount] = {};

// CTRL is shared by task code (enable/disable) and the TX hook, which often disables tx
// interrupts from its handler: read-modify-write it with interrupts masked.
void update_ctrl(unsigned index, uint32_t set, uint32_t clear) noexcept {
    uint32_t primask = irq_disable();
    Reg& ctrl = regs(index).ctrl;
    ctrl = (ctrl & ~clear) | set;
    irq_restore(primask);
}

void rx_irq(unsigned index) noexcept {
    Regs& r = regs(index);
    // Acknowledge before reading: a byte arriving after the read raises the line again.
    r.intstatus = kIntRx;
    const Hooks& h = g_hooks[index];
    // Stop when the hook turned the interrupt off (its buffer is full): the byte stays in the
    // UART, which holds the sender back.
    while ((r.state & kStateRxFull) && (r.ctrl & kCtrlRxIrq)) {
        uint8_t byte = static_cast<uint8_t>(r.data);
        if (h.on_rx) h.on_rx(h.ctx, byte);
    }
}

void tx_irq(unsigned index) noexcept {
    regs(index).intstatus = kIntTx;
    const Hooks& h = g_hooks[index];
    if (h.on_tx) h.on_tx(h.ctx);
}

}  // namespace

void CmsdkUart::init(uint32_t baud, uint8_t priority) const noexcept {
    Regs& r = regs(index_);
    r.ctrl = 0;
    r.intstatus = 0xF;
    uint32_t div = board::kSysClockHz / baud;
    r.bauddiv = div < 16 ? 16 : div;
    r.ctrl = kCtrlTxEnable | kCtrlRxEnable;
    for (unsigned irq : {board::irq::kUartRx[index_], board::irq::kUartTx[index_]}) {
        nvic::set_priority(irq, priority);
        nvic::clear_pending(irq);
        nvic::enable(irq);
    }
}

void CmsdkUart::set_hooks(RxHook on_rx, TxHook on_tx, void* ctx) const noexcept {
    uint32_t primask = irq_disable();
    g_hooks[index_] = Hooks{on_rx, on_tx, ctx};
    irq_restore(primask);
}

void CmsdkUart::enable_rx_irq(bool on) const noexcept {
    update_ctrl(index_, on ? kCtrlRxIrq : 0, on ? 0 : kCtrlRxIrq);
    // A byte that arrived while the interrupt was off latched no cause: raise the line by hand.
    if (on && (regs(index_).state & kStateRxFull)) nvic::pend(board::irq::kUartRx[index_]);
}

void CmsdkUart::enable_tx_irq(bool on) const noexcept {
    update_ctrl(index_, on ? kCtrlTxIrq : 0, on ? 0 : kCtrlTxIrq);
}

bool CmsdkUart::try_write(uint8_t byte) const noexcept {
    Regs& r = regs(index_);
    if (r.state & kStateTxFull) return false;
    r.data = byte;
    return true;
}

bool CmsdkUart::try_read(uint8_t& byte) const noexcept {
    Regs& r = regs(index_);
    if (!(r.state & kStateRxFull)) return false;
    byte = static_cast<uint8_t>(r.data);
    return true;
}

void CmsdkUart::write_blocking(const char* text) const noexcept {
    for (; *text; ++text)
        while (!try_write(static_cast<uint8_t>(*text))) {
        }
}

bool CmsdkUart::tx_busy() const noexcept {
    return regs(index_).state & kStateTxFull;
}

}  // namespace irqio::cortex_m

using irqio::cortex_m::rx_irq;
using irqio::cortex_m::tx_irq;
extern "C" void UART0RX_IRQHandler() {
    rx_irq(0);
}
extern "C" void UART0TX_IRQHandler() {
    tx_irq(0);
}
extern "C" void UART1RX_IRQHandler() {
    rx_irq(1);
}
extern "C" void UART1TX_IRQHandler() {
    tx_irq(1);
}
extern "C" void UART2RX_IRQHandler() {
    rx_irq(2);
}
extern "C" void UART2TX_IRQHandler() {
    tx_irq(2);
}
extern "C" void UART3RX_IRQHandler() {
    rx_irq(3);
}
extern "C" void UART3TX_IRQHandler() {
    tx_irq(3);
}
extern "C" void UART4RX_IRQHandler() {
    rx_irq(4);
}
extern "C" void UART4TX_IRQHandler() {
    tx_irq(4);
}
