// Signals as interrupts: one trampoline for every attached signal opens an IsrScope (so any-context
// calls take their handler-safe paths), keeps errno, and calls the user's handler.
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>

#include "irqio/core/trace.hpp"
#include "irqio/isr/isr_scope.hpp"
#include "irqio/linux.hpp"

namespace irqio::linux_port {
namespace {
struct Slot {
    std::atomic<SignalHandler> fn{nullptr};
    std::atomic<void*> ctx{nullptr};
};
Slot g_slots[_NSIG];
sigset_t g_attached;  // what CriticalSection masks; written only in task context
std::atomic<bool> g_init{false};

void trampoline(int signo) {
    int saved = errno;
    {
        IsrScope scope;
        IRQIO_TRACE_IRQ(0x200u + static_cast<uint32_t>(signo));
        SignalHandler fn = g_slots[signo].fn.load(std::memory_order_acquire);
        if (fn) fn(signo, g_slots[signo].ctx.load(std::memory_order_relaxed));
    }
    errno = saved;
}

void init_once() noexcept {
    bool expected = false;
    if (g_init.compare_exchange_strong(expected, true)) sigemptyset(&g_attached);
}

IRQIO_THREAD_LOCAL uint32_t t_mask_depth = 0;
IRQIO_THREAD_LOCAL sigset_t t_saved_mask;
}  // namespace

int attach_signal(int signo, SignalHandler handler, void* ctx) noexcept {
    if (signo <= 0 || signo >= _NSIG || handler == nullptr) return -EINVAL;
    init_once();
    g_slots[signo].ctx.store(ctx, std::memory_order_relaxed);
    g_slots[signo].fn.store(handler, std::memory_order_release);
    struct sigaction sa {};
    sa.sa_handler = &trampoline;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    if (sigaction(signo, &sa, nullptr) != 0) return -errno;
    sigaddset(&g_attached, signo);
    return 0;
}

int detach_signal(int signo) noexcept {
    if (signo <= 0 || signo >= _NSIG) return -EINVAL;
    struct sigaction sa {};
    sa.sa_handler = SIG_IGN;
    sigaction(signo, &sa, nullptr);
    g_slots[signo].fn.store(nullptr, std::memory_order_release);
    sigdelset(&g_attached, signo);
    return 0;
}

int mask_in_critical_sections(int signo) noexcept {
    if (signo <= 0 || signo >= _NSIG) return -EINVAL;
    init_once();
    sigaddset(&g_attached, signo);
    return 0;
}

int unmask_in_critical_sections(int signo) noexcept {
    if (signo <= 0 || signo >= _NSIG) return -EINVAL;
    init_once();
    sigdelset(&g_attached, signo);
    return 0;
}

PeriodicSignal::PeriodicSignal(int signo, uint64_t period_us) noexcept {
    sigevent sev{};
    sev.sigev_notify = SIGEV_THREAD_ID;
    sev.sigev_signo = signo;
    sev._sigev_un._tid = static_cast<pid_t>(syscall(SYS_gettid));
    if (timer_create(CLOCK_MONOTONIC, &sev, &timer_) != 0) return;
    itimerspec its{};
    its.it_interval.tv_sec = static_cast<time_t>(period_us / 1000000u);
    its.it_interval.tv_nsec = static_cast<long>(period_us % 1000000u) * 1000;
    its.it_value = its.it_interval;
    ok_ = timer_settime(timer_, 0, &its, nullptr) == 0;
}

void PeriodicSignal::stop() noexcept {
    if (!ok_) return;
    itimerspec its{};
    timer_settime(timer_, 0, &its, nullptr);
}

PeriodicSignal::~PeriodicSignal() {
    if (ok_) timer_delete(timer_);
}

int PeriodicSignal::overruns() const noexcept {
    return ok_ ? timer_getoverrun(timer_) : 0;
}

}  // namespace irqio::linux_port

namespace irqio::port {

// Masks exactly the attached (and named) signals on the calling thread; nests by depth.
IrqState irq_save() noexcept {
    if (linux_port::t_mask_depth++ == 0) {
        linux_port::init_once();
        pthread_sigmask(SIG_BLOCK, &linux_port::g_attached, &linux_port::t_saved_mask);
    }
    return linux_port::t_mask_depth - 1;
}

void irq_restore(IrqState previous) noexcept {
    IRQIO_ASSERT(previous + 1 == linux_port::t_mask_depth, "CriticalSection exits out of order");
    if (--linux_port::t_mask_depth == 0)
        pthread_sigmask(SIG_SETMASK, &linux_port::t_saved_mask, nullptr);
}

}  // namespace irqio::port
