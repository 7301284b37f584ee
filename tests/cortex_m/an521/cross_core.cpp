// A loop on each core of mps2-an521, and every "any" object set on one core and awaited on the
// other, with exact accounting: a ThreadSafeQueue stream (sequence numbers: none lost, doubled or
// reordered), a paced Semaphore (as many acquisitions as releases, no extra), a ThreadSafeFlag
// ping-pong whose setter lands at a swept point of the other core's way to sleep, an Event whose
// waiters sit on both cores, schedule_on() each way, core 1's timer interrupt feeding core 0, and
// spawn() onto the other core when the core has it. A busy core must get no doorbell.
// IRQIO_CROSS_ROUNDS scales the run (cross-core wakes are about 9 per round).
#include <atomic>

#include "check.hpp"
#include "irqio/cortex_m.hpp"
#include "irqio/cortex_m/cmsdk_dualtimer.hpp"
#include "irqio/cortex_m/cores.hpp"
#include "irqio/irqio.hpp"

#ifndef IRQIO_CROSS_ROUNDS
#define IRQIO_CROSS_ROUNDS 20000
#endif
// spawn() onto the other core: 200 tasks each way, each awaited from the spawning core (the
// task's frame comes from the spawning core's pool and goes back to it from the other core,
// through the pool's any-context return). -DIRQIO_CROSS_SPAWN=0 leaves it out.
#ifndef IRQIO_CROSS_SPAWN
#define IRQIO_CROSS_SPAWN 1
#endif
// The busy-core phase: off under -icount, where QEMU 7.2's round-robin stops giving core 1 any
// time while core 0 never sleeps (core 1 stays runnable at one PC, seen in the monitor).
#ifndef IRQIO_CROSS_BUSY
#define IRQIO_CROSS_BUSY 1
#endif

namespace {

using namespace irqio;
using cm_test::report;
namespace sh = cm_test::sh;

constexpr uint32_t kRounds = IRQIO_CROSS_ROUNDS;
constexpr uint32_t kEventRounds = kRounds / 4;
constexpr uint32_t kIsrItems = kRounds / 2;
constexpr uint32_t kLostMs = 5000;  // a wait this long is a lost wake

FramePool<1024, 24> g_pool[2];  // a pool serves one core's task context
std::atomic<Loop*> g_loop[2];
std::atomic<bool> g_core1_done{false};
std::atomic<uint32_t> g_violations{0};
std::atomic<uint32_t> g_wakes{0};  // cross-core deliveries, counted by the receiver

unsigned core() {
    return port::core_id();
}

void violation(const char* what, uint32_t got, uint32_t want) {
    if (g_violations.fetch_add(1) < 8) {
        sh::write("VIOLATION core ");
        sh::write_dec(core());
        sh::write(": ");
        sh::write(what);
        sh::write(" got ");
        sh::write_dec(got);
        sh::write(" want ");
        sh::write_dec(want);
        sh::write("\n");
    }
}

// Busy work of `n` turns: moves a set() to another point of the other core's path.
void spin(uint32_t n) {
    for (uint32_t i = 0; i < n; ++i) asm volatile("" ::: "memory");
}

// ---- a ThreadSafeQueue stream, to core d ----
// (A queue's waiters belong to one loop, so the producer paces itself with credits for the free
// slots, which the consumer gives back: a full queue is then a violation.)
ThreadSafeQueue<uint32_t, 8> g_queue[2];
Semaphore g_queue_credit[2] = {Semaphore(8), Semaphore(8)};

Task<void> queue_producer(unsigned d) {
    for (uint32_t i = 0; i < kRounds; ++i) {
        auto c = co_await wait_for_ms(g_queue_credit[d].acquire(), kLostMs);
        if (!c.ok()) co_return violation("queue: credit lost", i, kRounds);
        if (!g_queue[d].try_put(i)) violation("queue: full with a credit", i, kRounds);
    }
}
Task<void> queue_consumer(unsigned d) {
    for (uint32_t i = 0; i < kRounds; ++i) {
        auto r = co_await wait_for_ms(g_queue[d].get(), kLostMs);
        if (!r.ok()) co_return violation("queue: item lost (timed out)", i, i);
        if (r.value() != i) violation("queue: item out of sequence", r.value(), i);
        g_queue_credit[d].release();
        g_wakes.fetch_add(1, std::memory_order_relaxed);
    }
}

// ---- a Semaphore released on one core, acquired on the other; at most 4 ahead (credits that
// the acquirer gives back: cross-core wakes the other way) ----
Semaphore g_sem[2];
Semaphore g_sem_credit[2] = {Semaphore(4), Semaphore(4)};
std::atomic<uint32_t> g_acquired[2];

Task<void> sem_releaser(unsigned d) {
    for (uint32_t i = 0; i < kRounds; ++i) {
        auto c = co_await wait_for_ms(g_sem_credit[d].acquire(), kLostMs);
        if (!c.ok()) co_return violation("semaphore: credit lost", i, kRounds);
        g_sem[d].release();
    }
}
Task<void> sem_acquirer(unsigned d) {
    for (uint32_t i = 0; i < kRounds; ++i) {
        auto r = co_await wait_for_ms(g_sem[d].acquire(), kLostMs);
        if (!r.ok()) co_return violation("semaphore: release lost", i, kRounds);
        g_acquired[d].fetch_add(1);
        g_sem_credit[d].release();
        g_wakes.fetch_add(1, std::memory_order_relaxed);
    }
    if (g_sem[d].try_acquire()) violation("semaphore: an extra unit", 1, 0);
}

// ---- ThreadSafeFlag ping-pong: the set lands at a swept point of the other core's sleep ----
// A wake that the doorbell missed is still found at the core's next alarm (at most ~0.84 s
// later, the SysTick's reach) or next interrupt: the accounting alone would not see it, so every
// flag wake is timed on the shared clock; under -icount (exact time) it must come within
// IRQIO_CROSS_LATE_US of its set(). In real time (the parallel run) the host's scheduling of the
// two vCPU threads adds its own delays, so there the latest is only reported.
ThreadSafeFlag g_flag[2];
std::atomic<uint32_t> g_flag_set_us[2];
uint32_t g_flag_max_us[2];
#ifndef IRQIO_CROSS_LATE_US
#define IRQIO_CROSS_LATE_US 0  // 0: report only
#endif
constexpr uint32_t kLateUs = IRQIO_CROSS_LATE_US;

Task<void> flag_player(unsigned me) {
    const unsigned other = 1 - me;
    for (uint32_t r = 0; r < kRounds; ++r) {
        if (me == 0) {
            spin(r % 97);
            g_flag_set_us[other].store(ticks_us());
            g_flag[other].set();
        }
        auto got = co_await wait_for_ms(g_flag[me].wait(), kLostMs);
        if (!got.ok()) co_return violation("flag: wake lost", r, kRounds);
        const uint32_t late =
            static_cast<uint32_t>(ticks_diff(ticks_us(), g_flag_set_us[me].load()));
        if (late > g_flag_max_us[me]) g_flag_max_us[me] = late;
        if (kLateUs != 0 && late > kLateUs) violation("flag: wake came late (us)", late, kLateUs);
        g_wakes.fetch_add(1, std::memory_order_relaxed);
        if (me == 1) {
            spin(r % 89);
            g_flag_set_us[other].store(ticks_us());
            g_flag[other].set();
        }
    }
}

// ---- an Event with a waiter on each core, set by a task of core 1 ----
// Round r sets g_event[r % 2]; the other one, which both waiters have left, is cleared first.
Event g_event[2];
Semaphore g_event_ack;  // each waiter, each round
std::atomic<uint32_t> g_event_seen[2];

Task<void> event_setter() {
    for (uint32_t r = 1; r <= kEventRounds; ++r) {
        g_event[(r + 1) % 2].clear();
        g_event[r % 2].set();
        for (int k = 0; k < 2; ++k) {
            auto a = co_await wait_for_ms(g_event_ack.acquire(), kLostMs);
            if (!a.ok()) co_return violation("event: acknowledgement lost", r, kEventRounds);
        }
    }
}
Task<void> event_waiter() {
    const unsigned me = core();
    for (uint32_t r = 1; r <= kEventRounds; ++r) {
        auto w = co_await wait_for_ms(g_event[r % 2].wait(), kLostMs);
        if (!w.ok()) co_return violation("event: waiter not woken", r, me);
        g_event_seen[me].fetch_add(1);
        if (me == 0) g_wakes.fetch_add(1, std::memory_order_relaxed);
        g_event_ack.release();
    }
}

// ---- schedule_on() each way ----
std::atomic<uint32_t> g_scheduled_ran[2];
Semaphore g_schedule_credit[2] = {Semaphore(4), Semaphore(4)};  // under the ring's depth (8)
void scheduled(void* target) {
    const unsigned d = static_cast<unsigned>(reinterpret_cast<uintptr_t>(target));
    if (core() != d) violation("schedule_on: ran on the wrong core", core(), d);
    g_scheduled_ran[d].fetch_add(1);
    g_schedule_credit[d].release();
    g_wakes.fetch_add(1, std::memory_order_relaxed);
}
// Every credit back: every callback ran; and not one more than was scheduled.
Task<void> schedule_settle(unsigned d) {
    for (int k = 0; k < 4; ++k) {
        auto c = co_await wait_for_ms(g_schedule_credit[d].acquire(), kLostMs);
        if (!c.ok()) co_return violation("schedule_on: callback lost at the end", k, 4);
    }
    if (g_scheduled_ran[d].load() != kRounds)
        violation("schedule_on: callbacks run", g_scheduled_ran[d].load(), kRounds);
}

Task<void> scheduler(unsigned d) {
    void* arg = reinterpret_cast<void*>(uintptr_t{d});
    for (uint32_t i = 0; i < kRounds; ++i) {
        auto c = co_await wait_for_ms(g_schedule_credit[d].acquire(), kLostMs);
        if (!c.ok()) co_return violation("schedule_on: callback lost", i, kRounds);
        if (!schedule_on(*g_loop[d].load(), scheduled, arg))
            violation("schedule_on: refused below its depth", i, 0);
    }
    co_await schedule_settle(d);
}
// ---- core 1's timer interrupt feeds core 0: a queue stream and a paced semaphore ----
ThreadSafeQueue<uint32_t, 8> g_isr_queue;
Semaphore g_isr_sem;
std::atomic<uint32_t> g_isr_sent{0}, g_isr_released{0}, g_isr_acquired{0};

void on_core1_timer(void*) {
    const uint32_t n = g_isr_sent.load(std::memory_order_relaxed);
    if (n < kIsrItems && g_isr_queue.try_put(n)) g_isr_sent.store(n + 1, std::memory_order_relaxed);
    const uint32_t rel = g_isr_released.load(std::memory_order_relaxed);
    if (rel < kIsrItems && rel - g_isr_acquired.load() < 4) {
        g_isr_sem.release();
        g_isr_released.store(rel + 1, std::memory_order_relaxed);
    }
    if (g_isr_sent.load(std::memory_order_relaxed) == kIsrItems && rel == kIsrItems)
        cortex_m::DualTimer::stop();  // from the handler: no interrupt after the last one
}
Task<void> isr_queue_consumer() {
    for (uint32_t i = 0; i < kIsrItems; ++i) {
        auto r = co_await wait_for_ms(g_isr_queue.get(), kLostMs);
        if (!r.ok()) co_return violation("interrupt queue: item lost", i, kIsrItems);
        if (r.value() != i) violation("interrupt queue: out of sequence", r.value(), i);
        g_wakes.fetch_add(1, std::memory_order_relaxed);
    }
}
Task<void> isr_sem_acquirer() {
    for (uint32_t i = 0; i < kIsrItems; ++i) {
        auto r = co_await wait_for_ms(g_isr_sem.acquire(), kLostMs);
        if (!r.ok()) co_return violation("interrupt semaphore: release lost", i, kIsrItems);
        g_isr_acquired.fetch_add(1);
        g_wakes.fetch_add(1, std::memory_order_relaxed);
    }
    if (g_isr_sem.try_acquire()) violation("interrupt semaphore: an extra unit", 1, 0);
}

// ---- a busy core gets no doorbell ----
Semaphore g_busy_phase;
std::atomic<bool> g_busy_released{false};
std::atomic<bool> g_busy_ack{false};  // core 1 is in the busy phase: no post of its is in flight
Semaphore g_busy_sem;
Task<void> busy_receiver() {  // core 0: a task stays ready, so the loop never sleeps
    bool stop = false;
    TaskHandle<void> hog = create_task([](bool* s) -> Task<void> {
        while (!*s) co_await sleep_ms(0);
    }(&stop));
    g_busy_released.store(true);
    g_busy_phase.release();
    // Count from core 1's acknowledgement: a doorbell for a sleep of core 0 before the phase may
    // still be on its way until then (core 1's exchange of sleeping_ happened before core 0 woke;
    // under multi-threaded TCG the host may hold that vCPU between the exchange and the ring).
    while (!g_busy_ack.load()) co_await sleep_ms(0);
    const uint32_t bells = cortex_m::CortexMPort::of_core(0).doorbells();
    for (uint32_t i = 0; i < 1000; ++i) co_await g_busy_sem.acquire();
    const uint32_t rung = cortex_m::CortexMPort::of_core(0).doorbells() - bells;
    stop = true;
    co_await hog;
    report("busy core 0: doorbells rung for 1000 cross-core releases", rung);
    if (rung != 0) violation("busy core: doorbell rung", rung, 0);
}
Task<void> busy_sender() {  // core 1
    // Core 0 may still be at its part of the storm: the bound counts from its release on.
    for (;;) {
        const bool released = g_busy_released.load();
        if ((co_await wait_for_ms(g_busy_phase.acquire(), kLostMs)).ok()) break;
        if (released) co_return violation("busy phase: start lost", 0, 1);
    }
    g_busy_ack.store(true);
    for (uint32_t i = 0; i < 1000; ++i) {
        g_busy_sem.release();
        if (i % 8 == 7) co_await sleep_ms(0);
    }
}

#if IRQIO_CROSS_SPAWN
// ---- spawn() onto the other core ----
Task<unsigned> where_am_i() {
    co_await sleep_ms(0);
    co_return core();
}
// Four in flight at a time (two pool blocks each: the frame and the handle's block), so the other
// core gives blocks back while this one takes new ones.
Task<void> spawner(unsigned d) {
    constexpr uint32_t kInFlight = 4;
    for (uint32_t i = 0; i < 500; ++i) {
        TaskHandle<unsigned> h[kInFlight];
        for (auto& one : h) one = spawn(*g_loop[d].load(), where_am_i());
        for (auto& one : h) {
            auto r = co_await wait_for_ms(one, kLostMs);
            if (!r.ok() || r.value() != d)
                violation("spawn: not run on the other core", i, d);
            else
                g_wakes.fetch_add(1, std::memory_order_relaxed);
        }
    }
}
#endif

Semaphore g_up[2];
Task<void> both_loops_up() {  // waits, without spinning: -icount switches cores only at a wait
    g_up[1 - core()].release();
    co_await g_up[core()].acquire();
}

Task<int> main1() {
    co_await both_loops_up();
    cortex_m::DualTimer::start_periodic(20, on_core1_timer, nullptr);  // on core 1's NVIC
    TaskGroup g;
    g.create_task(queue_producer(0));
    g.create_task(queue_consumer(1));
    g.create_task(sem_releaser(0));
    g.create_task(sem_acquirer(1));
    g.create_task(flag_player(1));
    g.create_task(event_setter());
    g.create_task(event_waiter());
    g.create_task(scheduler(0));
#if IRQIO_CROSS_SPAWN
    g.create_task(spawner(0));
#endif
    co_await g.join();
    if (IRQIO_CROSS_BUSY) co_await busy_sender();
    co_return 0;
}

void core1_entry(void*) {
    if (core() != 1) violation("core 1 reads another core_id", core(), 1);
    set_frame_allocator(&g_pool[1]);
    run(main1(), [](Loop& l) { g_loop[1].store(&l); });
    g_core1_done.store(true);
}

#ifdef IRQIO_CROSS_PROGRESS
// Debugging aid (-DIRQIO_CROSS_PROGRESS): the wake count every second.
Task<void> progress() {
    for (;;) {
        co_await sleep_ms(1000);
        report("progress: wakes", g_wakes.load());
    }
}
#endif

Task<int> main0() {
    co_await both_loops_up();
    const uint32_t t0 = ticks_ms();
    TaskGroup g;
#ifdef IRQIO_CROSS_PROGRESS
    TaskHandle<void> watch = create_task(progress());
#endif
    g.create_task(queue_producer(1));
    g.create_task(queue_consumer(0));
    g.create_task(sem_releaser(1));
    g.create_task(sem_acquirer(0));
    g.create_task(flag_player(0));
    g.create_task(event_waiter());
    g.create_task(scheduler(1));
    g.create_task(isr_queue_consumer());
    g.create_task(isr_sem_acquirer());
#if IRQIO_CROSS_SPAWN
    g.create_task(spawner(1));
#endif
    co_await g.join();
    if (IRQIO_CROSS_BUSY) co_await busy_receiver();
#ifdef IRQIO_CROSS_PROGRESS
    watch.cancel();
#endif
    const uint32_t ms = static_cast<uint32_t>(ticks_diff(ticks_ms(), t0));
    while (!g_core1_done.load()) co_await sleep_ms(1);
    report("rounds", kRounds);
    report("latest flag wake, core 0 (us)", g_flag_max_us[0]);
    report("latest flag wake, core 1 (us)", g_flag_max_us[1]);
    report("frames refused core 0 / core 1", g_pool[0].refused() * 1000 + g_pool[1].refused());
    report("cross-core wakes", g_wakes.load());
    report("event rounds seen by core 0 / core 1",
           g_event_seen[0].load() * 1000000ull + g_event_seen[1].load());
    report("doorbells rung to core 0", cortex_m::CortexMPort::of_core(0).doorbells());
    report("doorbells rung to core 1", cortex_m::CortexMPort::of_core(1).doorbells());
    report("sleeps core 0", cortex_m::CortexMPort::of_core(0).sleeps());
    report("sleeps core 1", cortex_m::CortexMPort::of_core(1).sleeps());
    report("interrupt queue drops (full, retried)", g_isr_queue.dropped());
    report("elapsed ms (virtual under -icount)", ms);
    co_return 0;
}

}  // namespace

int main() {
    set_frame_allocator(&g_pool[0]);
    cortex_m::start_core1(core1_entry, nullptr);
    run(main0(), [](Loop& l) { g_loop[0].store(&l); });
    CM_CHECK(g_event_seen[0].load() == kEventRounds && g_event_seen[1].load() == kEventRounds);
    if (g_violations.load() != 0) {
        report("violations", g_violations.load());
        return 1;
    }
    sh::write("PASS\n");
    return 0;
}
