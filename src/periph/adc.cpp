// Adc and Dac: starting and stopping, the blocks handed over, and the block interrupts.
#include "irqio/periph/adc.hpp"

namespace irqio {

Result<void> Adc::start(uint32_t rate_hz) noexcept {
    if (running_) return Error::busy;
    if (len_ == 0 || rate_hz == 0) return Error::invalid_argument;
    filled_.store(0, std::memory_order_relaxed);
    consumed_ = 0;
    holding_ = false;
    overruns_ = 0;
    flag_.clear();
    rate_ = rate_hz;
    Result<void> r = d_->adc_start(buf_, len_, nblocks_, rate_hz, this);
    running_ = r.ok();
    return r;
}

void Adc::stop() noexcept {
    if (!running_) return;
    d_->adc_stop();
    running_ = false;
    flag_.set();  // the waiter's condition (HasBlock) now holds: it resumes with closed
}

Result<AdcBlock> Adc::next_block_blocking() noexcept {
    release();
    while (running_ && detail::load_acquire(filled_) <= consumed_) detail::spin_turn();
    if (!running_) return Error::closed;
    return take();
}

void Adc::release() noexcept {
    if (!holding_) return;
    holding_ = false;
    if (detail::load_acquire(filled_) - consumed_ >= nblocks_) {
        ++overruns_;  // the DMA came round to it while the task held it
        ++corrupted_;
    }
    ++consumed_;
}

void Adc::block_done(uint64_t ts) noexcept {
    uint64_t f = filled_.load(std::memory_order_relaxed);
    ts_[f % kTs] = ts;
    detail::store_sc(filled_, f + 1);
    flag_.set();
}

AdcBlock Adc::take() noexcept {
    uint64_t f = detail::load_acquire(filled_);
    AdcBlock b;
    // Readable are the blocks the DMA finished and has not come round to again.
    if (f - consumed_ > nblocks_ - 1) {
        b.lost_before = f - consumed_ - (nblocks_ - 1);
        overruns_ += b.lost_before;
        consumed_ += b.lost_before;
    }
    b.seq = consumed_;
    b.first_sample = consumed_ * len_;
    b.samples = std::span<const uint16_t>(buf_ + (consumed_ % nblocks_) * len_, len_);
    b.timestamp_us = ts_[consumed_ % kTs];
    holding_ = true;
    return b;
}

Result<void> Dac::start(uint32_t rate_hz) noexcept {
    if (running_) return Error::busy;
    if (len_ == 0 || rate_hz == 0) return Error::invalid_argument;
    played_.store(0, std::memory_order_relaxed);
    underruns_.store(0, std::memory_order_relaxed);
    flag_.clear();
    Result<void> r = d_->dac_start(buf_, len_, nblocks_, rate_hz, this);
    running_ = r.ok();
    return r;
}

void Dac::stop() noexcept {
    if (!running_) return;
    d_->dac_stop();
    running_ = false;
}

bool Dac::is_free() noexcept {
    uint64_t p = detail::load_acquire(played_);
    if (running_ && written_ <= p) written_ = p + 1;  // late: the slot now playing is skipped
    // Before start, all blocks are free; afterwards the one playing (seq p) is not.
    return written_ < p + nblocks_ && (!running_ || written_ > p);
}

void Dac::block_done(uint64_t) noexcept {
    uint64_t p = played_.load(std::memory_order_relaxed) + 1;
    if (detail::load_acquire(submitted_) <= p)
        underruns_.store(underruns_.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
    detail::store_sc(played_, p);
    flag_.set();
}

}  // namespace irqio
