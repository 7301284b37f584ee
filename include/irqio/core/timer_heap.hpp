// TimerHeap: an intrusive pairing heap of deadlines, so any number of timers costs no allocation.
// Ordered by (deadline, insertion sequence): equal deadlines expire in FIFO order. Task context
// only.
#pragma once
#include <cstddef>
#include <cstdint>

#include "irqio/core/task_base.hpp"

namespace irqio::detail {

struct TimerNode {
    enum Kind : uint8_t { wake_task, callback };
    TimerNode* child = nullptr;
    TimerNode* sibling = nullptr;
    TimerNode* prev = nullptr;  // parent if first child, else left sibling; nullptr at the root
    uint64_t deadline = 0;
    TaskBase* task = nullptr;
    uint32_t seq = 0;
    Kind kind = wake_task;
    bool linked = false;
};

// A timer that runs code of its own when it expires (wait_for's timeout).
struct CallbackTimer : TimerNode {
    void (*expire)(CallbackTimer*) noexcept = nullptr;
    CallbackTimer() noexcept { kind = callback; }
};

class TimerHeap {
  public:
    bool empty() const noexcept { return root_ == nullptr; }
    std::size_t size() const noexcept { return size_; }
    TimerNode* top() const noexcept { return root_; }
    void insert(TimerNode* n) noexcept;
    void remove(TimerNode* n) noexcept;
    TimerNode* pop() noexcept;

  private:
    static bool before(const TimerNode* a, const TimerNode* b) noexcept {
        if (a->deadline != b->deadline) return a->deadline < b->deadline;
        return static_cast<int32_t>(a->seq - b->seq) < 0;
    }
    static TimerNode* meld(TimerNode* a, TimerNode* b) noexcept;
    static TimerNode* merge_pairs(TimerNode* first) noexcept;
    TimerNode* root_ = nullptr;
    std::size_t size_ = 0;
    uint32_t next_seq_ = 0;
};

}  // namespace irqio::detail
