// TaskBase: the header that sits in front of every Task's coroutine frame.
// It outlives the frame while a TaskHandle refers to it, so a handle can still read the outcome.
#pragma once
#include <coroutine>
#include <cstddef>
#include <cstdint>

#include "irqio/result.hpp"

namespace irqio {
class Loop;
class TaskGroup;

enum class Priority : uint8_t { normal = 0, high = 1 };

namespace detail {
struct WaitNode;

enum TaskFlag : uint16_t {
    kRoot = 1 << 0,       // scheduled by create_task (not awaited inline)
    kQueued = 1 << 1,     // in the RunQueue
    kDone = 1 << 2,       // finished; error says how
    kCancelReq = 1 << 3,  // stop at the next suspension point
    kFrameGone = 1 << 4,  // coroutine frame destroyed; header kept for handles
    kHigh = 1 << 5,       // task priority
    kWakeHigh = 1 << 6,   // this wake goes to the high-priority queue
    kDispose = 1 << 7,    // header holds a result with a destructor (see ResultHeader)
    kRunning = 1 << 8,    // the loop is inside this task's step
    kHasValue = 1 << 9,   // the header holds a returned value
};

// Invariants: `resume` is the innermost suspended frame for a root task and the continuation for an
// inline sub-task; sibling links thread the task into its owner's list (loop or TaskGroup).
struct alignas(16) TaskBase {
    TaskBase* next = nullptr;  // RunQueue link
    std::coroutine_handle<> resume{};
    WaitNode* awaiters = nullptr;    // tasks awaiting this one's completion
    TaskBase** sib_pprev = nullptr;  // the link that points at this task in its owner's list
    TaskBase* sib_next = nullptr;
    uint16_t flags = 0;
    uint16_t refs = 0;  // TaskHandles alive
    Error error = Error::none;
    uint8_t alloc_id = 0;
    uint16_t frame_offset = 0;  // bytes from this header to the coroutine frame

    void* frame() noexcept { return reinterpret_cast<char*>(this) + frame_offset; }
    std::coroutine_handle<> frame_handle() noexcept {
        return std::coroutine_handle<>::from_address(frame());
    }
    bool has(uint16_t f) const noexcept { return (flags & f) != 0; }
};

// Header with a result whose type needs a destructor: the last owner calls dispose().
struct DisposableTaskBase : TaskBase {
    void (*dispose)(TaskBase*) noexcept = nullptr;
};

// Frees the header and frame block once neither the frame nor any handle needs it.
void release_task_block(TaskBase* t) noexcept;
void add_task_ref(TaskBase* t) noexcept;
void drop_task_ref(TaskBase* t) noexcept;

}  // namespace detail
}  // namespace irqio
