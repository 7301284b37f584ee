// InterruptLoop and the level half of the scheduler (Loop::serve_level): in their own object, so a
// program without levels links none of it.
#include "irqio/core/interrupt_loop.hpp"

namespace irqio {

using detail::TaskBase;

Loop::Loop(Port& port, LevelTag) noexcept : port_(port), wake_mode_(WakeMode::pend_level) {
    callback_node_.drain = &detail::drain_schedule_ring;
}

// Like run_once() without the sleep: a wake that comes after the last drain has pended the
// interrupt again (wake_sleeper), so returning here loses nothing.
uint64_t Loop::serve_level() noexcept {
    Loop* prev = detail::tls_loop;
    detail::tls_loop = this;
    ctx_.store(port::context(), std::memory_order_relaxed);
    for (;;) {
        if (!timers_.empty()) fire_timers();
        if (ready_.empty()) {
            // The usual entry: one task woken by one handler. It runs at once, as queueing it
            // would lead to; anything else found is drained into the run queue.
            if (TaskBase* t = take_lone_wake()) {
                step(t);
                continue;
            }
            if (ready_.empty()) break;
        } else {
            drain_inbox();
        }
        ++stats_.passes;  // (a pass: a round over the run queue; a lone wake takes none)
        for (std::size_t budget = ready_.size(); budget > 0; --budget) {
            step(ready_.pop());
            drain_inbox();
        }
    }
    detail::tls_loop = prev;
    return timers_.empty() ? kNever : timers_.top()->deadline;
}

InterruptLoop::InterruptLoop(LevelPort& port, FrameAllocator& frames) noexcept
    : Loop(port, LevelTag{}), port_(port), frames_(frames) {
    pend_word_ = port.pend_word(pend_value_);
    IRQIO_ASSERT(!IRQIO_SINGLE_THREAD || pend_word_ != nullptr,
                 "a bare-metal level's port pends it with one store (LevelPort::pend_word)");
}

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
