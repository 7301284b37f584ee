// BoardTimer on the LM3S6965's general-purpose timer 0 (GPTM, timer A in 32-bit mode), counting
// down at the system clock. Registers from the LM3S6965 data sheet (General-Purpose Timers) and
// QEMU's hw/arm/stellaris.c; NVIC line 19 (Timer 0A).
#include "irqio/cortex_m/board_timer.hpp"

#include "irqio/cortex_m/irq.hpp"
#include "irqio/cortex_m/mmio.hpp"
#include "irqio/cortex_m/nvic.hpp"

namespace irqio::cortex_m {
namespace {

struct GptmRegs {
    Reg cfg;   // 0x00: 0 = one 32-bit timer
    Reg tamr;  // 0x04: timer A mode, 1 = one-shot, 2 = periodic
    Reg tbmr;
    Reg ctl;  // 0x0C: bit 0 enables timer A
    Reg reserved0[2];
    Reg imr;  // 0x18: bit 0, timer A time-out interrupt
    Reg ris;
    Reg mis;
    Reg icr;    // 0x24: write 1 to clear
    Reg tailr;  // 0x28: timer A interval load
    Reg tbilr;
    Reg tamatchr;
    Reg tbmatchr;
    Reg tapr;
    Reg tbpr;
    Reg tapmr;
    Reg tbpmr;
    Reg tar;  // 0x48: timer A's counter
};
constexpr uintptr_t kTimer0Base = 0x4003'0000;
constexpr uintptr_t kRcgc1 = 0x400F'E104;  // run-mode clock gating 1: bit 16 = timer 0
constexpr uint32_t kTimeout = 1u << 0;
constexpr uint32_t kOneShot = 1, kPeriodic = 2;

GptmRegs& gptm() noexcept {
    return mmio<GptmRegs>(kTimer0Base);
}

board_timer_detail::State g_state;

void start(uint32_t ticks, uint32_t mode, BoardTimer::Hook hook, void* arg,
           uint8_t priority) noexcept {
    BoardTimer::stop();
    mmio<Reg>(kRcgc1) = mmio<Reg>(kRcgc1) | (1u << 16);
    g_state.hook = hook;
    g_state.arg = arg;
    g_state.fired = 0;
    g_state.periodic = mode == kPeriodic;
    GptmRegs& t = gptm();
    t.cfg = 0;
    t.tamr = mode;
    // QEMU times out after TAILR ticks (hw/arm/stellaris.c); the data sheet counts TAILR down to 0.
    t.tailr = ticks;
    t.icr = kTimeout;
    t.imr = kTimeout;
    nvic::set_priority(BoardTimer::kIrq, priority);
    nvic::clear_pending(BoardTimer::kIrq);
    nvic::enable(BoardTimer::kIrq);
    t.ctl = 1;
}

}  // namespace

const uint32_t BoardTimer::kTicksPerSecond = IRQIO_CORE_CLOCK_HZ;  // the system clock
const unsigned BoardTimer::kIrq = 19;

void BoardTimer::start_periodic(uint32_t period_us, Hook hook, void* arg,
                                uint8_t priority) noexcept {
    start(board_timer_detail::ticks_for_us(period_us, kTicksPerSecond), kPeriodic, hook, arg,
          priority);
}
void BoardTimer::start_oneshot(uint32_t delay_us, Hook hook, void* arg, uint8_t priority) noexcept {
    start(board_timer_detail::ticks_for_us(delay_us, kTicksPerSecond), kOneShot, hook, arg,
          priority);
}
void BoardTimer::start_oneshot_ticks(uint32_t ticks, Hook hook, void* arg,
                                     uint8_t priority) noexcept {
    start(ticks, kOneShot, hook, arg, priority);
}

void BoardTimer::stop() noexcept {
    uint32_t primask = irq_disable();
    gptm().ctl = 0;
    gptm().imr = 0;
    gptm().icr = kTimeout;
    nvic::disable(kIrq);
    nvic::clear_pending(kIrq);
    g_state.hook = nullptr;
    irq_restore(primask);
}

uint32_t BoardTimer::fired() noexcept {
    return g_state.fired;
}
uint32_t BoardTimer::counter() noexcept {
    return gptm().tar;
}

}  // namespace irqio::cortex_m

extern "C" void IRQ19_Handler() {
    using namespace irqio::cortex_m;
    gptm().icr = kTimeout;
    g_state.fired = g_state.fired + 1;
    if (g_state.hook) g_state.hook(g_state.arg);
}
