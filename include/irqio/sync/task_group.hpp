// TaskGroup: structured concurrency. Tasks created through the group belong to it; join() waits for
// them all; cancel() or destroying the group cancels the unfinished ones.
#pragma once
#include <cstddef>

#include "irqio/core/loop.hpp"
#include "irqio/core/task.hpp"
#include "irqio/core/task_handle.hpp"

namespace irqio {

class TaskGroup {
  public:
    TaskGroup() noexcept = default;
    TaskGroup(const TaskGroup&) = delete;
    TaskGroup& operator=(const TaskGroup&) = delete;
    ~TaskGroup();

    template <class T>
    TaskHandle<T> create_task(Task<T> task, Priority prio = Priority::normal) noexcept {
        if (!task.valid()) return TaskHandle<T>(nullptr, Error::no_memory);
        detail::TaskBase* t = task.header();
        task.release();
        TaskHandle<T> h(t);
        Loop::current()->spawn(t, prio, &head_);
        return h;
    }
    // Waits until every task of the group has finished (including ones added meanwhile).
    Task<void> join();
    void cancel() noexcept;
    bool empty() const noexcept { return head_ == nullptr; }
    std::size_t size() const noexcept;

  private:
    detail::TaskBase* head_ = nullptr;
};

}  // namespace irqio
