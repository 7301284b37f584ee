// The minimal irqio program whose size the port promises (docs/porting.md): one task, one timer (a
// sleep), one ThreadSafeFlag set by a hardware interrupt. Flash and RAM from arm-none-eabi-size,
// see docs/porting.md; it also runs as a test (exit 0 after three rounds).
#include "irqio/core/frame_allocator.hpp"
#include "irqio/core/task_handle.hpp"
#include "irqio/isr/thread_safe_flag.hpp"
#include "irqio/time.hpp"
#include "test_timer.hpp"

namespace {

irqio::FramePool<128, 1> g_pool;  // one task: 32 B header + its frame (< 96 B)
irqio::ThreadSafeFlag g_flag;

void on_timer(void*) {
    g_flag.set();
}

irqio::Task<int> blink() {
    for (int i = 0; i < 3; ++i) {
        cm_test::TestTimer::start_oneshot(500, on_timer, nullptr);
        co_await g_flag.wait();
        co_await irqio::sleep_ms(1);
    }
    co_return 0;
}

}  // namespace

int main() {
    irqio::FrameAllocatorScope scope(g_pool);
    return irqio::run(blink());
}
