// The program measure-cross-core.py traces: core 1 sets a ThreadSafeFlag (irqio_cross_set) that a
// task of core 0 waits on, and that task calls irqio_latency_marker() when it runs. Core 0 is
// asleep in wfi at the set (IRQIO_CROSS_LATENCY_BUSY=0), or busy: another of its tasks stays
// ready (=1). With IRQIO_CROSS_LATENCY_PINGPONG=1 core 1 answers at once instead (round trips).
// Identical rounds; the script counts the last.
#include "check.hpp"
#include "irqio/cortex_m/cores.hpp"
#include "irqio/irqio.hpp"

#ifndef IRQIO_CROSS_LATENCY_BUSY
#define IRQIO_CROSS_LATENCY_BUSY 0
#endif
#ifndef IRQIO_CROSS_LATENCY_PINGPONG
#define IRQIO_CROSS_LATENCY_PINGPONG 0
#endif

extern "C" [[gnu::noinline]] void irqio_latency_marker() {
    asm volatile("" ::: "memory");
}
extern "C" [[gnu::noinline]] void irqio_cross_set(irqio::ThreadSafeFlag* f) {
    f->set();
}
extern "C" [[gnu::noinline]] void irqio_cross_set_done() {
    asm volatile("" ::: "memory");
}

namespace {

using namespace irqio;
constexpr int kRounds = 20;

FramePool<512, 8> g_pool[2];
ThreadSafeFlag g_to_core0, g_to_core1;
std::atomic<bool> g_core1_done{false};

Task<int> main1() {
    for (int r = 0; r < kRounds; ++r) {
        if (!IRQIO_CROSS_LATENCY_PINGPONG)
            co_await sleep_ms(1);  // core 0 is asleep (or busy) by now
        irqio_cross_set(&g_to_core0);
        irqio_cross_set_done();
        co_await g_to_core1.wait();
    }
    co_return 0;
}

void core1_entry(void*) {
    set_frame_allocator(&g_pool[1]);
    run(main1());
    g_core1_done.store(true);
}

Task<void> hog(bool* stop) {
    while (!*stop) co_await yield_now();
}

Task<int> main0() {
    bool stop = false;
    TaskHandle<void> h;
    if (IRQIO_CROSS_LATENCY_BUSY) h = create_task(hog(&stop));
    for (int r = 0; r < kRounds; ++r) {
        co_await g_to_core0.wait();
        irqio_latency_marker();
        g_to_core1.set();
    }
    stop = true;
    if (IRQIO_CROSS_LATENCY_BUSY) co_await h;
    while (!g_core1_done.load()) co_await sleep_ms(1);
    co_return 0;
}

}  // namespace

int main() {
    set_frame_allocator(&g_pool[0]);
    cortex_m::start_core1(core1_entry, nullptr);
    int r = run(main0());
    cm_test::sh::write("PASS\n");
    return r;
}
