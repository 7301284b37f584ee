// InterruptLoop and the level half of the scheduler (Loop::serve_level): in their own object, so a
// program without levels links none of it.
#include "irqio/core/interrupt_loop.hpp"

namespace irqio {

Loop::Loop(Port& port, LevelTag) noexcept : port_(port), wake_mode_(WakeMode::pend_level) {
    callback_node_.drain = &detail::drain_schedule_ring;
}

// Like run_once() without the sleep: a wake that comes after the last drain has pended the
// interrupt again (wake_sleeper), so returning here loses nothing.
uint64_t Loop::serve_level() noexcept {
    Loop* prev = detail::tls_loop;
    detail::tls_loop = this;
    ctx_ = port::context();  // (read only where tls_loop == this: on this handler's own stack)
    for (;;) {
        ++stats_.passes;
        drain_inbox();
        if (!timers_.empty()) fire_timers();
        if (ready_.empty()) break;
        for (std::size_t budget = ready_.size(); budget > 0; --budget) {
            step(ready_.pop());
            drain_inbox();
        }
    }
    detail::tls_loop = prev;
    return timers_.empty() ? kNever : timers_.top()->deadline;
}

InterruptLoop::InterruptLoop(LevelPort& port, FrameAllocator& frames) noexcept
    : Loop(port, LevelTag{}), port_(port), frames_(frames) {}

InterruptLoop::~InterruptLoop() {
    port_.stop();
}

void InterruptLoop::serve() noexcept {
    FrameAllocator* prev = frame_allocator();
    set_frame_allocator(&frames_);
    const uint64_t deadline = serve_level();
    set_frame_allocator(prev);
    port_.arm(deadline);
}

}  // namespace irqio
