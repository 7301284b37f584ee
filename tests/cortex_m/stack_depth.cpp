// Bounded stack depth and cleanup finished on return, on the board. Built at -O0
// (tests/cortex_m/CMakeLists.txt), where GCC turns no symmetric transfer into a tail call:
//   depth:    100,000 sub-task awaits that complete without suspending, sub-tasks that await
//             sub-tasks, a chain of nested sub-tasks and wait_for(Task) around them: the stack
//             pointer seen in the innermost sub-task never goes more than kMaxDepth bytes below
//             where the task's loop started (before the trampoline, each await cost a frame pair:
//             the stack ran through RAM);
//   adc:      a task streaming from TimerAdc into a buffer is given up on by wait_for(handle, d):
//             when wait_for returns the timer is off; the buffer is overwritten right away and
//             never written again (and the same with wait_for(Task, d)).
#include "check.hpp"
#include "irqio/cortex_m.hpp"
#include "irqio/cortex_m/cmsdk_dualtimer.hpp"
#include "irqio/cortex_m/timer_adc.hpp"
#include "irqio/irqio.hpp"
#include "irqio/periph/periph.hpp"

namespace {

using namespace irqio;
using cm_test::report;
using cortex_m::DualTimer;

constexpr uintptr_t kMaxDepth = 1024;  // bytes of stack a task's step may use here, at -O0
FramePool<1024, 24> g_pool;

uintptr_t g_top = 0;     // stack pointer where the loop was entered
uintptr_t g_lowest = 0;  // lowest stack pointer seen in a sub-task

[[gnu::noinline]] uintptr_t sp_now() {
    uintptr_t sp;
    __asm__ volatile("mov %0, sp" : "=r"(sp));
    return sp;
}
void note_sp() {
    uintptr_t sp = sp_now();
    if (sp < g_lowest) g_lowest = sp;
}

Task<int> leaf(int i) {
    note_sp();
    co_return i & 3;
}
Task<int> middle(int i) {
    int a = co_await leaf(i);
    co_return a + 1;
}
Task<int> nest(int depth) {
    if (depth == 0) {
        note_sp();
        co_return 0;
    }
    int below = co_await nest(depth - 1);
    co_return below + 1;
}

Task<int> test_depth() {
    uint32_t sum = 0, expect = 0;
    constexpr int kAwaits = 100'000;
    for (int i = 0; i < kAwaits / 2; ++i) {
        sum += static_cast<uint32_t>(co_await middle(i));  // two awaits each
        expect += static_cast<uint32_t>((i & 3) + 1);
        if (i == 100) report("stack used after 200 awaits (bytes)", g_top - g_lowest);
    }
    CM_CHECK(sum == expect);
    report("stack used after 100000 awaits (bytes)", g_top - g_lowest);
    CM_CHECK(g_top - g_lowest < kMaxDepth);
    // A chain of 20 nested sub-tasks: the same depth as one.
    CM_CHECK(co_await nest(20) == 20);
    for (int i = 0; i < 1000; ++i) {
        auto r = co_await wait_for_ms(leaf(i), 1000);
        CM_CHECK(r.ok() && r.value() == (i & 3));
    }
    report("stack used after nesting and wait_for (bytes)", g_top - g_lowest);
    CM_CHECK(g_top - g_lowest < kMaxDepth);
    co_return 0;
}

// ---- TimerAdc given up on by wait_for ----

constexpr uint32_t kRate = 10'000;
constexpr std::size_t kLen = 32;  // 3.2 ms per block
constexpr uint16_t kPoison = 0xDEAD;
cortex_m::TimerAdc g_drv;
uint16_t g_storage[2 * kLen];

Task<int> stream_forever(uint16_t* buf, uint32_t* got) {
    Adc adc(g_drv, std::span<uint16_t>(buf, 2 * kLen));
    CM_CHECK(adc.start(kRate).ok());
    for (;;) {
        Result<AdcBlock> r = co_await adc.next_block();
        CM_CHECK(r.ok());
        ++*got;
    }
}

uint32_t poison() {
    for (uint16_t& s : g_storage) s = kPoison;
    return DualTimer::fired();
}
void check_untouched(uint32_t fired) {
    for (uint16_t s : g_storage) CM_CHECK(s == kPoison);
    CM_CHECK(DualTimer::fired() == fired);
    CM_CHECK(!g_drv.running());
}

Task<int> test_adc() {
    for (int round = 0; round < 3; ++round) {
        uint32_t got = 0;
        auto h = create_task(stream_forever(g_storage, &got));
        auto r = co_await wait_for_ms(h, 20 + round * 7);
        if (r.error() != Error::timed_out)
            report("wait_for gave error", static_cast<uint32_t>(r.error()));
        CM_CHECK(r.error() == Error::timed_out);
        // The cancellation has finished: the task is done and its Adc stopped the timer.
        CM_CHECK(h.done() && h.cancelled());
        CM_CHECK(!g_drv.running());
        report("blocks before the timeout", got);
        CM_CHECK(got >= 1);
        uint32_t fired = poison();  // overwritten right after wait_for returned
        co_await sleep_ms(20);
        check_untouched(fired);
    }
    // wait_for on the Task itself.
    uint32_t got = 0;
    auto r = co_await wait_for_ms(stream_forever(g_storage, &got), 20);
    CM_CHECK(r.error() == Error::timed_out);
    CM_CHECK(!g_drv.running());
    uint32_t fired = poison();
    co_await sleep_ms(20);
    check_untouched(fired);
    co_return 0;
}

Task<int> entered(Task<int> (*fn)()) {
    g_top = sp_now();
    g_lowest = g_top;
    co_return co_await fn();
}

}  // namespace

int main() {
    cm_test::sh::write(
        "cm_stack_depth: sub-task awaits at -O0 in bounded stack; ADC given up on\n");
    FrameAllocatorScope scope(g_pool);
    cm_test::sh::write("-- depth\n");
    CM_CHECK(run(entered(test_depth)) == 0);
    cm_test::sh::write("-- adc\n");
    CM_CHECK(run(entered(test_adc)) == 0);
    CM_CHECK(g_pool.used() == 0);
    cm_test::sh::write("PASS\n");
    return 0;
}
