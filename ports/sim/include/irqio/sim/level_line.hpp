// LevelLine: an interrupt level of the virtual board. The InterruptLoop it serves runs its tasks
// inside the handler of one IrqController line, with that line's priority and nesting; a wake
// pends the line, and the level's earliest deadline pends it from an alarm thread (a timerfd).
#pragma once
#include <atomic>
#include <cstdint>
#include <thread>

#include "irqio/core/interrupt_loop.hpp"
#include "irqio/sim/irq_controller.hpp"

namespace irqio::sim {

class LevelLine final : public LevelPort {
  public:
    // Construct on the loop's thread (the controller's); the line must be free.
    LevelLine(IrqController& irq, int line, uint8_t priority) noexcept;
    ~LevelLine();
    LevelLine(const LevelLine&) = delete;
    LevelLine& operator=(const LevelLine&) = delete;

    // Attaches the line's handler to `level` (whose port is this) and enables it.
    void start(InterruptLoop& level) noexcept;

    uint64_t now_us() noexcept override { return mono_us(); }
    void notify() noexcept override { irq_.pend(line_); }
    void arm(uint64_t deadline_us) noexcept override;
    void stop() noexcept override;
    int line() const noexcept { return line_; }
    uint64_t alarms() const noexcept { return alarms_.load(std::memory_order_relaxed); }

  private:
    static void on_irq(void* self) noexcept;
    void alarm_thread() noexcept;

    IrqController& irq_;
    const int line_;
    const uint8_t priority_;
    InterruptLoop* level_ = nullptr;
    int timer_fd_ = -1;
    int quit_fd_ = -1;
    std::atomic<uint64_t> alarms_{0};
    std::thread thread_;
};

}  // namespace irqio::sim
