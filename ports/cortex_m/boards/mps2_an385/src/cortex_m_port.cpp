// CortexMPort: the 64-bit microsecond clock on TIMER0, the one-shot alarm on TIMER1 and the
// race-free wfi idle (the hooks of irqio/port.hpp: cpu/src/port_hooks.cpp).
#include "irqio/cortex_m.hpp"

#include <initializer_list>

#include "irqio/core/trace.hpp"
#include "irqio/cortex_m/cmsdk_timer.hpp"
#include "irqio/cortex_m/irq.hpp"
#include "irqio/cortex_m/mps2_an385.hpp"
#include "irqio/cortex_m/nvic.hpp"

namespace irqio {
namespace {

namespace board = cortex_m::board;
namespace timer = cortex_m::cmsdk_timer;
namespace nvic = cortex_m::nvic;

// The clock's epoch (a division by a constant: a multiplication). 25 MHz: 2^27 us =
// 3'355'443'200 ticks, about 134 s per epoch.
using Epoch = timer::Epoch<board::kTicksPerUs>;
constexpr unsigned kEpochShift = Epoch::kShift;
constexpr uint32_t kReload = Epoch::kReload;
// The alarm counts ticks in 32 bits too; longer sleeps end early, which the contract allows.
constexpr uint32_t kMaxSleepUs = Epoch::kMaxUs;
static_assert(uint64_t{kMaxSleepUs} * board::kTicksPerUs <= UINT32_MAX);

timer::Regs& clock_timer() noexcept {
    return timer::at(board::kTimer0Base);
}
timer::Regs& alarm_timer() noexcept {
    return timer::at(board::kTimer1Base);
}

}  // namespace

// Constant-initialised (no constructor runs at start-up), so any code, even a static
// constructor or an early interrupt, may use it.
constinit cortex_m::CortexMPort cortex_m::CortexMPort::instance_;

void cortex_m::CortexMPort::start() noexcept {
    uint32_t primask = cortex_m::irq_disable();
    if (!started_) {
        timer::start_free_running(clock_timer(), kReload);

        timer::Regs& alarm = alarm_timer();
        alarm.ctrl = 0;
        alarm.intstatus = timer::kIrqFlag;

        for (unsigned irq : {board::irq::kTimer0, board::irq::kTimer1}) {
            nvic::clear_pending(irq);
            nvic::enable(irq);
        }
        started_ = true;
    }
    cortex_m::irq_restore(primask);
}

// Interrupts masked. Returns a counter value that belongs to the epoch in epoch_.
//
// The read race: the counter may wrap between reading it and reading epoch_. The interrupt flag
// tells: it is raised on the step from 1 to 0, before the reload. So if the flag is clear after
// the counter was read, that value belongs to the current epoch; if it is set, the wrap has
// happened (or is about to: the counter holds 0 for one tick), so wait for the reload, then
// count the epoch here instead of in the handler. Whoever sees the flag first, this code or the
// handler, counts the epoch exactly once because both run with interrupts masked.
uint32_t cortex_m::CortexMPort::sync_epoch() noexcept {
    timer::Regs& clock = clock_timer();
    uint32_t value = clock.value;
    if (clock.intstatus & timer::kIrqFlag) {
        do value = clock.value;
        while (value == 0);  // at most one tick (40 ns)
        clock.intstatus = timer::kIrqFlag;
        epoch_ = epoch_ + 1;
    }
    return value;
}

uint64_t cortex_m::CortexMPort::now_us_masked() noexcept {
    uint32_t ticks = kReload - sync_epoch();  // ticks into the epoch, 0 .. kReload
    return (uint64_t{epoch_} << kEpochShift) + ticks / board::kTicksPerUs;
}

uint64_t cortex_m::CortexMPort::now_us() noexcept {
    uint32_t primask = cortex_m::irq_disable();
    uint64_t now = now_us_masked();
    cortex_m::irq_restore(primask);
    return now;
}

void cortex_m::CortexMPort::wait_until(uint64_t deadline_us) noexcept {
    idle([&] {
        uint64_t now = now_us_masked();
        if (deadline_us > now) {
            bool timed = deadline_us != kNever;
            timer::Regs& alarm = alarm_timer();
            if (timed) {
                uint64_t delta = deadline_us - now;
                uint32_t us = delta > kMaxSleepUs ? kMaxSleepUs : static_cast<uint32_t>(delta);
                // The alarm fires after exactly `reload` ticks: never before the deadline.
                alarm.reload = us * board::kTicksPerUs;
                alarm.ctrl = timer::kEnable | timer::kIrqEnable;
            }
            sleep_masked();
            if (timed) {
                // Disarm whatever woke us, and drop the alarm's pending interrupt so that its
                // handler does not run for nothing: one interrupt entry less per timed wake-up.
                alarm.ctrl = 0;
                alarm.intstatus = timer::kIrqFlag;
                nvic::clear_pending(board::irq::kTimer1);
            }
        }
    });
}

void cortex_m::CortexMPort::on_clock_irq() noexcept {
    uint32_t primask = cortex_m::irq_disable();
    sync_epoch();
    cortex_m::irq_restore(primask);
}

void cortex_m::CortexMPort::on_alarm_irq() noexcept {
    // Only reached when the alarm fired outside wait_until (it disarms on every exit).
    timer::Regs& alarm = alarm_timer();
    alarm.ctrl = 0;
    alarm.intstatus = timer::kIrqFlag;
}

void cortex_m::CortexMPort::skip_to_epoch_end(uint32_t us_before_wrap) noexcept {
    if (us_before_wrap > kMaxSleepUs) us_before_wrap = kMaxSleepUs;
    uint32_t primask = cortex_m::irq_disable();
    sync_epoch();
    clock_timer().value = us_before_wrap * board::kTicksPerUs;
    cortex_m::irq_restore(primask);
}

}  // namespace irqio

extern "C" void TIMER0_IRQHandler() {
    IRQIO_TRACE_IRQ(16u + irqio::cortex_m::board::irq::kTimer0);
    irqio::cortex_m::CortexMPort::instance().on_clock_irq();
}
extern "C" void TIMER1_IRQHandler() {
    IRQIO_TRACE_IRQ(16u + irqio::cortex_m::board::irq::kTimer1);
    irqio::cortex_m::CortexMPort::instance().on_alarm_irq();
}
