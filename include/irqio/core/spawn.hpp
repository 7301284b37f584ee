// spawn(loop, task): starts a task on another loop (a thread's, a core's or an interrupt level's).
// The handle works from the caller's loop: cancel(), co_await, wait_for; the outcome and the
// completion come back through the handle's RemoteTask block, never through the other loop's state.
#pragma once
#include <new>
#include <utility>

#include "irqio/core/remote_task.hpp"
#include "irqio/core/task_handle.hpp"

namespace irqio {

// Task context of the caller. On the caller's own loop it is create_task(). A block for the
// shared part comes from the caller's frame allocator; none (no_memory) gives a handle done at
// once, as a task that could not be allocated.
template <class T>
TaskHandle<T> spawn(Loop& loop, Task<T> task, Priority prio = Priority::normal) noexcept {
    if (!task.valid()) return TaskHandle<T>(nullptr, Error::no_memory);
    if (&loop == Loop::current()) return create_task(std::move(task), prio);
    uint8_t id = 0;
    void* block = detail::allocate_frame_block(sizeof(detail::RemoteTaskOf<T>), id);
    if (!block) return TaskHandle<T>(nullptr, Error::no_memory);
    auto* r = new (block) detail::RemoteTaskOf<T>();
    r->alloc_id = id;
    if constexpr (!std::is_void_v<T>) {
        r->take_value = &detail::RemoteTaskOf<T>::take;
        r->drop_value = &detail::RemoteTaskOf<T>::drop;
    }
    detail::TaskBase* t = task.header();
    task.release();
    TaskHandle<T> h(static_cast<detail::RemoteTask*>(r));
    detail::start_remote(loop, t, prio, r);
    return h;
}

}  // namespace irqio
