// BoardTimer on the LM3S6965's general-purpose timer 0 (GPTM, timer A in 32-bit mode), counting
// down at the system clock. Registers from the LM3S6965 data sheet (General-Purpose Timers) and
// QEMU's hw/arm/stellaris.c; NVIC line 19 (Timer 0A).
#include "irqio/cortex_m/board_timer.hpp"

#include "irqio/cortex_m/irq.hpp"
#include "irqio/cortex_m/lm3s6965_gptm.hpp"
#include "irqio/cortex_m/mmio.hpp"
#include "irqio/cortex_m/nvic.hpp"

namespace irqio::cortex_m {
namespace {

using lm3s6965::GptmRegs;
namespace gptm_bits = lm3s6965::gptm;
constexpr uint32_t kTimeout = gptm_bits::kTimeoutA;
constexpr uint32_t kOneShot = gptm_bits::kOneShot, kPeriodic = gptm_bits::kPeriodic;

GptmRegs& gptm() noexcept {
    return lm3s6965::gptm_regs(gptm_bits::kTimer0Base);
}

board_timer_detail::State g_state;

void start(uint32_t ticks, uint32_t mode, BoardTimer::Hook hook, void* arg,
           uint8_t priority) noexcept {
    BoardTimer::stop();
    mmio<Reg>(lm3s6965::kRcgc1) = mmio<Reg>(lm3s6965::kRcgc1) | (1u << 16);
    g_state.hook = hook;
    g_state.arg = arg;
    g_state.fired = 0;
    g_state.periodic = mode == kPeriodic;
    GptmRegs& t = gptm();
    t.cfg = 0;
    t.tamr = mode;
    t.tailr = gptm_bits::interval_load(ticks);
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
