/*
 * wake.pml: the irqio wake protocol, as the code implements it, for spin.
 * Mirrors commit 8011c5c (src/loop.cpp, core/loop.hpp, core/local_lane.hpp, core/inbox.hpp,
 * src/thread_safe_flag.cpp, isr/thread_safe_flag.hpp, src/event.cpp, sync/event.hpp). Each
 * mirrored C++ function names the process (and part) of this model in a comment.
 *
 * Processes:
 *   loop_thread   the loop's thread: Loop::run_once (drain_local, drain_inbox, drain_nodes,
 *                 act_on), Loop::idle (hosted: publish sleeping_, re-check, Port::wait_until with
 *                 a sticky notify; bare metal: masked re-check then wfi), Loop::take_lone_wake, and
 *                 the task it steps: ThreadSafeFlag::Awaiter (await_ready / await_suspend's claim
 *                 / await_resume) and Event::Awaiter (await_ready, await_suspend's claim and
 *                 re-check, the link), R rounds of each.
 *   flag_set      ThreadSafeFlag::set then Loop::post_wake (IsrInbox::push, wake_sleeper): from
 *                 another thread/core (hosted: every atomic step interleaves with the loop), or
 *                 an interrupt (bare metal: runs whole, held off while the loop masks).
 *   event_set     Event::set then Doorbell::ring / Loop::signal: hosted, from a raw signal handler
 *                 on the loop's thread (it interrupts the loop between two of its steps and runs
 *                 whole: LocalLane::push with its busy_ guard, after_local_push) or, with
 *                 -DEVENT_THREAD, from another thread (IsrInbox::post, step by step); bare metal,
 *                 an interrupt (IsrInbox::post).
 * Each setter sets once per round, any time after the task began that round's wait (so every
 * set is owed a wake), the Event's once more at any time after its last wait began (it may meet
 * the flag's waits), and nothing else ends a sleep: no timers, the clock never ends one.
 *
 * Properties:
 *   no lost wake        the loop blocks in its wait only until a set's wake reaches it: a lost
 *                       wake leaves it blocked for ever with the task waiting, an invalid end
 *                       state (checked with `pan -A`, assertions off);
 *   no double resume    a wake is acted on only for a task that waits for it (assertions);
 *   never sleeps on a pending wake   the hosted wait is entered with the inbox and local lane
 *                       empty, unless a notify() is pending or a poster that will notify is
 *                       between its push and its wake_sleeper (assertion); bare metal, the
 *                       masked check and the wfi are one step (assertion in the wfi).
 *
 * Variants (spin -D...): BARE (bare metal), EVENT_THREAD (hosted, the Event set from another
 * thread), FLAG_RAW (hosted, the flag set from a raw handler too: its TaskWake goes through the
 * local lane, so two nodes share it and the lane's busy_ guard matters); the two headline mutants MUTANT_FLAG_CHECK_THEN_STORE (the flag wait reads the word,
 * then stores its awaiter with a plain store) and MUTANT_IDLE_NO_RECHECK (idle publishes
 * sleeping_ and waits without looking at the inbox again), and MUTANT_LANE_NO_GUARD (with
 * FLAG_RAW: a raw handler pushes into the local lane while the loop is taking it):
 * tools/model/check.sh expects spin to find an error in each.
 */

#ifndef R
#define R 2
#endif


#ifdef MUTANT_LANE_NO_GUARD
#define LANE_FREE true /* the handler ignores the lane's busy_ guard */
#else
#define LANE_FREE (!lbusy)
#endif

#define CLEAR 0
#define SET 1
#define AWAITER 2 /* the flag's word names the waiting Awaiter */

#define N_WAKE 1 /* the flag Awaiter's TaskWake */
#define N_PART 2 /* the Event part's Doorbell node */

#define T_RUN 0
#define T_FLAG 1 /* waiting on the flag */
#define T_EVENT 2 /* waiting on the Event */
#define T_DONE 3

/* IsrInbox: queued marks and a LIFO stack of node ids (push and take are single atomic steps: a
   CAS / an exchange of the head) */
bool queued[3];
byte inbox[2];
byte ih;
/* LocalLane */
bool lqueued[3];
byte lane[2];
byte lh;
bool lbusy;
/* Loop */
bool sleeping; /* sleeping_ */
bool notified; /* the port's sticky notify (eventfd) */
byte in_post; /* ghost: posters between their push and their wake_sleeper */
bool masked; /* bare metal: PRIMASK */
bool pend_f, pend_e; /* bare metal: an interrupt raised, its handler not run yet */
bool ready; /* the task is in the run queue */
/* ThreadSafeFlag */
byte word;
bool wake_task; /* TaskWake::task is non-null */
/* Event */
bit level;
byte gen;
bool bound; /* the part's LoopBinding */
bool linked; /* the waiter is in the part's list */
byte wgen; /* its WaitNode::gen */
/* the task: R waits on the Event, then R on the flag */
byte tstate;
byte fround, eround; /* rounds begun */
byte resumes; /* ghost */

/* Loop::wake_sleeper (hosted): load sleeping_, then exchange it, notify if this call cleared it */
inline wake_sleeper() {
#ifndef BARE
    if
    :: sleeping ->
        atomic {
            w = sleeping;
            sleeping = false
        };
        if
        :: w -> notified = true
        :: else
        fi
    :: else
    fi
#endif
}

/* Loop::take_wake / Event::Part::deliver, in act_on */
inline act_on(n) {
    if
    :: n == N_WAKE ->
        assert(wake_task && tstate == T_FLAG); /* no double resume */
        wake_task = false;
        tstate = T_RUN;
        ready = true
    :: n == N_PART ->
        now = gen; /* Event::Part::deliver: wakes waiters that began before a set */
        if
        :: linked && wgen != now ->
            assert(tstate == T_EVENT); /* no double resume */
            linked = false;
            tstate = T_RUN;
            ready = true
        :: else
        fi
    fi
}

/* Loop::drain_local then Loop::drain_inbox / drain_nodes (oldest first) */
inline drain_all() {
    if
    :: lh > 0 ->
        lbusy = true; /* LocalLane::take_lifo: enter */
        nb = lh;
        b0 = lane[0];
        b1 = lane[1];
        lh = 0;
        lbusy = false;
        i = 0;
        do
        :: i < nb ->
            if
            :: i == 0 -> n = b0
            :: else -> n = b1
            fi;
            lqueued[n] = false; /* LocalLane::unqueue */
            act_on(n);
            i++
        :: else -> break
        od
    :: else
    fi;
    if
    :: ih > 0 ->
        atomic {
            nb = ih;
            b0 = inbox[0];
            b1 = inbox[1];
            ih = 0
        };
        i = 0;
        do
        :: i < nb ->
            if
            :: i == 0 -> n = b0
            :: else -> n = b1
            fi;
            queued[n] = false; /* store_sc(n->queued, 0), before act_on */
            act_on(n);
            i++
        :: else -> break
        od
    :: else
    fi
}

proctype loop_thread() {
    byte n, nb, i, b0, b1, now, seen, gen0;
    bool w;
    ready = true; /* spawn */
pass: /* Loop::run_once */
    drain_all();
    if
    :: ready -> goto step
    :: tstate == T_DONE -> goto finished
    :: else
    fi;
    /* Loop::idle */
#ifdef BARE
    atomic {
        masked = true; /* port::irq_save, then the check, then wfi, still masked */
        if
        :: ih == 0 && lh == 0 && !ready -> w = true
        :: else -> w = false
        fi
    };
    if
    :: w ->
        assert(ih == 0 && lh == 0); /* never sleeps on a pending wake */
        (pend_f || pend_e) /* wfi: returns once an interrupt is pending */
    :: else
    fi;
    masked = false; /* port::irq_restore: the handler runs */
#else
    sleeping = true; /* store_sc(sleeping_, true) */
#ifdef MUTANT_IDLE_NO_RECHECK
    w = true;
#else
    if
    :: ih == 0 && lh == 0 && !ready -> w = true
    :: else -> w = false
    fi;
#endif
    if
    :: w ->
        /* never sleeps on a pending wake: nothing queued, or a notify is owed */
        assert((ih == 0 && lh == 0) || notified || in_post);
        notified; /* Port::wait_until: returns once notified (sticky), consumes it */
        notified = false
    :: else
    fi;
    sleeping = false;
#endif
    /* Loop::take_lone_wake */
    if
    :: lh > 0 -> drain_all()
    :: else ->
        atomic {
            nb = ih;
            b0 = inbox[0];
            b1 = inbox[1];
            ih = 0
        };
        if
        :: nb == 1 && b0 == N_WAKE ->
            queued[N_WAKE] = false;
            act_on(N_WAKE);
            ready = false;
            goto step_now /* stepped at once, not queued */
        :: nb > 0 ->
            i = 0;
            do
            :: i < nb ->
                if
                :: i == 0 -> n = b0
                :: else -> n = b1
                fi;
                queued[n] = false;
                act_on(n);
                i++
            :: else -> break
            od
        :: else
        fi
    fi;
    goto pass;

step: /* Loop::step: the task runs until it suspends */
    ready = false;
step_now:
    resumes++;
    if
    :: tstate == T_DONE -> goto finished
    :: eround == 0 -> goto event_round
    :: eround > 0 && fround == 0 -> goto event_resume
    :: else -> goto flag_resume
    fi;

    /* ---- the task: R waits on the Event, then R waits on the flag (the Event stays bound,
       and its setter may set once more, so its node and the flag's share the local lane) ---- */
event_round:
    eround++;
    /* Event::Awaiter::await_ready: the count, then the level */
    gen0 = gen;
    if
    :: level -> level = false; goto event_next /* set: go on (and clear it, as the waiter does) */
    :: else
    fi;
    /* Event::Awaiter::await_suspend: claim the part (seq_cst), re-check the count */
    if
    :: !bound ->
        bound = true;
        if
        :: gen != gen0 -> level = false; goto event_next /* set meanwhile: go on */
        :: else
        fi
    :: else
    fi;
    wgen = gen0;
    linked = true;
    tstate = T_EVENT;
    goto pass;
event_resume:
    level = false; /* the task clears the Event after each wake */
event_next:
    if
    :: eround < R -> goto event_round
    :: else
    fi;
flag_round:
    fround++; /* the wait begins: its set may come from here on */
    /* ThreadSafeFlag::Awaiter::await_ready: consume() */
    if
    :: word == SET -> word = CLEAR; goto flag_next
    :: else
    fi;
    /* ThreadSafeFlag::Awaiter::await_suspend */
    wake_task = true; /* wake_.task = t; f_->loop_ = l */
#ifdef MUTANT_FLAG_CHECK_THEN_STORE
    seen = word;
    if
    :: seen == CLEAR -> word = AWAITER; tstate = T_FLAG; goto pass
    :: else
    fi;
#else
    atomic {
        seen = word;
        if
        :: seen == CLEAR -> word = AWAITER /* the CAS claim */
        :: else
        fi
    };
    if
    :: seen == CLEAR -> tstate = T_FLAG; goto pass /* suspended */
    :: else
    fi;
#endif
    assert(seen == SET);
    word = CLEAR; /* a set() came first: consume it, go on */
    wake_task = false;
    goto flag_next;
flag_resume: /* ThreadSafeFlag::Awaiter::await_resume: consume() */
    if
    :: word == SET -> word = CLEAR
    :: else
    fi;
flag_next:
    if
    :: fround < R -> goto flag_round
    :: else
    fi;
    tstate = T_DONE;
    goto pass;

finished:
    assert(fround == R && eround == R)
}

/* ThreadSafeFlag::set, then Loop::post_wake (IsrInbox::push, Loop::wake_sleeper) */
proctype flag_set() {
    byte r = 1, old;
    bool w;
    do
    :: r > R -> break
    :: r <= R && fround >= r ->
#ifdef BARE
        pend_f = true;
        atomic {
            !masked;
            old = word;
            word = SET;
            if
            :: old == AWAITER ->
                queued[N_WAKE] = true;
                inbox[ih] = N_WAKE;
                ih++
            :: else
            fi;
            pend_f = false
        };
#elif defined(FLAG_RAW)
        atomic { /* a raw handler on the loop's thread: runs whole between two loop steps */
            old = word;
            word = SET;
            if
            :: old == AWAITER ->
                if
                :: LANE_FREE -> /* Loop::post_wake: LocalLane::push, after_local_push */
                    if
                    :: !lqueued[N_WAKE] ->
                        lqueued[N_WAKE] = true;
                        lane[lh] = N_WAKE;
                        lh++
                    :: else
                    fi;
                    wake_sleeper()
                :: !LANE_FREE -> /* inside the loop's lane take: IsrInbox::push */
                    queued[N_WAKE] = true;
                    inbox[ih] = N_WAKE;
                    ih++;
                    wake_sleeper()
                fi
            :: else
            fi
        };
#else
        atomic {
            old = word;
            word = SET /* the exchange */
        };
        if
        :: old == AWAITER ->
            in_post++;
            queued[N_WAKE] = true; /* IsrInbox::push: store_sc(queued, 1) */
            atomic {
                inbox[ih] = N_WAKE; /* link: the CAS on the head */
                ih++
            };
            wake_sleeper();
            in_post--
        :: else
        fi;
#endif
        r++
    od
}

/* Event::set, then Doorbell::ring -> Loop::signal */
proctype event_set() {
    byte r = 1;
    bool w;
    do
    :: r > R + 1 -> break /* R owed sets, then one more (no waiter owed it) */
    :: r <= R + 1 && eround >= r || r == R + 1 && eround >= R ->
#ifdef BARE
        pend_e = true;
        atomic {
            !masked;
            level = true;
            gen++;
            if
            :: bound && !queued[N_PART] -> /* IsrInbox::post */
                queued[N_PART] = true;
                inbox[ih] = N_PART;
                ih++
            :: else
            fi;
            pend_e = false
        };
#else
#ifdef EVENT_THREAD
        level = true; /* store_release(level_, 1) */
        gen++; /* fetch_add(gen_) */
        if
        :: bound ->
            in_post++;
            atomic { /* IsrInbox::post: the exchange of queued */
                w = queued[N_PART];
                queued[N_PART] = true
            };
            if
            :: !w ->
                atomic {
                    inbox[ih] = N_PART;
                    ih++
                };
                wake_sleeper()
            :: else
            fi;
            in_post--
        :: else
        fi;
#else
        atomic { /* a raw handler on the loop's thread: runs whole between two loop steps */
            level = true;
            gen++;
            if
            :: bound ->
                if
                :: LANE_FREE -> /* LocalLane::push (its busy_ guard) */
                    if
                    :: !lqueued[N_PART] ->
                        lqueued[N_PART] = true;
                        lane[lh] = N_PART;
                        lh++
                    :: else
                    fi;
                    wake_sleeper() /* after_local_push */
                :: !LANE_FREE -> /* inside the loop's take: the inbox instead (IsrInbox::post) */
                    if
                    :: !queued[N_PART] ->
                        queued[N_PART] = true;
                        inbox[ih] = N_PART;
                        ih++;
                        wake_sleeper()
                    :: else
                    fi
                fi
            :: else
            fi
        };
#endif
#endif
        r++
    od
}

init {
    atomic {
        tstate = T_RUN;
        run loop_thread();
        run flag_set();
        run event_set()
    }
}
