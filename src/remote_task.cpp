// spawn() across loops: the hand-over of a task to its home loop, cancellation from the caller,
// and the completion that travels back. Each inbox node queued holds a reference on the block.
#include "irqio/core/remote_task.hpp"

#include "irqio/core/loop.hpp"

namespace irqio::detail {
namespace {

RemoteTask* owner_of(InboxNode* n) noexcept {
    return static_cast<RemoteTask::Node*>(n)->owner;
}

// Any context: queues `n` on `l` with a reference of its own (none if it was queued already).
void ring(RemoteTask* r, Loop* l, RemoteTask::Node* n) noexcept {
    r->add_ref();
    if (!l->post_counted(n)) r->drop_ref();  // the node on its way holds one: never the last
}

// The home loop, when the task finished or was cancelled: its frame is gone (cleanup ran).
void on_complete(WaitNode* w, TaskBase* t) noexcept {
    RemoteTask* r = static_cast<RemoteTask::DoneHook*>(w)->owner;
    r->error = t->error();
    if (r->take_value) r->take_value(r, t);
    r->task = nullptr;
    drop_task_ref(t);  // the header was kept for this moment only
    r->set_state(RemoteTask::kDone);
    ring(r, r->caller, &r->caller_node);
    r->drop_ref();  // the home loop's own reference
}

// The home loop's task context: start the task (first time), cancel it if asked.
void drain_home(InboxNode* n) noexcept {
    RemoteTask* r = owner_of(n);
    uint8_t s = load_acquire(r->state);
    Loop* home = tls_loop;
    if (!(s & RemoteTask::kStarted)) {
        s = r->set_state(RemoteTask::kStarted);
        home->spawn(r->task, r->prio, nullptr);
        TaskBase* t = r->task;
        WaitNode* h = &r->on_done;
        h->task = nullptr;
        h->prev = nullptr;
        h->next = t->awaiters;
        if (t->awaiters) t->awaiters->prev = h;
        t->awaiters = h;
        h->state = WaitNode::linked;
    }
    if ((s & RemoteTask::kCancelReq) && !(s & RemoteTask::kDone)) home->cancel(r->task);
    r->drop_ref();
}

// The caller's task context: the task is done; its awaiters read the outcome from the block.
void drain_caller(InboxNode* n) noexcept {
    RemoteTask* r = owner_of(n);
    wake_all(r->awaiters);
    r->drop_ref();
}

void drop_ref(RemoteTask* r) noexcept {
    if (atomic_fetch_add(r->refs, ~uint32_t{0}) != 1) return;  // (minus one)
    if (r->drop_value) r->drop_value(r);
    const uint8_t id = r->alloc_id;
    r->~RemoteTask();
    free_frame_block(r, id);
}

void cancel(RemoteTask* r) noexcept {
    const uint8_t s = r->set_state(RemoteTask::kCancelReq);
    if (s & (RemoteTask::kCancelReq | RemoteTask::kDone)) return;  // asked already, or done
    ring(r, r->home, &r->home_node);
}

void link_awaiter(RemoteTask* r, WaitNode* n, std::coroutine_handle<> c) noexcept {
    Loop* l = tls_loop;
    IRQIO_ASSERT(l == r->caller,
                 "a spawned task's handle is awaited from the loop that spawned it");
    TaskBase* me = l->running();
    me->resume = c;
    n->task = me;
    r->awaiters.push_back(n);
}

constexpr RemoteTask::Ops kOps{&drop_ref, &cancel, &link_awaiter};

}  // namespace

void start_remote(Loop& home, TaskBase* t, Priority prio, RemoteTask* r) noexcept {
    Loop* caller = tls_loop;
    IRQIO_ASSERT(caller != nullptr, "spawn() outside a running loop");
    IRQIO_ASSERT(!home.is_level() || t->alloc_id != 0,
                 "a task of an interrupt level needs its frame from a FramePool (no heap in a "
                 "handler)");
    r->ops = &kOps;
    r->home_node.owner = r;
    r->home_node.drain = &drain_home;
    r->caller_node.owner = r;
    r->caller_node.drain = &drain_caller;
    r->on_done.on_complete = &on_complete;
    r->on_done.owner = r;
    r->task = t;
    r->home = &home;
    r->caller = caller;
    r->prio = prio;
    add_task_ref(t);  // the header outlives the frame until on_complete took the outcome
    r->add_ref();     // the home loop's, until the task is done
    ring(r, &home, &r->home_node);  // the release in the push publishes the block
}

}  // namespace irqio::detail
