// irqio::Ssd0323 on the host, over a recording SPI driver and D/C pin: what goes on the wire, with
// the D/C level of every byte, for init and for awaited and blocking frame updates; the frame's
// pixel layout; the chip selected only during a transaction; the awaited update giving the loop a
// turn after every row (the QEMU test, cm_oled, checks the picture itself).
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "irqio/devices/ssd0323.hpp"
#include "irqio/irqio.hpp"

namespace {

using namespace irqio;

struct WireByte {
    uint8_t value;
    bool data;  // the D/C line: high = display data
};

class RecordingPin final : public PinDriver {
  public:
    bool pin_read() noexcept override { return level; }
    void pin_write(bool l) noexcept override { level = l; }
    void pin_irq(Edge, EdgeSink*) noexcept override {}
    bool level = false;
};

// Finishes every transfer at once (as QEMU's PL022 does): the awaiter never suspends on it.
class RecordingSpi final : public SpiDriver {
  public:
    explicit RecordingSpi(const RecordingPin& dc) : dc_(&dc) {}
    Result<void> spi_start(const uint8_t* tx, uint8_t*, std::size_t n,
                           Completion* done) noexcept override {
        EXPECT_TRUE(selected) << "a transfer outside a transaction";
        for (std::size_t i = 0; i < n; ++i) wire.push_back({tx[i], dc_->level});
        done->finish(Error::none, n);
        return {};
    }
    void spi_abort() noexcept override {}
    void spi_select(uint8_t, bool active) noexcept override { selected = active; }
    uint32_t spi_clock_hz() const noexcept override { return 1'000'000; }

    std::vector<WireByte> wire;
    bool selected = false;

  private:
    const RecordingPin* dc_;
};

struct Rig {
    RecordingPin dc;
    RecordingSpi spi{dc};
    SpiBus bus{spi};
    SpiDevice device{bus, 0};
    Ssd0323 oled{device, dc};
};

Ssd0323::Frame pattern() {
    Ssd0323::Frame f;
    for (int y = 0; y < Ssd0323::kHeight; ++y)
        for (int x = 0; x < Ssd0323::kWidth; ++x) f.set(x, y, static_cast<uint8_t>((x + y) & 15));
    return f;
}

// The window command (D/C low), then the frame's 4096 bytes (D/C high), in order.
void expect_frame_on_wire(const std::vector<WireByte>& wire, const Ssd0323::Frame& f) {
    const uint8_t window[] = {0x15, 0x00, 0x3f, 0x75, 0x00, 0x3f};
    ASSERT_EQ(wire.size(), sizeof window + Ssd0323::kFrameBytes);
    for (std::size_t i = 0; i < sizeof window; ++i) {
        EXPECT_EQ(wire[i].value, window[i]) << i;
        EXPECT_FALSE(wire[i].data) << i;
    }
    for (std::size_t i = 0; i < Ssd0323::kFrameBytes; ++i) {
        ASSERT_EQ(wire[sizeof window + i].value, f.bytes()[i]) << i;
        ASSERT_TRUE(wire[sizeof window + i].data) << i;
    }
}

TEST(Ssd0323, FrameLayoutIsTheControllers) {
    Ssd0323::Frame f;
    f.set(0, 0, 0xa);
    f.set(1, 0, 0x5);
    f.set(127, 63, 0xf);
    f.set(-1, 0, 0xf);              // outside: ignored
    f.set(128, 0, 0xf);             // outside: ignored
    f.set(2, 1, 99);                // clamped to 15
    EXPECT_EQ(f.bytes()[0], 0xa5);  // the even pixel in the high nibble
    EXPECT_EQ(f.bytes()[Ssd0323::kFrameBytes - 1], 0x0f);
    EXPECT_EQ(f.bytes()[Ssd0323::kRowBytes + 1], 0xf0);
    EXPECT_EQ(f.get(0, 0), 0xa);
    EXPECT_EQ(f.get(1, 0), 0x5);
    EXPECT_EQ(f.get(2, 1), 0xf);
    f.fill_rect(4, 4, 2, 2, 7);
    EXPECT_EQ(f.get(4, 4), 7);
    EXPECT_EQ(f.get(5, 5), 7);
    EXPECT_EQ(f.get(6, 5), 0);
    f.clear(3);
    EXPECT_EQ(f.bytes()[100], 0x33);
}

TEST(Ssd0323, InitSendsCommandsOnly) {
    Rig rig;
    run([](Rig& r) -> Task<void> { EXPECT_TRUE((co_await r.oled.init()).ok()); }(rig));
    ASSERT_FALSE(rig.spi.wire.empty());
    EXPECT_EQ(rig.spi.wire.front().value, 0xae);  // display off first
    EXPECT_EQ(rig.spi.wire.back().value, 0xaf);   // on last
    for (const WireByte& b : rig.spi.wire) EXPECT_FALSE(b.data);
    EXPECT_FALSE(rig.spi.selected);

    rig.spi.wire.clear();
    EXPECT_TRUE(rig.oled.init_blocking().ok());
    EXPECT_EQ(rig.spi.wire.front().value, 0xae);
    for (const WireByte& b : rig.spi.wire) EXPECT_FALSE(b.data);
}

TEST(Ssd0323, AwaitedUpdateSendsWindowThenFrame) {
    Rig rig;
    static const Ssd0323::Frame f = pattern();
    run([](Rig& r) -> Task<void> { EXPECT_TRUE((co_await r.oled.update(f)).ok()); }(rig));
    expect_frame_on_wire(rig.spi.wire, f);
    EXPECT_EQ(rig.oled.frames(), 1u);
    EXPECT_FALSE(rig.spi.selected);
}

TEST(Ssd0323, BlockingUpdateSendsTheSameBytes) {
    Rig rig;
    static const Ssd0323::Frame f = pattern();
    EXPECT_TRUE(rig.oled.update_blocking(f).ok());
    expect_frame_on_wire(rig.spi.wire, f);
    EXPECT_EQ(rig.oled.frames(), 1u);
    EXPECT_FALSE(rig.spi.selected);
}

// The bus here finishes every transfer before it is awaited: without its turn per row, the
// awaited update would keep the loop for the whole frame.
TEST(Ssd0323, AwaitedUpdateLetsOtherTasksRunBetweenRows) {
    Rig rig;
    static const Ssd0323::Frame f = pattern();
    static uint32_t turns = 0;
    static bool done = false;
    turns = 0;
    done = false;
    run([](Rig& r) -> Task<void> {
        auto other = create_task([]() -> Task<void> {
            while (!done) {
                ++turns;
                co_await yield_now();
            }
        }());
        EXPECT_TRUE((co_await r.oled.update(f)).ok());
        done = true;
        EXPECT_TRUE((co_await other).ok());
    }(rig));
    EXPECT_GE(turns, static_cast<uint32_t>(Ssd0323::kHeight));
}

}  // namespace
