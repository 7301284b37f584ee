// TimerAdc: the dual timer (IRQ 10) behind the portable AdcDriver interface, as a timer-paced
// sampler, so irqio::Adc (irqio/periph/adc.hpp) streams blocks at a set rate on the board.
//
// The AN385 has no ADC, so the "conversion" is a synthetic source: sample number n (counted
// from adc_start) has the value n & 0xFFFF, a running counter that makes any gap, repeat or
// reordering visible. The dual timer is the conversion trigger: it interrupts once per sample
// period (25 MHz / rate_hz ticks, rounded), and the handler plays the DMA engine: it writes one
// sample into the circular buffer and calls BlockSink::block_done(now_us) each time a block fills.
// As with real circular DMA, nothing waits for the reader.
//
// Under QEMU the timer is scheduled on the host: when the host is slow, periods that elapse while
// the core sleeps may merge into one interrupt, and that conversion is not made (the sample
// clock ran slow; the stream stays continuous). samples_due() tells how many samples the clock
// says should have been taken, so a test can report the shortfall instead of hiding it.
//
//   cortex_m::TimerAdc drv;                  // one per chip: there is one dual timer
//   uint16_t storage[2 * 64];
//   Adc adc(drv, storage);                   // two blocks of 64
//   adc.start(16'000);
//   auto b = co_await adc.next_block();
//
// adc_stop() disables the timer's NVIC line, stops the counter and drops a pending interrupt
// before it returns: from then on the buffer is never written again and no block is reported.
// The dual timer is shared with DualTimer's users: do not use both at the same time.
#pragma once
#include <cstddef>
#include <cstdint>

#include "irqio/periph/block_ring.hpp"
#include "irqio/periph/driver.hpp"

namespace irqio::cortex_m {

class TimerAdc final : public AdcDriver {
  public:
    // Highest rate: one interrupt per sample, so keep it well below the core's interrupt budget.
    static constexpr uint32_t kMaxRateHz = 100'000;

    // `priority`: NVIC priority of the dual timer's line (8-bit register value).
    explicit TimerAdc(uint8_t priority = 0x80) noexcept : priority_(priority) {}
    ~TimerAdc() { adc_stop(); }
    TimerAdc(const TimerAdc&) = delete;
    TimerAdc& operator=(const TimerAdc&) = delete;

    // ---- AdcDriver (task context) ----
    // Error::busy if a stream runs (on this or another TimerAdc); Error::invalid_argument for
    // an empty buffer or a rate of 0 or above kMaxRateHz.
    Result<void> adc_start(uint16_t* buf, std::size_t block_len, uint32_t blocks, uint32_t rate_hz,
                           BlockSink* sink) noexcept override;
    void adc_stop() noexcept override;

    bool running() const noexcept { return ring_.attached(); }
    // Statistics of the current or last stream: samples written (one per timer interrupt),
    // blocks reported, and (task context, running stream) the samples the clock says are due
    // since the start: samples_due() - samples() periods were lost to merged interrupts.
    uint64_t samples() const noexcept { return ring_.samples_masked(); }
    uint32_t blocks_reported() const noexcept;
    uint64_t samples_due() const noexcept;

  private:
    static void on_timer(void* self) noexcept;
    void sample() noexcept;

    uint8_t priority_;
    BlockRing ring_;
    uint32_t rate_ = 0;
    std::size_t block_len_ = 0;
    uint64_t start_us_ = 0;
};

}  // namespace irqio::cortex_m
