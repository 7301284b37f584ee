// BoardTimer on any board that names its timer block in irqio/cortex_m/board_timer_block.hpp (in
// its include/ folder; a board lists this file in its sources): the hook, the count, the NVIC line,
// the order of starting and stopping and the handler are the same on every board; the block
// supplies the rate, the line, the handler's name and the register steps, all inline, so this is
// one translation unit as a board's own driver would be.
//
// The block header defines, in irqio::cortex_m::board_timer_block:
//   kTicksPerSecond, kIrq                      the counting rate and the NVIC line (constexpr)
//   uint32_t ticks_for(uint32_t us)            timer ticks in `us` microseconds
//   void configure(uint32_t ticks, bool periodic)  sets the stopped timer up for the period,
//                                              before its NVIC line is enabled
//   void run(uint32_t ticks)                   then starts it, its interrupt enabled
//   void disarm()                              stops it, its interrupt disabled and cleared
//   void acknowledge(bool periodic)            the handler's first step: clears the interrupt
//   uint32_t counter()                         a down-counter at kTicksPerSecond
// and IRQIO_BOARD_TIMER_HANDLER, the vector table's name of line kIrq (IRQ<kIrq>_Handler).
#include "irqio/cortex_m/board_timer.hpp"

#include "irqio/cortex_m/board_timer_block.hpp"
#include "irqio/cortex_m/irq.hpp"
#include "irqio/cortex_m/nvic.hpp"

namespace irqio::cortex_m {
namespace {

namespace block = board_timer_block;

board_timer_detail::State g_state;

void start(uint32_t ticks, bool periodic, BoardTimer::Hook hook, void* arg,
           uint8_t priority) noexcept {
    BoardTimer::stop();
    g_state.hook = hook;
    g_state.arg = arg;
    g_state.fired = 0;
    g_state.periodic = periodic;
    block::configure(ticks, periodic);
    nvic::set_priority(block::kIrq, priority);
    nvic::clear_pending(block::kIrq);
    nvic::enable(block::kIrq);
    block::run(ticks);
}

}  // namespace

const uint32_t BoardTimer::kTicksPerSecond = block::kTicksPerSecond;
const unsigned BoardTimer::kIrq = block::kIrq;

void BoardTimer::start_periodic(uint32_t period_us, Hook hook, void* arg,
                                uint8_t priority) noexcept {
    start(block::ticks_for(period_us), true, hook, arg, priority);
}
void BoardTimer::start_oneshot(uint32_t delay_us, Hook hook, void* arg, uint8_t priority) noexcept {
    start(block::ticks_for(delay_us), false, hook, arg, priority);
}
void BoardTimer::start_oneshot_ticks(uint32_t ticks, Hook hook, void* arg,
                                     uint8_t priority) noexcept {
    start(ticks, false, hook, arg, priority);
}

void BoardTimer::stop() noexcept {
    uint32_t primask = irq_disable();
    block::disarm();
    nvic::disable(block::kIrq);
    nvic::clear_pending(block::kIrq);
    g_state.hook = nullptr;
    irq_restore(primask);
}

uint32_t BoardTimer::fired() noexcept {
    return g_state.fired;
}
uint32_t BoardTimer::counter() noexcept {
    return block::counter();
}

}  // namespace irqio::cortex_m

extern "C" void IRQIO_BOARD_TIMER_HANDLER() {
    using namespace irqio::cortex_m;
    board_timer_block::acknowledge(g_state.periodic);
    g_state.fire();
}
