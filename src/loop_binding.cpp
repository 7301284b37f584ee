// LoopBinding: binding to a loop and unbinding, under that loop's SpinGuard (its list of bindings).
#include "irqio/core/loop_binding.hpp"

#include "irqio/core/loop.hpp"

namespace irqio::detail {

void LoopBinding::bind(Loop* l) noexcept {
    if (loop_.load(std::memory_order_relaxed) == l) return;
    unbind();
    SpinGuard g(l->bindings_lock_);
    link(l);
    detail::store_sc(loop_, l);
}

bool LoopBinding::claim(Loop* l) noexcept {
    SpinGuard g(l->bindings_lock_);
    Loop* none = nullptr;
    if (!detail::atomic_cas(loop_, none, l)) return false;
    link(l);
    return true;
}

void LoopBinding::link(Loop* l) noexcept {
    next_ = l->bindings_;
    if (next_) next_->pprev_ = &next_;
    l->bindings_ = this;
    pprev_ = &l->bindings_;
}

void LoopBinding::unbind() noexcept {
    // The loop's lock guards its list against the loop ending (and other objects binding) on
    // another thread; a binding that loop already cleared has nothing left to unlink.
    while (Loop* l = loop_.load(std::memory_order_acquire)) {
        SpinGuard g(l->bindings_lock_);
        if (loop_.load(std::memory_order_relaxed) != l) continue;  // cleared meanwhile
        if (pprev_) {
            *pprev_ = next_;
            if (next_) next_->pprev_ = pprev_;
            next_ = nullptr;
            pprev_ = nullptr;
        }
        detail::store_sc(loop_, nullptr);
        return;
    }
}

}  // namespace irqio::detail
