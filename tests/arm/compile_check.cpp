// Compile-only check that the portable core, templates included, builds freestanding for Cortex-M
// (arm-none-eabi-g++ -std=c++20 -fno-exceptions -fno-rtti). Never run; instantiates everything.
#include "irqio/irqio.hpp"

using namespace irqio;

namespace {
Event ev;
Lock lock;
Semaphore sem(1);
Queue<int, 4> q;
ThreadSafeFlag flag;
ThreadSafeQueue<uint16_t, 8> tsq;
FramePool<128, 4> pool;

Task<int> leaf() {
    co_await sleep_ms(1);
    co_return 1;
}

Task<int> everything() {
    auto g = co_await lock.acquire();
    co_await ev.wait(Priority::high);
    co_await flag.wait();
    co_await sem.acquire();
    (void)co_await q.put(1);
    auto r = co_await q.get();
    auto t = co_await tsq.get();
    auto w = co_await wait_for_ms(leaf(), 5);
    auto w2 = co_await wait_for_ms(ev.wait(), 5);
    auto [a, b] = co_await gather(leaf(), leaf());
    TaskGroup group;
    auto h = group.create_task(leaf());
    co_await group.join();
    co_return r.value() + t.value() + w.value() + (w2.ok() ? 1 : 0) + a.value() + b.value() +
        (co_await h).value();
}
}  // namespace

extern "C" void irqio_isr_example() {
    ev.set();
    flag.set();
    (void)tsq.try_put(1);
    sem.release();
    CriticalSection cs;
}

int irqio_compile_check_main() {
    FrameAllocatorScope scope(pool);
    return run(everything());
}
