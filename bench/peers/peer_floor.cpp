// The floor: what the workloads cost with nothing but the kernel and a few lines of C++.
//
// Wake workloads: an eventfd registered with epoll, a "pending" flag so that sets coalesce
// and no write happens while the loop is awake (the same protocol as uv_async_send and
// CPython's wakeup fd), and a loop thread that blocks in epoll_wait.
// Task workloads: raw C++20 coroutines handed to each other through a hand-written ring
// queue; timers are a binary min-heap plus one timerfd.
#include <signal.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <coroutine>
#include <memory>

#include "common.hpp"

using namespace peers;

namespace {

constexpr const char* kPeer = "floor";
constexpr const char* kWorkloads =
    "wake_thread_idle,wake_thread_busy,wake_signal,switch_2,switch_1000,event_pingpong,"
    "timers_100k,timers_1m,idle_wakeups";

// ---------------------------------------------------------------- coroutine plumbing

// A fire-and-forget coroutine: starts at once, frees its own frame when it returns.
struct Detached {
    struct promise_type {
        Detached get_return_object() { return {}; }
        std::suspend_never initial_suspend() noexcept { return {}; }
        std::suspend_never final_suspend() noexcept { return {}; }
        void return_void() {}
        void unhandled_exception() { std::abort(); }
    };
};

// Power-of-two ring of coroutine handles; grows when full.
class RunQueue {
  public:
    void push(std::coroutine_handle<> h) {
        if (size_ == cap_) grow();
        buf_[(head_ + size_) & (cap_ - 1)] = h;
        ++size_;
    }
    std::coroutine_handle<> pop() {
        auto h = buf_[head_];
        head_ = (head_ + 1) & (cap_ - 1);
        --size_;
        return h;
    }
    bool empty() const { return size_ == 0; }

  private:
    void grow() {
        std::size_t ncap = cap_ ? cap_ * 2 : 64;
        auto nbuf = std::make_unique<std::coroutine_handle<>[]>(ncap);
        for (std::size_t i = 0; i < size_; ++i) nbuf[i] = buf_[(head_ + i) & (cap_ - 1)];
        buf_ = std::move(nbuf);
        cap_ = ncap;
        head_ = 0;
    }
    std::unique_ptr<std::coroutine_handle<>[]> buf_;
    std::size_t cap_ = 0, head_ = 0, size_ = 0;
};

RunQueue g_ready;

struct Yield {
    bool await_ready() const noexcept { return false; }
    void await_suspend(std::coroutine_handle<> h) const noexcept { g_ready.push(h); }
    void await_resume() const noexcept {}
};

// Single-waiter event for ping-pong.
struct Event {
    std::coroutine_handle<> waiter;
    bool flag = false;
    void set() {
        if (waiter) {
            g_ready.push(waiter);
            waiter = nullptr;
        } else {
            flag = true;
        }
    }
    auto wait() {
        struct Awaiter {
            Event& e;
            bool await_ready() const noexcept { return e.flag; }
            void await_suspend(std::coroutine_handle<> h) noexcept { e.waiter = h; }
            void await_resume() noexcept { e.flag = false; }
        };
        return Awaiter{*this};
    }
};

void run_ready() {
    while (!g_ready.empty()) g_ready.pop().resume();
}

// ---------------------------------------------------------------- wake workloads

int g_epfd = -1, g_efd = -1;
std::atomic<bool> g_pending{false};
std::atomic<bool> g_sleeping{false};
std::atomic<long> g_writes{0};

// Safe from any thread and from a signal handler: atomics plus write(2).
void notify() {
    if (g_pending.exchange(true, std::memory_order_seq_cst)) return;  // already pending
    if (g_sleeping.load(std::memory_order_seq_cst)) {
        std::uint64_t one = 1;
        ssize_t r = write(g_efd, &one, sizeof one);
        (void)r;
        g_writes.fetch_add(1, std::memory_order_relaxed);
    }
}

void setup_epoll() {
    g_epfd = epoll_create1(EPOLL_CLOEXEC);
    g_efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = g_efd;
    epoll_ctl(g_epfd, EPOLL_CTL_ADD, g_efd, &ev);
}

// Block until something happens (or 50 ms pass so `done` is noticed).
void sleep_in_epoll() {
    g_sleeping.store(true, std::memory_order_seq_cst);
    if (!g_pending.load(std::memory_order_seq_cst)) {
        epoll_event evs[4];
        int n = epoll_wait(g_epfd, evs, 4, 50);
        for (int i = 0; i < n; ++i) {
            if (evs[i].data.fd == g_efd) {
                std::uint64_t v;
                ssize_t r = read(g_efd, &v, sizeof v);
                (void)r;
            }
        }
    }
    g_sleeping.store(false, std::memory_order_relaxed);
}

bool take_pending() {
    return g_pending.load(std::memory_order_relaxed) &&
           g_pending.exchange(false, std::memory_order_acquire);
}

WakeDriver* g_driver = nullptr;

void on_sigusr1(int) {
    notify();
}

void wake_workload(const Options& o, const char* name, bool busy, bool from_signal) {
    setup_epoll();
    g_writes = 0;
    WakeDriver drv(o.samples);
    g_driver = &drv;
    pthread_t loop_thread = pthread_self();
    if (from_signal) {
        struct sigaction sa {};
        sa.sa_handler = on_sigusr1;
        sigemptyset(&sa.sa_mask);
        sigaction(SIGUSR1, &sa, nullptr);
    }
    long csw0 = ctx_switches(RUSAGE_THREAD);
    std::thread setter = drv.start(o, [from_signal, loop_thread] {
        if (from_signal)
            pthread_kill(loop_thread, SIGUSR1);
        else
            notify();
    });
    place_threads(setter);
    bool stop = false;
    if (busy) {
        // A spinning task that yields through the run queue; the loop checks the inbox flag
        // between task steps and never sleeps while there is ready work.
        static bool* stop_flag;
        stop_flag = &stop;
        [](bool* s) -> Detached {
            while (!*s) co_await Yield{};
        }(stop_flag);
        while (!drv.done.load(std::memory_order_acquire) || !g_ready.empty()) {
            if (take_pending()) drv.on_wake();
            if (drv.done.load(std::memory_order_relaxed)) stop = true;
            if (!g_ready.empty()) g_ready.pop().resume();
        }
    } else {
        while (!drv.done.load(std::memory_order_acquire)) {
            sleep_in_epoll();
            if (take_pending()) drv.on_wake();
        }
    }
    setter.join();
    long csw = ctx_switches(RUSAGE_THREAD) - csw0;
    char extra[160];
    std::snprintf(extra, sizeof extra,
                  ",\"syscalls_per_set\":%.3f,\"loop_csw_per_set\":%.3f,\"mechanism\":\"%s\"",
                  double(g_writes.load()) / WakeDriver::total(o),
                  double(csw) / WakeDriver::total(o),
                  from_signal ? "pthread_kill SIGUSR1 -> handler writes eventfd"
                              : "atomic pending flag + eventfd write when loop sleeps");
    emit(kPeer, name, "ns", summarize(drv.lat), extra);
    if (from_signal) signal(SIGUSR1, SIG_DFL);
    close(g_efd);
    close(g_epfd);
}

// ---------------------------------------------------------------- switch workloads

std::int64_t g_count = 0;
std::int64_t g_target = 0;
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

Detached yielder() {
    while (g_count < g_target) {
        tick();
        co_await Yield{};
    }
}

void switch_workload(const Options& o, const char* name, int ntasks, std::int64_t switches) {
    g_count = 0;
    g_target = switches;
    g_batch = o.batch;
    g_stamps.clear();
    g_stamps.reserve(switches / o.batch + 2);
    for (int i = 0; i < ntasks; ++i) yielder();
    run_ready();
    emit(kPeer, name, "ns", summarize(batch_samples()),
         ",\"mechanism\":\"C++20 coroutine pushed on a ring queue\"");
}

Event g_ev_a, g_ev_b;

Detached ping() {
    while (g_count < g_target) {
        g_ev_b.set();
        co_await g_ev_a.wait();
        tick();
    }
    g_ev_b.set();
}

Detached pong() {
    while (g_count < g_target) {
        co_await g_ev_b.wait();
        tick();
        g_ev_a.set();
    }
}

void pingpong_workload(const Options& o) {
    g_count = 0;
    g_target = o.switches;
    g_batch = o.batch;
    g_stamps.clear();
    pong();
    ping();
    run_ready();
    emit(kPeer, "event_pingpong", "ns", summarize(batch_samples()),
         ",\"mechanism\":\"single-waiter event, waiter pushed on ring queue\"");
}

// ---------------------------------------------------------------- timers

struct TimerEntry {
    std::int64_t deadline;
    std::coroutine_handle<> h;
    bool operator>(const TimerEntry& o) const { return deadline > o.deadline; }
};
std::vector<TimerEntry> g_timers;  // min-heap

struct SleepUntil {
    std::int64_t deadline;
    bool await_ready() const noexcept { return false; }
    void await_suspend(std::coroutine_handle<> h) {
        g_timers.push_back({deadline, h});
        std::push_heap(g_timers.begin(), g_timers.end(), std::greater<>{});
    }
    void await_resume() const noexcept {}
};

std::int64_t g_expired = 0;

Detached sleeper(std::int64_t deadline) {
    co_await SleepUntil{deadline};
    ++g_expired;
}

// Run until no timers and no ready tasks are left; sleeps in epoll on a timerfd.
void run_timers(int tfd, int epfd) {
    for (;;) {
        run_ready();
        if (g_timers.empty()) return;
        std::int64_t now = now_ns();
        while (!g_timers.empty() && g_timers.front().deadline <= now) {
            auto h = g_timers.front().h;
            std::pop_heap(g_timers.begin(), g_timers.end(), std::greater<>{});
            g_timers.pop_back();
            h.resume();
        }
        if (!g_ready.empty()) continue;
        if (g_timers.empty()) return;
        std::int64_t d = g_timers.front().deadline;
        if (d <= now_ns()) continue;
        itimerspec its{};
        its.it_value.tv_sec = d / 1000000000;
        its.it_value.tv_nsec = d % 1000000000;
        timerfd_settime(tfd, TFD_TIMER_ABSTIME, &its, nullptr);
        epoll_event ev;
        if (epoll_wait(epfd, &ev, 1, -1) == 1) {
            std::uint64_t v;
            ssize_t r = read(tfd, &v, sizeof v);
            (void)r;
        }
    }
}

void timers_workload(const Options& o, const char* name, int n) {
    int tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    int epfd = epoll_create1(EPOLL_CLOEXEC);
    epoll_event ev{};
    ev.events = EPOLLIN;
    epoll_ctl(epfd, EPOLL_CTL_ADD, tfd, &ev);
    std::vector<double> walls, rates, creates;
    double mem_per_task = 0;
    std::mt19937_64 rng(777);
    std::uniform_int_distribution<std::int64_t> d(0, std::int64_t(o.timer_max_ms) * 1000000);
    for (int rep = 0; rep < o.repeats; ++rep) {
        long hwm0 = vm_hwm_bytes();
        g_expired = 0;
        std::int64_t t0 = now_ns();
        for (int i = 0; i < n; ++i) sleeper(t0 + d(rng));
        std::int64_t t1 = now_ns();
        run_timers(tfd, epfd);
        std::int64_t t2 = now_ns();
        if (g_expired != n) std::fprintf(stderr, "floor: expired %ld of %d\n", long(g_expired), n);
        if (rep == 0) mem_per_task = double(vm_hwm_bytes() - hwm0) / n;
        walls.push_back((t2 - t0) / 1e6);
        rates.push_back(n / ((t2 - t0) / 1e9));
        creates.push_back(double(t1 - t0) / n);
        std::vector<TimerEntry>().swap(g_timers);  // give the heap's memory back between runs
    }
    std::string base = name;
    emit(kPeer, name, "ms", summarize(walls));
    emit(kPeer, (base + "_rate").c_str(), "expiries_per_s", summarize(rates));
    emit(kPeer, (base + "_create").c_str(), "ns_per_task", summarize(creates));
    emit_value(kPeer, (base + "_mem").c_str(), "bytes_per_task", mem_per_task,
               ",\"note\":\"VmHWM growth / N, first repeat\"");
    close(tfd);
    close(epfd);
}

// ---------------------------------------------------------------- idle

bool g_idle_stop = false;

Detached far_sleeper() {
    co_await SleepUntil{now_ns() + 3600LL * 1000000000};
}
Detached stopper(std::int64_t deadline) {
    co_await SleepUntil{deadline};
    g_idle_stop = true;
}

void idle_workload(const Options& o) {
    int tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    int epfd = epoll_create1(EPOLL_CLOEXEC);
    epoll_event ev{};
    ev.events = EPOLLIN;
    epoll_ctl(epfd, EPOLL_CTL_ADD, tfd, &ev);
    far_sleeper();
    std::int64_t t0 = now_ns();
    long c0 = ctx_switches(RUSAGE_SELF);
    stopper(t0 + std::int64_t(o.idle_seconds * 1e9));
    // Same loop as run_timers, but returns once the stopper has fired.
    while (!g_idle_stop) {
        std::int64_t d = g_timers.front().deadline;
        if (d <= now_ns()) {
            auto h = g_timers.front().h;
            std::pop_heap(g_timers.begin(), g_timers.end(), std::greater<>{});
            g_timers.pop_back();
            h.resume();
            continue;
        }
        itimerspec its{};
        its.it_value.tv_sec = d / 1000000000;
        its.it_value.tv_nsec = d % 1000000000;
        timerfd_settime(tfd, TFD_TIMER_ABSTIME, &its, nullptr);
        epoll_event e;
        if (epoll_wait(epfd, &e, 1, -1) == 1) {
            std::uint64_t v;
            ssize_t r = read(tfd, &v, sizeof v);
            (void)r;
        }
    }
    long c = ctx_switches(RUSAGE_SELF) - c0;
    double secs = (now_ns() - t0) / 1e9;
    char extra[96];
    std::snprintf(extra, sizeof extra, ",\"context_switches\":%ld,\"seconds\":%.3f", c, secs);
    emit_value(kPeer, "idle_wakeups", "wakeups_per_s", c / secs, extra);
    close(tfd);
    close(epfd);
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
            std::fprintf(stderr, "floor: unknown workload %s\n", w.c_str());
    }
}
