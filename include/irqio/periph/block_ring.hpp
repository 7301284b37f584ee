// BlockRing: what circular DMA does for an AdcDriver whose samples its interrupt handler moves
// itself (no DMA engine): writes them into the caller's ring of blocks in order and tells the
// BlockSink each time a block is full. Like DMA it never waits for the reader.
//
// Invariants: sample n of a stream lands at ring index n % (block_len * blocks); the sink hears
// of block k once, after its last sample is stored. Written by one handler at a time.
#pragma once
#include <cstddef>
#include <cstdint>

#include "irqio/periph/driver.hpp"
#include "irqio/port.hpp"

namespace irqio {

class BlockRing {
  public:
    // Task context, before the handler may run: a new stream from sample 0.
    void start(uint16_t* buf, std::size_t block_len, uint32_t blocks, BlockSink* sink) noexcept {
        buf_ = buf;
        block_len_ = block_len;
        ring_len_ = block_len * blocks;
        pos_ = 0;
        in_block_ = 0;
        done_ = 0;
        sink_ = sink;
    }
    // Task context, once the handler can no longer run: the ring is the caller's again.
    void detach() noexcept { sink_ = nullptr; }
    bool attached() const noexcept { return sink_ != nullptr; }

    // Handler: one more sample. `now_us()` gives the block's timestamp; it is called only when
    // the sample completes a block.
    template <class NowUs>
    void push(uint16_t sample, NowUs&& now_us) noexcept {
        BlockSink* sink = sink_;
        if (sink == nullptr) return;
        buf_[pos_] = sample;
        if (++pos_ == ring_len_) pos_ = 0;
        ++done_;
        if (++in_block_ == block_len_) {
            in_block_ = 0;
            sink->block_done(now_us());
        }
    }
    // Samples stored since start(); read it where the handler cannot run meanwhile (the handler
    // itself), or with samples_masked() from task context.
    uint64_t samples() const noexcept { return done_; }
    uint64_t samples_masked() const noexcept {
        port::IrqState s = port::irq_save();  // a 64-bit count is two words on a 32-bit core
        uint64_t n = done_;
        port::irq_restore(s);
        return n;
    }

  private:
    BlockSink* volatile sink_ = nullptr;
    uint16_t* buf_ = nullptr;
    std::size_t block_len_ = 0;
    std::size_t ring_len_ = 0;
    std::size_t pos_ = 0;       // next index into buf_
    std::size_t in_block_ = 0;  // samples in the block being filled
    uint64_t done_ = 0;
};

}  // namespace irqio
