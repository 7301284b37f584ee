// The pieces of the "cleanup has finished when the wait returns" tests on the virtual board: a
// task that owns a 23 ms SPI DMA read into a caller's buffer, and the check that nothing writes
// into the place of a buffer freed the moment a wait gave up on that task (ASan sees the write
// under the asan preset; elsewhere a buffer allocated in its place is scribbled and checked).
#pragma once
#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <span>

#include "irqio/irqio.hpp"
#include "irqio/periph/periph.hpp"
#include "irqio/sim/board.hpp"

namespace dma_cleanup {

inline constexpr std::size_t kLen = irqio::sim::kDisplayW * irqio::sim::kDisplayH * 2;  // 23 ms

// Reads the whole buffer over SPI (a transaction on `dev`, so several can queue for the bus);
// `started` counts the transfers that began.
inline irqio::Task<int> read_into(irqio::SpiDevice& dev, uint8_t* buf, int* started) {
    auto tx = co_await dev.transaction();
    ++*started;
    auto r = co_await tx.read(std::span<uint8_t>(buf, kLen));
    co_return r.ok() ? 1 : -1;
}

// Allocates kLen bytes where the freed buffer may have been, fills them, lets the device thread
// run for longer than the rest of the transfer, and checks nothing wrote into them.
inline irqio::Task<void> nothing_writes_after(irqio::SpiBus& bus) {
    EXPECT_FALSE(bus.busy());
    auto other = std::make_unique<uint8_t[]>(kLen);
    memset(other.get(), 0xAB, kLen);
    co_await irqio::sleep_ms(30);
    std::size_t changed = 0;
    for (std::size_t i = 0; i < kLen; ++i) changed += other[i] != 0xAB;
    EXPECT_EQ(changed, 0u);
}

}  // namespace dma_cleanup
