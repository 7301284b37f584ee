// Ssd0323: the Solomon Systech SSD0323 OLED controller driving a 128 x 64 panel of 16 grey levels
// (the LM3S6965 evaluation board's display, QEMU's `ssd0323`), over an irqio::SpiDevice and its
// data/command line (a PinDriver output: low = command, high = display data).
//
//   Ssd0323::Frame frame;                  // 4 KiB, the controller's own layout
//   frame.fill_rect(8, 8, 16, 16, 15);     // grey 0 (off) .. 15 (brightest)
//   Ssd0323 oled(spi_device, dc_pin);
//   co_await oled.init();  co_await oled.update(frame);    // or init_blocking(), update_blocking()
//
// A frame always goes out whole (column and row window first, then 4096 data bytes). Awaited, the
// loop gets a turn after every row, so other tasks keep their timers while a frame is sent even
// on a bus that finishes each transfer before it is awaited; blocking, the caller's task keeps
// the core for the whole frame.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "irqio/core/task.hpp"
#include "irqio/periph/driver.hpp"
#include "irqio/periph/spi.hpp"
#include "irqio/result.hpp"

namespace irqio {

class Ssd0323 {
  public:
    static constexpr int kWidth = 128;
    static constexpr int kHeight = 64;
    static constexpr std::size_t kRowBytes = kWidth / 2;  // two 4-bit pixels a byte
    static constexpr std::size_t kFrameBytes = kRowBytes * kHeight;

    // Invariant: byte y * kRowBytes + x / 2 holds pixel (x, y), the even x in the high nibble (the
    // order the controller shows them in); every pixel is a grey level 0..15.
    class Frame {
      public:
        void clear(uint8_t grey = 0) noexcept;
        // Pixels outside the panel are ignored (drawing may overlap an edge).
        void set(int x, int y, uint8_t grey) noexcept;
        uint8_t get(int x, int y) const noexcept;
        void fill_rect(int x, int y, int w, int h, uint8_t grey) noexcept;
        void draw_rect(int x, int y, int w, int h, uint8_t grey) noexcept;  // a 1-pixel outline
        std::span<const uint8_t> row(int y) const noexcept {
            return std::span<const uint8_t>(bytes_).subspan(static_cast<std::size_t>(y) * kRowBytes,
                                                            kRowBytes);
        }
        std::span<const uint8_t> bytes() const noexcept { return bytes_; }

      private:
        std::array<uint8_t, kFrameBytes> bytes_{};
    };

    // Invariant: every transfer runs inside a transaction of `dev` (the bus locked, the chip
    // selected), and D/C changes only between transfers: low under commands, high under pixels.
    Ssd0323(SpiDevice& dev, PinDriver& dc) noexcept : dev_(&dev), dc_(&dc) {}
    Ssd0323(const Ssd0323&) = delete;
    Ssd0323& operator=(const Ssd0323&) = delete;

    // The power-on command sequence (display on, horizontal addressing). Task context.
    Task<Result<void>> init();
    Result<void> init_blocking() noexcept;

    // Sends the whole frame. The frame must stay unchanged until the update is done.
    Task<Result<void>> update(const Frame& frame);
    Result<void> update_blocking(const Frame& frame) noexcept;

    uint32_t frames() const noexcept { return frames_; }  // updates completed

  private:
    SpiDevice* dev_;
    PinDriver* dc_;
    uint32_t frames_ = 0;
};

}  // namespace irqio
