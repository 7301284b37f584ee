// UART echo driven from the host, through irqio's streams: every byte arrives by the RX
// interrupt into the Uart's receive ring (CmsdkUartDriver under irqio::Uart), a task reads it
// with StreamReader::read and writes it back with StreamWriter::write_all; the transmit ring
// feeds the TX interrupt. The host side (uart_echo_host.py) sends a pattern through QEMU's serial
// socket, checks the echo, and ends the run with EOT (0x04). Flow control (RxOverflow::throttle):
// when the receive ring is full the RX interrupt goes off, so the byte waits in the UART and
// QEMU holds the sender back.
#include "check.hpp"
#include "irqio/cortex_m.hpp"
#include "irqio/cortex_m/cmsdk_uart_driver.hpp"
#include "irqio/irqio.hpp"
#include "irqio/periph/uart.hpp"

namespace {

using namespace irqio;
using cm_test::report;

constexpr uint8_t kEot = 0x04;

FramePool<1024, 4> g_pool;  // the frame holds the Uart
cortex_m::CmsdkUartDriver g_drv(cortex_m::uart0, 115200);
uint8_t g_rx_ring[64], g_tx_ring[64];

Task<int> echo() {
    Uart g_uart(g_drv, g_rx_ring, g_tx_ring, RxOverflow::throttle);
    uint8_t rbuf[64], wbuf[64];
    StreamReader in(g_uart, rbuf);
    StreamWriter out(g_uart, wbuf);
    uint32_t echoed = 0;
    bool done = false;
    while (!done) {
        Result<StreamReader::Bytes> r = co_await in.read(sizeof rbuf);
        CM_CHECK(r.ok());
        StreamReader::Bytes bytes = r.value();
        for (uint8_t b : bytes)
            if (b == kEot) done = true;
        echoed += bytes.size();
        Result<void> w = co_await out.write_all(bytes);
        CM_CHECK(w.ok());
    }
    Result<void> f = co_await out.flush();
    CM_CHECK(f.ok());
    while (g_uart.tx_pending() != 0) co_await sleep_ms(1);  // the last bytes reach the UART
    report("bytes echoed", echoed);
    report("bytes received by the RX interrupt", g_uart.rx_bytes());
    report("bytes sent by the TX path", g_uart.tx_bytes());
    report("times the rx ring filled and throttled the sender", g_uart.rx_throttles());
    report("loop sleeps", Loop::current()->stats().sleeps);
    CM_CHECK(g_uart.rx_bytes() == echoed && g_uart.tx_bytes() == echoed);
    co_return 0;  // the Uart detaches from the driver (both interrupts off) as it goes
}

}  // namespace

int main() {
    cm_test::sh::write(
        "cm_uart_echo: UART0 RX irq -> Uart rx ring -> StreamReader -> task -> "
        "StreamWriter -> Uart tx ring -> TX irq\n");
    FrameAllocatorScope scope(g_pool);
    int rc = run(echo());
    cm_test::sh::write("PASS\n");
    return rc;
}
