// The architecture-only port's clock and alarm (SysTickPort): the 64-bit microsecond clock stays
// exact however often the alarm cuts SysTick's period short (checked against the board timer's
// periodic interrupt and, where QEMU models it, its counter), wait_until never returns before its
// deadline, the idle has no periodic tick (one SysTick interrupt per full 2^24-cycle period at
// most), the clock crosses 2^32 us, and a notify() is sticky.
#include "check.hpp"
#include "irqio/cortex_m.hpp"
#include "irqio/cortex_m/irq.hpp"
#include "irqio/cortex_m/systick.hpp"
#include "test_timer.hpp"

namespace {

using cm_test::report;
using cm_test::TestTimer;

irqio::cortex_m::SysTickPort& port() {
    return static_cast<irqio::cortex_m::SysTickPort&>(irqio::port::default_port());
}

uint32_t g_random = 12345;
uint32_t next_random() {  // xorshift32: the same sequence every run
    g_random ^= g_random << 13;
    g_random ^= g_random >> 17;
    g_random ^= g_random << 5;
    return g_random;
}

// The reference: the board timer's periodic interrupt. It is exact in QEMU's virtual time only
// while the core runs (QEMU's LM3S6965 timer reloads from the time its callback ran, which a wfi
// under -icount sleep=on makes late), so these waits never sleep: a pending PendSV ends each wfi
// at once, after the cut. Each reference interrupt notes the port's clock.
constexpr uint32_t kRefPeriodUs = 100;
constexpr uint32_t kRefPeriods = 300;
volatile uint32_t g_ref_count = 0;
volatile uint64_t g_ref_first = 0, g_ref_last = 0;

void note_reference(void*) {
    uint64_t now = irqio::port::default_port().now_us();
    uint32_t n = g_ref_count + 1;
    g_ref_count = n;
    if (n == 1) g_ref_first = now;
    if (n == 1 + kRefPeriods) g_ref_last = now;
}

}  // namespace

extern "C" void PendSV_Handler() {}

namespace {

// Timed waits that cut SysTick's period again and again: over kRefPeriods reference periods the
// port's clock must count kRefPeriods * 100 us, less what QEMU loses per cut: its counter write
// restarts the tick grid, so the time from the tick's start to the write is lost (silicon ticks
// on the core clock's edges and loses a constant, kReadToWriteTicks).
void test_exact_across_cuts() {
    uint32_t cuts0 = port().cuts();
    g_ref_count = 0;
    TestTimer::start_periodic(kRefPeriodUs, note_reference, nullptr, 0x00);
    while (g_ref_count <= kRefPeriods) {
        uint64_t deadline = port().now_us() + 20 + next_random() % 700;
        uint32_t primask = irqio::cortex_m::irq_disable();
        irqio::cortex_m::scb::icsr() = 1u << 28;  // PENDSVSET: ends the wfi below at once
        port().wait_until(deadline);
        irqio::cortex_m::irq_restore(primask);
    }
    TestTimer::stop();
    uint64_t by_port = g_ref_last - g_ref_first;
    uint32_t cuts = port().cuts() - cuts0;
    uint64_t want = uint64_t{kRefPeriods} * kRefPeriodUs;
    uint64_t lost_ns = by_port > want ? 0 : (want - by_port) * 1000;
    uint64_t tick_ns = 1'000'000'000 / IRQIO_CORE_CLOCK_HZ;
    report("exact: us by the port clock over 300 reference periods of 100 us", by_port);
    report("exact: periods cut short meanwhile", cuts);
    report("exact: ns lost per cut (x1000)", lost_ns * 1000 / cuts);
    CM_CHECK(cuts >= 300);
    CM_CHECK(by_port <= want + 1);  // never gains
    // Whole microseconds at both ends: 1 us; per cut the instructions from the counter's step to
    // its clearing (a few ns under -icount), not a random part of a tick (half of one on average).
    uint64_t per_cut_ns = tick_ns / 4 > 8 ? tick_ns / 4 : 8;
    CM_CHECK(lost_ns <= 1000 + cuts * per_cut_ns);
}

// Sleeping timed waits (cuts, wfi, wraps) against the board timer's counter, which follows QEMU's
// virtual time however late a wake-up is: on boards whose timer counter QEMU models.
void count_only(void*) {}
void test_exact_sleeping() {
    if constexpr (!cm_test::kTestTimerHasCounter) return;
    TestTimer::start_periodic(100'000'000, count_only, nullptr);  // a free counter here
    uint32_t cuts0 = port().cuts();
    uint64_t t0 = port().now_us();
    uint32_t c0 = TestTimer::counter();
    for (int i = 0; i < 200; ++i) {
        uint64_t deadline = port().now_us() + 20 + next_random() % 3000;
        while (port().now_us() < deadline) port().wait_until(deadline);
    }
    uint32_t c1 = TestTimer::counter();
    uint64_t t1 = port().now_us();
    TestTimer::stop();
    uint64_t by_timer = cm_test::test_timer_us(c0, c1);
    uint64_t by_port = t1 - t0;
    uint32_t cuts = port().cuts() - cuts0;
    uint64_t diff = by_port > by_timer ? by_port - by_timer : by_timer - by_port;
    report("sleeping: us by the port clock over 200 timed sleeps", by_port);
    report("sleeping: us by the board timer's counter", by_timer);
    report("sleeping: difference (us)", diff);
    CM_CHECK(diff <= 2 + uint64_t{cuts} * 1'000'000 / IRQIO_CORE_CLOCK_HZ);
}

// A single wait_until(deadline), nothing else pending: it returns at or after the deadline, early
// only at a wrap of SysTick's period that comes first (a spurious wake-up the contract allows).
void test_never_early() {
    // An alarm period left running by an earlier test ends first (a wake-up for nothing).
    uint64_t settle = port().now_us() + 1000;
    while (port().now_us() < settle) port().wait_until(settle);
    uint32_t wraps0 = port().full_periods();
    uint32_t early = 0;
    uint64_t worst_late = 0;
    for (int i = 0; i < 300; ++i) {
        uint64_t deadline = port().now_us() + 5 + next_random() % 2000;
        port().wait_until(deadline);
        uint64_t now = port().now_us();
        if (now < deadline) {
            ++early;
        } else if (now - deadline > worst_late) {
            worst_late = now - deadline;
        }
    }
    uint32_t wraps = port().full_periods() - wraps0;
    report("never early: early returns in 300 waits", early);
    report("never early: SysTick wraps meanwhile", wraps);
    report("never early: latest return after a deadline (us)", worst_late);
    CM_CHECK(early <= wraps);
}

// Nothing due for 3 s: the core sleeps through full SysTick periods, no tick in between.
void test_tickless() {
    uint32_t ticks0 = port().tick_interrupts();
    uint32_t sleeps0 = port().sleeps();
    uint64_t start = port().now_us();
    uint64_t deadline = start + 3'000'000;
    while (port().now_us() < deadline) port().wait_until(deadline);
    uint64_t slept = port().now_us() - start;
    uint32_t ticks = port().tick_interrupts() - ticks0;
    uint32_t sleeps = port().sleeps() - sleeps0;
    // One full period: 2^24 cycles; the sleep spans at most this many of them, plus the cut one.
    uint64_t period_us = (uint64_t{1} << 24) * 1'000'000 / IRQIO_CORE_CLOCK_HZ;
    uint64_t max_wakes = 3'000'000 / period_us + 2;
    report("tickless: SysTick interrupts in a 3 s sleep", ticks);
    report("tickless: wfi sleeps in it", sleeps);
    report("tickless: full period (us)", period_us);
    CM_CHECK(slept >= 3'000'000);
    CM_CHECK(ticks <= max_wakes);
    CM_CHECK(sleeps <= max_wakes);
}

// The 64-bit clock past 2^32 us, across a cut sleep and a wrap.
void test_past_32_bits() {
    uint64_t now = port().now_us();
    uint64_t target = (uint64_t{1} << 32) - 2000;
    port().advance_for_test(target - now);
    uint64_t before = port().now_us();
    CM_CHECK(before >= target && before < target + 100);
    uint64_t deadline = before + 5000;
    while (port().now_us() < deadline) port().wait_until(deadline);
    uint64_t after = port().now_us();
    CM_CHECK(after >= (uint64_t{1} << 32) + 3000);
    CM_CHECK(after < deadline + 200'000);
}

void test_sticky_notify() {
    port().wait_until(0);  // drops a stale notify
    port().notify();
    uint32_t sleeps = port().sleeps();
    port().wait_until(irqio::kNever);  // returns at once: the notify came before
    CM_CHECK(port().sleeps() == sleeps);
}

}  // namespace

int main() {
    cm_test::sh::write("cm_systick_clock: SysTick clock and alarm of the architecture-only port\n");
    test_exact_across_cuts();
    test_exact_sleeping();
    test_never_early();
    test_tickless();
    test_past_32_bits();
    test_sticky_notify();
    cm_test::sh::write("PASS\n");
    return 0;
}
