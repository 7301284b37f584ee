// DualTimer: timer 1 of the CMSDK dual timer (SP804 register layout) as a hookable interrupt.
#include "irqio/cortex_m/cmsdk_dualtimer.hpp"

#include "irqio/core/trace.hpp"
#include "irqio/cortex_m/board.hpp"
#include "irqio/cortex_m/irq.hpp"
#include "irqio/cortex_m/mmio.hpp"
#include "irqio/cortex_m/nvic.hpp"

namespace irqio::cortex_m {
namespace {

struct Regs {
    Reg load;     // 0x00: writing it reloads the counter at once
    Reg value;    // 0x04
    Reg control;  // 0x08
    Reg intclr;   // 0x0C: any write clears the interrupt
    Reg ris;      // 0x10
    Reg mis;      // 0x14
    Reg bgload;   // 0x18: the next reload, without touching the counter
};

constexpr uint32_t kOneShot = 1u << 0;
constexpr uint32_t k32Bit = 1u << 1;
constexpr uint32_t kIrqEnable = 1u << 5;
constexpr uint32_t kPeriodic = 1u << 6;
constexpr uint32_t kEnable = 1u << 7;

Regs& regs() noexcept {
    return mmio<Regs>(board::kDualTimerBase);
}

// Written with the interrupt disabled in the NVIC, read by the handler.
DualTimer::Hook g_hook = nullptr;
void* g_arg = nullptr;
volatile uint32_t g_fired = 0;

void start(uint32_t ticks, uint32_t mode, DualTimer::Hook hook, void* arg, uint8_t priority) {
    DualTimer::stop();
    g_hook = hook;
    g_arg = arg;
    g_fired = 0;
    // The counter steps ticks-1 .. 0 and interrupts on reaching 0: `ticks` steps per period.
    regs().control = k32Bit | mode;  // configure while stopped
    regs().load = ticks > 1 ? ticks - 1 : 1;
    regs().control = k32Bit | mode | kIrqEnable | kEnable;
    nvic::set_priority(board::irq::kDualTimer, priority);
    nvic::enable(board::irq::kDualTimer);
}

}  // namespace

void DualTimer::start_periodic(uint32_t period_us, Hook hook, void* arg,
                               uint8_t priority) noexcept {
    start(period_us * board::kTicksPerUs, kPeriodic, hook, arg, priority);
}

void DualTimer::start_periodic_ticks(uint32_t period_ticks, Hook hook, void* arg,
                                     uint8_t priority) noexcept {
    start(period_ticks, kPeriodic, hook, arg, priority);
}

void DualTimer::start_oneshot(uint32_t delay_us, Hook hook, void* arg, uint8_t priority) noexcept {
    start(delay_us * board::kTicksPerUs, kOneShot, hook, arg, priority);
}

void DualTimer::start_oneshot_ticks(uint32_t ticks, Hook hook, void* arg,
                                    uint8_t priority) noexcept {
    start(ticks, kOneShot, hook, arg, priority);
}

void DualTimer::stop() noexcept {
    nvic::disable(board::irq::kDualTimer);
    regs().control = 0;
    regs().intclr = 1;
    nvic::clear_pending(board::irq::kDualTimer);
    g_hook = nullptr;
}

uint32_t DualTimer::fired() noexcept {
    return g_fired;
}

uint32_t DualTimer::counter() noexcept {
    return regs().value;
}

}  // namespace irqio::cortex_m

extern "C" void DUALTIMER_IRQHandler() {
    using namespace irqio::cortex_m;
    IRQIO_TRACE_IRQ(16u + board::irq::kDualTimer);  // the exception number
    // Acknowledge first: a period that elapses while the hook runs raises the line again
    // instead of being lost.
    regs().intclr = 1;
    g_fired = g_fired + 1;
    if (DualTimer::Hook hook = g_hook) hook(g_arg);
}
