// Boost.Asio (Debian's Boost 1.74) with C++20 awaitables on one io_context thread.
//
// Mechanisms (the most ordinary Asio spelling of each workload):
//   yield            co_await asio::post(executor, use_awaitable)
//   event            a one-waiter event that stores the coroutine's use_awaitable completion
//                    handler; set() posts that handler (1.74 has no experimental::channel)
//   wake from thread asio::post(io_context, lambda) from the setter thread; the lambda sets
//                    the event, which resumes the waiting coroutine
//   wake from signal asio::signal_set::async_wait (Asio's own handler writes its self-pipe);
//                    user code may not call post() inside a signal handler
//   timers           one steady_timer per coroutine, co_await timer.async_wait(use_awaitable)
#include <signal.h>

#include <utility>  // Boost 1.74 awaitable.hpp uses std::exchange without it

#include <boost/asio.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <optional>

#include "common.hpp"

namespace asio = boost::asio;
using asio::awaitable;
using asio::use_awaitable;
using namespace peers;

namespace {

constexpr const char* kPeer = "asio";
constexpr const char* kWorkloads =
    "wake_thread_idle,wake_thread_busy,wake_signal,switch_2,switch_1000,event_pingpong,"
    "timers_100k,timers_1m,idle_wakeups";

using Handler = asio::async_result<asio::use_awaitable_t<>, void()>::handler_type;

// One-waiter event. Must be used from the io_context thread.
class Event {
  public:
    explicit Event(asio::any_io_executor ex) : ex_(std::move(ex)) {}

    awaitable<void> wait() {
        if (flag_) {
            flag_ = false;
            co_return;
        }
        co_await asio::async_initiate<const asio::use_awaitable_t<>, void()>(
            [this](Handler h) { waiter_.emplace(std::move(h)); }, use_awaitable);
    }

    void set() {
        if (waiter_) {
            Handler h = std::move(*waiter_);
            waiter_.reset();
            asio::post(ex_, std::move(h));
        } else {
            flag_ = true;
        }
    }

  private:
    asio::any_io_executor ex_;
    std::optional<Handler> waiter_;
    bool flag_ = false;
};

// ---------------------------------------------------------------- wake workloads

void wake_thread(const Options& o, const char* name, bool busy) {
    asio::io_context io(1);
    auto ex = io.get_executor();
    Event ev(ex);
    WakeDriver drv(o.samples);
    bool stop = false;
    long csw0 = 0;

    asio::co_spawn(
        io,
        [&]() -> awaitable<void> {
            for (int i = 0; i < WakeDriver::total(o); ++i) {
                co_await ev.wait();
                drv.on_wake();
            }
            stop = true;
        },
        asio::detached);
    if (busy) {
        asio::co_spawn(
            io,
            [&]() -> awaitable<void> {
                auto my = co_await asio::this_coro::executor;
                while (!stop) co_await asio::post(my, use_awaitable);
            },
            asio::detached);
    }
    std::thread setter;
    asio::post(io, [&] {
        csw0 = ctx_switches(RUSAGE_THREAD);
        setter = drv.start(o, [&io, &ev] { asio::post(io, [&ev] { ev.set(); }); });
        place_threads(setter);
    });
    io.run();
    long csw = ctx_switches(RUSAGE_THREAD) - csw0;
    setter.join();
    char extra[128];
    std::snprintf(extra, sizeof extra, ",\"loop_csw_per_set\":%.3f,\"mechanism\":\"%s\"",
                  double(csw) / WakeDriver::total(o),
                  "post(io_context) from thread -> event -> coroutine");
    emit(kPeer, name, "ns", summarize(drv.lat), extra);
}

void wake_signal(const Options& o) {
    asio::io_context io(1);
    asio::signal_set sigs(io, SIGUSR1);
    WakeDriver drv(o.samples);
    pthread_t loop_thread = pthread_self();
    long csw0 = 0;
    asio::co_spawn(
        io,
        [&]() -> awaitable<void> {
            for (int i = 0; i < WakeDriver::total(o); ++i) {
                co_await sigs.async_wait(use_awaitable);
                drv.on_wake();
            }
        },
        asio::detached);
    std::thread setter;
    asio::post(io, [&] {
        csw0 = ctx_switches(RUSAGE_THREAD);
        setter = drv.start(o, [loop_thread] { pthread_kill(loop_thread, SIGUSR1); });
        place_threads(setter);
    });
    io.run();
    long csw = ctx_switches(RUSAGE_THREAD) - csw0;
    setter.join();
    char extra[160];
    std::snprintf(extra, sizeof extra, ",\"loop_csw_per_set\":%.3f,\"mechanism\":\"%s\"",
                  double(csw) / WakeDriver::total(o),
                  "pthread_kill SIGUSR1 -> signal_set (Asio handler writes self-pipe)");
    emit(kPeer, "wake_signal", "ns", summarize(drv.lat), extra);
}

// ---------------------------------------------------------------- switch workloads

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

void reset_counts(const Options& o, std::int64_t target) {
    g_count = 0;
    g_target = target;
    g_batch = o.batch;
    g_stamps.clear();
    g_stamps.reserve(target / o.batch + 2);
}

awaitable<void> yielder() {
    auto ex = co_await asio::this_coro::executor;
    while (g_count < g_target) {
        tick();
        co_await asio::post(ex, use_awaitable);
    }
}

void switch_workload(const Options& o, const char* name, int ntasks, std::int64_t switches) {
    asio::io_context io(1);
    reset_counts(o, switches);
    for (int i = 0; i < ntasks; ++i) asio::co_spawn(io, yielder(), asio::detached);
    io.run();
    emit(kPeer, name, "ns", summarize(batch_samples()),
         ",\"mechanism\":\"co_await post(executor, use_awaitable)\"");
}

void pingpong_workload(const Options& o) {
    asio::io_context io(1);
    Event a(io.get_executor()), b(io.get_executor());
    reset_counts(o, o.switches);
    asio::co_spawn(
        io,
        [&]() -> awaitable<void> {
            while (g_count < g_target) {
                co_await b.wait();
                tick();
                a.set();
            }
        },
        asio::detached);
    asio::co_spawn(
        io,
        [&]() -> awaitable<void> {
            while (g_count < g_target) {
                b.set();
                co_await a.wait();
                tick();
            }
            b.set();
        },
        asio::detached);
    io.run();
    emit(kPeer, "event_pingpong", "ns", summarize(batch_samples()),
         ",\"mechanism\":\"one-waiter event storing the use_awaitable handler; set() posts it\"");
}

// ---------------------------------------------------------------- timers

std::int64_t g_expired = 0;

awaitable<void> sleeper(std::chrono::steady_clock::time_point deadline) {
    asio::steady_timer t(co_await asio::this_coro::executor, deadline);
    co_await t.async_wait(use_awaitable);
    ++g_expired;
}

void timers_workload(const Options& o, const char* name, int n) {
    std::vector<double> walls, rates, creates;
    double mem_per_task = 0;
    std::mt19937_64 rng(777);
    std::uniform_int_distribution<std::int64_t> d(0, std::int64_t(o.timer_max_ms) * 1000000);
    for (int rep = 0; rep < o.repeats; ++rep) {
        long hwm0 = vm_hwm_bytes();
        {
            asio::io_context io(1);
            g_expired = 0;
            std::int64_t t0 = now_ns();
            auto base = std::chrono::steady_clock::now();
            for (int i = 0; i < n; ++i)
                asio::co_spawn(io, sleeper(base + std::chrono::nanoseconds(d(rng))),
                               asio::detached);
            std::int64_t t1 = now_ns();
            io.run();
            std::int64_t t2 = now_ns();
            if (g_expired != n)
                std::fprintf(stderr, "asio: expired %ld of %d\n", long(g_expired), n);
            if (rep == 0) mem_per_task = double(vm_hwm_bytes() - hwm0) / n;
            walls.push_back((t2 - t0) / 1e6);
            rates.push_back(n / ((t2 - t0) / 1e9));
            creates.push_back(double(t1 - t0) / n);
        }
    }
    std::string base = name;
    emit(kPeer, name, "ms", summarize(walls));
    emit(kPeer, (base + "_rate").c_str(), "expiries_per_s", summarize(rates));
    emit(kPeer, (base + "_create").c_str(), "ns_per_task", summarize(creates),
         ",\"note\":\"co_spawn only; the timer is built when the coroutine first runs\"");
    emit_value(kPeer, (base + "_mem").c_str(), "bytes_per_task", mem_per_task,
               ",\"note\":\"VmHWM growth / N, first repeat\"");
}

// ---------------------------------------------------------------- idle

void idle_workload(const Options& o) {
    asio::io_context io(1);
    asio::steady_timer far(io, std::chrono::hours(1));
    far.async_wait([](boost::system::error_code) {});
    std::int64_t t0 = now_ns();
    long c0 = ctx_switches(RUSAGE_SELF);
    asio::steady_timer stop(io, std::chrono::nanoseconds(std::int64_t(o.idle_seconds * 1e9)));
    stop.async_wait([&](boost::system::error_code) { io.stop(); });
    io.run();
    long c = ctx_switches(RUSAGE_SELF) - c0;
    double secs = (now_ns() - t0) / 1e9;
    char extra[96];
    std::snprintf(extra, sizeof extra, ",\"context_switches\":%ld,\"seconds\":%.3f", c, secs);
    emit_value(kPeer, "idle_wakeups", "wakeups_per_s", c / secs, extra);
}

}  // namespace

int main(int argc, char** argv) {
    Options o = parse_options(argc, argv, kWorkloads);
    for (const auto& w : o.workloads) {
        if (w == "wake_thread_idle")
            wake_thread(o, "wake_thread_idle", false);
        else if (w == "wake_thread_busy")
            wake_thread(o, "wake_thread_busy", true);
        else if (w == "wake_signal")
            wake_signal(o);
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
            std::fprintf(stderr, "asio: unknown workload %s\n", w.c_str());
    }
}
