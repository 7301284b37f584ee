// Adc and Dac: continuous sampling / output at a fixed rate through circular DMA over a ring of
// blocks (two by default: double buffering). The hardware never waits for the task.
//
// Adc: `auto b = co_await adc.next_block();` gives the oldest full block; it belongs to the task
// until release() (or the next next_block()). If the task falls so far behind that the DMA comes
// round to a block not yet read (or still held), that block's samples are lost: the loss is counted
// (overruns(), lost_samples()) and reported in the next block (AdcBlock::lost_before), never
// silent. Sample numbering is continuous: AdcBlock::first_sample = seq * block_len.
//
// Dac: fill blocks with `co_await dac.next_free()` + submit(); a block boundary at which the next
// block was not submitted is an underrun (the hardware replays old data), counted.
//
// Three ways: awaited (next_block / next_free), polled (ready(), try_block() / try_free()),
// blocking (next_block_blocking() / next_free_blocking()).
//
// Adc::next_block() and next_block_blocking() on an ADC that is not running (never started, or
// stopped) give Error::closed at once, and stop() wakes a task waiting in next_block() with
// Error::closed.
#pragma once
#include <atomic>
#include <cstdint>
#include <span>

#include "irqio/periph/completion.hpp"
#include "irqio/periph/driver.hpp"

namespace irqio {

struct AdcBlock {
    std::span<const uint16_t> samples;
    uint64_t seq = 0;           // block number since start()
    uint64_t first_sample = 0;  // sample number of samples[0] since start()
    uint64_t timestamp_us = 0;  // taken in the interrupt that reported the block full
    uint64_t lost_before = 0;   // blocks lost between the previous block given and this one
};

class Adc final : private BlockSink {
  public:
    // `storage` is split into `blocks` equal blocks (>= 2).
    Adc(AdcDriver& d, std::span<uint16_t> storage, uint32_t blocks = 2) noexcept
        : d_(&d),
          buf_(storage.data()),
          nblocks_(blocks < 2 ? 2 : blocks),
          len_(storage.size() / (blocks < 2 ? 2 : blocks)) {}
    ~Adc() { stop(); }
    Adc(const Adc&) = delete;

    Result<void> start(uint32_t rate_hz) noexcept;
    // Returns once the DMA has stopped writing. A task waiting in next_block() gets Error::closed.
    void stop() noexcept;
    bool running() const noexcept { return running_; }

    // Full blocks not yet given to the task.
    uint64_t ready() const noexcept {
        uint64_t f = detail::load_acquire(filled_);
        uint64_t c = consumed_ + (holding_ ? 1 : 0);
        return f > c ? f - c : 0;
    }
    // Polled: the next block, or Error::empty.
    Result<AdcBlock> try_block() noexcept {
        release();
        if (detail::load_acquire(filled_) <= consumed_) return Error::empty;
        return take();
    }
    // A block to give, or nothing more will come (not running: closed).
    struct HasBlock {
        Adc* a;
        bool operator()() const noexcept {
            return !a->running_ ||
                   detail::load_acquire(a->filled_) > a->consumed_ + (a->holding_ ? 1 : 0);
        }
    };
    class BlockAwaiter {
      public:
        BlockAwaiter(Adc* a, Priority p) noexcept
            : a_(a), w_((a->release(), a->flag_), HasBlock{a}, p) {}
        bool await_ready() noexcept { return w_.await_ready(); }
        bool await_suspend(std::coroutine_handle<> h) noexcept { return w_.await_suspend(h); }
        Result<AdcBlock> await_resume() noexcept {
            if (!a_->running_) return Error::closed;
            return a_->take();
        }

      private:
        Adc* a_;
        FlagWait<HasBlock> w_;
    };
    // Awaited: the next full block (releases the one held before); Error::closed when the ADC is
    // not running, or is stopped while the task waits.
    BlockAwaiter next_block(Priority p = Priority::normal) noexcept {
        return BlockAwaiter(this, p);
    }
    // Blocking: spins until a block is full.
    Result<AdcBlock> next_block_blocking() noexcept;
    // Gives the held block back to the DMA; finds out whether it was overwritten meanwhile.
    void release() noexcept;

    uint64_t blocks_filled() const noexcept { return filled_.load(std::memory_order_relaxed); }
    uint64_t overruns() const noexcept { return overruns_; }  // blocks lost or overwritten
    uint64_t lost_samples() const noexcept { return overruns_ * len_; }
    std::size_t block_len() const noexcept { return len_; }
    uint32_t blocks() const noexcept { return nblocks_; }
    uint32_t rate_hz() const noexcept { return rate_; }

  private:
    // Interrupt: one more block full. Stores first, then counts, then wakes.
    void block_done(uint64_t ts) noexcept override;
    AdcBlock take() noexcept;

    static constexpr uint32_t kTs = 64;
    AdcDriver* d_;
    uint16_t* buf_;
    uint32_t nblocks_;
    std::size_t len_;
    uint32_t rate_ = 0;
    bool running_ = false;
    bool holding_ = false;
    std::atomic<uint64_t> filled_{0};  // written by the interrupt
    uint64_t consumed_ = 0;            // task side: seq of the next (or held) block
    uint64_t overruns_ = 0, corrupted_ = 0;
    uint64_t ts_[kTs] = {};
    ThreadSafeFlag flag_;
};

class Dac final : private BlockSink {
  public:
    Dac(DacDriver& d, std::span<uint16_t> storage, uint32_t blocks = 2) noexcept
        : d_(&d),
          buf_(storage.data()),
          nblocks_(blocks < 2 ? 2 : blocks),
          len_(storage.size() / (blocks < 2 ? 2 : blocks)) {}
    ~Dac() { stop(); }
    Dac(const Dac&) = delete;

    // Fill blocks before start() (try_free() gives each in turn) to start without an underrun.
    Result<void> start(uint32_t rate_hz) noexcept;
    void stop() noexcept;

    // A block the task may fill now, or Error::full. Submit it with submit().
    Result<std::span<uint16_t>> try_free() noexcept {
        if (!is_free()) return Error::full;
        return block(written_);
    }
    struct IsFree {
        Dac* d;
        bool operator()() const noexcept { return d->is_free(); }
    };
    class FreeAwaiter {
      public:
        FreeAwaiter(Dac* d, Priority p) noexcept : d_(d), w_(d->flag_, IsFree{d}, p) {}
        bool await_ready() noexcept { return w_.await_ready(); }
        bool await_suspend(std::coroutine_handle<> h) noexcept { return w_.await_suspend(h); }
        Result<std::span<uint16_t>> await_resume() noexcept { return d_->block(d_->written_); }

      private:
        Dac* d_;
        FlagWait<IsFree> w_;
    };
    FreeAwaiter next_free(Priority p = Priority::normal) noexcept { return FreeAwaiter(this, p); }
    Result<std::span<uint16_t>> next_free_blocking() noexcept {
        while (!is_free()) detail::spin_turn();
        return block(written_);
    }
    // The block given by next_free()/try_free() is ready to play.
    void submit() noexcept { detail::store_sc(submitted_, ++written_); }

    uint64_t blocks_played() const noexcept { return played_.load(std::memory_order_relaxed); }
    uint64_t underruns() const noexcept { return underruns_.load(std::memory_order_relaxed); }
    std::size_t block_len() const noexcept { return len_; }

  private:
    bool is_free() noexcept;
    std::span<uint16_t> block(uint64_t seq) noexcept {
        return std::span<uint16_t>(buf_ + (seq % nblocks_) * len_, len_);
    }
    // Interrupt: the block playing is done; the DMA goes on with the next one.
    void block_done(uint64_t) noexcept override;

    DacDriver* d_;
    uint16_t* buf_;
    uint32_t nblocks_;
    std::size_t len_;
    bool running_ = false;
    uint64_t written_ = 0;                // task: seq of the next block to fill
    std::atomic<uint64_t> submitted_{0};  // blocks [0, submitted_) are filled
    std::atomic<uint64_t> played_{0};     // blocks the hardware finished
    std::atomic<uint64_t> underruns_{0};
    ThreadSafeFlag flag_;
};

}  // namespace irqio
