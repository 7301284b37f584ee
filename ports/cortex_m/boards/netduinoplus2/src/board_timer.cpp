// BoardTimer on the STM32F405's TIM2, as QEMU 7.2 models it (hw/timer/stm32f2xx_timer.c); NVIC
// line 28. Registers from the STM32F405 reference manual (RM0090, general-purpose timers).
//
// QEMU's model is not the silicon's: its counter (CNT) is the virtual time in timer ticks since
// reset (1 GHz, prescaler 0), never restarted by an update; a write of ARR schedules the update
// interrupt ARR ticks later (it adds the target time, computed from the reset, to the current
// time), and each update schedules the next ARR ticks after itself. So this driver writes ARR as
// a delay and leaves CNT, PSC and EGR alone: periodic for free, one-shot by turning the update
// interrupt off in the handler. On silicon TIM2 wants the usual PSC, ARR, EGR.UG, CR1.CEN.
#include "irqio/cortex_m/board_timer.hpp"

#include "irqio/cortex_m/irq.hpp"
#include "irqio/cortex_m/mmio.hpp"
#include "irqio/cortex_m/nvic.hpp"

namespace irqio::cortex_m {
namespace {

struct TimRegs {
    Reg cr1;  // 0x00: bit 0, counter enable
    Reg cr2;
    Reg smcr;
    Reg dier;  // 0x0C: bit 0, update interrupt enable
    Reg sr;    // 0x10: bit 0, update interrupt flag (write 0 to clear)
    Reg egr;
    Reg ccmr1;
    Reg ccmr2;
    Reg ccer;
    Reg cnt;  // 0x24
    Reg psc;  // 0x28
    Reg arr;  // 0x2C
};
constexpr uintptr_t kTim2Base = 0x4000'0000;
constexpr uint32_t kCen = 1u << 0;     // CR1
constexpr uint32_t kUpdate = 1u << 0;  // DIER, SR

TimRegs& tim() noexcept {
    return mmio<TimRegs>(kTim2Base);
}

board_timer_detail::State g_state;

void start(uint32_t ticks, bool periodic, BoardTimer::Hook hook, void* arg,
           uint8_t priority) noexcept {
    BoardTimer::stop();
    g_state.hook = hook;
    g_state.arg = arg;
    g_state.fired = 0;
    g_state.periodic = periodic;
    TimRegs& t = tim();
    nvic::set_priority(BoardTimer::kIrq, priority);
    nvic::clear_pending(BoardTimer::kIrq);
    nvic::enable(BoardTimer::kIrq);
    t.sr = 0;
    t.dier = kUpdate;
    t.cr1 = kCen;
    t.arr = ticks < 2 ? 2 : ticks;  // QEMU: the first update `ticks` from now (see above)
}

// us -> 1 GHz ticks, at most 2^32 - 1 (4.29 s: longer periods only serve as a free counter here).
uint32_t ticks_for(uint32_t us) noexcept {
    return us > UINT32_MAX / 1000 ? UINT32_MAX : us * 1000;
}

}  // namespace

const uint32_t BoardTimer::kTicksPerSecond = 1'000'000'000;
const unsigned BoardTimer::kIrq = 28;

void BoardTimer::start_periodic(uint32_t period_us, Hook hook, void* arg,
                                uint8_t priority) noexcept {
    start(ticks_for(period_us), true, hook, arg, priority);
}
void BoardTimer::start_oneshot(uint32_t delay_us, Hook hook, void* arg, uint8_t priority) noexcept {
    start(ticks_for(delay_us), false, hook, arg, priority);
}
void BoardTimer::start_oneshot_ticks(uint32_t ticks, Hook hook, void* arg,
                                     uint8_t priority) noexcept {
    start(ticks, false, hook, arg, priority);
}

void BoardTimer::stop() noexcept {
    uint32_t primask = irq_disable();
    tim().cr1 = 0;  // QEMU schedules no further update
    tim().dier = 0;
    tim().sr = 0;
    nvic::disable(kIrq);
    nvic::clear_pending(kIrq);
    g_state.hook = nullptr;
    irq_restore(primask);
}

uint32_t BoardTimer::fired() noexcept {
    return g_state.fired;
}
uint32_t BoardTimer::counter() noexcept {
    return ~tim().cnt;  // counts up: the complement counts down
}

}  // namespace irqio::cortex_m

extern "C" void IRQ28_Handler() {
    using namespace irqio::cortex_m;
    TimRegs& t = tim();
    t.sr = 0;
    if (!g_state.periodic) {
        t.dier = 0;  // one-shot: QEMU's next update then does nothing and schedules none
        t.cr1 = 0;
    }
    g_state.fired = g_state.fired + 1;
    if (g_state.hook) g_state.hook(g_state.arg);
}
