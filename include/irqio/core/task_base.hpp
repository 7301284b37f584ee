// TaskBase: the header that sits in front of every Task's coroutine frame.
// It outlives the frame while a TaskHandle refers to it, so a handle can still read the outcome.
#pragma once
#include <coroutine>
#include <cstddef>
#include <cstdint>

#include "irqio/config.hpp"
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
    kHigh = 1 << 5,       // task priority (bit 6 is free)
    kDispose = 1 << 7,    // header holds a result with a destructor (DisposableTaskBase)
    kRunning = 1 << 8,    // the loop is inside this task's step
    kHasValue = 1 << 9,   // the header holds a returned value
    kHop = 1 << 10,       // root: resume again at `resume` (a sub-task started or finished)
    kHopping = 1 << 11,   // root: a trampoline (hop_to) runs on the stack, it takes the hops
    kMaxFlag = kHopping,
};

// Frames start at the platform's default new-alignment; so does every header in front of one.
inline constexpr std::size_t kFrameAlign = __STDCPP_DEFAULT_NEW_ALIGNMENT__;

// Invariants: `resume` is the innermost suspended frame for a root task and the continuation for an
// inline sub-task; sibling links thread the task into its owner's list (loop or TaskGroup).
// An inline sub-task is never queued, so its `next` names the root task it runs in instead.
// On 32-bit targets the bookkeeping packs into one word, so the header is 24 B (five links + 4);
// there a task can have at most 127 TaskHandles at once (asserted).
struct alignas(kFrameAlign) TaskBase {
    TaskBase* next = nullptr;  // RunQueue link
    std::coroutine_handle<> resume{};
    WaitNode* awaiters = nullptr;    // tasks awaiting this one's completion
    TaskBase** sib_pprev = nullptr;  // the link that points at this task in its owner's list
    TaskBase* sib_next = nullptr;
    // Flag bits 0..11, the error in bits 12..15: one halfword, so a flag update is a plain
    // load, or/and, store.
    uint16_t flags = 0;
#if UINTPTR_MAX > 0xFFFFFFFFu
    static constexpr uint32_t kMaxRefs = 0xFFFF;
    static constexpr uint32_t kMaxFrameUnits = 0xFF;
    uint16_t refs = 0;  // TaskHandles alive
    uint8_t alloc_id = 0;
    uint8_t frame_units = 0;  // kFrameAlign units from this header to the coroutine frame
#else
    static constexpr uint32_t kMaxRefs = (1u << 7) - 1;
    static constexpr uint32_t kMaxFrameUnits = (1u << 6) - 1;
    uint16_t alloc_id : 3 = 0;
    uint16_t frame_units : 6 = 0;
    uint16_t refs : 7 = 0;
#endif
    static constexpr unsigned kErrorShift = 12;

    Error error() const noexcept {
        return static_cast<Error>(flags >> kErrorShift);
    }
    void set_error(Error e) noexcept {
        flags = static_cast<uint16_t>((flags & ((1u << kErrorShift) - 1)) |
                                      (static_cast<unsigned>(e) << kErrorShift));
    }
    void* frame() noexcept {
        return reinterpret_cast<char*>(this) + frame_units * kFrameAlign;
    }
    std::coroutine_handle<> frame_handle() noexcept {
        return std::coroutine_handle<>::from_address(frame());
    }
    bool has(uint16_t f) const noexcept {
        return (flags & f) != 0;
    }
};
static_assert(static_cast<uint8_t>(Error::too_long) < 16, "Error must fit TaskBase's 4 bits");
static_assert(kMaxFlag < (1u << TaskBase::kErrorShift), "flags must stay below the error bits");
static_assert(UINTPTR_MAX > 0xFFFFFFFFu || IRQIO_MAX_FRAME_ALLOCATORS <= 7,
              "32-bit targets keep the frame allocator id in 3 bits: at most 7 allocators");

// Header with a result whose type needs a destructor: the last owner calls dispose().
struct DisposableTaskBase : TaskBase {
    void (*dispose)(TaskBase*) noexcept = nullptr;
};

// Starting or finishing an inline sub-task goes on at `next` (the child, or the parent) without
// nesting one frame's resumption in another: symmetric transfer would need a tail call, which -O0
// and ASan builds do not make, so a chain of sub-tasks completing without suspending would grow
// the stack by a frame pair each time. The first such hand-over in a step becomes a trampoline:
// it resumes `next` and, while the code it runs asks for another hop (kHop), the frame it names,
// until a frame really suspends (or the task ends). A hand-over made under it only records the
// frame and returns. So the depth is bounded by construction, with any compiler and any level,
// and the loop's step and the task switch pay nothing for it.
// (A frame resumed here may destroy the one whose awaiter runs the trampoline, as a parent
// destroys a finished child: after the loop nothing touches the awaiter or its frame.)
[[gnu::noinline]] inline void run_hops(TaskBase* root) noexcept {
    root->flags |= kHopping;
    for (;;) {
        root->resume.resume();
        const uint16_t f = root->flags;
        if (!(f & kHop)) {
            root->flags = static_cast<uint16_t>(f & ~kHopping);
            return;
        }
        root->flags = static_cast<uint16_t>(f & ~kHop);
    }
}
inline void hop_to(TaskBase* root, std::coroutine_handle<> next) noexcept {
    root->resume = next;
    if (root->flags & kHopping)
        root->flags |= kHop;
    else
        run_hops(root);
}

// Frees the header and frame block once neither the frame nor any handle needs it.
void release_task_block(TaskBase* t) noexcept;
void add_task_ref(TaskBase* t) noexcept;
void drop_task_ref(TaskBase* t) noexcept;

}  // namespace detail
}  // namespace irqio
