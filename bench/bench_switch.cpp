// Task switch cost: `co_await sleep_ms(0)` round robin among 2 and among 1,000 tasks, and an Event
// ping-pong (set / wait / clear) between two tasks. Same workloads, options and JSON lines as the
// peers in bench/peers (peer_floor.cpp's switch_workload / pingpong_workload).
//
//   bench_switch [--workload=switch_2,switch_1000,event_pingpong] [--switches=N]
//                [--switches-1000=N] [--batch=N]
#include <irqio/irqio.hpp>

#include "bench_util.hpp"

using namespace ibench;
using irqio::Event;
using irqio::Task;

namespace {

constexpr const char* kWorkloads = "switch_2,switch_1000,event_pingpong";

std::int64_t g_count = 0, g_target = 0;
int g_batch = 1000;
std::vector<std::int64_t> g_stamps;

inline void tick() {
    if (++g_count % g_batch == 0) g_stamps.push_back(now_ns());
}
std::vector<double> batch_samples() {
    std::vector<double> v;
    for (std::size_t i = 1; i < g_stamps.size(); ++i)
        v.push_back(double(g_stamps[i] - g_stamps[i - 1]) / g_batch);
    return v;
}
void reset(std::int64_t target, int batch) {
    g_count = 0;
    g_target = target;
    g_batch = batch;
    g_stamps.clear();
    g_stamps.reserve(std::size_t(target / batch + 4));
}

Task<void> yielder() {
    while (g_count < g_target) {
        tick();
        co_await irqio::sleep_ms(0);
    }
}

Task<void> switch_main(int ntasks) {
    std::vector<irqio::TaskHandle<void>> hs;
    hs.reserve(std::size_t(ntasks));
    for (int i = 0; i < ntasks; ++i) hs.push_back(irqio::create_task(yielder()));
    for (auto& h : hs) co_await h;
}

Event* g_a;
Event* g_b;

Task<void> ping() {
    while (g_count < g_target) {
        g_b->set();
        co_await g_a->wait();
        g_a->clear();
        tick();
    }
    g_b->set();
}
Task<void> pong() {
    while (g_count < g_target) {
        co_await g_b->wait();
        g_b->clear();
        tick();
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

}  // namespace

int main(int argc, char** argv) {
    Options o = parse_options(argc, argv, kWorkloads);
    std::fprintf(stderr,
                 "irqio bench_switch (ns per switch; median / p99 over %d-switch batches)\n",
                 o.batch);
    for (const auto& w : o.workloads) {
        if (w == "switch_2" || w == "switch_1000") {
            int n = w == "switch_2" ? 2 : 1000;
            reset(n == 2 ? o.switches : o.switches_1000, o.batch);
            irqio::run(switch_main(n));
            report(w.c_str(), "ns", summarize(batch_samples()),
                   ",\"mechanism\":\"co_await sleep_ms(0), irqio::run loop on LinuxPort\"");
        } else if (w == "event_pingpong") {
            reset(o.switches, o.batch);
            irqio::run(pingpong_main());
            report("event_pingpong", "ns", summarize(batch_samples()),
                   ",\"mechanism\":\"irqio::Event set / co_await wait / clear\"");
        } else {
            std::fprintf(stderr, "bench_switch: unknown workload %s\n", w.c_str());
        }
    }
}
