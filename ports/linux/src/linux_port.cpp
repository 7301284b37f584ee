// LinuxPort: sleeps in epoll with a microsecond deadline (epoll_pwait2; where the kernel lacks it,
// epoll_wait with the timeout rounded up to whole milliseconds, so a sleep may end up to 1 ms
// late, never early); an eventfd registered once is the wake that notify() writes from any context.
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "irqio/linux.hpp"

namespace irqio::linux_port {
namespace {
std::atomic<uint64_t> g_next_port_id{1};
constexpr uint64_t kWakeTag = 1;  // epoll data of the eventfd (FdWatch pointers are never 1)

uint64_t monotonic_us() noexcept {
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<uint64_t>(ts.tv_sec) * 1000000u + static_cast<uint64_t>(ts.tv_nsec) / 1000u;
}
}  // namespace

LinuxPort::LinuxPort() noexcept : id_(g_next_port_id.fetch_add(1, std::memory_order_relaxed)) {
    epfd_ = epoll_create1(EPOLL_CLOEXEC);
    evfd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    IRQIO_ASSERT(epfd_ >= 0 && evfd_ >= 0, "LinuxPort: epoll/eventfd creation failed");
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = kWakeTag;
    epoll_ctl(epfd_, EPOLL_CTL_ADD, evfd_, &ev);
}

LinuxPort::~LinuxPort() {
    close(evfd_);
    close(epfd_);
}

uint64_t LinuxPort::now_us() noexcept {
    return monotonic_us();
}

void LinuxPort::notify() noexcept {
    // write() is async-signal-safe; errno is preserved for the interrupted code.
    int saved = errno;
    uint64_t one = 1;
    ssize_t r = write(evfd_, &one, sizeof one);
    (void)r;
    notify_writes_.fetch_add(1, std::memory_order_relaxed);
    errno = saved;
}

void LinuxPort::dispatch(int timeout_ms, const timespec* ts) noexcept {
    epoll_event evs[64];
    int n;
    if (ts && have_pwait2_) {
        n = static_cast<int>(syscall(SYS_epoll_pwait2, epfd_, evs, 64, ts, nullptr, 0));
        if (n < 0 && errno == ENOSYS) {
            have_pwait2_ = false;
            n = epoll_wait(epfd_, evs, 64, timeout_ms);
        }
    } else {
        n = epoll_wait(epfd_, evs, 64, timeout_ms);
    }
    for (int i = 0; i < n; ++i) {
        if (evs[i].data.u64 == kWakeTag) {
            uint64_t v;
            ssize_t r = read(evfd_, &v, sizeof v);
            (void)r;
        } else {
            static_cast<FdWatch*>(evs[i].data.ptr)->on_events(evs[i].events);
        }
    }
}

void LinuxPort::wait_until(uint64_t deadline_us) noexcept {
    ++wakeups_;
    if (deadline_us == kNever) {
        dispatch(-1, nullptr);
        return;
    }
    uint64_t now = monotonic_us();
    uint64_t left = deadline_us > now ? deadline_us - now : 0;
    timespec ts{static_cast<time_t>(left / 1000000u), static_cast<long>(left % 1000000u) * 1000};
    // Fallback rounds up to whole milliseconds so a deadline is never missed.
    int ms = static_cast<int>(left > 2000000000ull ? 2000000000ull / 1000 : (left + 999) / 1000);
    dispatch(ms, &ts);
}

void LinuxPort::poll() noexcept {
    dispatch(0, nullptr);
}

int LinuxPort::add_fd(int fd, FdWatch* w, uint32_t events) noexcept {
    epoll_event ev{};
    ev.events = events;
    ev.data.ptr = w;
    return epoll_ctl(epfd_, EPOLL_CTL_ADD, fd, &ev) == 0 ? 0 : -errno;
}

int LinuxPort::remove_fd(int fd) noexcept {
    return epoll_ctl(epfd_, EPOLL_CTL_DEL, fd, nullptr) == 0 ? 0 : -errno;
}

LinuxPort& this_thread_port() noexcept {
    static thread_local LinuxPort port;
    return port;
}

}  // namespace irqio::linux_port

namespace irqio::port {

uint64_t clock_us() noexcept {
    return linux_port::monotonic_us();
}
Port& default_port() noexcept {
    return linux_port::this_thread_port();
}

void fatal(const char* what, const char* file, int line) noexcept {
    char buf[512];
    int n = snprintf(buf, sizeof buf, "irqio: %s (%s:%d)\n", what ? what : "assertion failed", file,
                     line);
    ssize_t r = write(2, buf, n > 0 ? static_cast<size_t>(n) : 0);
    (void)r;
    abort();
}

#if IRQIO_TRACE
// The trace's clock (core/trace.hpp): nanoseconds, since a task switch takes a few of them.
uint64_t trace_clock_ns() noexcept {
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<uint64_t>(ts.tv_sec) * 1000000000u + static_cast<uint64_t>(ts.tv_nsec);
}
#endif

}  // namespace irqio::port
