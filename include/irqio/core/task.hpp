// Task<T>: a lazy coroutine. `co_await task` runs it inline; create_task() schedules it on the
// loop. The frame is preceded by a TaskHeader<T> holding the outcome, so the outcome survives the
// frame.
#pragma once
#include <coroutine>
#include <new>
#include <type_traits>
#include <utility>

#include "irqio/core/frame_allocator.hpp"
#include "irqio/core/task_base.hpp"

namespace irqio {
template <class T>
class Task;

namespace detail {

template <class T>
using HeaderBase =
    std::conditional_t<std::is_trivially_destructible_v<T>, TaskBase, DisposableTaskBase>;

template <class T>
struct TaskHeader : HeaderBase<T> {
    union {
        T value;
    };
    TaskHeader() noexcept {}
    ~TaskHeader() {}
};
template <>
struct TaskHeader<void> : TaskBase {};

// The outcome of a finished task, read from its header (which outlives the frame).
template <class T>
Result<T> task_outcome(TaskBase* t) {
    if (t->error() != Error::none) return t->error();
    if constexpr (std::is_void_v<T>) {
        return {};
    } else {
        return static_cast<TaskHeader<T>*>(t)->value;
    }
}

template <class T>
constexpr std::size_t header_bytes() {
    static_assert(alignof(TaskHeader<T>) <= kFrameAlign,
                  "task results aligned beyond the default new-alignment are not supported");
    constexpr std::size_t bytes = (sizeof(TaskHeader<T>) + kFrameAlign - 1) & ~(kFrameAlign - 1);
    static_assert(bytes / kFrameAlign <= TaskBase::kMaxFrameUnits,
                  "task result too large for the header: return it through a pointer or handle");
    return bytes;
}

// Called by the loop when a frame reached its final suspend (root) or to stop it (cancel).
void frame_gone(TaskBase* t) noexcept;
// The root task that the calling code runs in (task context); nullptr outside a task.
TaskBase* running_task() noexcept;
// Stops the running task at this suspension point with `why` (used for no_memory).
void abort_running(Error why) noexcept;

template <class T>
struct PromiseBase {
    using Header = TaskHeader<T>;
    static constexpr std::size_t kHeader = header_bytes<T>();

    static void* operator new(std::size_t n) noexcept {
        uint8_t id = 0;
        void* b = allocate_frame_block(n + kHeader, id);
        if (!b) return nullptr;
        Header* h = new (b) Header();
        h->alloc_id = id;
        h->frame_units = kHeader / kFrameAlign;
        if constexpr (!std::is_void_v<T> && !std::is_trivially_destructible_v<T>) {
            h->flags |= kDispose;
            h->dispose = &dispose;
        }
        return static_cast<char*>(b) + kHeader;
    }
    static void operator delete(void* p) noexcept {
        frame_gone(reinterpret_cast<TaskBase*>(static_cast<char*>(p) - kHeader));
    }
    static void dispose(TaskBase* t) noexcept {
        if constexpr (!std::is_void_v<T>) {
            if (t->has(kHasValue)) static_cast<Header*>(t)->value.~T();
        }
    }

    static Header* header_of(void* frame) noexcept {
        return reinterpret_cast<Header*>(static_cast<char*>(frame) - kHeader);
    }
    std::suspend_always initial_suspend() noexcept { return {}; }
    void unhandled_exception() noexcept { IRQIO_ASSERT(false, "exception escaped a task"); }

    // A root marks itself done for the loop; a sub-task continues its parent through hop_to
    // (task_base.hpp), never by resuming it from inside its own frame.
    struct FinalAwaiter {
        bool await_ready() noexcept { return false; }
        template <class P>
        void await_suspend(std::coroutine_handle<P> h) noexcept {
            TaskBase* t = header_of(h.address());
            if (t->has(kRoot)) {
                t->flags |= kDone;  // the loop completes it when the step returns
                return;
            }
            hop_to(t->next, t->resume);  // continue the awaiting parent (task_base.hpp)
        }
        void await_resume() noexcept {}
    };
    FinalAwaiter final_suspend() noexcept { return {}; }
};

template <class T>
struct Promise;
template <class P>
inline constexpr bool is_task_promise_v = false;
template <class T>
inline constexpr bool is_task_promise_v<Promise<T>> = true;

// The root task a coroutine runs in: read from the awaiting task's header (a root, or a sub-task
// that names its root), or asked of the loop when the awaiting coroutine is not a Task.
template <class P>
TaskBase* root_of(std::coroutine_handle<P> h) noexcept {
    if constexpr (is_task_promise_v<P>) {
        TaskBase* t = P::header_of(h.address());
        return t->has(kRoot) ? t : t->next;
    } else {
        return running_task();
    }
}

// Starts the inline sub-task `child` (not yet started) from `parent` through hop_to.
inline void start_sub_task(TaskBase* root, TaskBase* child,
                           std::coroutine_handle<> parent) noexcept {
    child->resume = parent;
    child->next = root;
    hop_to(root, child->frame_handle());
}

template <class T>
struct Promise : PromiseBase<T> {
    static Task<T> get_return_object_on_allocation_failure() noexcept;
    Task<T> get_return_object() noexcept;
    template <class U>
    void return_value(U&& v) noexcept(std::is_nothrow_constructible_v<T, U&&>) {
        auto* h = this->header_of(std::coroutine_handle<Promise>::from_promise(*this).address());
        new (&h->value) T(std::forward<U>(v));
        h->flags |= kHasValue;
    }
};
template <>
struct Promise<void> : PromiseBase<void> {
    static Task<void> get_return_object_on_allocation_failure() noexcept;
    Task<void> get_return_object() noexcept;
    void return_void() noexcept {}
};

}  // namespace detail

template <class T = void>
class [[nodiscard]] Task {
  public:
    using promise_type = detail::Promise<T>;
    using value_type = T;
    using handle_type = std::coroutine_handle<promise_type>;

    Task() noexcept = default;
    explicit Task(handle_type h) noexcept : h_(h) {}
    Task(Task&& o) noexcept : h_(std::exchange(o.h_, {})) {}
    Task& operator=(Task&& o) noexcept {
        if (this != &o) {
            if (h_) h_.destroy();
            h_ = std::exchange(o.h_, {});
        }
        return *this;
    }
    ~Task() {
        if (h_) h_.destroy();
    }

    // False when the frame could not be allocated (Error::no_memory).
    bool valid() const noexcept { return static_cast<bool>(h_); }
    handle_type release() noexcept { return std::exchange(h_, {}); }
    detail::TaskHeader<T>* header() const noexcept { return promise_type::header_of(h_.address()); }

    struct Awaiter {
        handle_type h;
        bool await_ready() const noexcept { return false; }
        // The parent suspends and the child starts through hop_to (task_base.hpp). Nothing here
        // touches this awaiter after that: the parent may have gone on, finished and gone.
        template <class P>
        void await_suspend(std::coroutine_handle<P> parent) noexcept {
            if (!h) {
                detail::abort_running(Error::no_memory);
                return;
            }
            detail::start_sub_task(detail::root_of(parent), promise_type::header_of(h.address()),
                                   parent);
        }
        T await_resume() noexcept {
            if constexpr (!std::is_void_v<T>) {
                return std::move(promise_type::header_of(h.address())->value);
            }
        }
    };
    Awaiter operator co_await() && noexcept { return Awaiter{h_}; }

  private:
    handle_type h_{};
};

namespace detail {
template <class T>
Task<T> Promise<T>::get_return_object_on_allocation_failure() noexcept {
    return Task<T>{};
}
template <class T>
Task<T> Promise<T>::get_return_object() noexcept {
    return Task<T>{std::coroutine_handle<Promise>::from_promise(*this)};
}
inline Task<void> Promise<void>::get_return_object_on_allocation_failure() noexcept {
    return Task<void>{};
}
inline Task<void> Promise<void>::get_return_object() noexcept {
    return Task<void>{std::coroutine_handle<Promise>::from_promise(*this)};
}
}  // namespace detail

}  // namespace irqio
