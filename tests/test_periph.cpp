// Every peripheral interface in its three modes (awaited, blocking, started) on the virtual board,
// and cancel safety: a transfer cancelled while the DMA runs must never touch the freed buffer
// (run under the asan preset).
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "irqio/irqio.hpp"
#include "irqio/periph/periph.hpp"
#include "irqio/sim/board.hpp"

using namespace irqio;
using namespace irqio::sim;

namespace {

constexpr std::size_t kFrame = kDisplayW * kDisplayH * 2;

uint32_t checksum(const std::vector<uint8_t>& f) {
    uint32_t s = 0;
    for (std::size_t k = 0; k < f.size(); k += 64) s = s * 31 + f[k];
    return s;
}

std::vector<uint8_t> pattern(uint8_t seed) {
    std::vector<uint8_t> f(kFrame);
    for (std::size_t i = 0; i < f.size(); ++i) f[i] = static_cast<uint8_t>(i * 7 + seed);
    return f;
}

// Sends RAMWR (DC low) then the frame (DC high) in three ways.
enum class Mode { awaited, blocking, started };

Task<bool> send_frame(SpiDevice& dev, Pin& dc, const std::vector<uint8_t>& frame, Mode m) {
    auto tx = co_await dev.transaction();
    static const uint8_t ramwr[1] = {0x2C};
    dc.write(false);
    if (!(co_await tx.write(ramwr))) co_return false;
    dc.write(true);
    SpiBus& bus = tx.bus();
    switch (m) {
        case Mode::awaited:
            co_return (co_await bus.write(frame)).ok();
        case Mode::blocking:
            co_return bus.write_blocking(frame).ok();
        case Mode::started: {
            if (!bus.start_write(frame)) co_return false;
            EXPECT_TRUE(bus.busy());
            int spins = 0;
            while (bus.busy() && spins < 3) {  // other work goes on meanwhile
                co_await sleep_ms(1);
                ++spins;
            }
            auto r = co_await bus.done();
            EXPECT_FALSE(bus.busy());
            co_return r.ok();
        }
    }
    co_return false;
}

TEST(PeriphSpi, FrameToDisplayInAllThreeModes) {
    Board board;
    SpiBus bus(board.spi1());
    SpiDevice display(bus, kCsDisplay);
    Pin dc(board.pin(kPinDisplayDc));
    int i = 0;
    for (Mode m : {Mode::awaited, Mode::blocking, Mode::started}) {
        auto frame = pattern(static_cast<uint8_t>(i));
        auto body = [&]() -> Task<uint64_t> {
            uint64_t t0 = mono_us();
            bool ok = co_await send_frame(display, dc, frame, m);
            EXPECT_TRUE(ok);
            co_return mono_us() - t0;
        };
        uint64_t us = run(body());
        ++i;
        EXPECT_EQ(board.display().frames(), static_cast<uint64_t>(i));
        EXPECT_EQ(board.display().last_checksum(), checksum(frame));
        // 115200 bytes at 40 MHz take 23 ms on the bus: the model keeps the bus clock.
        EXPECT_GE(us, 22'000u);
    }
    EXPECT_EQ(bus.transfers(), 6u);
}

// Flash: JEDEC ID (transfer, blocking), program a page and read it back (awaited, in place,
// started).
TEST(PeriphSpi, FlashTransferReadWriteInPlace) {
    Board board;
    SpiBus bus(board.spi1());
    SpiDevice flash(bus, kCsFlash);
    auto body = [&]() -> Task<void> {
        {  // blocking full-duplex transfer
            auto t = flash.transaction_blocking();
            EXPECT_TRUE(t.ok());
            const uint8_t cmd[4] = {0x9F, 0, 0, 0};
            uint8_t id[4] = {};
            EXPECT_TRUE(bus.transfer_blocking(cmd, id).ok());
            EXPECT_EQ(id[1], 0xEF);
            EXPECT_EQ(id[2], 0x40);
            EXPECT_EQ(id[3], 0x14);
        }
        {  // awaited: write enable, page program
            auto t = co_await flash.transaction();
            const uint8_t wren[1] = {0x06};
            EXPECT_TRUE((co_await t.write(wren)).ok());
        }
        {
            auto t = co_await flash.transaction();
            uint8_t pp[4 + 8] = {0x02, 0x00, 0x10, 0x00, 1, 2, 3, 4, 5, 6, 7, 8};
            EXPECT_TRUE((co_await t.write(pp)).ok());
        }
        co_await sleep_ms(2);  // page program time
        {  // in place: command + address, then the data come back in the same buffer
            auto t = co_await flash.transaction();
            uint8_t buf[4 + 8] = {0x03, 0x00, 0x10, 0x00};
            EXPECT_TRUE((co_await t.transfer_in_place(buf)).ok());
            for (int k = 0; k < 8; ++k) EXPECT_EQ(buf[4 + k], k + 1);
        }
        {  // started read (after the command went out awaited)
            auto t = co_await flash.transaction();
            const uint8_t rd[4] = {0x03, 0x00, 0x10, 0x02};
            EXPECT_TRUE((co_await t.write(rd)).ok());
            uint8_t data[1024] = {};
            EXPECT_TRUE(bus.start_read(data).ok());                // 205 us on the bus
            EXPECT_EQ(bus.start_read(data).error(), Error::busy);  // one at a time
            auto r = co_await bus.done();
            EXPECT_TRUE(r.ok());
            EXPECT_EQ(data[0], 3);
            EXPECT_EQ(data[3], 6);
        }
    };
    run(body());
}

TEST(PeriphI2c, AllModesNackAndBusError) {
    Board board;
    I2c i2c(board.i2c1());
    auto body = [&]() -> Task<void> {
        const uint8_t who[1] = {0x0F};
        uint8_t v[1] = {};
        // awaited
        EXPECT_TRUE((co_await i2c.write_read(kSensorAddr, who, v)).ok());
        EXPECT_EQ(v[0], 0xA5);
        // blocking
        v[0] = 0;
        EXPECT_TRUE(i2c.write_read_blocking(kSensorAddr, who, v).ok());
        EXPECT_EQ(v[0], 0xA5);
        // started
        const uint8_t wr[2] = {0x10, 0x5A};
        EXPECT_TRUE(i2c.start_write(kSensorAddr, wr).ok());
        EXPECT_TRUE(i2c.busy());
        EXPECT_TRUE((co_await i2c.done()).ok());
        EXPECT_EQ(board.sensor().reg(0x10), 0x5A);
        // read without a register write continues from the pointer
        const uint8_t cfg[1] = {0x10};
        EXPECT_TRUE((co_await i2c.write(kSensorAddr, cfg)).ok());
        EXPECT_TRUE((co_await i2c.read(kSensorAddr, v)).ok());
        EXPECT_EQ(v[0], 0x5A);
        // NACK: nobody at 0x21
        auto r = co_await i2c.write_read(0x21, who, v);
        EXPECT_EQ(r.error(), Error::nack);
        EXPECT_EQ(i2c.write_blocking(0x21, who).error(), Error::nack);
        // bus error
        board.sensor().inject_bus_errors(1);
        EXPECT_EQ((co_await i2c.write_read(kSensorAddr, who, v)).error(), Error::io);
        EXPECT_TRUE((co_await i2c.write_read(kSensorAddr, who, v)).ok());
        EXPECT_EQ((co_await i2c.write(0x80, who)).error(), Error::invalid_argument);
    };
    run(body());
}

TEST(PeriphAdc, AwaitedBlockingPolled) {
    Board board;
    board.generator().counter = true;
    // Eight blocks of 20 ms: a loaded CI host may keep the task away for tens of milliseconds;
    // the gap-free stream under a deadline is SimAdc.TenSecondsGapFree's job, this test's is the
    // three modes.
    std::vector<uint16_t> storage(8 * 200);
    Adc adc(board.adc1(), storage, 8);
    auto body = [&]() -> Task<void> {
        EXPECT_TRUE(adc.start(10'000).ok());  // 20 ms per block
        uint64_t expect = 0;
        auto check = [&](const AdcBlock& b) {
            EXPECT_EQ(b.first_sample, expect);
            EXPECT_EQ(b.samples.size(), 200u);
            EXPECT_EQ(b.samples[0], static_cast<uint16_t>(b.first_sample));
            EXPECT_EQ(b.samples[199], static_cast<uint16_t>(b.first_sample + 199));
            expect = b.first_sample + 200;
        };
        for (int i = 0; i < 3; ++i) {  // awaited
            auto b = co_await adc.next_block();
            EXPECT_TRUE(b.ok());
            if (b) check(*b);
        }
        for (int i = 0; i < 3; ++i) {  // blocking
            auto b = adc.next_block_blocking();
            EXPECT_TRUE(b.ok());
            if (b) check(*b);
        }
        int polled = 0;  // polled
        while (polled < 3) {
            auto b = adc.try_block();
            if (b) {
                check(*b);
                ++polled;
            } else {
                EXPECT_EQ(b.error(), Error::empty);
                co_await sleep_ms(2);
            }
        }
        adc.stop();
    };
    run(body());
    EXPECT_EQ(adc.overruns(), 0u);
}

TEST(PeriphDac, DoubleBufferedOutputAllModes) {
    Board board;
    // Eight blocks of 40 ms: slack for a slow (sanitized, shared) host; the timing-critical case
    // is the demo's and SimAdc's, this test's is the three modes and the underrun count.
    constexpr int kBlocks = 8;
    std::vector<uint16_t> storage(kBlocks * 200);
    Dac dac(board.dac1(), storage, kBlocks);
    auto body = [&]() -> Task<void> {
        for (int i = 0; i < kBlocks; ++i) {  // prime every block (polled)
            auto b = dac.try_free();
            EXPECT_TRUE(b.ok());
            std::fill(b->begin(), b->end(), 1000);
            dac.submit();
        }
        EXPECT_EQ(dac.try_free().error(), Error::full);
        EXPECT_TRUE(dac.start(5'000).ok());  // 40 ms per block
        for (int i = 0; i < 6; ++i) {
            auto b = (i % 2) ? dac.next_free_blocking() : co_await dac.next_free();
            EXPECT_TRUE(b.ok());
            std::fill(b->begin(), b->end(), 1000);
            dac.submit();
        }
        EXPECT_EQ(dac.underruns(), 0u);
        co_await sleep_ms(kBlocks * 40 + 200);  // no more blocks: the hardware runs dry, counted
        EXPECT_GE(dac.underruns(), 1u);
        dac.stop();
    };
    run(body());
    EXPECT_GE(dac.blocks_played(), 7u);
    EXPECT_GE(board.dac_sink().samples.load(), 1400u);
    EXPECT_EQ(board.dac_sink().last.load(), 1000u);
}

TEST(PeriphPin, EdgesLevelsTimestampsAllModes) {
    Board board;
    Pin pin(board.pin(5));
    auto body = [&]() -> Task<void> {
        // awaited edge; the world drives the pin 5 ms from now
        uint64_t when = board.now_ns() + 5'000'000;
        board.at(when, [&] { board.drive_pin(5, true); });
        uint64_t before = mono_us();
        auto e = co_await pin.wait_for_edge(Edge::rising);
        EXPECT_TRUE(e.ok());
        EXPECT_TRUE(e->level);
        EXPECT_GE(e->timestamp_us, before + 4'000);
        EXPECT_LE(e->timestamp_us, mono_us());
        // level waits: already high -> at once; low -> after the falling edge
        EXPECT_TRUE((co_await pin.wait_for_high()).ok());
        board.at(board.now_ns() + 2'000'000, [&] { board.drive_pin(5, false); });
        auto lo = co_await pin.wait_for_low();
        EXPECT_TRUE(lo.ok());
        EXPECT_FALSE(lo->level);
        // started
        pin.arm(Edge::both);
        EXPECT_TRUE(pin.busy());
        board.at(board.now_ns() + 1'000'000, [&] { board.drive_pin(5, true); });
        auto d = co_await pin.done();
        EXPECT_TRUE(d.ok());
        EXPECT_FALSE(pin.busy());
        // blocking
        board.at(board.now_ns() + 1'000'000, [&] { board.drive_pin(5, false); });
        auto b = pin.wait_for_edge_blocking(Edge::falling);
        EXPECT_TRUE(b.ok());
        EXPECT_FALSE(b->level);
        // a wait that times out disarms: a later edge changes nothing
        auto t = co_await wait_for_ms(pin.wait_for_edge(Edge::rising), 5);
        EXPECT_EQ(t.error(), Error::timed_out);
        EXPECT_FALSE(pin.busy());
    };
    run(body());
    EXPECT_GE(pin.edges(), 4u);
}

TEST(PeriphPin, DebouncedButtonAndEncoder) {
    Board board;
    Pin bp(board.pin(kPinButton)), a(board.pin(kPinEncA)), b(board.pin(kPinEncB));
    Button button(bp, true, 10);
    QuadratureEncoder enc(a, b);
    auto body = [&]() -> Task<void> {
        uint64_t t = board.now_ns() + 2'000'000;
        board.press_button(t, 40'000'000, 4);  // 4 bounces at each end
        auto p = co_await button.wait_press();
        EXPECT_TRUE(p.ok());
        auto r = co_await button.wait_release();
        EXPECT_TRUE(r.ok());
        EXPECT_GE(r.value() - p.value(), 35'000u);
        // 20 ms per detent (5 ms between edges), a knob turned briskly by hand.
        board.turn_encoder(board.now_ns() + 1'000'000, 5, 20'000'000);
        int32_t pos = 0;
        while (pos < 20) {
            auto c = co_await wait_for_ms(enc.changed(pos), 1000);
            if (!c) break;
            pos = c.value();
        }
        EXPECT_EQ(pos, 20);
        board.turn_encoder(board.now_ns() + 1'000'000, -2, 20'000'000);
        co_await sleep_ms(100);
        EXPECT_EQ(enc.position(), 12);
    };
    run(body());
    // button.bounces() is not asserted: bounce edges are seen only while the button listens, and
    // a host that resumes the task after the 1.2 ms of bouncing sees none (the press and release
    // above are still each reported once, which is what debouncing is for).
    EXPECT_EQ(enc.invalid_transitions(), 0u);
}

TEST(PeriphUart, StreamsOverTheInterruptDrivenUart) {
    Board board;
    board.uart_loopback(true);
    uint8_t rx_ring[64], tx_ring[32], rbuf[128], wbuf[256];
    Uart uart(board.uart1(), rx_ring, tx_ring);
    auto body = [&]() -> Task<void> {
        StreamReader in(uart, rbuf);
        StreamWriter out(uart, wbuf);
        // awaited: a line out through the TX interrupt, back in through the RX interrupt
        std::string msg = "hello from the uart, longer than the transmit ring\n";
        auto w = co_await out.write_all(
            std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(msg.data()), msg.size()));
        EXPECT_TRUE(w.ok());
        auto line = co_await wait_for_ms(in.readline(100), 2000);
        EXPECT_TRUE(line.ok());
        if (line) {
            EXPECT_EQ(std::string(reinterpret_cast<const char*>(line->data()), line->size()), msg);
        }
        // started: write() returns at once, the bytes go out in the background
        const uint8_t abc[4] = {'a', 'b', 'c', '\n'};
        auto n = out.write(abc);
        EXPECT_TRUE(n.ok());
        auto l2 = co_await wait_for_ms(in.readline(10), 1000);
        EXPECT_TRUE(l2.ok());
        // blocking
        const uint8_t xy[2] = {'x', 'y'};
        EXPECT_TRUE(uart.write_blocking(xy).ok());
        uint8_t got[2] = {};
        std::size_t have = 0;
        while (have < 2) {
            auto r = uart.read_blocking(std::span<uint8_t>(got + have, 2 - have));
            if (!r) break;
            have += r.value();
        }
        EXPECT_EQ(got[0], 'x');
        EXPECT_EQ(got[1], 'y');
    };
    run(body());
    EXPECT_EQ(uart.rx_overruns(), 0u);
}

TEST(PeriphUart, HostInjectedBytesAndOutput) {
    Board board;
    uint8_t rx_ring[16], tx_ring[16], rbuf[64], wbuf[64];
    Uart uart(board.uart1(), rx_ring, tx_ring);
    auto body = [&]() -> Task<void> {
        StreamReader in(uart, rbuf);
        StreamWriter out(uart, wbuf);
        board.uart_inject("ping\n");
        auto l = co_await wait_for_ms(in.readline(32), 1000);
        EXPECT_TRUE(l.ok());
        const uint8_t pong[5] = {'p', 'o', 'n', 'g', '\n'};
        EXPECT_TRUE((co_await out.write_all(pong)).ok());
        EXPECT_TRUE((co_await out.flush()).ok());
        co_await sleep_ms(5);
    };
    run(body());
    EXPECT_EQ(board.uart_take_output(), "pong\n");
}

// RxOverflow::throttle: bytes that find the receive ring full wait in the UART's FIFO (the
// receive interrupt is off) and come in once a read makes room: none dropped, order kept.
TEST(PeriphUart, ThrottleKeepsBytesInTheUartWhileTheRingIsFull) {
    Board board;
    uint8_t rx_ring[16], tx_ring[16];
    Uart uart(board.uart1(), rx_ring, tx_ring, RxOverflow::throttle);
    std::string sent;
    for (int i = 0; i < 24; ++i) sent.push_back(static_cast<char>('a' + i));
    std::string got;
    auto body = [&]() -> Task<void> {
        // Two batches, each no larger than the UART's 16-byte FIFO, so a late handler loses
        // nothing.
        board.uart_inject(sent.substr(0, 16));
        co_await sleep_ms(50);  // the ring is full: the receive interrupt went off
        board.uart_inject(sent.substr(16));
        co_await sleep_ms(50);  // these 8 wait in the UART's FIFO
        EXPECT_EQ(uart.rx_buffered(), 16u);
        for (int round = 0; round < 200 && got.size() < sent.size(); ++round) {
            uint8_t buf[8];
            auto r = uart.try_read(buf);
            if (r) got.append(reinterpret_cast<const char*>(buf), r.value());
            co_await sleep_ms(1);
        }
    };
    run(body());
    EXPECT_EQ(got, sent);
    EXPECT_EQ(uart.rx_overruns(), 0u);
    EXPECT_GE(uart.rx_throttles(), 1u);
    EXPECT_EQ(uart.rx_bytes(), 24u);
}

// ---- cancel safety ----

// An awaited SPI read into a heap buffer owned by the task; the task is cancelled mid-transfer and
// the buffer freed right after. ASan reports a write after free if the DMA went on.
TEST(PeriphCancel, SpiTransferCancelledThenBufferFreed) {
    Board board;
    SpiBus bus(board.spi1());
    for (int round = 0; round < 20; ++round) {
        auto reader = [&]() -> Task<void> {
            auto buf = std::make_unique<uint8_t[]>(kFrame);  // 23 ms of bus time
            auto r = co_await bus.read(std::span<uint8_t>(buf.get(), kFrame));
            ADD_FAILURE() << "the transfer should have been cancelled";
            (void)r;
        };
        auto body = [&]() -> Task<void> {
            auto h = create_task(reader());
            co_await sleep_us(500 + round * 300);
            EXPECT_TRUE(bus.busy());
            h.cancel();
            auto r = co_await h;  // the frame (and buffer) are gone now
            EXPECT_EQ(r.error(), Error::cancelled);
            EXPECT_FALSE(bus.busy());
            // Scribble over freed memory and let the device thread run: nothing may write.
            auto other = std::make_unique<uint8_t[]>(kFrame);
            memset(other.get(), 0xAB, kFrame);
            co_await sleep_ms(3);
            for (std::size_t i = 0; i < kFrame; i += 97) EXPECT_EQ(other[i], 0xAB);
        };
        run(body());
    }
    // The bus still works afterwards.
    std::vector<uint8_t> tx(64, 1);
    EXPECT_TRUE(bus.write_blocking(tx).ok());
}

TEST(PeriphCancel, SpiTimeoutAbortsTheDma) {
    Board board;
    SpiBus bus(board.spi1());
    auto body = [&]() -> Task<void> {
        auto buf = std::make_unique<uint8_t[]>(kFrame);
        auto r = co_await wait_for_ms(bus.read(std::span<uint8_t>(buf.get(), kFrame)), 3);
        EXPECT_EQ(r.error(), Error::timed_out);
        EXPECT_FALSE(bus.busy());
        buf.reset();
        co_await sleep_ms(30);
    };
    run(body());
}

// ADC streaming into heap storage: the waiting task is cancelled, the ADC stopped, the storage
// freed; the DMA must not write any more.
TEST(PeriphCancel, AdcCancelledStopThenFree) {
    Board board;
    for (int round = 0; round < 5; ++round) {
        auto storage = std::make_unique<std::vector<uint16_t>>(2 * 256);
        auto adc = std::make_unique<Adc>(board.adc1(), *storage, 2);
        auto waiter = [&]() -> Task<void> {
            for (;;) {
                auto b = co_await adc->next_block();
                if (!b) co_return;
            }
        };
        auto body = [&]() -> Task<void> {
            EXPECT_TRUE(adc->start(100'000).ok());
            auto h = create_task(waiter());
            co_await sleep_us(3000 + round * 700);
            h.cancel();
            co_await h;
            adc.reset();      // ~Adc stops the DMA and waits for it
            storage.reset();  // freed right after
            co_await sleep_ms(10);
        };
        run(body());
    }
}

}  // namespace
