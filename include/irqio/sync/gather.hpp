// gather(a, b, ...): runs the tasks concurrently and gives a tuple of their Results.
// If the gathering task is cancelled, the members still running are cancelled with it.
#pragma once
#include <tuple>
#include <utility>

#include "irqio/core/task.hpp"
#include "irqio/core/task_handle.hpp"

namespace irqio {
namespace detail {
template <class... T>
struct CancelUnfinished {
    std::tuple<TaskHandle<T>...>& handles;
    // Members not running are finished at once: their cleanup has run when the gather is gone.
    ~CancelUnfinished() {
        std::apply(
            [](auto&... h) {
                (((h && !h.done()) ? Loop::current()->cancel_now(h.base()) : void()), ...);
            },
            handles);
    }
};
}  // namespace detail

template <class... T>
Task<std::tuple<Result<T>...>> gather(Task<T>... tasks) {
    std::tuple<TaskHandle<T>...> handles{create_task(std::move(tasks))...};
    detail::CancelUnfinished<T...> guard{handles};
    co_return co_await std::apply(
        [](auto&... h) -> Task<std::tuple<Result<T>...>> {
            co_return std::tuple<Result<T>...>{co_await h...};
        },
        handles);
}

}  // namespace irqio
