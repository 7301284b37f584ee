// LoopBinding: which loop an interrupt-signalled object wakes (published before its first waiter
// waits). The loop keeps a list of its bindings and clears them when it ends, so a handler that
// signals the object later finds no loop instead of a dangling one. The list is edited only by
// task contexts (of any loop: an Event shared by several), under the loop's SpinGuard; handlers
// only ever load the pointer.
#pragma once
#include <atomic>
#include <cstdint>

#include "irqio/core/atomic_ops.hpp"

namespace irqio {
class Loop;
namespace detail {

// A lock for task contexts only (never taken by an **any** call, so a handler can never spin on
// a lock the code it interrupted holds). Held for a few pointer stores.
class SpinGuard {
  public:
    explicit SpinGuard(std::atomic<uint8_t>& l) noexcept : l_(l) {
        while (atomic_exchange<uint8_t>(l_, 1) != 0) {
        }
    }
    ~SpinGuard() { store_release(l_, 0); }
    SpinGuard(const SpinGuard&) = delete;
    SpinGuard& operator=(const SpinGuard&) = delete;

  private:
    std::atomic<uint8_t>& l_;
};

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
    // Task context of `l`: binds if no loop is bound yet (one atomic step against other loops
    // claiming the same binding); false if another loop holds it.
    bool claim(Loop* l) noexcept;
    // Task context (of any loop): forgets the loop.
    void unbind() noexcept;

  private:
    friend class irqio::Loop;
    void link(Loop* l) noexcept;
    std::atomic<Loop*> loop_{nullptr};
    LoopBinding* next_ = nullptr;
    LoopBinding** pprev_ = nullptr;
};

}  // namespace detail
}  // namespace irqio
