// LoopBinding: which loop an interrupt-signalled object wakes (published before its first waiter
// waits). The loop keeps a list of its bindings and clears them when it ends, so a handler that
// signals the object later finds no loop instead of a dangling one.
#pragma once
#include <atomic>

#include "irqio/core/atomic_ops.hpp"

namespace irqio {
class Loop;
namespace detail {

class LoopBinding {
  public:
    LoopBinding() noexcept = default;
    LoopBinding(const LoopBinding&) = delete;
    LoopBinding& operator=(const LoopBinding&) = delete;
    ~LoopBinding() { unbind(); }

    // Any context.
    Loop* load() const noexcept { return load_sc(loop_); }
    Loop* load_acquire() const noexcept { return detail::load_acquire(loop_); }
    Loop* load(std::memory_order order) const noexcept { return loop_.load(order); }
    // Task context of `l`: binds (seq_cst, paired with the handler's load after its own store).
    void bind(Loop* l) noexcept;
    // Task context: forgets the loop.
    void unbind() noexcept;

  private:
    friend class irqio::Loop;
    std::atomic<Loop*> loop_{nullptr};
    LoopBinding* next_ = nullptr;
    LoopBinding** pprev_ = nullptr;
};

}  // namespace detail
}  // namespace irqio
