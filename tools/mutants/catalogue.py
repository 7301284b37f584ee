# The mutation catalogue of the wake path: plausible one-line bugs, each of
# which loses, duplicates or delays a wake, hands something over twice, or drops a handed item.
# tools/mutate.py applies them one at a time to a scratch copy, builds the suites they name and
# expects each run to fail. An entry:
#   name   short id
#   file   path in the repository
#   old    text that occurs exactly once in `file` (the script refuses a stale anchor)
#   new    its replacement
#   suite  "interleave" (test_interleave, hooked build: the exhaustive interleavings on the
#          StrictPort, and the WakePath checks) or "tsan" (test_orderings under ThreadSanitizer:
#          each hand-over through one atomic alone, the orderings a one-thread test cannot see)
#   cheap  in the default CI run (scripts/test.sh): a source file, so one object is rebuilt
#   what   what the bug is
M = []


def m(name, file, old, new, what, suite="interleave", cheap=False):
    M.append(dict(name=name, file=file, old=old, new=new, what=what, suite=suite, cheap=cheap))


# --- ThreadSafeFlag (src/thread_safe_flag.cpp) -------------------------------------------------
m("flag_check_then_store", "src/thread_safe_flag.cpp",
  """    if (detail::atomic_cas(f_->word_, seen, reinterpret_cast<uintptr_t>(this))) return true;""",
  """    seen = detail::load_sc(f_->word_);
    if (seen == kClear) {
        f_->word_.store(reinterpret_cast<uintptr_t>(this), std::memory_order_relaxed);
        return true;
    }""",
  "the wait reads the word, then stores its awaiter with a plain store (no CAS claim): a set() "
  "in between is overwritten", cheap=True)
m("flag_suspend_after_failed_claim", "src/thread_safe_flag.cpp",
  """    f_->consume();  // a set() came first: take it and go on
    wake_.task = nullptr;
    return false;""",
  """    return true;""",
  "the claim failed because a set() came first, and the task suspends anyway")
# --- Loop: idle, notify, inbox, lone wake (src/loop.cpp, core/loop.hpp) -----------------------
m("idle_no_recheck", "src/loop.cpp",
  """    detail::store_sc(sleeping_, true);
    detail::step_hook(detail::StepPoint::before_sleep);
    if (inbox_.empty() && local_empty() && ready_.empty()) {""",
  """    detail::store_sc(sleeping_, true);
    detail::step_hook(detail::StepPoint::before_sleep);
    if (true) {""",
  "idle publishes sleeping_ and waits without looking at the inbox again", cheap=True)
m("notify_dropped", "src/loop.cpp",
  """    if (detail::load_sc(sleeping_) && detail::atomic_exchange(sleeping_, false)) port_.notify();""",
  """    if (detail::load_sc(sleeping_) && detail::atomic_exchange(sleeping_, false)) (void)0;""",
  "a post finds the loop asleep and does not notify the port", cheap=True)
m("inbox_take_loses_node", "src/loop.cpp",
  """    detail::InboxNode* n = inbox_.take_all();""",
  """    detail::InboxNode* n = inbox_.take_all();
    if (n && n->next) n->next = n->next->next;""",
  "the inbox take drops the second-oldest node of a batch")
m("inbox_take_reorders", "src/loop.cpp",
  """    detail::InboxNode* n = inbox_.take_all();""",
  """    detail::InboxNode* n = inbox_.take_lifo();""",
  "the inbox is drained newest first: wakes from one interrupt run in reverse order")
m("drain_clears_mark_after_acting", "src/loop.cpp",
  """        detail::store_sc(n->queued, 0);  // a set from now on queues it again
        act_on(n);""",
  """        act_on(n);
        detail::store_sc(n->queued, 0);""",
  "the drain clears a node's queued mark after acting on it: a signal meanwhile is merged into "
  "the one being acted on, and lost")
m("lone_wake_ignores_second_node", "src/loop.cpp",
  """    if (n->next || n->drain) {""",
  """    if (n->drain) {""",
  "the lone-wake shortcut is taken with two TaskWakes in the inbox: the second is lost")
m("local_push_no_wake", "include/irqio/core/loop.hpp",
  """        if (asleep) wake_sleeper();""",
  """        (void)asleep;""",
  "a raw handler's local-lane push finds the loop about to sleep and does not end the wait")
m("post_wake_no_notify", "include/irqio/core/loop.hpp",
  """        inbox_.push(w);  // claimed by the caller: no other context can be posting it
        wake_sleeper();""",
  """        inbox_.push(w);  // claimed by the caller: no other context can be posting it""",
  "post_wake (a flag's claimed waiter) queues the wake without waking a sleeping loop")
m("local_lane_no_guard", "include/irqio/core/local_lane.hpp",
  """        if (busy_.load(std::memory_order_relaxed)) return false;""",
  """        (void)busy_;""",
  "a handler that interrupts a local-lane push or take pushes into the lane anyway (no guard)")

# --- Event (src/event.cpp, sync/event.hpp) ------------------------------------------------------
m("event_claim_no_recheck", "src/event.cpp",
  """            return detail::load_sc(gen_) == gen0;""",
  """            return true;""",
  "the first waiter of a loop claims its part without re-checking the set count: a set that "
  "came before the claim rang no loop", cheap=True)
m("event_drain_by_level", "src/event.cpp",
  """        if (static_cast<int32_t>(n->gen - now) >= 0) break;  // began after the last set""",
  """        if (detail::load_sc(owner->level_) == 0) break;""",
  "the drain wakes by the level, not by the set count: a clear() before the drain loses the wake")
m("event_clear_resets_count", "include/irqio/sync/event.hpp",
  """    void clear() noexcept { level_.store(0, std::memory_order_relaxed); }""",
  """    void clear() noexcept {
        level_.store(0, std::memory_order_relaxed);
        gen_.store(0, std::memory_order_relaxed);
    }""",
  "Event::clear also resets the set count: a set still undrained is forgotten")
m("event_drain_skips_last", "src/event.cpp",
  """        waiters.pop_front();
        detail::wake(n);""",
  """        if (!n->next) break;
        waiters.pop_front();
        detail::wake(n);""",
  "a part's drain leaves the last waiter of its list")
m("event_ready_level_first", "include/irqio/sync/event.hpp",
  """            gen0_ = detail::load_sc(ev_->gen_);
            return detail::load_sc(ev_->level_) != 0;""",
  """            const bool set = detail::load_sc(ev_->level_) != 0;
            gen0_ = detail::load_sc(ev_->gen_);
            return set;""",
  "await_ready reads the level before the count: a set in between is neither seen nor owed")

# --- Semaphore (src/semaphore.cpp) --------------------------------------------------------------
m("sem_release_no_ring", "src/semaphore.cpp",
  """    ring();  // the loop hands permits to waiters in its task context (grant)""",
  """    // (no ring)""",
  "release() adds the permit but never rings the loop", cheap=True)
m("sem_no_recheck", "src/semaphore.cpp",
  """    if (sem_->waiters_.empty() && sem_->take()) return false;  // a release() raced the publish""",
  """    // (no re-check)""",
  "acquire binds the loop and waits without looking at the count again")
m("sem_cancelled_keeps_permit", "src/semaphore.cpp",
  """        detail::atomic_fetch_add(sem_->count_, int32_t{1});
        sem_->grant();""",
  """        // (the permit is kept)""",
  "a waiter handed a permit and cancelled before it ran keeps the permit")

# --- Queues -------------------------------------------------------------------------------------
m("tsq_full_off_by_one", "include/irqio/isr/thread_safe_queue.hpp",
  """    bool full() const noexcept { return ring_.size() >= N; }""",
  """    bool full() const noexcept { return ring_.size() > N; }""",
  "ThreadSafeQueue::full() one past the capacity")
m("tsq_put_no_signal", "include/irqio/isr/thread_safe_queue.hpp",
  """        trace::queue_depth(this);
        if (detail::load_sc(want_) & kWantData) signal();
        return true;""",
  """        trace::queue_depth(this);
        return true;""",
  "try_put never rings the loop for a waiting getter")
m("tsq_getter_no_recheck", "include/irqio/isr/thread_safe_queue.hpp",
  """            if (q_->getters_.empty() && q_->take_now(slot_)) return false;  // raced a put""",
  """            // (no re-check)""",
  "a getter publishes what it wants and waits without looking at the ring again")
m("tsq_cancelled_getter_keeps_item", "include/irqio/isr/thread_safe_queue.hpp",
  """                q_->give_back(std::move(slot_));""",
  """                (void)0;""",
  "a getter handed an item and cancelled before it ran drops the item")
m("queue_try_put_off_by_one", "include/irqio/sync/queue.hpp",
  """        if (count_ + put_reserved_ >= capacity() || !putters_.empty()) return Error::full;""",
  """        if (count_ + put_reserved_ > capacity() || !putters_.empty()) return Error::full;""",
  "Queue::try_put accepts one item past the capacity")
m("queue_putter_off_by_one", "include/irqio/sync/queue.hpp",
  """        while (count_ + put_reserved_ < capacity() && detail::wake_one(putters_)) ++put_reserved_;""",
  """        while (count_ + put_reserved_ <= capacity() && detail::wake_one(putters_)) ++put_reserved_;""",
  "Queue wakes a putter while the queue is full")
m("queue_cancelled_getter_keeps_reservation", "include/irqio/sync/queue.hpp",
  """                --q_->get_reserved_;  // reserved item stays first in line for the next getter
                q_->offer_to_getters();""",
  """                --q_->get_reserved_;  // reserved item stays first in line for the next getter""",
  "a Queue getter handed an item and cancelled before it ran does not pass it on")
m("lock_cancelled_keeps_lock", "include/irqio/sync/lock.hpp",
  """                lock_->release();  // handed, unused""",
  """                (void)0;  // handed, unused""",
  "a task handed the Lock and cancelled before it ran keeps it locked")

# --- wait_for (sync/wait_for.hpp) ---------------------------------------------------------------
m("wait_for_timer_after_win", "include/irqio/sync/wait_for.hpp",
  """        step_hook(StepPoint::timeout_expire);
        if (self->timer_.owner->has(kQueued)) return;""",
  """        step_hook(StepPoint::timeout_expire);""",
  "wait_for's timer fires after the inner wait already won: the wake (and what it carried) is "
  "replaced by timed_out")

# --- Orderings the multi-core build needs (ThreadSanitizer) -------------------------------------
m("ring_publish_relaxed", "include/irqio/core/mpmc_ring.hpp",
  """        new (c->data) T(std::forward<U>(v));
        detail::store_release(c->seq, pos * kStep + 1);""",
  """        new (c->data) T(std::forward<U>(v));
        c->seq.store(pos * kStep + 1, std::memory_order_relaxed);""",
  "MpmcRing publishes a cell with a relaxed store: another core may read the item before it is "
  "written", suite="tsan")
m("flag_claim_relaxed", "src/thread_safe_flag.cpp",
  """    if (detail::atomic_cas(f_->word_, seen, reinterpret_cast<uintptr_t>(this))) return true;""",
  """    if (f_->word_.compare_exchange_strong(seen, reinterpret_cast<uintptr_t>(this),
                                          std::memory_order_relaxed, std::memory_order_relaxed))
        return true;""",
  "the flag's claim is relaxed: a set() on another core reads the waiter's loop and task before "
  "they are visible", suite="tsan")
m("inbox_link_relaxed", "include/irqio/core/inbox.hpp",
  """        } while (!atomic_cas(head_, old, n));""",
  """        } while (!head_.compare_exchange_strong(old, n, std::memory_order_relaxed,
                                                std::memory_order_relaxed));""",
  "the inbox push links with a relaxed CAS: the loop may read a node before its fields are "
  "visible", suite="tsan")

# --- Interrupt levels and spawn across loops (suite "levels": test_levels on the virtual board) --
m("level_wake_not_pended", "src/loop.cpp",
  """        // A level never sleeps, so there is no handshake: its interrupt is pended and runs the
        // level before a lower context goes on, or once the level returns.
        port_.notify();""",
  """        // A level never sleeps, so there is no handshake: its interrupt is pended and runs the
        // level before a lower context goes on, or once the level returns.
        (void)0;""",
  "a wake posted to a level's inbox never pends its interrupt: the level's task waits for ever",
  suite="levels")
m("remote_cancel_not_sent", "src/remote_task.cpp",
  """    ring(r, r->home, &r->home_node);
}""",
  """}""",
  "cancel() of a spawned task marks it but never tells its loop: wait_for cannot stop it",
  suite="levels", cheap=False)
m("remote_done_not_sent", "src/remote_task.cpp",
  """    ring(r, r->caller, &r->caller_node);""",
  """    (void)0;""",
  "a spawned task's completion never reaches the caller's loop: co_await on its handle hangs",
  suite="levels")
m("affinity_unchecked", "include/irqio/core/loop_affinity.hpp",
  """        IRQIO_ASSERT(owner_ == l || l == nullptr,""",
  """        IRQIO_ASSERT(true || owner_ == l || l == nullptr,""",
  "a Lock or Queue used from a second loop is not caught", suite="levels")
