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
    ring_.start(buf, block_len, blocks, sink);
    rate_ = rate_hz;
    block_len_ = block_len;
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
    ring_.detach();
    irq_restore(primask);
    g_owner = nullptr;
}

uint64_t TimerAdc::samples_due() const noexcept {
    if (!ring_.attached()) return samples();
    return (CortexMPort::instance().now_us() - start_us_) * rate_ / 1'000'000;
}

uint32_t TimerAdc::blocks_reported() const noexcept {
    return block_len_ ? static_cast<uint32_t>(samples() / block_len_) : 0;
}

// Interrupt context (the dual timer).
void TimerAdc::on_timer(void* self) noexcept {
    static_cast<TimerAdc*>(self)->sample();
}

void TimerAdc::sample() noexcept {
    // The "conversion": a running counter, the sample's own number.
    ring_.push(static_cast<uint16_t>(ring_.samples()),
               [] { return CortexMPort::instance().now_us(); });
}

}  // namespace irqio::cortex_m
