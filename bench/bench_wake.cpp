// Wake latency: from Event::set() in another thread, and from a signal handler, to the waiting task
// running; loop idle and loop busy (another task yielding). In the same run, interleaved round by
// round with irqio, the floor: a bare eventfd write in one thread waking epoll_wait in another (and
// a signal handler writing the eventfd). Also counts eventfd writes per set() (LinuxPort::
// notify_writes() of the loop thread's port) and the cost of any-context calls from a handler:
// ThreadSafeQueue::try_put and Event::set inside an IsrScope.
//
//   bench_wake [--workload=wake_thread_idle,wake_thread_busy,wake_signal,wake_signal_busy,
//               tsq_push_isr,event_set_isr] [--samples=N] [--rounds=N (default 4)]
#include <signal.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <irqio/irqio.hpp>
#include <irqio/linux.hpp>

#include "bench_util.hpp"

using namespace ibench;
using irqio::Event;
using irqio::Task;

namespace {

constexpr const char* kWorkloads =
    "wake_thread_idle,wake_thread_busy,wake_signal,wake_signal_busy,tsq_push_isr,event_set_isr";

int g_rounds = 4;

Options per_round(const Options& o) {
    Options r = o;
    r.samples = std::max(1, o.samples / g_rounds);
    return r;
}

// ---------------------------------------------------------------- the floor (same process)

int g_floor_efd = -1;
void floor_signal_handler(int) {
    int saved = errno;
    std::uint64_t one = 1;
    ssize_t r = write(g_floor_efd, &one, sizeof one);
    (void)r;
    errno = saved;
}

// A bare eventfd written by the helper thread (or by a signal handler it triggers) wakes this
// thread out of epoll_wait. No flags, no coalescing: one write per wake.
void floor_round(const Options& o, bool from_signal, std::vector<double>& lat) {
    int epfd = epoll_create1(EPOLL_CLOEXEC);
    int efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    g_floor_efd = efd;
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = efd;
    epoll_ctl(epfd, EPOLL_CTL_ADD, efd, &ev);
    if (from_signal) {
        struct sigaction sa {};
        sa.sa_handler = floor_signal_handler;
        sigemptyset(&sa.sa_mask);
        sigaction(SIGUSR1, &sa, nullptr);
    }
    WakeDriver drv(o.samples);
    pthread_t me = pthread_self();
    std::thread setter = drv.start(o, [efd, from_signal, me] {
        if (from_signal) {
            pthread_kill(me, SIGUSR1);
        } else {
            std::uint64_t one = 1;
            ssize_t r = write(efd, &one, sizeof one);
            (void)r;
        }
    });
    place_threads(setter);
    while (!drv.done.load(std::memory_order_acquire)) {
        epoll_event e[4];
        int n = epoll_wait(epfd, e, 4, 50);
        if (n == 1) {
            std::uint64_t v;
            ssize_t r = read(efd, &v, sizeof v);
            (void)r;
            drv.on_wake();
        }
    }
    setter.join();
    if (from_signal) signal(SIGUSR1, SIG_DFL);
    close(efd);
    close(epfd);
    lat.insert(lat.end(), drv.lat.begin(), drv.lat.end());
}

// ---------------------------------------------------------------- irqio

struct WakeRun {
    std::vector<double> lat;
    std::uint64_t sets = 0, writes = 0, passes = 0, sleeps = 0, inbox = 0;
};

void on_signal(int, void* ctx) {
    static_cast<Event*>(ctx)->set();
}

Task<void> spinner(bool* stop) {
    while (!*stop) co_await irqio::sleep_ms(0);
}

Task<void> wake_main(const Options* o, bool busy, bool from_signal, WakeRun* out) {
    Event ev;
    auto& port = irqio::linux_port::this_thread_port();
    irqio::Loop* loop = irqio::Loop::current();
    bool stop = false;
    irqio::TaskHandle<void> spin;
    if (busy) {
        spin = irqio::create_task(spinner(&stop));
        co_await irqio::sleep_ms(0);  // the spinner is running
    }
    if (from_signal) irqio::linux_port::attach_signal(SIGUSR1, on_signal, &ev);
    WakeDriver drv(o->samples);
    pthread_t me = pthread_self();
    const std::uint64_t w0 = port.notify_writes();
    const irqio::LoopStats s0 = loop->stats();
    std::thread setter = drv.start(*o, [&ev, from_signal, me] {
        if (from_signal)
            pthread_kill(me, SIGUSR1);
        else
            ev.set();
    });
    place_threads(setter);
    for (int i = 0; i < WakeDriver::total(*o); ++i) {
        co_await ev.wait();
        ev.clear();  // before the ack: the next set() cannot come before this clear
        drv.on_wake();
    }
    const std::uint64_t w1 = port.notify_writes();
    const irqio::LoopStats s1 = loop->stats();
    stop = true;
    setter.join();
    if (from_signal) irqio::linux_port::detach_signal(SIGUSR1);
    if (busy) co_await spin;
    out->lat.insert(out->lat.end(), drv.lat.begin(), drv.lat.end());
    out->sets += std::uint64_t(WakeDriver::total(*o));
    out->writes += w1 - w0;
    out->passes += s1.passes - s0.passes;
    out->sleeps += s1.sleeps - s0.sleeps;
    out->inbox += s1.inbox_nodes - s0.inbox_nodes;
}

void wake_workload(const Options& o, const char* name, bool busy, bool from_signal) {
    Options r = per_round(o);
    std::vector<double> floor_lat;
    WakeRun run;
    long csw0 = ctx_switches(RUSAGE_THREAD);
    for (int round = 0; round < g_rounds; ++round) {
        if (!busy) floor_round(r, from_signal, floor_lat);  // same run, alternating with irqio
        irqio::run(wake_main(&r, busy, from_signal, &run));
    }
    long csw = ctx_switches(RUSAGE_THREAD) - csw0;
    Summary s = summarize(run.lat);
    char extra[512];
    double writes = double(run.writes) / double(run.sets);
    if (!busy) {
        Summary f = summarize(floor_lat);
        std::string fname = std::string(name) + "_floor";
        char fextra[200];
        std::snprintf(fextra, sizeof fextra, ",\"mechanism\":\"%s\",\"rounds\":%d",
                      from_signal ? "pthread_kill SIGUSR1 -> handler writes eventfd -> epoll_wait"
                                  : "bare eventfd write in thread -> epoll_wait in another",
                      g_rounds);
        report(fname.c_str(), "ns", f, fextra, "floor, same run");
        std::snprintf(extra, sizeof extra,
                      ",\"floor_median\":%.6g,\"floor_p99\":%.6g,\"ratio_median\":%.3f,"
                      "\"ratio_p99\":%.3f,\"eventfd_writes_per_set\":%.3f,\"sleeps_per_set\":%.3f,"
                      "\"mechanism\":\"%s\"",
                      f.median, f.p99, s.median / f.median, s.p99 / f.p99, writes,
                      double(run.sleeps) / double(run.sets),
                      from_signal ? "pthread_kill SIGUSR1 -> attach_signal handler -> Event::set"
                                  : "Event::set from std::thread");
        char note[96];
        std::snprintf(note, sizeof note, "%.2fx floor median, %.2fx p99, %.2f eventfd writes/set",
                      s.median / f.median, s.p99 / f.p99, writes);
        report(name, "ns", s, extra, note);
    } else {
        double secs = 0;
        for (double x : run.lat) secs += x;
        std::snprintf(extra, sizeof extra,
                      ",\"eventfd_writes_per_set\":%.4f,\"syscalls_per_set\":%.4f,"
                      "\"loop_passes_per_set\":%.1f,\"loop_polls_per_set\":%.2f,"
                      "\"loop_csw_per_set\":%.3f,\"mechanism\":\"%s\"",
                      writes, writes, double(run.passes) / double(run.sets),
                      double(run.passes / 64) / double(run.sets), double(csw) / double(run.sets),
                      from_signal ? "pthread_kill SIGUSR1 -> handler -> Event::set, loop busy"
                                  : "Event::set from std::thread, loop busy");
        char note[96];
        std::snprintf(note, sizeof note, "%.4f eventfd writes per set (%llu in %llu sets)", writes,
                      (unsigned long long)run.writes, (unsigned long long)run.sets);
        report(name, "ns", s, extra, note);
        char wname[64];
        std::snprintf(wname, sizeof wname, "%s_writes", name);
        report_value(wname, "eventfd_writes_per_set", writes, "", "target 0");
    }
}

// ---------------------------------------------------------------- any-context call costs

constexpr std::uint32_t kQ = 4096;
irqio::ThreadSafeQueue<std::uint32_t, kQ> g_q;

Task<void> getter(bool* stop, std::uint64_t* got) {
    while (!*stop) {
        auto r = co_await g_q.get();
        if (r) ++*got;
    }
}

Task<void> tsq_main(const Options* o, bool with_waiter, std::vector<double>* out) {
    const int batch = 1000;
    bool stop = false;
    std::uint64_t got = 0;
    irqio::TaskHandle<void> g;
    if (with_waiter) {
        g = irqio::create_task(getter(&stop, &got));
        co_await irqio::sleep_ms(0);  // the getter waits
    }
    for (int s = 0; s < o->samples + 20; ++s) {
        std::int64_t t0, t1;
        {
            irqio::IsrScope isr;
            t0 = now_ns();
            for (int i = 0; i < batch; ++i) (void)g_q.try_put(std::uint32_t(i));
            t1 = now_ns();
        }
        if (s >= 20) out->push_back(double(t1 - t0) / batch);
        if (with_waiter) co_await irqio::sleep_ms(0);  // the loop drains the inbox, the getter runs
        while (g_q.try_get()) {
        }
    }
    if (with_waiter) {
        stop = true;
        (void)g_q.try_put(0);
        co_await g;
    }
}

Event* g_ev;
Task<void> ev_waiter(bool* stop) {
    while (!*stop) {
        co_await g_ev->wait();
        g_ev->clear();
    }
}
Task<void> event_set_main(const Options* o, std::vector<double>* out) {
    Event ev;
    g_ev = &ev;
    bool stop = false;
    auto w = irqio::create_task(ev_waiter(&stop));
    co_await irqio::sleep_ms(0);
    const int batch = 1000;
    for (int s = 0; s < o->samples + 20; ++s) {
        std::int64_t t0, t1;
        {
            irqio::IsrScope isr;
            t0 = now_ns();
            for (int i = 0; i < batch; ++i) ev.set();
            t1 = now_ns();
        }
        if (s >= 20) out->push_back(double(t1 - t0) / batch);
        co_await irqio::sleep_ms(0);
    }
    stop = true;
    ev.set();
    co_await w;
}

}  // namespace

int main(int argc, char** argv) {
    // --rounds is ours; strip it before the shared parser sees it.
    std::vector<char*> args;
    for (int i = 0; i < argc; ++i) {
        if (std::strncmp(argv[i], "--rounds=", 9) == 0)
            g_rounds = std::max(1, std::atoi(argv[i] + 9));
        else
            args.push_back(argv[i]);
    }
    Options o = parse_options(int(args.size()), args.data(), kWorkloads);
    std::fprintf(stderr, "irqio bench_wake (%d samples, %d alternating rounds with the floor)\n",
                 o.samples, g_rounds);
    for (const auto& w : o.workloads) {
        if (w == "wake_thread_idle")
            wake_workload(o, "wake_thread_idle", false, false);
        else if (w == "wake_thread_busy")
            wake_workload(o, "wake_thread_busy", true, false);
        else if (w == "wake_signal")
            wake_workload(o, "wake_signal", false, true);
        else if (w == "wake_signal_busy")
            wake_workload(o, "wake_signal_busy", true, true);
        else if (w == "tsq_push_isr") {
            std::vector<double> a, b;
            irqio::run(tsq_main(&o, false, &a));
            report("tsq_push_isr", "ns", summarize(a),
                   ",\"mechanism\":\"ThreadSafeQueue<u32,4096>::try_put in IsrScope, no waiter\"",
                   "per push, nobody waiting");
            irqio::run(tsq_main(&o, true, &b));
            report("tsq_push_isr_waiter", "ns", summarize(b),
                   ",\"mechanism\":\"try_put in IsrScope while a task awaits get()\"",
                   "per push, a task awaiting get() (inbox post on the first)");
        } else if (w == "event_set_isr") {
            std::vector<double> a;
            irqio::run(event_set_main(&o, &a));
            report("event_set_isr", "ns", summarize(a),
                   ",\"mechanism\":\"Event::set in IsrScope with a waiter; 1000 sets per drain\"",
                   "per set from a handler (coalesced)");
        } else
            std::fprintf(stderr, "bench_wake: unknown workload %s\n", w.c_str());
    }
}
