// A tiny program for `valgrind --tool=callgrind`: N operations of one kind, nothing else, so that
// (Ir(N2) - Ir(N1)) / (N2 - N1) is the instruction count of one operation. Used by run_all.sh.
//
//   callgrind_probe switch N     : N task switches, co_await sleep_ms(0) between 2 tasks
//   callgrind_probe pingpong N   : N Event ping-pong hand-offs (set / wait / clear)
//   callgrind_probe wake N       : N wakes through the interrupt path: Event::set() inside an
//                                  IsrScope (inbox post), loop drains the inbox, the waiter runs;
//                                  the setter task then yields (one extra switch per wake)
//   callgrind_probe tsq N        : N ThreadSafeQueue::try_put inside an IsrScope (+ try_get)
//   callgrind_probe floor N      : N raw coroutine hand-offs through a ring (the floor's switch)
#include <coroutine>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <irqio/irqio.hpp>

using irqio::Event;
using irqio::Task;

namespace {
long g_n = 0, g_count = 0;

Task<void> yielder() {
    while (g_count < g_n) {
        ++g_count;
        co_await irqio::sleep_ms(0);
    }
}
Task<void> switch_main() {
    auto a = irqio::create_task(yielder());
    auto b = irqio::create_task(yielder());
    co_await a;
    co_await b;
}

Event *g_a, *g_b;
Task<void> ping() {
    while (g_count < g_n) {
        g_b->set();
        co_await g_a->wait();
        g_a->clear();
        ++g_count;
    }
    g_b->set();
}
Task<void> pong() {
    while (g_count < g_n) {
        co_await g_b->wait();
        g_b->clear();
        ++g_count;
        g_a->set();
    }
}
Task<void> pingpong_main() {
    Event a, b;
    g_a = &a;
    g_b = &b;
    auto p = irqio::create_task(pong());
    auto q = irqio::create_task(ping());
    co_await q;
    co_await p;
}

Task<void> wake_waiter() {
    while (g_count < g_n) {
        co_await g_a->wait();
        g_a->clear();
        ++g_count;
    }
}
Task<void> wake_main() {
    Event a;
    g_a = &a;
    auto w = irqio::create_task(wake_waiter());
    co_await irqio::sleep_ms(0);
    while (g_count < g_n) {
        {
            irqio::IsrScope isr;
            a.set();
        }
        co_await irqio::sleep_ms(0);
    }
    co_await w;
}

irqio::ThreadSafeQueue<unsigned, 1024> g_q;
Task<void> tsq_main() {
    for (long i = 0; i < g_n; i += 1000) {
        {
            irqio::IsrScope isr;
            for (int k = 0; k < 1000; ++k) (void)g_q.try_put(unsigned(k));
        }
        while (g_q.try_get()) {
        }
    }
    co_return;
}

// The floor: raw coroutines handed round a ring, as bench/peers/peer_floor.cpp does.
struct Detached {
    struct promise_type {
        Detached get_return_object() { return {}; }
        std::suspend_never initial_suspend() noexcept { return {}; }
        std::suspend_never final_suspend() noexcept { return {}; }
        void return_void() {}
        void unhandled_exception() { std::abort(); }
    };
};
std::coroutine_handle<> g_ring[64];
unsigned g_head = 0, g_tail = 0;
struct Yield {
    bool await_ready() const noexcept { return false; }
    void await_suspend(std::coroutine_handle<> h) const noexcept { g_ring[g_tail++ & 63] = h; }
    void await_resume() const noexcept {}
};
Detached raw_yielder() {
    while (g_count < g_n) {
        ++g_count;
        co_await Yield{};
    }
}
}  // namespace

int main(int argc, char** argv) {
    if (argc < 3) {
        std::fprintf(stderr, "usage: %s switch|pingpong|wake|tsq|floor N\n", argv[0]);
        return 2;
    }
    g_n = std::atol(argv[2]);
    const char* m = argv[1];
    if (!std::strcmp(m, "switch"))
        irqio::run(switch_main());
    else if (!std::strcmp(m, "pingpong"))
        irqio::run(pingpong_main());
    else if (!std::strcmp(m, "wake"))
        irqio::run(wake_main());
    else if (!std::strcmp(m, "tsq"))
        irqio::run(tsq_main());
    else if (!std::strcmp(m, "floor")) {
        raw_yielder();
        raw_yielder();
        while (g_head != g_tail) g_ring[g_head++ & 63].resume();
    } else
        return 2;
    std::printf("%s %ld done (%ld)\n", m, g_n, g_count);
#if IRQIO_TRACE
    // With IRQIO_TRACE=ON: how many records the run wrote (docs/tracing.md: cost per event).
    std::printf("trace records %llu\n", static_cast<unsigned long long>(irqio::trace::written()));
#endif
}
