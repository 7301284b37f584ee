// LevelLine: the board's interrupt levels. The handler serves the level; the alarm thread sleeps
// in poll() on the level's timerfd and pends the line when the level's deadline comes.
#include "irqio/sim/level_line.hpp"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <cerrno>

namespace irqio::sim {

LevelLine::LevelLine(IrqController& irq, int line, uint8_t priority) noexcept
    : irq_(irq), line_(line), priority_(priority) {
    timer_fd_ = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
    quit_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    IRQIO_ASSERT(timer_fd_ >= 0 && quit_fd_ >= 0, "LevelLine: timerfd/eventfd failed");
    thread_ = std::thread([this] { alarm_thread(); });
}

LevelLine::~LevelLine() {
    stop();
    uint64_t one = 1;
    (void)!write(quit_fd_, &one, sizeof one);
    thread_.join();
    close(timer_fd_);
    close(quit_fd_);
}

void LevelLine::start(InterruptLoop& level) noexcept {
    IRQIO_ASSERT(&level.level_port() == this, "LevelLine::start: the level runs on another port");
    level_ = &level;
    irq_.attach(line_, &LevelLine::on_irq, this, priority_);
}

void LevelLine::stop() noexcept {
    irq_.detach(line_);
}

void LevelLine::on_irq(void* self) noexcept {
    static_cast<LevelLine*>(self)->level_->serve();
}

// The level's handler. timerfd_settime is a plain system call, safe here (no lock, no heap).
void LevelLine::arm(uint64_t deadline_us) noexcept {
    // (Set every time: a cache of the last deadline would miss a timer re-added for a deadline
    // whose alarm has fired meanwhile.)
    itimerspec when{};
    if (deadline_us != kNever) {
        // A zero it_value disarms: a deadline at the clock's origin is a deadline in the past.
        const uint64_t at = deadline_us == 0 ? 1 : deadline_us;
        when.it_value.tv_sec = static_cast<time_t>(at / 1000000u);
        when.it_value.tv_nsec = static_cast<long>(at % 1000000u) * 1000;
    }
    int saved = errno;
    timerfd_settime(timer_fd_, TFD_TIMER_ABSTIME, &when, nullptr);
    errno = saved;
}

void LevelLine::alarm_thread() noexcept {
    pollfd fds[2] = {{timer_fd_, POLLIN, 0}, {quit_fd_, POLLIN, 0}};
    for (;;) {
        if (::poll(fds, 2, -1) < 0) continue;
        if (fds[1].revents) return;
        uint64_t expirations = 0;
        if (read(timer_fd_, &expirations, sizeof expirations) == sizeof expirations) {
            alarms_.fetch_add(1, std::memory_order_relaxed);
            irq_.pend(line_);
        }
    }
}

}  // namespace irqio::sim
