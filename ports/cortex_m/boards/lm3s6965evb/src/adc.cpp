// Lm3sAdcDriver. Registers from the LM3S6965 data sheet (Analog-to-Digital Converter, General-
// Purpose Timers) and QEMU's ADC and GPTM models (hw/arm/stellaris.c).
#include "irqio/cortex_m/lm3s6965_adc.hpp"

#include "irqio/cortex_m/irq.hpp"
#include "irqio/cortex_m/lm3s6965.hpp"
#include "irqio/cortex_m/lm3s6965_gptm.hpp"
#include "irqio/cortex_m/mmio.hpp"
#include "irqio/cortex_m/nvic.hpp"
#include "irqio/port.hpp"

namespace irqio::cortex_m {
namespace {

struct AdcRegs {
    Reg actss;  // 0x00: bit n enables sample sequencer n
    Reg ris;    // 0x04: bit n, sequencer n's interrupt
    Reg im;     // 0x08
    Reg isc;    // 0x0C: write 1 to clear
    Reg ostat;  // 0x10: bit n, sequencer n's FIFO overflowed (write 1 to clear)
    Reg emux;   // 0x14: trigger source per sequencer, 4 bits each
    Reg ustat;  // 0x18: bit n, sequencer n's FIFO read while empty (write 1 to clear)
    Reg reserved0;
    Reg sspri;  // 0x20
    Reg reserved1;
    Reg pssi;  // 0x28
    Reg reserved2;
    Reg sac;  // 0x30
    Reg reserved3[3];
    Reg ssmux0;    // 0x40: input of each step, 4 bits each
    Reg ssctl0;    // 0x44: per step END, IE, ...
    Reg ssfifo0;   // 0x48
    Reg ssfstat0;  // 0x4C: tail (3..0), head (7..4), empty (8), full (12)
};
constexpr uintptr_t kAdcBase = 0x4003'8000;
constexpr uint32_t kSs0 = 1u << 0;
constexpr uint32_t kEmuxTimer = 0x5;                         // EMUX: sequencer 0 on the timer
constexpr uint32_t kStep0End = 1u << 1, kStep0Ie = 1u << 2;  // SSCTL0: one step, interrupt
constexpr uint32_t kEmpty = 1u << 8, kFull = 1u << 12;       // SSFSTAT
constexpr uint32_t kSampleMask = 0x3FF;                      // 10-bit conversions

AdcRegs& adc_regs() noexcept {
    return mmio<AdcRegs>(kAdcBase);
}
lm3s6965::GptmRegs& pacer() noexcept {
    return lm3s6965::gptm_regs(lm3s6965::gptm::kTimer1Base);
}

// Entries waiting in the FIFO. The pointers are compared rather than the empty flag trusted alone:
// QEMU's model leaves the flag clear when the tail wraps onto the head (hw/arm/stellaris.c), and
// equal pointers without the full flag mean empty on the silicon too.
bool fifo_has_data(AdcRegs& a) noexcept {
    uint32_t st = a.ssfstat0;
    if (st & kFull) return true;
    return !(st & kEmpty) && ((st >> 4) & 0xF) != (st & 0xF);
}

void drain_fifo(AdcRegs& a) noexcept {
    for (unsigned i = 0; i < 16 && fifo_has_data(a); ++i) (void)a.ssfifo0;
}

Lm3sAdcDriver* g_owner = nullptr;  // the stream holding the ADC (task context only)

}  // namespace

Result<void> Lm3sAdcDriver::adc_start(uint16_t* buf, std::size_t block_len, uint32_t blocks,
                                      uint32_t rate_hz, BlockSink* sink) noexcept {
    if (g_owner != nullptr) return Error::busy;
    if (buf == nullptr || block_len == 0 || blocks == 0 || sink == nullptr || channel_ > 3 ||
        rate_hz == 0 || rate_hz > clock_hz_ / kMinClocksPerSample)
        return Error::invalid_argument;
    g_owner = this;
    extra_ = 0;
    overflows_ = 0;
    period_ = (clock_hz_ + rate_hz / 2) / rate_hz;
    ring_.start(buf, block_len, blocks, sink);

    mmio<Reg>(lm3s6965::kRcgc0) = mmio<Reg>(lm3s6965::kRcgc0) | (1u << 16);
    mmio<Reg>(lm3s6965::kRcgc1) = mmio<Reg>(lm3s6965::kRcgc1) | (1u << 17);
    AdcRegs& a = adc_regs();
    a.actss = 0;
    drain_fifo(a);  // what a stopped stream left behind is not this stream's
    a.emux = kEmuxTimer;
    a.ssmux0 = channel_;
    a.ssctl0 = kStep0End | kStep0Ie;
    a.ostat = kSs0;
    a.ustat = kSs0;
    a.isc = kSs0;
    a.im = kSs0;
    nvic::set_priority(lm3s6965::kAdcSs0Irq, priority_);
    nvic::clear_pending(lm3s6965::kAdcSs0Irq);
    nvic::enable(lm3s6965::kAdcSs0Irq);
    a.actss = kSs0;

    lm3s6965::GptmRegs& t = pacer();
    t.ctl = 0;
    t.cfg = 0;
    t.tamr = lm3s6965::gptm::kPeriodic;
    t.tailr = lm3s6965::gptm::interval_load(period_);
    t.imr = 0;  // the timer's own line stays quiet: its time-out only triggers the sequencer
    start_us_ = port::clock_us();
    t.ctl = lm3s6965::gptm::kEnableA | lm3s6965::gptm::kAdcTriggerA;
    return {};
}

void Lm3sAdcDriver::adc_stop() noexcept {
    if (g_owner != this) return;
    // Trigger stopped, sequencer off, its line disabled and a pending request dropped: no handler
    // runs after this, so the ring is the caller's again.
    pacer().ctl = 0;
    AdcRegs& a = adc_regs();
    uint32_t primask = irq_disable();
    a.actss = 0;
    a.im = 0;
    a.isc = kSs0;
    nvic::disable(lm3s6965::kAdcSs0Irq);
    nvic::clear_pending(lm3s6965::kAdcSs0Irq);
    ring_.detach();
    irq_restore(primask);
    g_owner = nullptr;
}

uint64_t Lm3sAdcDriver::samples_due() const noexcept {
    if (!ring_.attached() || period_ == 0) return samples();
    uint64_t clocks = (port::clock_us() - start_us_) * clock_hz_ / 1'000'000;
    return clocks / period_;
}

// Interrupt context. The flag is cleared before the FIFO is read, so a conversion that lands
// during the drain raises it again rather than waiting for the next one.
void Lm3sAdcDriver::on_irq() noexcept {
    AdcRegs& a = adc_regs();
    a.isc = kSs0;
    if (!ring_.attached()) return;
    if (a.ostat & kSs0) {
        a.ostat = kSs0;
        overflows_ = overflows_ + 1;
    }
    while (fifo_has_data(a)) {
        uint32_t v = a.ssfifo0;
        if (extra_ != 0) {  // the same trigger's second conversion (QEMU: see the header)
            --extra_;
            continue;
        }
        extra_ = kConversionsPerTrigger - 1;
        ring_.push(static_cast<uint16_t>(v & kSampleMask), [] { return port::clock_us(); });
    }
}

namespace {
constinit Lm3sAdcDriver g_adc(IRQIO_CORE_CLOCK_HZ);
}  // namespace

Lm3sAdcDriver& lm3s6965::adc() noexcept {
    return g_adc;
}

}  // namespace irqio::cortex_m

extern "C" void IRQ14_Handler() {
    irqio::cortex_m::g_adc.on_irq();
}
