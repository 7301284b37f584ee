// wait_for(awaitable, duration): the awaitable's outcome, or Error::timed_out once the time is up.
// On timeout the inner wait is destroyed before wait_for returns (a Task's locals, its waits, all;
// a TaskHandle's task is cancelled and waited for), so its cleanup has run. If the inner wait was
// woken first, it wins: nothing it received is lost.
#pragma once
#include <chrono>
#include <coroutine>
#include <type_traits>
#include <utility>

#include "irqio/core/loop.hpp"
#include "irqio/core/task.hpp"
#include "irqio/core/task_handle.hpp"
#include "irqio/time.hpp"

namespace irqio {
namespace detail {

template <class T>
inline constexpr bool is_task_v = false;
template <class U>
inline constexpr bool is_task_v<Task<U>> = true;
template <class T>
inline constexpr bool is_task_handle_v = false;
template <class U>
inline constexpr bool is_task_handle_v<TaskHandle<U>> = true;

template <class A>
concept HasMemberCoAwait = requires(A&& a) {
    std::forward<A>(a).operator co_await();
};

template <class A>
decltype(auto) awaiter_of(A&& a) {
    if constexpr (HasMemberCoAwait<A>)
        return std::forward<A>(a).operator co_await();
    else
        return std::forward<A>(a);
}

template <class R>
struct AsResult {
    using type = Result<R>;
};
template <class U>
struct AsResult<Result<U>> {
    using type = Result<U>;
};
template <class R>
using as_result_t = typename AsResult<std::remove_cvref_t<R>>::type;

// Timer half shared by both forms: arms, disarms, and knows whose task to wake.
struct TimeoutTimer : CallbackTimer {
    TaskBase* owner = nullptr;
    void* self = nullptr;  // the awaiter that holds this timer
    bool timed_out = false;
    void arm(void* me, uint64_t us, void (*fn)(CallbackTimer*) noexcept) noexcept {
        self = me;
        Loop* l = Loop::current();
        owner = l->running();
        deadline = detail::deadline_after_us(us);
        expire = fn;
        l->add_timer(this);
    }
    void disarm() noexcept {
        if (linked) Loop::current()->remove_timer(this);
    }
};

template <class Aw>
class WaitFor {
    using R = decltype(std::declval<Aw&>().await_resume());

  public:
    using result_type = as_result_t<R>;
    WaitFor(Aw&& a, uint64_t us) noexcept : us_(us) { new (&inner_) Aw(std::move(a)); }
    WaitFor(WaitFor&& o) noexcept : us_(o.us_) { new (&inner_) Aw(std::move(o.inner_)); }
    ~WaitFor() {
        timer_.disarm();
        if (alive_) inner_.~Aw();
    }
    bool await_ready() noexcept { return inner_.await_ready(); }
    template <class H>
    auto await_suspend(H h) noexcept {
        using S = decltype(inner_.await_suspend(h));
        if constexpr (std::is_void_v<S>) {
            inner_.await_suspend(h);
            timer_.arm(this, us_, &WaitFor::expire);
        } else if constexpr (std::is_same_v<S, bool>) {
            if (!inner_.await_suspend(h)) return false;
            timer_.arm(this, us_, &WaitFor::expire);
            return true;
        } else {
            auto next = inner_.await_suspend(h);
            timer_.arm(this, us_, &WaitFor::expire);
            return next;
        }
    }
    result_type await_resume() noexcept {
        timer_.disarm();
        if (timer_.timed_out) return Error::timed_out;
        if constexpr (std::is_void_v<R>) {
            inner_.await_resume();
            return {};
        } else {
            return inner_.await_resume();
        }
    }

  private:
    static void expire(CallbackTimer* cb) noexcept {
        auto* self = static_cast<WaitFor*>(static_cast<TimeoutTimer*>(cb)->self);
        step_hook(StepPoint::timeout_expire);
        if (self->timer_.owner->has(kQueued)) return;  // the inner wait completed first: it wins
        self->inner_.~Aw();                            // unlinks it from what it waited on
        self->alive_ = false;
        self->timer_.timed_out = true;
        Loop::current()->make_ready(self->timer_.owner, false);
    }
    union {
        Aw inner_;
    };
    TimeoutTimer timer_;
    uint64_t us_;
    bool alive_ = true;
};

template <class U>
class WaitForTask {
  public:
    using result_type = as_result_t<std::conditional_t<std::is_void_v<U>, void, U>>;
    WaitForTask(Task<U>&& t, uint64_t us) noexcept : task_(std::move(t)), us_(us) {}
    WaitForTask(WaitForTask&& o) noexcept : task_(std::move(o.task_)), us_(o.us_) {}
    ~WaitForTask() { timer_.disarm(); }
    bool await_ready() const noexcept { return !task_.valid(); }
    // The sub-task starts through hop_to (task_base.hpp), as in a plain `co_await task`.
    void await_suspend(std::coroutine_handle<> h) noexcept {
        parent_ = h;
        timer_.arm(this, us_, &WaitForTask::expire);
        start_sub_task(timer_.owner, task_.header(), h);
    }
    result_type await_resume() noexcept {
        timer_.disarm();
        if (timer_.timed_out) return Error::timed_out;
        if (!task_.valid()) return Error::no_memory;
        if constexpr (std::is_void_v<U>)
            return {};
        else
            return std::move(task_.header()->value);
    }

  private:
    static void expire(CallbackTimer* cb) noexcept {
        auto* self = static_cast<WaitForTask*>(static_cast<TimeoutTimer*>(cb)->self);
        // The timeout wins even if the sub-task is queued (it may be one that yields forever):
        // destroying it gives back anything it was handed (items, slots, locks), so nothing is
        // lost.
        self->task_ = Task<U>{};  // destroys the sub-task: its locals and waits are cleaned up
        self->timer_.timed_out = true;
        self->timer_.owner->resume = self->parent_;
        Loop::current()->make_ready(self->timer_.owner, false);
    }
    Task<U> task_;
    TimeoutTimer timer_;
    std::coroutine_handle<> parent_{};
    uint64_t us_;
};

// wait_for on a TaskHandle: the task is not ours to destroy, so on timeout it is cancelled and
// waited for: wait_for returns timed_out once its frame (and every cleanup in it: awaiters,
// transfers' aborts) is gone. If the task finished before the timer fired, its outcome wins.
template <class U>
class WaitForHandle {
  public:
    // An inner Result<V> is not nested: Result<V> or timed_out.
    using result_type = as_result_t<std::conditional_t<std::is_void_v<U>, void, U>>;
    WaitForHandle(const TaskHandle<U>& h, uint64_t us) noexcept : h_(h), us_(us) {}
    WaitForHandle(WaitForHandle&& o) noexcept : h_(o.h_), us_(o.us_) {}
    ~WaitForHandle() {
        timer_.disarm();
        if (node_.state == WaitNode::linked) h_.unlink_awaiter(&node_);
    }
    bool await_ready() const noexcept { return h_.done(); }
    void await_suspend(std::coroutine_handle<> h) noexcept {
        h_.link_awaiter(&node_, h);
        timer_.arm(this, us_, &WaitForHandle::expire);
    }
    result_type await_resume() noexcept {
        timer_.disarm();
        node_.state = WaitNode::idle;
        if (timer_.timed_out) return Error::timed_out;
        Result<U> r = h_.result();
        if constexpr (std::is_same_v<result_type, Result<U>>) {
            return r;
        } else {
            if (!r.ok()) return r.error();
            return std::move(r.value());
        }
    }

  private:
    static void expire(CallbackTimer* cb) noexcept {
        auto* self = static_cast<WaitForHandle*>(static_cast<TimeoutTimer*>(cb)->self);
        if (self->timer_.owner->has(kQueued)) return;  // the task finished first: it wins
        self->timer_.timed_out = true;
        // Still linked as an awaiter of the task: its completion (the cancellation finished, its
        // frame destroyed) is what wakes us.
        self->h_.cancel();
    }
    TaskHandle<U> h_;
    WaitNode node_{};
    TimeoutTimer timer_;
    uint64_t us_;
};

}  // namespace detail

template <class U>
detail::WaitForTask<U> wait_for_us(Task<U>&& t, uint64_t us) noexcept {
    return detail::WaitForTask<U>(std::move(t), us);
}
template <class U>
detail::WaitForHandle<U> wait_for_us(const TaskHandle<U>& h, uint64_t us) noexcept {
    return detail::WaitForHandle<U>(h, us);
}
template <class A>
requires(!detail::is_task_v<std::remove_cvref_t<A>> &&
         !detail::is_task_handle_v<std::remove_cvref_t<A>>) auto wait_for_us(A&& a,
                                                                             uint64_t us) noexcept {
    using Aw = std::remove_cvref_t<decltype(detail::awaiter_of(std::forward<A>(a)))>;
    return detail::WaitFor<Aw>(detail::awaiter_of(std::forward<A>(a)), us);
}
template <class A>
auto wait_for_ms(A&& a, uint32_t ms) noexcept {
    return wait_for_us(std::forward<A>(a), uint64_t{ms} * 1000u);
}
template <class A, class Rep, class Per>
auto wait_for(A&& a, std::chrono::duration<Rep, Per> d) noexcept {
    auto us = std::chrono::ceil<std::chrono::microseconds>(d).count();
    return wait_for_us(std::forward<A>(a), us <= 0 ? 0 : static_cast<uint64_t>(us));
}

}  // namespace irqio
