// TimerAdc: a synthetic ADC paced by the dual timer, for the portable irqio::Adc.
#include "irqio/cortex_m/timer_adc.hpp"

#include "irqio/cortex_m.hpp"
#include "irqio/cortex_m/board.hpp"
#include "irqio/cortex_m/cmsdk_dualtimer.hpp"
#include "irqio/cortex_m/irq.hpp"

namespace irqio::cortex_m {
namespace {
TimerAdc* g_owner = nullptr;  // the stream holding the dual timer (task context only)
}  // namespace

Result<void> TimerAdc::adc_start(uint16_t* buf, std::size_t block_len, uint32_t blocks,
                                 uint32_t rate_hz, BlockSink* sink) noexcept {
    if (g_owner != nullptr) return Error::busy;
    if (buf == nullptr || block_len == 0 || blocks == 0 || sink == nullptr || rate_hz == 0 ||
        rate_hz > kMaxRateHz)
        return Error::invalid_argument;
    g_owner = this;
    buf_ = buf;
    block_len_ = block_len;
    ring_len_ = block_len * blocks;
    pos_ = 0;
    in_block_ = 0;
    rate_ = rate_hz;
    done_ = 0;
    blocks_ = 0;
    sink_ = sink;
    start_us_ = CortexMPort::instance().now_us();
    uint32_t ticks = (board::kSysClockHz + rate_hz / 2) / rate_hz;
    DualTimer::start_periodic_ticks(ticks, &TimerAdc::on_timer, this, priority_);
    return {};
}

void TimerAdc::adc_stop() noexcept {
    if (g_owner != this) return;
    // Line disabled, counter stopped, pending interrupt dropped: no handler runs after this.
    DualTimer::stop();
    uint32_t primask = irq_disable();
    sink_ = nullptr;
    irq_restore(primask);
    g_owner = nullptr;
}

uint64_t TimerAdc::samples_due() const noexcept {
    if (sink_ == nullptr) return samples();
    return (CortexMPort::instance().now_us() - start_us_) * rate_ / 1'000'000;
}

uint64_t TimerAdc::samples() const noexcept {
    uint32_t primask = irq_disable();
    uint64_t n = done_;
    irq_restore(primask);
    return n;
}

// Interrupt context (the dual timer).
void TimerAdc::on_timer(void* self) noexcept {
    static_cast<TimerAdc*>(self)->sample();
}

void TimerAdc::sample() noexcept {
    BlockSink* sink = sink_;
    if (sink == nullptr) return;
    buf_[pos_] = static_cast<uint16_t>(done_);  // the "conversion": a running counter
    if (++pos_ == ring_len_) pos_ = 0;
    ++done_;
    if (++in_block_ == block_len_) {
        in_block_ = 0;
        blocks_ = blocks_ + 1;
        sink->block_done(CortexMPort::instance().now_us());
    }
}

}  // namespace irqio::cortex_m
