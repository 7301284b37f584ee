// Shared helpers for the C++ peer programs (floor, asio, libuv).
// Everything here is plain POSIX + C++20; no peer library is used.
#pragma once

#include <pthread.h>
#include <sys/resource.h>
#include <time.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace peers {

inline std::int64_t now_ns() {
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return std::int64_t(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

inline void sleep_until_ns(std::int64_t t) {
    timespec ts{time_t(t / 1000000000), long(t % 1000000000)};
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nullptr) != 0) {
    }
}

// Command line: --key=value pairs, plus --workload=a,b,c.
struct Options {
    std::vector<std::string> workloads;
    int samples = 2000;   // wake_* samples
    int gap_min_us = 50;  // wake_* random gap between sets
    int gap_max_us = 200;
    std::int64_t switches = 2000000;  // switch_2 / event_pingpong switches per run
    std::int64_t switches_1000 = 2000000;
    int batch = 1000;     // switches per timing sample
    int timers = 100000;  // timers_* count (overridden by workload name)
    int timer_max_ms = 100;
    int repeats = 3;  // timers_* repeats
    double idle_seconds = 2.0;

    bool wants(const char* w) const {
        return std::find(workloads.begin(), workloads.end(), w) != workloads.end();
    }
};

inline const cpu_set_t& initial_cpus();

inline Options parse_options(int argc, char** argv, const char* all_workloads) {
    (void)initial_cpus();  // remember the process's CPUs before any thread is pinned
    Options o;
    std::string wl = "all";
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        auto eq = a.find('=');
        std::string k = a.substr(0, eq), v = eq == std::string::npos ? "" : a.substr(eq + 1);
        if (k == "--workload" || k == "--workloads")
            wl = v;
        else if (k == "--samples")
            o.samples = std::atoi(v.c_str());
        else if (k == "--gap-min-us")
            o.gap_min_us = std::atoi(v.c_str());
        else if (k == "--gap-max-us")
            o.gap_max_us = std::atoi(v.c_str());
        else if (k == "--switches")
            o.switches = std::atoll(v.c_str());
        else if (k == "--switches-1000")
            o.switches_1000 = std::atoll(v.c_str());
        else if (k == "--batch")
            o.batch = std::atoi(v.c_str());
        else if (k == "--timer-max-ms")
            o.timer_max_ms = std::atoi(v.c_str());
        else if (k == "--repeats")
            o.repeats = std::atoi(v.c_str());
        else if (k == "--idle-seconds")
            o.idle_seconds = std::atof(v.c_str());
        else {
            std::fprintf(stderr,
                         "usage: %s [--workload=a,b|all] [--samples=N] [--gap-min-us=N]\n"
                         "  [--gap-max-us=N] [--switches=N] [--switches-1000=N] [--batch=N]\n"
                         "  [--timer-max-ms=N] [--repeats=N] [--idle-seconds=S]\n"
                         "workloads: %s\n",
                         argv[0], all_workloads);
            std::exit(2);
        }
    }
    if (wl == "all") wl = all_workloads;
    std::size_t p = 0;
    while (p <= wl.size()) {
        auto c = wl.find(',', p);
        if (c == std::string::npos) c = wl.size();
        if (c > p) o.workloads.push_back(wl.substr(p, c - p));
        p = c + 1;
    }
    return o;
}

// Median and 99th percentile (nearest rank) of a sample set.
struct Summary {
    double median = 0, p99 = 0;
    std::size_t n = 0;
};

inline Summary summarize(std::vector<double> v) {
    Summary s;
    s.n = v.size();
    if (v.empty()) return s;
    std::sort(v.begin(), v.end());
    s.median = v.size() % 2 ? v[v.size() / 2] : 0.5 * (v[v.size() / 2 - 1] + v[v.size() / 2]);
    std::size_t r = std::size_t(0.99 * double(v.size()) + 0.999999);  // ceil, nearest rank
    if (r < 1) r = 1;
    s.p99 = v[std::min(r, v.size()) - 1];
    return s;
}

// One JSON object per line. `extra` is either empty or `,"key":value,...`.
inline void emit(const char* peer, const char* workload, const char* unit, const Summary& s,
                 const std::string& extra = "") {
    std::printf(
        "{\"peer\":\"%s\",\"workload\":\"%s\",\"unit\":\"%s\",\"median\":%.6g,"
        "\"p99\":%.6g,\"samples\":%zu%s}\n",
        peer, workload, unit, s.median, s.p99, s.n, extra.c_str());
    std::fflush(stdout);
}

inline void emit_value(const char* peer, const char* workload, const char* unit, double v,
                       const std::string& extra = "") {
    Summary s{v, v, 1};
    emit(peer, workload, unit, s, extra);
}

// Peak resident set size (VmHWM) in bytes.
inline long vm_hwm_bytes() {
    FILE* f = std::fopen("/proc/self/status", "r");
    if (!f) return -1;
    char line[256];
    long kb = -1;
    while (std::fgets(line, sizeof line, f)) {
        if (std::strncmp(line, "VmHWM:", 6) == 0) kb = std::atol(line + 6);
    }
    std::fclose(f);
    return kb * 1024;
}

inline long ctx_switches(int who) {
    rusage ru;
    getrusage(who, &ru);
    return ru.ru_nvcsw + ru.ru_nivcsw;
}

// Random gaps for the wake workloads (fixed seed so every peer sees the same sequence).
struct GapRng {
    std::mt19937_64 rng{12345};
    std::uniform_int_distribution<int> d;
    GapRng(int lo_us, int hi_us) : d(lo_us, hi_us) {}
    std::int64_t next_ns() { return std::int64_t(d(rng)) * 1000; }
};

// Drives a wake workload from a helper thread: waits a random gap, stamps t_set, calls
// `fire(t_set)`, then waits until the loop side has acknowledged (ack counter reaches i+1).
// The loop side records latency = its own now_ns() - t_set and bumps `ack`.
struct WakeDriver {
    // The first sets warm up caches, page tables and the thread placement; not recorded.
    static constexpr int kWarmup = 20;
    static int total(const Options& o) { return o.samples + kWarmup; }

    std::atomic<std::int64_t> t_set{0};
    std::atomic<int> ack{0};
    std::atomic<bool> done{false};
    std::vector<double> lat;

    explicit WakeDriver(int n) { lat.reserve(n); }

    // Called on the loop side when the wake arrives.
    void on_wake() {
        std::int64_t t = now_ns();
        if (ack.load(std::memory_order_relaxed) >= kWarmup)
            lat.push_back(double(t - t_set.load(std::memory_order_acquire)));
        ack.fetch_add(1, std::memory_order_release);
    }

    template <class Fire>
    std::thread start(const Options& o, Fire fire) {
        return std::thread([this, &o, fire] {
            GapRng g(o.gap_min_us, o.gap_max_us);
            for (int i = 0; i < total(o); ++i) {
                sleep_until_ns(now_ns() + g.next_ns());
                std::int64_t t = now_ns();
                t_set.store(t, std::memory_order_release);
                fire();
                while (ack.load(std::memory_order_acquire) <= i) {
                    // Short spin, then yield: keeps the setter off the loop's CPU budget.
                    std::this_thread::yield();
                }
            }
            done.store(true, std::memory_order_release);
        });
    }
};

inline void pin_to_cpu(std::thread& t, int cpu) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    pthread_setaffinity_np(t.native_handle(), sizeof set, &set);
}

// Keep the helper thread on a different CPU from the loop when the process is pinned to
// more than one CPU (the runner uses `taskset -c 0,1`; the loop stays on the first CPU).
// The CPUs the process was started with, captured on first use (before anything is pinned;
// later calls must not see the loop thread's own pinning).
inline const cpu_set_t& initial_cpus() {
    static const cpu_set_t set = [] {
        cpu_set_t s;
        CPU_ZERO(&s);
        if (sched_getaffinity(0, sizeof s, &s) != 0) CPU_ZERO(&s);
        return s;
    }();
    return set;
}

inline void place_threads(std::thread& helper) {
    cpu_set_t set = initial_cpus();
    if (CPU_COUNT(&set) < 2) return;
    int first = -1, second = -1;
    for (int c = 0; c < CPU_SETSIZE; ++c) {
        if (!CPU_ISSET(c, &set)) continue;
        if (first < 0)
            first = c;
        else if (second < 0) {
            second = c;
            break;
        }
    }
    pin_to_cpu(helper, second);
    cpu_set_t me;
    CPU_ZERO(&me);
    CPU_SET(first, &me);
    pthread_setaffinity_np(pthread_self(), sizeof me, &me);
}

}  // namespace peers
