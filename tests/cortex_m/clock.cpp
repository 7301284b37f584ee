// The 64-bit clock and the tickless idle: now_us() is monotonic and continuous across the wrap of
// the 32-bit hardware counter (read path and interrupt path), and wait_until() sleeps until its
// deadline, not before and not much after, and consumes a sticky notify().
#include "check.hpp"
#include "irqio/cortex_m.hpp"

namespace {

using cm_test::report;
constexpr uint64_t kEpochUs = uint64_t{1} << 27;  // one wrap of TIMER0 at 25 MHz
// Lateness is the host's, not the port's: QEMU's timers follow the host clock (also under
// -icount sleep=on while the core sleeps), and a loaded CI machine delays them by many ms.
// So only gross errors fail (a timer that never fires, or fires at twice its delay for 1 s);
// the figures printed below show the actual lateness.
constexpr uint64_t kMaxLateUs = 200'000;

irqio::cortex_m::CortexMPort& port() {
    return static_cast<irqio::cortex_m::CortexMPort&>(irqio::port::default_port());
}

// Reads the clock in a tight loop until `until`; checks every step is >= 0 and small.
uint64_t spin_until(uint64_t until, uint64_t& max_step) {
    uint64_t prev = port().now_us();
    while (prev < until) {
        uint64_t now = port().now_us();
        CM_CHECK(now >= prev);
        if (now - prev > max_step) max_step = now - prev;
        prev = now;
    }
    return prev;
}

void test_monotonic_across_wrap_read_path() {
    uint64_t before = port().now_us();
    CM_CHECK(before < kEpochUs);
    port().skip_to_epoch_end(300);
    uint64_t after_skip = port().now_us();
    CM_CHECK(after_skip >= before);
    // 300 us = 7500 ticks before the wrap; whole microseconds round down, hence 301. (Without
    // -icount a busy host may let the wrap pass before this read: still fine, still monotonic.)
    CM_CHECK(after_skip + 301 >= kEpochUs);
    uint64_t max_step = 0;
    uint64_t end = spin_until(kEpochUs + 300, max_step);
    CM_CHECK(end >= kEpochUs + 300);
    CM_CHECK(max_step < kMaxLateUs);
    report("wrap by reading: largest step between two now_us() (us)", max_step);
}

// The wrap is noticed by the overflow interrupt while the core sleeps with no other event due:
// that interrupt must end the sleep, and its handler must count the epoch exactly once. The
// alarm 300 ms after the wrap is only a safety net (so a missing wake-up fails, not hangs); the
// wrap is 200 ms ahead so that a busy host cannot make it pass before the loop sleeps.
void test_wrap_while_sleeping() {
    port().skip_to_epoch_end(200'000);
    uint64_t before = port().now_us();
    CM_CHECK(before < 2 * kEpochUs);
    uint32_t sleeps = port().sleeps();
    port().wait_until(2 * kEpochUs + 300'000);
    uint64_t after = port().now_us();
    CM_CHECK(port().sleeps() == sleeps + 1);
    CM_CHECK(after >= 2 * kEpochUs);
    CM_CHECK(after - 2 * kEpochUs < 300'000);  // woken by the wrap, not by the safety net
    report("wrap while sleeping: woke after the wrap by (us)", after - 2 * kEpochUs);
}

void test_wait_until_deadlines() {
    static constexpr uint32_t kDeltas[] = {1, 7, 10, 100, 1000, 12345, 100000, 1000000};
    uint64_t worst = 0;
    for (uint32_t delta : kDeltas) {
        uint64_t deadline = port().now_us() + delta;
        uint32_t wakes = 0;
        uint64_t now;
        while ((now = port().now_us()) < deadline) {  // spurious wake-ups are allowed: retry
            port().wait_until(deadline);
            ++wakes;
        }
        uint64_t late = now - deadline;
        CM_CHECK(wakes >= 1 || delta <= 10);  // tiny deltas may expire before the first call
        CM_CHECK(wakes <= 2);
        CM_CHECK(late < kMaxLateUs);
        if (late > worst) worst = late;
    }
    report("wait_until: worst lateness over 8 deadlines 1 us .. 1 s (us)", worst);
}

void test_wait_across_wrap() {
    port().skip_to_epoch_end(500);  // into epoch 2 -> 3
    uint64_t start = port().now_us();
    uint64_t deadline = start + 2000;
    while (port().now_us() < deadline) port().wait_until(deadline);
    uint64_t now = port().now_us();
    CM_CHECK(now >= 3 * kEpochUs);
    CM_CHECK(now - deadline < kMaxLateUs);
}

void test_past_deadline_and_sticky_notify() {
    uint32_t sleeps = port().sleeps();
    port().wait_until(0);  // in the past: returns without sleeping
    port().wait_until(port().now_us());
    CM_CHECK(port().sleeps() == sleeps);

    port().notify();  // before the wait: must end it at once, without sleeping
    port().wait_until(irqio::kNever);
    CM_CHECK(port().sleeps() == sleeps);

    // Consumed: the next wait sleeps until its deadline.
    uint64_t deadline = port().now_us() + 300;
    port().wait_until(deadline);
    CM_CHECK(port().sleeps() == sleeps + 1);
    CM_CHECK(port().now_us() >= deadline);
}

}  // namespace

int main() {
    cm_test::sh::write("cm_clock: 64-bit clock over TIMER0, tickless wait_until on TIMER1\n");
    uint64_t t0 = irqio::port::clock_us();
    uint64_t t1 = irqio::port::clock_us();
    CM_CHECK(t1 >= t0);

    test_past_deadline_and_sticky_notify();
    test_wait_until_deadlines();
    test_monotonic_across_wrap_read_path();
    test_wrap_while_sleeping();
    test_wait_across_wrap();
    report("final now_us", port().now_us());
    cm_test::sh::write("PASS\n");
    return 0;
}
