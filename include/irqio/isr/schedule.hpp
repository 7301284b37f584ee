// Soft interrupts: schedule(fn, arg) from any context runs fn(arg) soon in the loop's task context,
// between task steps, FIFO. The ring's depth is IRQIO_SCHEDULE_DEPTH; a full ring refuses (false).
#pragma once
#include "irqio/core/loop.hpp"

namespace irqio {

// Any context. The target is the program's first running loop (the one started while none ran).
bool schedule(void (*fn)(void*), void* arg) noexcept;
// Any context. For programs with one loop per thread.
inline bool schedule_on(Loop& loop, void (*fn)(void*), void* arg) noexcept {
    return loop.schedule(fn, arg);
}
// The loop schedule() targets (nullptr when none runs).
Loop* default_loop() noexcept;

// Task context: while alive, scheduled callbacks of the current loop are held back (they queue).
class ScheduleLock {
  public:
    ScheduleLock() noexcept : loop_(Loop::current()) {
        IRQIO_ASSERT(loop_ != nullptr, "ScheduleLock outside a running loop");
        loop_->hold_callbacks();
    }
    ~ScheduleLock() { loop_->release_callbacks(); }
    ScheduleLock(const ScheduleLock&) = delete;
    ScheduleLock& operator=(const ScheduleLock&) = delete;

  private:
    Loop* loop_;
};

}  // namespace irqio
