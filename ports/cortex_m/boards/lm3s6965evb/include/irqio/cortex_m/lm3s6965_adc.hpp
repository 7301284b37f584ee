// Lm3sAdcDriver: the LM3S6965's ADC behind the portable AdcDriver, so irqio::Adc
// (irqio/periph/adc.hpp) streams double-buffered blocks at a rate the user sets.
//
// General-purpose timer 1 runs periodic at system clock / rate and triggers sample sequencer 0 on
// each time-out (EMUX = timer, TAOTE); the sequence is one step on the chosen channel with its
// interrupt. The handler (NVIC line 14) moves every sample in the sequencer's FIFO into the
// caller's ring and reports each full block (BlockSink::block_done); like circular DMA it never
// waits for the reader, so a reader that falls behind loses whole blocks, which irqio::Adc counts.
//
// Invariants: while a stream runs, samples land in the ring in conversion order, one per timer
// period; after adc_stop() returns, the timer is stopped, the sequencer is off, its line is
// disabled and no pending interrupt is left: the ring is never written again.
//
// QEMU 7.2's model converts on both edges of the timer's trigger pulse (its trigger input ignores
// the level), so every time-out gives two conversions at the same instant where the silicon gives
// one. The driver keeps the first of each trigger's conversions, so the stream is at the rate set
// and evenly spaced on both; IRQIO_LM3S_ADC_CONVERSIONS_PER_TRIGGER is 2 for the QEMU machine (the
// board's default) and 1 for the silicon.
//
// Samples the hardware itself drops (its FIFO full because the handler was held off for more
// periods than the FIFO holds: 8 on the silicon, 16 conversions in QEMU) cannot be put back; each
// such overflow is counted (fifo_overflows()) and samples_due() - samples() tells how many went.
//
//   auto& drv = cortex_m::lm3s6965::adc();
//   uint16_t storage[2 * 64];
//   Adc adc(drv, storage);                   // two blocks of 64
//   adc.start(10'000);                       // 12.5 MHz / 10 kHz = 1250 clocks a sample
//   auto b = co_await adc.next_block();
#pragma once
#include <cstddef>
#include <cstdint>

#include "irqio/periph/block_ring.hpp"
#include "irqio/periph/driver.hpp"

#ifndef IRQIO_LM3S_ADC_CONVERSIONS_PER_TRIGGER
#define IRQIO_LM3S_ADC_CONVERSIONS_PER_TRIGGER 2
#endif

namespace irqio::cortex_m {

class Lm3sAdcDriver final : public AdcDriver {
  public:
    // One interrupt per sample at worst: keep at least this many system clocks per sample.
    static constexpr uint32_t kMinClocksPerSample = 250;  // 50 kHz at 12.5 MHz
    static constexpr uint32_t kConversionsPerTrigger = IRQIO_LM3S_ADC_CONVERSIONS_PER_TRIGGER;

    // `clock_hz`: the system clock (the timer's); `channel`: analogue input 0..3 (the evaluation
    // board's ADC0..ADC3); `priority`: NVIC priority of the sequencer's line (register value).
    constexpr Lm3sAdcDriver(uint32_t clock_hz, uint8_t channel = 0,
                            uint8_t priority = 0x80) noexcept
        : clock_hz_(clock_hz), channel_(channel), priority_(priority) {}
    Lm3sAdcDriver(const Lm3sAdcDriver&) = delete;
    Lm3sAdcDriver& operator=(const Lm3sAdcDriver&) = delete;

    // ---- AdcDriver (task context) ----
    // Error::busy if a stream runs; Error::invalid_argument for an empty ring, a channel above 3,
    // or a rate of 0 or above clock / kMinClocksPerSample. The period is the nearest whole number
    // of clocks: the rate is exactly clock / period_clocks().
    Result<void> adc_start(uint16_t* buf, std::size_t block_len, uint32_t blocks, uint32_t rate_hz,
                           BlockSink* sink) noexcept override;
    void adc_stop() noexcept override;

    // The analogue input (0..3) of the next stream: Error::busy while one runs.
    Result<void> select_channel(uint8_t channel) noexcept {
        if (ring_.attached()) return Error::busy;
        if (channel > 3) return Error::invalid_argument;
        channel_ = channel;
        return {};
    }
    bool running() const noexcept { return ring_.attached(); }
    uint32_t period_clocks() const noexcept { return period_; }
    // Of the current or last stream: samples moved into the ring, hardware FIFO overflows seen,
    // and (running stream) the samples the clock says were converted since the start.
    uint64_t samples() const noexcept { return ring_.samples_masked(); }
    uint32_t fifo_overflows() const noexcept { return overflows_; }
    uint64_t samples_due() const noexcept;

    void on_irq() noexcept;  // the sequencer's handler (IRQ14_Handler); not for user code

  private:
    uint32_t clock_hz_;
    uint8_t channel_;
    uint8_t priority_;
    BlockRing ring_;
    uint32_t extra_ = 0;   // conversions of the current trigger still to drop
    uint32_t period_ = 0;  // system clocks per sample
    uint64_t start_us_ = 0;
    volatile uint32_t overflows_ = 0;
};

}  // namespace irqio::cortex_m
