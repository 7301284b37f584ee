// SysTickPort: the 64-bit microsecond clock and the one-shot alarm on SysTick and the race-free
// wfi idle, for any Cortex-M (the hooks of irqio/port.hpp: cpu/src/port_hooks.cpp).
#include "irqio/cortex_m/systick_port.hpp"

#include "irqio/cortex_m/irq.hpp"
#include "irqio/cortex_m/systick.hpp"

#ifndef IRQIO_CORE_CLOCK_HZ
#error "IRQIO_CORE_CLOCK_HZ: the board's core clock (board.cmake: IRQIO_BOARD_CORE_CLOCK_HZ)"
#endif

namespace irqio {
namespace {

namespace st = cortex_m::systick;

// kCycles core cycles are exactly kMicros microseconds (12.5 MHz: 25 cycles, 2 us), so the clock
// counts whole groups of kCycles and never rounds. kMicros is small for real clocks (1 for whole
// MHz): the products below stay in 32 bits.
constexpr uint32_t gcd(uint32_t a, uint32_t b) {
    return b == 0 ? a : gcd(b, a % b);
}
constexpr uint32_t kCycles = IRQIO_CORE_CLOCK_HZ / gcd(IRQIO_CORE_CLOCK_HZ, 1'000'000);
constexpr uint32_t kMicros = 1'000'000 / gcd(IRQIO_CORE_CLOCK_HZ, 1'000'000);
static_assert(kMicros <= 64, "a core clock that is no multiple of 15625 Hz: not supported");
// The shortest alarm period: long enough that the cut's few instructions after the reload (which
// restore the full reload for the periods after it) finish before that period ends.
constexpr uint32_t kMinLoad = 64;
// A cut waits for a wrap this close (in cycles) to happen first, so that no wrap falls between
// its read of the counter and its write.
constexpr uint32_t kNearWrap = 32;
// Cycles between the counter's step and the counter write of a cut (clear_counter_on_step) that the
// counter does not show: 0 under QEMU (the write lands a few instructions into the tick); on a
// given core a constant of its pipeline, to set once measured.
constexpr uint32_t kReadToWriteTicks = 0;

// Waits for the counter to step (the start of a tick), then clears it at once: the cut loses only
// the few cycles from that step to the write, not a random part of a tick. On silicon the counter
// steps every core cycle, so the loop exits at its first turn; under QEMU a tick spans several
// instructions and the write would otherwise land anywhere in it. Returns the value after the step.
[[gnu::always_inline]] inline uint32_t clear_counter_on_step() noexcept {
    volatile uint32_t* counter = &st::regs().value;
    uint32_t before = *counter;
    uint32_t value;
    uint32_t zero = 0;
    asm volatile(
        "1:\n\t"
        "ldr %0, [%1]\n\t"
        "cmp %0, %2\n\t"
        "beq 1b\n\t"
        "str %3, [%1]"
        : "=&r"(value)
        : "r"(counter), "r"(before), "r"(zero)
        : "cc", "memory");
    return value;
}

}  // namespace

constinit cortex_m::SysTickPort cortex_m::SysTickPort::instance_;

void cortex_m::SysTickPort::start() noexcept {
    uint32_t primask = cortex_m::irq_disable();
    if (!started_) {
        // SysTick at the lowest priority: its handler only counts a period (masked).
        scb::shpr3() = (scb::shpr3() & 0x00FF'FFFFu) | 0xFF00'0000u;
        st::Regs& tick = st::regs();
        tick.ctrl = 0;
        tick.load = st::kMaxLoad;
        tick.value = 0;
        scb::icsr() = scb::kPendSysTickClear;
        tick.ctrl = st::kEnable | st::kTickInt | st::kProcessorClock;
        while (tick.value == 0) {
        }  // time 0 is the first reload
        period_load_ = next_load_ = st::kMaxLoad;
        started_ = true;
    }
    cortex_m::irq_restore(primask);
}

void cortex_m::SysTickPort::add_ticks(uint32_t ticks) noexcept {
    uint32_t total = rem_ticks_ + ticks;  // < 2^25: no overflow
    base_us_ += (total / kCycles) * kMicros;
    rem_ticks_ = total % kCycles;
}

// Interrupts masked. COUNTFLAG is set on the step from 1 to 0 and cleared by reading ctrl, so the
// reader that sees it (this code or the handler, both masked) counts that period exactly once.
// The counter holds 0 for one cycle before the reload: a 0 read with the flag set still belongs
// to the finished period, so wait for the reload before returning a value of the new one.
uint32_t cortex_m::SysTickPort::sync() noexcept {
    st::Regs& tick = st::regs();
    uint32_t value = tick.value;
    if (tick.ctrl & st::kCountFlag) {
        if (period_load_ == st::kMaxLoad) ++full_periods_;
        add_ticks(period_load_ + 1);
        period_load_ = next_load_;
        do value = tick.value;
        while (value == 0);
    }
    return value;
}

uint64_t cortex_m::SysTickPort::now_us_masked() noexcept {
    uint32_t value = sync();
    uint32_t total = rem_ticks_ + (period_load_ - value);
    return base_us_ + total * kMicros / kCycles;  // < 2^25 * 64
}

uint64_t cortex_m::SysTickPort::now_us() noexcept {
    uint32_t primask = cortex_m::irq_disable();
    uint64_t now = now_us_masked();
    cortex_m::irq_restore(primask);
    return now;
}

// Interrupts masked. Ends the running period now and starts one of load + 1 cycles, whose end
// raises the SysTick interrupt; the periods after it are full again. The part of the old period
// that ran is counted: (its reload - the counter read) cycles, plus the cycle of the reload
// after the write.
void cortex_m::SysTickPort::cut(uint32_t load) noexcept {
    st::Regs& tick = st::regs();
    uint32_t value = sync();
    while (value < kNearWrap) value = sync();
    tick.load = load;
    value = clear_counter_on_step();
    add_ticks(period_load_ - value + 1 + kReadToWriteTicks);
    // Clearing the counter cleared COUNTFLAG; drop a wrap interrupt of the period counted above.
    scb::icsr() = scb::kPendSysTickClear;
    while (tick.value == 0) {
    }
    period_load_ = load;
    tick.load = st::kMaxLoad;  // taken at this period's end: one alarm, then full periods
    next_load_ = st::kMaxLoad;
    ++cuts_;
}

void cortex_m::SysTickPort::wait_until(uint64_t deadline_us) noexcept {
    idle([&] {
        uint32_t value = sync();
        uint32_t total = rem_ticks_ + (period_load_ - value);  // cycles since base_us_
        uint64_t now = base_us_ + total * kMicros / kCycles;
        if (deadline_us > now) {
            // The running period ends in value + 1 cycles. Only a deadline before that needs a
            // cut; a later one is reached period by period (2^26 us exceeds any period).
            uint64_t from_base = deadline_us - base_us_;
            if (deadline_us != kNever && from_base < (uint64_t{1} << 26)) {
                // The first cycle count at which now_us() >= deadline: ceil(us * kCycles/kMicros).
                uint64_t at = (from_base * kCycles + kMicros - 1) / kMicros;
                uint64_t cycles = at - total;
                if (cycles < uint64_t{value} + 1) {
                    uint32_t load = static_cast<uint32_t>(cycles) - 1;  // interrupt at 1 + load
                    cut(load < kMinLoad ? kMinLoad : load);
                }
            }
            sleep_masked();
        }
    });
}

void cortex_m::SysTickPort::on_systick() noexcept {
    uint32_t primask = cortex_m::irq_disable();
    sync();
    ++tick_interrupts_;
    cortex_m::irq_restore(primask);
}

void cortex_m::SysTickPort::advance_for_test(uint64_t us) noexcept {
    uint32_t primask = cortex_m::irq_disable();
    base_us_ += us;
    cortex_m::irq_restore(primask);
}

}  // namespace irqio

extern "C" void SysTick_Handler() {
    irqio::cortex_m::SysTickPort::instance().on_systick();
}
