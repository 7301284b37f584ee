// BoardTimer on the nRF51's TIMER0: 32 bits, counting up at 16 MHz (prescaler 0), compare
// register 0 ends a period (a short clears the counter, or stops it for a one-shot). Registers
// from the nRF51 Series Reference Manual (TIMER) and QEMU's hw/timer/nrf51_timer.c; NVIC line 8.
#include "irqio/cortex_m/board_timer.hpp"

#include "irqio/cortex_m/irq.hpp"
#include "irqio/cortex_m/mmio.hpp"
#include "irqio/cortex_m/nvic.hpp"

namespace irqio::cortex_m {
namespace {

constexpr uintptr_t kTimer0Base = 0x4000'8000;
// Word offsets (byte offset / 4) of the registers used.
enum : unsigned {
    kTaskStart = 0x000 / 4,
    kTaskStop = 0x004 / 4,
    kTaskClear = 0x00C / 4,
    kTaskCapture1 = 0x044 / 4,
    kEventCompare0 = 0x140 / 4,
    kShorts = 0x200 / 4,
    kIntEnSet = 0x304 / 4,
    kIntEnClr = 0x308 / 4,
    kMode = 0x504 / 4,
    kBitMode = 0x508 / 4,
    kPrescaler = 0x510 / 4,
    kCc0 = 0x540 / 4,
    kCc1 = 0x544 / 4,
};
constexpr uint32_t kCompare0Clear = 1u << 0;  // SHORTS
constexpr uint32_t kCompare0Stop = 1u << 8;
constexpr uint32_t kCompare0Int = 1u << 16;  // INTENSET/INTENCLR
constexpr uint32_t kBitMode32 = 3;

Reg& reg(unsigned word) noexcept {
    return mmio<Reg[0x600 / 4]>(kTimer0Base)[word];
}

board_timer_detail::State g_state;

void start(uint32_t ticks, bool periodic, BoardTimer::Hook hook, void* arg,
           uint8_t priority) noexcept {
    BoardTimer::stop();
    g_state.hook = hook;
    g_state.arg = arg;
    g_state.fired = 0;
    g_state.periodic = periodic;
    reg(kMode) = 0;  // timer, not counter
    reg(kBitMode) = kBitMode32;
    reg(kPrescaler) = 0;
    reg(kCc0) = ticks;  // the compare event after `ticks` ticks from 0
    reg(kShorts) = kCompare0Clear | (periodic ? 0 : kCompare0Stop);
    reg(kEventCompare0) = 0;
    reg(kIntEnSet) = kCompare0Int;
    nvic::set_priority(BoardTimer::kIrq, priority);
    nvic::clear_pending(BoardTimer::kIrq);
    nvic::enable(BoardTimer::kIrq);
    reg(kTaskClear) = 1;
    reg(kTaskStart) = 1;
}

}  // namespace

const uint32_t BoardTimer::kTicksPerSecond = 16'000'000;
const unsigned BoardTimer::kIrq = 8;

void BoardTimer::start_periodic(uint32_t period_us, Hook hook, void* arg,
                                uint8_t priority) noexcept {
    start(board_timer_detail::ticks_for_us(period_us, kTicksPerSecond), true, hook, arg, priority);
}
void BoardTimer::start_oneshot(uint32_t delay_us, Hook hook, void* arg, uint8_t priority) noexcept {
    start(board_timer_detail::ticks_for_us(delay_us, kTicksPerSecond), false, hook, arg, priority);
}
void BoardTimer::start_oneshot_ticks(uint32_t ticks, Hook hook, void* arg,
                                     uint8_t priority) noexcept {
    start(ticks, false, hook, arg, priority);
}

void BoardTimer::stop() noexcept {
    uint32_t primask = irq_disable();
    reg(kTaskStop) = 1;
    reg(kIntEnClr) = kCompare0Int;
    reg(kEventCompare0) = 0;
    nvic::disable(kIrq);
    nvic::clear_pending(kIrq);
    g_state.hook = nullptr;
    irq_restore(primask);
}

uint32_t BoardTimer::fired() noexcept {
    return g_state.fired;
}
uint32_t BoardTimer::counter() noexcept {
    reg(kTaskCapture1) = 1;  // copies the counter into CC[1]
    return ~reg(kCc1);       // counts up: the complement counts down
}

}  // namespace irqio::cortex_m

extern "C" void IRQ8_Handler() {
    using namespace irqio::cortex_m;
    reg(kEventCompare0) = 0;
    g_state.fired = g_state.fired + 1;
    if (g_state.hook) g_state.hook(g_state.arg);
}
