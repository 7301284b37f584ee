// WaitNode / WaitList: the intrusive, doubly linked list of tasks waiting on one object.
// Task context only; an awaiter owns its node and unlinks it when destroyed (that is cancellation).
#pragma once
#include <cstdint>

#include "irqio/core/task_base.hpp"

namespace irqio::detail {

struct WaitNode {
    enum State : uint8_t { idle, linked, woken };
    WaitNode* next = nullptr;
    WaitNode* prev = nullptr;
    TaskBase* task = nullptr;
    State state = idle;
    Priority priority = Priority::normal;
    uint32_t gen = 0;  // the owner's own use (it fills padding on 64-bit): an Event's set count
};

// A completion watcher with no task: Loop::complete() calls on_complete(node, task) instead of
// waking one (how a task started by spawn() from another loop tells that loop it is done).
struct CompletionHook : WaitNode {
    void (*on_complete)(WaitNode* self, TaskBase* finished) noexcept = nullptr;
};

class WaitList {
  public:
    bool empty() const noexcept { return head_ == nullptr; }
    WaitNode* front() const noexcept { return head_; }

    void push_back(WaitNode* n) noexcept {
        n->next = nullptr;
        n->prev = tail_;
        if (tail_)
            tail_->next = n;
        else
            head_ = n;
        tail_ = n;
        n->state = WaitNode::linked;
    }
    void push_front(WaitNode* n) noexcept {
        n->prev = nullptr;
        n->next = head_;
        if (head_)
            head_->prev = n;
        else
            tail_ = n;
        head_ = n;
        n->state = WaitNode::linked;
    }
    void remove(WaitNode* n) noexcept {
        if (n->prev)
            n->prev->next = n->next;
        else
            head_ = n->next;
        if (n->next)
            n->next->prev = n->prev;
        else
            tail_ = n->prev;
        n->next = n->prev = nullptr;
        n->state = WaitNode::idle;
    }
    WaitNode* pop_front() noexcept {
        WaitNode* n = head_;
        if (n) remove(n);
        return n;
    }

  private:
    WaitNode* head_ = nullptr;
    WaitNode* tail_ = nullptr;
};

// wake(), wake_one() and wake_all() are defined with the loop (core/loop.hpp).

}  // namespace irqio::detail
