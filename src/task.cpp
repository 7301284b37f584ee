// Task lifetime: the header in front of a frame outlives the frame while TaskHandles count it, and
// its block goes back to its frame allocator when neither needs it any more.
#include "irqio/core/task.hpp"
#include "irqio/core/frame_allocator.hpp"

namespace irqio::detail {

void frame_gone(TaskBase* t) noexcept {
    if (t->refs == 0)
        release_task_block(t);
    else
        t->flags |= kFrameGone;
}
void release_task_block(TaskBase* t) noexcept {
    if (t->has(kDispose)) static_cast<DisposableTaskBase*>(t)->dispose(t);
    const uint8_t id = t->alloc_id;
    t->~TaskBase();
    free_frame_block(t, id);
}
void add_task_ref(TaskBase* t) noexcept {
    IRQIO_ASSERT(t->refs < TaskBase::kMaxRefs, "too many TaskHandles to one task");
    ++t->refs;
}
void drop_task_ref(TaskBase* t) noexcept {
    if (--t->refs == 0 && t->has(kFrameGone)) release_task_block(t);
}

}  // namespace irqio::detail
