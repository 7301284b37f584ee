// Memory per idle sleeping task (frame included) and the cost of many concurrent sleepers.
//
//   task_frame_min_bytes : the same for the smallest sleeper, `Task<void> f() { co_await
//                      sleep_ms(n); }` (the compiler's coroutine-frame layout decides much of it).
//   task_frame_bytes : bytes irqio asks its FrameAllocator for per sleeping task (TaskBase header
//                      + coroutine frame, which holds the SleepAwaiter and its intrusive
//                      TimerNode), counted by a FrameAllocator subclass; FramePool block that fits
//                      it.
//   rss_100k         : VmRSS growth / N with 100,000 tasks asleep at once (heap frames, malloc).
//   timers_100k, timers_1m : N sleepers with random deadlines in [0, --timer-max-ms]; create them
//   all,
//                      let all expire; wall time, expiries/s, create ns/task, VmHWM growth / N.
//                      Same workload as bench/peers (peer_floor.cpp timers_workload).
//
//   bench_memory [--workload=task_frame,rss_100k,timers_100k,timers_1m] [--repeats=N]
#include <malloc.h>

#include <irqio/irqio.hpp>
#include <random>

#include "bench_util.hpp"

using namespace ibench;
using irqio::Task;

namespace {

constexpr const char* kWorkloads = "task_frame,rss_100k,timers_100k,timers_1m";

// Counts what irqio asks for; the memory itself comes from malloc.
class CountingAllocator final : public irqio::FrameAllocator {
  public:
    void* allocate(std::size_t bytes) noexcept override {
        void* p = std::malloc(bytes);
        if (!p) return nullptr;
        requested += bytes;
        usable += malloc_usable_size(p);
        ++live;
        ++count;
        last = bytes;
        return p;
    }
    void deallocate(void* p) noexcept override {
        --live;
        std::free(p);
    }
    std::size_t requested = 0, usable = 0, live = 0, count = 0, last = 0;
};

std::int64_t g_expired = 0;
std::int64_t g_target = 0;
irqio::Event* g_all_done = nullptr;

// The smallest sleeping task: no parameter, one sleep (what MicroPython's ~168 B is quoted for).
Task<void> minimal_sleeper() {
    co_await irqio::sleep_ms(3600u * 1000u);
}

// The idle sleeping task that every figure here is about.
Task<void> sleeper(std::uint64_t deadline_us) {
    co_await irqio::sleep_until(irqio::Clock::time_point(irqio::Clock::duration(deadline_us)));
    if (++g_expired == g_target && g_all_done) g_all_done->set();
}

// ---------------------------------------------------------------- frame bytes

// Block size of the pool used to prove the frame fits (a FramePool refuses larger frames).
constexpr std::size_t kPoolBlock = 128;
constexpr std::size_t kPoolCount = 1000;
irqio::FramePool<kPoolBlock, kPoolCount> g_pool;

Task<void> frame_main(CountingAllocator* ca, CountingAllocator* ca_min, std::size_t* refused,
                      std::size_t* pool_hw) {
    const int n = 1000;
    std::uint64_t far = irqio::now_us() + 3600ull * 1000000;
    {
        irqio::FrameAllocatorScope scope(*ca_min);
        for (int i = 0; i < n; ++i) (void)irqio::create_task(minimal_sleeper());
    }
    {
        irqio::FrameAllocatorScope scope(*ca);
        for (int i = 0; i < n; ++i) (void)irqio::create_task(sleeper(far));
    }
    {
        irqio::FrameAllocatorScope scope(g_pool);
        for (int i = 0; i < n; ++i) (void)irqio::create_task(sleeper(far));
    }
    co_await irqio::sleep_ms(1);  // every sleeper has run to its sleep_until
    *refused = g_pool.refused();
    *pool_hw = g_pool.high_water();
    // main returns: run() cancels the sleepers, their frames go back where they came from.
}

void task_frame_workload() {
    CountingAllocator ca, ca_min;
    std::size_t refused = 0, pool_hw = 0;
    g_target = -1;
    irqio::run(frame_main(&ca, &ca_min, &refused, &pool_hw));
    report_value("task_frame_min_bytes", "bytes_per_task",
                 double(ca_min.requested) / double(ca_min.count), "",
                 "Task<void> f() { co_await sleep_ms(n); }: header + frame as requested");
    double per = double(ca.requested) / double(ca.count);
    double usable = double(ca.usable) / double(ca.count);
    char extra[256];
    std::snprintf(extra, sizeof extra,
                  ",\"malloc_usable\":%.0f,\"malloc_chunk\":%.0f,\"pool_block\":%zu,"
                  "\"pool_refused\":%zu,\"pool_used\":%zu,\"live_after\":%zu",
                  usable, usable + 8, kPoolBlock, refused, pool_hw, ca.live);
    report_value("task_frame_bytes", "bytes_per_task", per, extra,
                 "header + frame, as requested from the FrameAllocator");
    report_value("task_frame_malloc", "bytes_per_task", usable + 8, "",
                 "the same through glibc malloc (usable size + 8-byte chunk header)");
    char note[96];
    std::snprintf(note, sizeof note, "FramePool<%zu,...>: %zu of %d frames refused", kPoolBlock,
                  refused, 1000);
    report_value("task_frame_pool", "bytes_per_task", refused == 0 ? double(kPoolBlock) : -1.0,
                 extra, note);
}

// ---------------------------------------------------------------- RSS with 100k asleep

Task<void> rss_main(int n, double* per_task) {
    // Touch the allocator once so its fixed start-up cost is not counted.
    std::uint64_t far = irqio::now_us() + 3600ull * 1000000;
    long rss0 = vm_rss_bytes();
    for (int i = 0; i < n; ++i) (void)irqio::create_task(sleeper(far));
    co_await irqio::sleep_ms(1);  // all n now asleep in the timer heap
    long rss1 = vm_rss_bytes();
    *per_task = double(rss1 - rss0) / n;
}

void rss_workload(int n) {
    double per = 0;
    g_target = -1;
    irqio::run(rss_main(n, &per));
    report_value("rss_100k_mem", "bytes_per_task", per,
                 ",\"note\":\"VmRSS growth / N, all asleep\"",
                 "VmRSS growth / N with 100k tasks asleep (heap frames)");
}

// ---------------------------------------------------------------- timers_100k / timers_1m

Task<void> timers_main(int n, int max_ms, std::mt19937_64* rng, std::int64_t* t_created) {
    irqio::Event done;
    g_all_done = &done;
    std::uniform_int_distribution<std::int64_t> d(0, std::int64_t(max_ms) * 1000);
    std::uint64_t t0 = irqio::now_us();
    for (int i = 0; i < n; ++i) (void)irqio::create_task(sleeper(t0 + std::uint64_t(d(*rng))));
    *t_created = now_ns();
    co_await done.wait();
    g_all_done = nullptr;
}

void timers_workload(const Options& o, const char* name, int n) {
    std::vector<double> walls, rates, creates;
    double mem_per_task = 0;
    std::mt19937_64 rng(777);
    long hwm_final = 0;
    for (int rep = 0; rep < o.repeats; ++rep) {
        long hwm0 = vm_hwm_bytes();
        g_expired = 0;
        g_target = n;
        std::int64_t t1 = 0;
        std::int64_t t0 = now_ns();
        irqio::run(timers_main(n, o.timer_max_ms, &rng, &t1));
        std::int64_t t2 = now_ns();
        if (g_expired != n) std::fprintf(stderr, "irqio: expired %ld of %d\n", long(g_expired), n);
        if (rep == 0) mem_per_task = double(vm_hwm_bytes() - hwm0) / n;
        hwm_final = vm_hwm_bytes();
        walls.push_back((t2 - t0) / 1e6);
        rates.push_back(n / ((t2 - t0) / 1e9));
        creates.push_back(double(t1 - t0) / n);
        malloc_trim(0);
    }
    std::string base = name;
    char extra[128];
    std::snprintf(extra, sizeof extra, ",\"peak_rss_mb\":%.1f,\"timer_max_ms\":%d",
                  hwm_final / 1048576.0, o.timer_max_ms);
    report(name, "ms", summarize(walls), extra, "create + all expire, wall");
    report((base + "_rate").c_str(), "expiries_per_s", summarize(rates));
    report((base + "_create").c_str(), "ns_per_task", summarize(creates));
    report_value((base + "_mem").c_str(), "bytes_per_task", mem_per_task,
                 ",\"note\":\"VmHWM growth / N, first repeat\"", "VmHWM growth / N");
    report_value((base + "_peak").c_str(), "MB", hwm_final / 1048576.0, "",
                 "process VmHWM (whole process, after the runs)");
}

}  // namespace

int main(int argc, char** argv) {
    Options o = parse_options(argc, argv, kWorkloads);
    std::fprintf(stderr, "irqio bench_memory\n");
    for (const auto& w : o.workloads) {
        if (w == "task_frame")
            task_frame_workload();
        else if (w == "rss_100k")
            rss_workload(100000);
        else if (w == "timers_100k")
            timers_workload(o, "timers_100k", 100000);
        else if (w == "timers_1m")
            timers_workload(o, "timers_1m", 1000000);
        else
            std::fprintf(stderr, "bench_memory: unknown workload %s\n", w.c_str());
    }
}
