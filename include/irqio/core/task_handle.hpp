// TaskHandle<T>: a counted reference to a scheduled task; `co_await handle` gives Result<T>.
// The task's header (and so its outcome) lives as long as the task runs or a handle exists.
#pragma once
#include <type_traits>
#include <utility>

#include "irqio/core/loop.hpp"
#include "irqio/core/task.hpp"
#include "irqio/core/wait_list.hpp"

namespace irqio {

template <class T = void>
class TaskHandle {
  public:
    TaskHandle() noexcept = default;
    explicit TaskHandle(detail::TaskBase* t, Error failed = Error::none) noexcept
        : t_(t), failed_(failed) {
        if (t_) detail::add_task_ref(t_);
    }
    TaskHandle(const TaskHandle& o) noexcept : TaskHandle(o.t_, o.failed_) {}
    TaskHandle(TaskHandle&& o) noexcept : t_(std::exchange(o.t_, nullptr)), failed_(o.failed_) {}
    template <class U>
    requires(std::is_void_v<T> && !std::is_void_v<U>) TaskHandle(const TaskHandle<U>& o)
    noexcept : TaskHandle(o.base(), o.failure()) {}
    TaskHandle& operator=(TaskHandle o) noexcept {
        std::swap(t_, o.t_);
        std::swap(failed_, o.failed_);
        return *this;
    }
    ~TaskHandle() {
        if (t_) detail::drop_task_ref(t_);
    }

    // A handle to a task that could not start (no_memory) is done from the start.
    bool done() const noexcept { return !t_ || t_->has(detail::kDone); }
    bool cancelled() const noexcept {
        return t_ && t_->has(detail::kDone) && t_->error() == Error::cancelled;
    }
    // Stops the task at the suspension point where it waits (or its next one, if it is running).
    void cancel() const noexcept {
        if (t_ && !t_->has(detail::kDone)) Loop::current()->cancel(t_);
    }
    explicit operator bool() const noexcept { return t_ != nullptr; }
    detail::TaskBase* base() const noexcept { return t_; }
    Error failure() const noexcept { return failed_; }

    // The outcome once done: the value, or cancelled / no_memory / another error.
    Result<T> result() const {
        if (!t_) return failed_ == Error::none ? Error::invalid_argument : failed_;
        IRQIO_ASSERT(t_->has(detail::kDone), "TaskHandle::result() before the task is done");
        return detail::task_outcome<T>(t_);
    }

    struct Awaiter {
        const TaskHandle* h;
        detail::WaitNode node{};
        bool await_ready() const noexcept { return h->done(); }
        void await_suspend(std::coroutine_handle<> c) noexcept;
        Result<T> await_resume() const { return h->result(); }
        ~Awaiter();
    };
    Awaiter operator co_await() const& noexcept { return Awaiter{this}; }

  private:
    detail::TaskBase* t_ = nullptr;
    Error failed_ = Error::none;
};

namespace detail {
// Links `n` as a waiter for the completion of `t` (task context).
void await_task(TaskBase* t, WaitNode* n, std::coroutine_handle<> c) noexcept;
void unawait_task(TaskBase* t, WaitNode* n) noexcept;
}  // namespace detail

template <class T>
void TaskHandle<T>::Awaiter::await_suspend(std::coroutine_handle<> c) noexcept {
    detail::await_task(h->t_, &node, c);
}
template <class T>
TaskHandle<T>::Awaiter::~Awaiter() {
    if (node.state == detail::WaitNode::linked) detail::unawait_task(h->t_, &node);
}

// Starts `task` concurrently on the current loop; it first runs after the caller next suspends.
template <class T>
TaskHandle<T> create_task(Task<T> task, Priority prio = Priority::normal) noexcept {
    if (!task.valid()) return TaskHandle<T>(nullptr, Error::no_memory);
    Loop* loop = Loop::current();
    IRQIO_ASSERT(loop != nullptr, "create_task() outside a running loop");
    detail::TaskBase* t = task.header();
    task.release();
    TaskHandle<T> h(t);
    loop->spawn(t, prio, nullptr);
    return h;
}

// The task the calling code runs in.
TaskHandle<void> current_task() noexcept;

}  // namespace irqio
