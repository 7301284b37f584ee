// SysTickLevelAlarm: one SysTick, one-shot, for the earliest deadline of every interrupt level.
// Linked only by programs that use it (its SysTick_Handler replaces the weak default).
#include "irqio/cortex_m/irq.hpp"
#include "irqio/cortex_m/irq_level.hpp"
#include "irqio/cortex_m/systick.hpp"

namespace irqio::cortex_m {

SysTickLevelAlarm* SysTickLevelAlarm::instance = nullptr;

void SysTickLevelAlarm::set(unsigned irq, uint64_t deadline_us) noexcept {
    const uint32_t primask = irq_disable();  // levels of several priorities share the slots
    instance = this;
    Slot* slot = nullptr;
    for (Slot& s : slots_) {
        if (s.irq == irq) slot = &s;
        if (!slot && s.irq == 0xFFFF) slot = &s;
    }
    IRQIO_ASSERT(slot != nullptr, "SysTickLevelAlarm: more levels than kMaxLevels");
    slot->irq = static_cast<uint16_t>(irq);
    slot->deadline = deadline_us;
    program_masked();
    irq_restore(primask);
}

// Pends the levels that are due; programs SysTick for the earliest of the others. A deadline too
// far for 24 bits ends early: the handler finds nothing due and programs the rest.
void SysTickLevelAlarm::program_masked() noexcept {
    systick::Regs& st = systick::regs();
    st.ctrl = 0;
    scb::icsr() = scb::kPendSysTickClear;
    uint64_t earliest = kNever;
    const uint64_t now = clock_.now_us();
    for (Slot& s : slots_) {
        if (s.deadline == kNever) continue;
        if (s.deadline <= now) {
            s.deadline = kNever;
            nvic::pend(s.irq);
        } else if (s.deadline < earliest) {
            earliest = s.deadline;
        }
    }
    if (earliest == kNever) return;
    const uint64_t us = earliest - now;
    const uint64_t cycles = us * cycles_per_us_;
    st.load = cycles > systick::kMaxLoad ? systick::kMaxLoad : static_cast<uint32_t>(cycles);
    st.value = 0;
    st.ctrl = systick::kEnable | systick::kTickInt | systick::kProcessorClock;
}

void SysTickLevelAlarm::on_systick() noexcept {
    const uint32_t primask = irq_disable();
    ++fired_;
    program_masked();
    irq_restore(primask);
}

}  // namespace irqio::cortex_m

extern "C" void SysTick_Handler() {
    if (auto* a = irqio::cortex_m::SysTickLevelAlarm::instance) a->on_systick();
}
