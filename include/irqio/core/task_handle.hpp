// TaskHandle<T>: a counted reference to a scheduled task; `co_await handle` gives Result<T>.
// The task's header (and so its outcome) lives as long as the task runs or a handle exists. A
// task spawned on another loop is reached through its RemoteTask block instead (core/spawn.hpp).
#pragma once
#include <type_traits>
#include <utility>

#include "irqio/core/loop.hpp"
#include "irqio/core/remote_task.hpp"
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
    explicit TaskHandle(detail::RemoteTask* r) noexcept : r_(r) { r_->add_ref(); }
    TaskHandle(const TaskHandle& o) noexcept : TaskHandle(o.t_, o.failed_) {
        if ((r_ = o.r_)) r_->add_ref();
    }
    TaskHandle(TaskHandle&& o) noexcept
        : t_(std::exchange(o.t_, nullptr)), r_(std::exchange(o.r_, nullptr)), failed_(o.failed_) {}
    template <class U>
    requires(std::is_void_v<T> && !std::is_void_v<U>) TaskHandle(const TaskHandle<U>& o)
    noexcept : TaskHandle(o.base(), o.failure()) {
        if ((r_ = o.remote())) r_->add_ref();
    }
    TaskHandle& operator=(TaskHandle o) noexcept {
        std::swap(t_, o.t_);
        std::swap(r_, o.r_);
        std::swap(failed_, o.failed_);
        return *this;
    }
    ~TaskHandle() {
        if (t_) detail::drop_task_ref(t_);
        if (r_) r_->drop_ref();
    }

    // A handle to a task that could not start (no_memory) is done from the start.
    bool done() const noexcept {
        if (r_) return r_->done();
        return !t_ || t_->has(detail::kDone);
    }
    bool cancelled() const noexcept {
        if (r_) return r_->done() && r_->error == Error::cancelled;
        return t_ && t_->has(detail::kDone) && t_->error() == Error::cancelled;
    }
    // Stops the task at the suspension point where it waits (or its next one, if it is running).
    // A spawned task is stopped by its own loop, soon (its interrupt level: before this returns).
    void cancel() const noexcept {
        if (r_)
            r_->cancel();
        else if (t_ && !t_->has(detail::kDone))
            Loop::current()->cancel(t_);
    }
    explicit operator bool() const noexcept { return t_ != nullptr || r_ != nullptr; }
    detail::TaskBase* base() const noexcept { return t_; }
    detail::RemoteTask* remote() const noexcept { return r_; }
    Error failure() const noexcept { return failed_; }

    // The outcome once done: the value, or cancelled / no_memory / another error.
    Result<T> result() const {
        if (r_) return remote_result();
        if (!t_) return failed_ == Error::none ? Error::invalid_argument : failed_;
        IRQIO_ASSERT(t_->has(detail::kDone), "TaskHandle::result() before the task is done");
        return detail::task_outcome<T>(t_);
    }

    // Task context: `n` waits for the task's completion (for awaiters such as wait_for's).
    void link_awaiter(detail::WaitNode* n, std::coroutine_handle<> c) const noexcept;
    void unlink_awaiter(detail::WaitNode* n) const noexcept;

    struct Awaiter {
        const TaskHandle* h;
        detail::WaitNode node{};
        bool await_ready() const noexcept { return h->done(); }
        void await_suspend(std::coroutine_handle<> c) noexcept { h->link_awaiter(&node, c); }
        Result<T> await_resume() const { return h->result(); }
        ~Awaiter() {
            if (node.state == detail::WaitNode::linked) h->unlink_awaiter(&node);
        }
    };
    Awaiter operator co_await() const& noexcept { return Awaiter{this}; }

  private:
    Result<T> remote_result() const {
        IRQIO_ASSERT(r_->done(), "TaskHandle::result() before the task is done");
        if (r_->error != Error::none) return r_->error;
        if constexpr (std::is_void_v<T>) {
            return {};
        } else {
            auto* typed = static_cast<detail::RemoteTaskOf<T>*>(r_);
            if (!typed->has_value) return Error::invalid_argument;
            return typed->value;
        }
    }
    detail::TaskBase* t_ = nullptr;
    detail::RemoteTask* r_ = nullptr;
    Error failed_ = Error::none;
};

namespace detail {
// Links `n` as a waiter for the completion of `t` (task context).
void await_task(TaskBase* t, WaitNode* n, std::coroutine_handle<> c) noexcept;
void unawait_task(TaskBase* t, WaitNode* n) noexcept;
}  // namespace detail

template <class T>
void TaskHandle<T>::link_awaiter(detail::WaitNode* n, std::coroutine_handle<> c) const noexcept {
    if (r_)
        r_->link_awaiter(n, c);
    else
        detail::await_task(t_, n, c);
}
template <class T>
void TaskHandle<T>::unlink_awaiter(detail::WaitNode* n) const noexcept {
    if (r_)
        r_->unlink_awaiter(n);
    else
        detail::unawait_task(t_, n);
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
