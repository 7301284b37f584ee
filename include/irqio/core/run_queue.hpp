// RunQueue: tasks ready to run, high priority first, FIFO within a priority.
// Task context only: interrupts never touch it, they go through the IsrInbox.
#pragma once
#include <cstddef>

#include "irqio/config.hpp"
#include "irqio/core/task_base.hpp"

namespace irqio::detail {

class RunQueue {
  public:
    IRQIO_INLINE bool empty() const noexcept {
        return high_.head == nullptr && normal_.head == nullptr;
    }
    std::size_t size() const noexcept { return size_; }
    IRQIO_INLINE void push(TaskBase* t, bool high) noexcept {
        (high ? high_ : normal_).push(t);
        ++size_;
    }
    // Not empty.
    IRQIO_INLINE TaskBase* pop() noexcept {
        --size_;
        return high_.head ? high_.pop() : normal_.pop();
    }

  private:
    struct Fifo {
        TaskBase* head = nullptr;
        TaskBase* tail = nullptr;
        IRQIO_INLINE void push(TaskBase* t) noexcept {
            t->next = nullptr;
            if (tail)
                tail->next = t;
            else
                head = t;
            tail = t;
        }
        IRQIO_INLINE TaskBase* pop() noexcept {
            TaskBase* t = head;
            head = t->next;
            if (!head) tail = nullptr;
            return t;
        }
    };
    Fifo high_, normal_;
    std::size_t size_ = 0;
};

}  // namespace irqio::detail
