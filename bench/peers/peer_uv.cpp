// libuv (Debian's libuv1 1.44) on its default loop thread.
//
// libuv has callbacks, not tasks, so each workload uses the closest natural libuv shape:
//   yield            one uv_idle_t per "task"; the loop calls every active idle callback once
//                    per iteration, which is a round robin (a callback dispatch, no frame to
//                    resume, so a lower bound for what a task layer on top would cost)
//   event            ping-pong between two uv_idle_t: a callback stops itself and starts the
//                    other (the libuv way to say "run that next")
//   wake from thread uv_async_send from the setter thread (eventfd inside libuv)
//   wake from signal a plain sigaction handler calls uv_async_send, which libuv documents as
//                    async-signal-safe
//   timers           one uv_timer_t per sleeper (millisecond resolution, like libuv itself)
#include <signal.h>
#include <uv.h>

#include <memory>

#include "common.hpp"

using namespace peers;

namespace {

constexpr const char* kPeer = "uv";
constexpr const char* kWorkloads =
    "wake_thread_idle,wake_thread_busy,wake_signal,switch_2,switch_1000,event_pingpong,"
    "timers_100k,timers_1m,idle_wakeups";

// ---------------------------------------------------------------- wake workloads

WakeDriver* g_drv = nullptr;
uv_async_t g_async;
uv_idle_t g_spin;
int g_wakes = 0;
int g_target_wakes = 0;

void on_async(uv_async_t* a) {
    g_drv->on_wake();
    if (++g_wakes == g_target_wakes) {
        uv_close(reinterpret_cast<uv_handle_t*>(a), nullptr);
        if (uv_is_active(reinterpret_cast<uv_handle_t*>(&g_spin)))
            uv_close(reinterpret_cast<uv_handle_t*>(&g_spin), nullptr);
    }
}

void on_sigusr1(int) {
    uv_async_send(&g_async);
}

void wake_workload(const Options& o, const char* name, bool busy, bool from_signal) {
    uv_loop_t loop;
    uv_loop_init(&loop);
    WakeDriver drv(o.samples);
    g_drv = &drv;
    g_wakes = 0;
    g_target_wakes = WakeDriver::total(o);
    uv_async_init(&loop, &g_async, on_async);
    g_spin = {};
    if (busy) {
        // A busy loop: an idle handle is always ready, so the loop never blocks.
        uv_idle_init(&loop, &g_spin);
        uv_idle_start(&g_spin, [](uv_idle_t*) {});
    }
    if (from_signal) {
        struct sigaction sa {};
        sa.sa_handler = on_sigusr1;
        sigemptyset(&sa.sa_mask);
        sigaction(SIGUSR1, &sa, nullptr);
    }
    pthread_t loop_thread = pthread_self();
    std::thread setter = drv.start(o, [from_signal, loop_thread] {
        if (from_signal)
            pthread_kill(loop_thread, SIGUSR1);
        else
            uv_async_send(&g_async);
    });
    place_threads(setter);
    long csw0 = ctx_switches(RUSAGE_THREAD);
    uv_run(&loop, UV_RUN_DEFAULT);
    long csw = ctx_switches(RUSAGE_THREAD) - csw0;
    setter.join();
    if (from_signal) signal(SIGUSR1, SIG_DFL);
    uv_loop_close(&loop);
    char extra[192];
    std::snprintf(extra, sizeof extra, ",\"loop_csw_per_set\":%.3f,\"mechanism\":\"%s\"",
                  double(csw) / WakeDriver::total(o),
                  from_signal ? "pthread_kill SIGUSR1 -> handler calls uv_async_send"
                              : "uv_async_send from thread");
    emit(kPeer, name, "ns", summarize(drv.lat), extra);
}

// ---------------------------------------------------------------- switch workloads

std::int64_t g_count = 0, g_target = 0;
int g_batch = 1000;
std::vector<std::int64_t> g_stamps;
uv_loop_t* g_loop = nullptr;

inline void tick() {
    if (++g_count % g_batch == 0) g_stamps.push_back(now_ns());
}

std::vector<double> batch_samples() {
    std::vector<double> v;
    for (std::size_t i = 1; i < g_stamps.size(); ++i)
        v.push_back(double(g_stamps[i] - g_stamps[i - 1]) / g_batch);
    return v;
}

void reset_counts(const Options& o, std::int64_t target) {
    g_count = 0;
    g_target = target;
    g_batch = o.batch;
    g_stamps.clear();
    g_stamps.reserve(target / o.batch + 2);
}

void switch_workload(const Options& o, const char* name, int ntasks, std::int64_t switches) {
    uv_loop_t loop;
    uv_loop_init(&loop);
    g_loop = &loop;
    reset_counts(o, switches);
    auto tasks = std::make_unique<uv_idle_t[]>(ntasks);
    for (int i = 0; i < ntasks; ++i) {
        uv_idle_init(&loop, &tasks[i]);
        uv_idle_start(&tasks[i], [](uv_idle_t*) {
            tick();
            if (g_count >= g_target) uv_stop(g_loop);
        });
    }
    uv_run(&loop, UV_RUN_DEFAULT);
    for (int i = 0; i < ntasks; ++i) uv_close(reinterpret_cast<uv_handle_t*>(&tasks[i]), nullptr);
    uv_run(&loop, UV_RUN_DEFAULT);
    uv_loop_close(&loop);
    emit(kPeer, name, "ns", summarize(batch_samples()),
         ",\"mechanism\":\"one uv_idle_t callback per task, one call per loop iteration\"");
}

uv_idle_t g_ping, g_pong;

void pingpong_workload(const Options& o) {
    uv_loop_t loop;
    uv_loop_init(&loop);
    g_loop = &loop;
    reset_counts(o, o.switches);
    uv_idle_init(&loop, &g_ping);
    uv_idle_init(&loop, &g_pong);
    auto hop = [](uv_idle_t* self) {
        tick();
        uv_idle_stop(self);
        if (g_count < g_target) uv_idle_start(self == &g_ping ? &g_pong : &g_ping, self->idle_cb);
    };
    g_ping.idle_cb = hop;  // set by uv_idle_start below; also used to re-arm the other one
    g_pong.idle_cb = hop;
    uv_idle_start(&g_ping, hop);
    uv_run(&loop, UV_RUN_DEFAULT);
    uv_close(reinterpret_cast<uv_handle_t*>(&g_ping), nullptr);
    uv_close(reinterpret_cast<uv_handle_t*>(&g_pong), nullptr);
    uv_run(&loop, UV_RUN_DEFAULT);
    uv_loop_close(&loop);
    emit(kPeer, "event_pingpong", "ns", summarize(batch_samples()),
         ",\"mechanism\":\"two uv_idle_t; each callback stops itself and starts the other\"");
}

// ---------------------------------------------------------------- timers

std::int64_t g_expired = 0;
std::int64_t g_n = 0;

void timers_workload(const Options& o, const char* name, int n) {
    std::vector<double> walls, rates, creates;
    double mem_per_task = 0;
    std::mt19937_64 rng(777);
    std::uniform_int_distribution<int> d(0, o.timer_max_ms);
    for (int rep = 0; rep < o.repeats; ++rep) {
        long hwm0 = vm_hwm_bytes();
        uv_loop_t loop;
        uv_loop_init(&loop);
        g_loop = &loop;
        g_expired = 0;
        g_n = n;
        std::int64_t t0 = now_ns();
        // One allocation per sleeper, as an independent task would have.
        std::vector<uv_timer_t*> timers(n);
        for (int i = 0; i < n; ++i) {
            timers[i] = new uv_timer_t;
            uv_timer_init(&loop, timers[i]);
            uv_timer_start(
                timers[i], [](uv_timer_t*) { ++g_expired; }, d(rng), 0);
        }
        std::int64_t t1 = now_ns();
        uv_run(&loop, UV_RUN_DEFAULT);
        std::int64_t t2 = now_ns();
        if (g_expired != n) std::fprintf(stderr, "uv: expired %ld of %d\n", long(g_expired), n);
        if (rep == 0) mem_per_task = double(vm_hwm_bytes() - hwm0) / n;
        for (auto* t : timers)
            uv_close(reinterpret_cast<uv_handle_t*>(t),
                     [](uv_handle_t* h) { delete reinterpret_cast<uv_timer_t*>(h); });
        uv_run(&loop, UV_RUN_DEFAULT);
        uv_loop_close(&loop);
        walls.push_back((t2 - t0) / 1e6);
        rates.push_back(n / ((t2 - t0) / 1e9));
        creates.push_back(double(t1 - t0) / n);
    }
    std::string base = name;
    emit(kPeer, name, "ms", summarize(walls));
    emit(kPeer, (base + "_rate").c_str(), "expiries_per_s", summarize(rates));
    emit(kPeer, (base + "_create").c_str(), "ns_per_task", summarize(creates));
    emit_value(kPeer, (base + "_mem").c_str(), "bytes_per_task", mem_per_task,
               ",\"note\":\"VmHWM growth / N, first repeat; one malloc'd uv_timer_t each\"");
}

// ---------------------------------------------------------------- idle

void idle_workload(const Options& o) {
    uv_loop_t loop;
    uv_loop_init(&loop);
    uv_timer_t far, stop;
    uv_timer_init(&loop, &far);
    uv_timer_init(&loop, &stop);
    uv_timer_start(
        &far, [](uv_timer_t*) {}, 3600 * 1000, 0);
    std::int64_t t0 = now_ns();
    long c0 = ctx_switches(RUSAGE_SELF);
    stop.data = &far;
    uv_timer_start(
        &stop,
        [](uv_timer_t* s) {
            uv_timer_stop(static_cast<uv_timer_t*>(s->data));
            uv_stop(s->loop);
        },
        std::uint64_t(o.idle_seconds * 1000), 0);
    uv_run(&loop, UV_RUN_DEFAULT);
    long c = ctx_switches(RUSAGE_SELF) - c0;
    double secs = (now_ns() - t0) / 1e9;
    uv_close(reinterpret_cast<uv_handle_t*>(&far), nullptr);
    uv_close(reinterpret_cast<uv_handle_t*>(&stop), nullptr);
    uv_run(&loop, UV_RUN_DEFAULT);
    uv_loop_close(&loop);
    char extra[96];
    std::snprintf(extra, sizeof extra, ",\"context_switches\":%ld,\"seconds\":%.3f", c, secs);
    emit_value(kPeer, "idle_wakeups", "wakeups_per_s", c / secs, extra);
}

}  // namespace

int main(int argc, char** argv) {
    Options o = parse_options(argc, argv, kWorkloads);
    for (const auto& w : o.workloads) {
        if (w == "wake_thread_idle")
            wake_workload(o, "wake_thread_idle", false, false);
        else if (w == "wake_thread_busy")
            wake_workload(o, "wake_thread_busy", true, false);
        else if (w == "wake_signal")
            wake_workload(o, "wake_signal", false, true);
        else if (w == "switch_2")
            switch_workload(o, "switch_2", 2, o.switches);
        else if (w == "switch_1000")
            switch_workload(o, "switch_1000", 1000, o.switches_1000);
        else if (w == "event_pingpong")
            pingpong_workload(o);
        else if (w == "timers_100k")
            timers_workload(o, "timers_100k", 100000);
        else if (w == "timers_1m")
            timers_workload(o, "timers_1m", 1000000);
        else if (w == "idle_wakeups")
            idle_workload(o);
        else
            std::fprintf(stderr, "uv: unknown workload %s\n", w.c_str());
    }
}
