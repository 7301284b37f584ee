// InterruptLoop: a preemptive level, a loop whose tasks run inside a software-triggered interrupt
// of a chosen priority. A wake from any context pends that interrupt (LevelPort::notify); its
// handler calls serve(), which runs every ready task and returns: a level never sleeps.
// Invariants: only the level's own handler runs its tasks; their frames come from a FramePool.
#pragma once
#include <cstdint>

#include "irqio/core/frame_allocator.hpp"
#include "irqio/core/loop.hpp"

namespace irqio {

// What a level needs from its platform: the clock (now_us), pending its interrupt from any
// context (notify), and an alarm: arm(deadline) pends the interrupt once the deadline is due, at
// once if it is already (one hardware alarm may serve every level: the earliest deadline wins).
class LevelPort : public Port {
  public:
    // The level's handler, at the end of each serve(): its earliest deadline (kNever: none).
    virtual void arm(uint64_t deadline_us) noexcept = 0;
    // No more interrupts for this level (its loop is being destroyed).
    virtual void stop() noexcept = 0;
    // A level never sleeps; its loop calls this only while it is destroyed with nothing ready.
    void wait_until(uint64_t) noexcept override {}
    // Where notify() is one store of a constant to a fixed word (an interrupt controller's
    // set-pending register), the port may say so: the loop then stores it itself, with no call.
    virtual volatile uint32_t* pend_word(uint32_t& value) noexcept {
        (void)value;
        return nullptr;
    }

  protected:
    ~LevelPort() = default;
};

class InterruptLoop : public Loop {
  public:
    // `frames`: where frames of tasks created inside the level come from (create_task,
    // sub-tasks): a handler must not use the heap. A task spawned into the level from elsewhere
    // must come from a FramePool too (asserted); that pool may be the caller's own.
    InterruptLoop(LevelPort& port, FrameAllocator& frames) noexcept;
    // Stops the level's interrupt first, then cancels its tasks in the caller's context.
    ~InterruptLoop();

    // The level's interrupt handler, and only it: acts on every wake, runs every ready task
    // (those made ready meanwhile too), arms the alarm for the earliest deadline, returns.
    void serve() noexcept;
    LevelPort& level_port() noexcept { return port_; }
    FrameAllocator& frames() noexcept { return frames_; }

  private:
    LevelPort& port_;
    FrameAllocator& frames_;
};

}  // namespace irqio
