// Ssd0323. Commands from the SSD0323 data sheet as QEMU's hw/display/ssd0323.c models them:
// 0x15 column window (in bytes, two pixels each), 0x75 row window, 0xa0 remap. The model ignores
// the panel's analogue settings (clock, voltages, current, grey table); the values below are the
// usual ones for the evaluation board's panel, not yet checked on one.
#include "irqio/devices/ssd0323.hpp"

#include "irqio/time.hpp"

namespace irqio {
namespace {

constexpr uint8_t kInit[] = {
    0xae,        // display off while it is set up
    0xa0, 0x52,  // remap: horizontal address increment, the panel's COM wiring
    0xa1, 0x00,  // start line 0
    0xa2, 0x4c,  // display offset (the panel's rows start at COM 76)
    0xa4,        // normal display (not all on, off or inverted)
    0xa8, 0x3f,  // multiplex ratio: 64 rows
    0xb2, 0x23,  // row period
    0xb3, 0x91,  // display clock
    0xbc, 0x10,  // precharge voltage
    0xbf, 0x0d,  // segment low voltage
    0xbe, 0x1c,  // VCOMH
    0x81, 0x73,  // contrast
    0x86,        // full current range
    0xb8, 0x01, 0x11, 0x22, 0x32, 0x43, 0x54, 0x65, 0x76,  // grey scale table
    0xaf,                                                  // display on
};
// The whole panel: columns 0..63 (bytes), rows 0..63; the address then runs row by row.
constexpr uint8_t kWindow[] = {0x15, 0x00, Ssd0323::kRowBytes - 1,
                               0x75, 0x00, Ssd0323::kHeight - 1};

uint8_t clamp_grey(uint8_t grey) noexcept {
    return grey > 15 ? 15 : grey;
}

}  // namespace

void Ssd0323::Frame::clear(uint8_t grey) noexcept {
    uint8_t g = clamp_grey(grey);
    bytes_.fill(static_cast<uint8_t>(g << 4 | g));
}

void Ssd0323::Frame::set(int x, int y, uint8_t grey) noexcept {
    if (x < 0 || y < 0 || x >= kWidth || y >= kHeight) return;
    uint8_t& b = bytes_[static_cast<std::size_t>(y) * kRowBytes + static_cast<std::size_t>(x / 2)];
    uint8_t g = clamp_grey(grey);
    b = (x & 1) ? static_cast<uint8_t>((b & 0xf0) | g) : static_cast<uint8_t>((b & 0x0f) | g << 4);
}

uint8_t Ssd0323::Frame::get(int x, int y) const noexcept {
    if (x < 0 || y < 0 || x >= kWidth || y >= kHeight) return 0;
    uint8_t b = bytes_[static_cast<std::size_t>(y) * kRowBytes + static_cast<std::size_t>(x / 2)];
    return (x & 1) ? (b & 0x0f) : static_cast<uint8_t>(b >> 4);
}

void Ssd0323::Frame::fill_rect(int x, int y, int w, int h, uint8_t grey) noexcept {
    for (int j = y; j < y + h; ++j)
        for (int i = x; i < x + w; ++i) set(i, j, grey);
}

void Ssd0323::Frame::draw_rect(int x, int y, int w, int h, uint8_t grey) noexcept {
    if (w <= 0 || h <= 0) return;
    fill_rect(x, y, w, 1, grey);
    fill_rect(x, y + h - 1, w, 1, grey);
    fill_rect(x, y, 1, h, grey);
    fill_rect(x + w - 1, y, 1, h, grey);
}

Task<Result<void>> Ssd0323::init() {
    SpiDevice::Transaction tx = co_await dev_->transaction();
    dc_->pin_write(false);
    co_return co_await tx.write(kInit);
}

Result<void> Ssd0323::init_blocking() noexcept {
    Result<SpiDevice::Transaction> tx = dev_->transaction_blocking();
    if (!tx) return tx.error();
    dc_->pin_write(false);
    return tx.value().bus().write_blocking(kInit);
}

Task<Result<void>> Ssd0323::update(const Frame& frame) {
    SpiDevice::Transaction tx = co_await dev_->transaction();
    // The line changes only between transfers: a transfer is complete once its last byte has
    // come back in, so no byte is on the wire when it moves.
    dc_->pin_write(false);
    Result<void> r = co_await tx.write(kWindow);
    if (!r) co_return r;
    dc_->pin_write(true);
    for (int y = 0; y < kHeight; ++y) {
        r = co_await tx.write(frame.row(y));
        if (!r) co_return r;
        // A transfer that is done before it is awaited (QEMU's PL022 shifts a byte the moment it
        // is written; a fast DMA) does not suspend: this turn is what lets the loop run the
        // other ready tasks and due timers between two rows.
        co_await yield_now();
    }
    ++frames_;
    co_return r;
}

Result<void> Ssd0323::update_blocking(const Frame& frame) noexcept {
    Result<SpiDevice::Transaction> tx = dev_->transaction_blocking();
    if (!tx) return tx.error();
    SpiBus& bus = tx.value().bus();
    dc_->pin_write(false);
    Result<void> r = bus.write_blocking(kWindow);
    if (!r) return r;
    dc_->pin_write(true);
    r = bus.write_blocking(frame.bytes());
    if (r) ++frames_;
    return r;
}

}  // namespace irqio
