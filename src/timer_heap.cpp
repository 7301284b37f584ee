// Pairing heap over TimerNode. Melding two roots makes the later one the first child of the
// earlier; removal of an inner node cuts its subtree out, merges its children, and melds back with
// the root.
#include "irqio/core/timer_heap.hpp"
#include "irqio/core/step_hook.hpp"

namespace irqio::detail {

TimerNode* TimerHeap::meld(TimerNode* a, TimerNode* b) noexcept {
    if (!a) return b;
    if (!b) return a;
    if (before(b, a)) {
        TimerNode* t = a;
        a = b;
        b = t;
    }
    // b becomes the first child of a
    b->prev = a;
    b->sibling = a->child;
    if (a->child) a->child->prev = b;
    a->child = b;
    a->sibling = nullptr;
    a->prev = nullptr;
    return a;
}

TimerNode* TimerHeap::merge_pairs(TimerNode* first) noexcept {
    // Left-to-right pairing pass, collecting the pairs in a reversed list through `prev`.
    TimerNode* acc = nullptr;
    while (first) {
        TimerNode* a = first;
        TimerNode* b = a->sibling;
        first = b ? b->sibling : nullptr;
        a->sibling = a->prev = nullptr;
        if (b) b->sibling = b->prev = nullptr;
        TimerNode* m = meld(a, b);
        m->prev = acc;  // temporary link of the reversed list
        acc = m;
    }
    // Right-to-left: meld each pair into the result.
    TimerNode* result = nullptr;
    while (acc) {
        TimerNode* next = acc->prev;
        acc->prev = nullptr;
        result = meld(acc, result);
        acc = next;
    }
    return result;
}

void TimerHeap::insert(TimerNode* n) noexcept {
    step_hook(StepPoint::timer_insert);
    n->child = n->sibling = n->prev = nullptr;
    n->seq = next_seq_++;
    n->linked = true;
    root_ = meld(root_, n);
    ++size_;
}

TimerNode* TimerHeap::pop() noexcept {
    TimerNode* r = root_;
    if (!r) return nullptr;
    step_hook(StepPoint::timer_pop);
    root_ = merge_pairs(r->child);
    if (root_) root_->prev = nullptr;
    r->child = r->sibling = r->prev = nullptr;
    r->linked = false;
    --size_;
    return r;
}

void TimerHeap::remove(TimerNode* n) noexcept {
    if (!n->linked) return;
    step_hook(StepPoint::timer_remove);
    if (n == root_) {
        pop();
        return;
    }
    // Cut n (with its subtree) out of its sibling chain.
    if (n->prev->child == n)
        n->prev->child = n->sibling;
    else
        n->prev->sibling = n->sibling;
    if (n->sibling) n->sibling->prev = n->prev;
    TimerNode* sub = merge_pairs(n->child);
    if (sub) sub->prev = nullptr;
    n->child = n->sibling = n->prev = nullptr;
    n->linked = false;
    --size_;
    root_ = meld(root_, sub);
}

}  // namespace irqio::detail
