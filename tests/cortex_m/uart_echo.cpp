// UART echo driven from the host: every byte arrives by the RX interrupt, travels through a ring
// to the task loop (woken by notify() from the handler) and leaves by the TX interrupt. The host
// side (uart_echo_host.py) sends a pattern through QEMU's serial socket, checks the echo, and
// ends the run with EOT (0x04). Flow control: when the RX ring is full the RX hook turns the
// receive interrupt off, so the byte waits in the UART and QEMU holds the sender back.
#include "byte_ring.hpp"
#include "check.hpp"
#include "irqio/cortex_m.hpp"
#include "irqio/cortex_m/cmsdk_uart.hpp"

namespace {

using cm_test::report;
using irqio::cortex_m::uart0;

constexpr uint8_t kEot = 0x04;

cm_test::ByteRing<64> g_rx;  // RX handler -> loop
cm_test::ByteRing<64> g_tx;  // loop -> TX handler
std::atomic<bool> g_tx_idle{true};
uint32_t g_rx_throttled = 0;

irqio::CortexMPort& port() {
    return static_cast<irqio::CortexMPort&>(irqio::port::default_port());
}

void on_rx(void*, uint8_t byte) {
    g_rx.push(byte);  // cannot fail: the interrupt is off while the ring is full
    if (g_rx.full()) {
        uart0.enable_rx_irq(false);
        ++g_rx_throttled;
    }
    port().notify();
}

void on_tx(void*) {
    uint8_t byte;
    if (g_tx.pop(byte)) {
        uart0.try_write(byte);
    } else {
        g_tx_idle.store(true, std::memory_order_release);
    }
    port().notify();  // room in the TX ring, or the transmitter is done
}

// Task context: starts the transmitter if it is idle; the TX handler keeps it going.
void kick_tx() {
    uint32_t primask = irqio::port::irq_save();
    uint8_t byte;
    if (g_tx_idle.load(std::memory_order_acquire) && g_tx.pop(byte)) {
        g_tx_idle.store(false, std::memory_order_relaxed);
        uart0.try_write(byte);
    }
    irqio::port::irq_restore(primask);
}

}  // namespace

int main() {
    cm_test::sh::write("cm_uart_echo: UART0 RX irq -> ring -> loop -> ring -> TX irq\n");
    uart0.init(115200);
    uart0.set_hooks(on_rx, on_tx, nullptr);
    uart0.enable_tx_irq(true);  // TX fires only when a byte has gone out
    uart0.enable_rx_irq(true);

    uint32_t echoed = 0;
    bool done = false;
    uint8_t pending = 0;
    bool have_pending = false;
    while (!done || !g_tx.empty() || !g_tx_idle.load()) {
        port().wait_until(irqio::kNever);
        // Move received bytes to the TX ring as far as it has room.
        for (;;) {
            if (!have_pending) have_pending = g_rx.pop(pending);
            if (!have_pending || !g_tx.push(pending)) break;
            have_pending = false;
            ++echoed;
            if (pending == kEot) done = true;
        }
        if (!g_rx.full()) uart0.enable_rx_irq(true);  // room again: let bytes in
        kick_tx();
    }
    report("bytes echoed", echoed);
    report("times the RX ring filled and throttled the sender", g_rx_throttled);
    report("wait_until sleeps", port().sleeps());
    cm_test::sh::write("PASS\n");
    return 0;
}
