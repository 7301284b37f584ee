// The portable irqio::Uart (irqio/periph/uart.hpp) on the board through CmsdkUartDriver, driven
// from the host (periph_uart_host.py over QEMU's serial socket):
//   blocking: a banner goes out with Uart::write_blocking (TX interrupt, task spinning);
//   awaited:  every byte the host sends arrives by the RX interrupt into the caller's rx ring,
//             a task reads it with StreamReader::read and sends it back with
//             StreamWriter::write_all (tx ring -> TX interrupt), until EOT (0x04);
//   started:  the closing line goes out with StreamWriter::write (never waits) and is polled
//             out with Uart::tx_pending().
// The host keeps fewer bytes in flight than the rx ring holds, so nothing may be dropped: the
// test checks that no receive overrun was counted and that every byte went both ways.
// On lm3s6965evb (the architecture-only port) the same test runs over Pl011UartDriver (UART0).
#include "check.hpp"
#include "irqio/cortex_m.hpp"
#include "irqio/irqio.hpp"
#include "irqio/periph/periph.hpp"
#if IRQIO_CORTEX_M_SYSTICK_PORT
#include "irqio/cortex_m/lm3s6965.hpp"
#else
#include "irqio/cortex_m/cmsdk_uart_driver.hpp"
#endif

namespace {

using namespace irqio;
using cm_test::report;

constexpr uint8_t kEot = 0x04;
constexpr char kBanner[] = "irqio-uart-ready\n";
constexpr char kBye[] = "irqio-uart-bye\n";

FramePool<1024, 4> g_pool;
#if IRQIO_CORTEX_M_SYSTICK_PORT
cortex_m::Pl011UartDriver& g_drv = cortex_m::lm3s6965::uart0();
constexpr char kDriver[] = "Pl011UartDriver";
#else
cortex_m::CmsdkUartDriver g_drv(cortex_m::uart0, 115200);
constexpr char kDriver[] = "CmsdkUartDriver";
#endif
uint8_t g_rx_ring[256], g_tx_ring[256];

std::span<const uint8_t> text(const char* s, std::size_t n) {
    return {reinterpret_cast<const uint8_t*>(s), n};
}

Task<int> echo() {
    Uart uart(g_drv, g_rx_ring, g_tx_ring);
    CM_CHECK(uart.write_blocking(text(kBanner, sizeof kBanner - 1)).ok());
    CM_CHECK(uart.tx_pending() == 0);

    uint8_t rbuf[64], wbuf[128];
    StreamReader in(uart, rbuf);
    StreamWriter out(uart, wbuf);
    uint32_t echoed = 0;
    bool done = false;
    while (!done) {
        Result<StreamReader::Bytes> r = co_await in.read(sizeof rbuf);
        CM_CHECK(r.ok());
        StreamReader::Bytes bytes = r.value();
        CM_CHECK(!bytes.empty());
        for (uint8_t b : bytes)
            if (b == kEot) done = true;
        echoed += bytes.size();
        Result<void> w = co_await out.write_all(bytes);
        CM_CHECK(w.ok());
    }
    CM_CHECK((co_await out.flush()).ok());
    while (uart.tx_pending() != 0) co_await sleep_ms(1);  // polled: the tx ring drains
    // Started, not awaited: write() hands the bytes to the (now empty) tx ring at once and
    // returns; the TX interrupt sends them while the task polls (QEMU's transmitter is so fast
    // that they may all be out before write() returns).
    Result<std::size_t> n = out.write(text(kBye, sizeof kBye - 1));
    CM_CHECK(n.ok() && n.value() == sizeof kBye - 1);
    CM_CHECK(out.buffered() == 0);
    while (uart.tx_pending() != 0) co_await sleep_ms(1);
    co_await sleep_ms(2);  // the last byte leaves the transmitter

    report("bytes echoed", echoed);
    report("receive overruns", uart.rx_overruns());
    report("rx ring high water", uart.rx_high_water());
    report("RX interrupts", g_drv.rx_irqs());
    report("TX interrupts", g_drv.tx_irqs());
    report("bytes dropped by the driver", g_drv.dropped());
    report("loop sleeps", Loop::current()->stats().sleeps);
    CM_CHECK(uart.rx_overruns() == 0);
    CM_CHECK(g_drv.dropped() == 0);
    CM_CHECK(g_drv.rx_irqs() > 0 && g_drv.tx_irqs() > 0);
    CM_CHECK(uart.rx_buffered() == 0);
    co_return 0;
}

}  // namespace

int main() {
    cm_test::sh::write("cm_periph_uart: irqio::Uart over ");
    cm_test::sh::write(kDriver);
    cm_test::sh::write(" (UART0), echo to the host\n");
    FrameAllocatorScope scope(g_pool);
    int rc = run(echo());
    CM_CHECK(g_pool.used() == 0);
    cm_test::sh::write("PASS\n");
    return rc;
}
