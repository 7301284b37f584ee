#!/usr/bin/env python3
"""CPython asyncio peer: the same workloads as peer_floor / peer_asio / peer_uv.

Mechanisms:
  yield            await asyncio.sleep(0)
  event            asyncio.Event (set / wait / clear)
  wake from thread loop.call_soon_threadsafe(event.set) from a threading.Thread
  wake from signal loop.add_signal_handler: CPython's C-level handler only writes the
                   loop's wakeup fd (signal.set_wakeup_fd); the Python callback runs later
                   in the loop. User Python code never runs inside the real handler.
  timers           one task per sleeper, await asyncio.sleep(d)

Output: one JSON object per line, same schema as the C++ peers.
"""
import argparse
import asyncio
import json
import os
import random
import resource
import signal
import sys
import threading
import time

PEER = "asyncio"
ALL = ("wake_thread_idle,wake_thread_busy,wake_signal,switch_2,switch_1000,event_pingpong,"
       "timers_100k,timers_1m,idle_wakeups")
now_ns = time.monotonic_ns  # CLOCK_MONOTONIC on Linux
WARMUP = 20  # first wake sets warm up caches and thread placement; not recorded


def summarize(v):
    v = sorted(v)
    n = len(v)
    if n == 0:
        return 0.0, 0.0, 0
    med = v[n // 2] if n % 2 else 0.5 * (v[n // 2 - 1] + v[n // 2])
    r = max(1, min(n, -(-99 * n // 100)))  # nearest rank, ceil(0.99 n)
    return float(med), float(v[r - 1]), n


def emit(workload, unit, values, **extra):
    med, p99, n = summarize(values)
    obj = {"peer": PEER, "workload": workload, "unit": unit,
           "median": round(med, 6), "p99": round(p99, 6), "samples": n}
    obj.update(extra)
    print(json.dumps(obj, separators=(",", ":")), flush=True)


def vm_hwm_bytes():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return -1


def ctx_switches(who):
    ru = resource.getrusage(who)
    return ru.ru_nvcsw + ru.ru_nivcsw


INITIAL_CPUS = sorted(os.sched_getaffinity(0))  # before anything is pinned


def place_threads(helper_tid):
    """Loop (this thread) on the first allowed CPU, helper thread on the second."""
    cpus = INITIAL_CPUS
    if len(cpus) < 2:
        return
    os.sched_setaffinity(helper_tid, {cpus[1]})
    os.sched_setaffinity(threading.get_native_id(), {cpus[0]})


class WakeDriver:
    """Setter thread: random gap, stamp t_set, fire(), wait for the loop's acknowledgement.

    The acknowledgement is a threading.Semaphore, so the setter does not hold the GIL while
    it waits. Note: t_set is stamped by Python code, i.e. after the setter has the GIL.
    """

    def __init__(self, opts):
        self.opts = opts
        self.t_set = 0
        self.lat = []
        self.ack = threading.Semaphore(0)
        self.ready = threading.Event()
        self.tid = None
        self.count = 0
        self.total = opts.samples + WARMUP

    def on_wake(self):
        t = now_ns()
        self.count += 1
        if self.count > WARMUP:
            self.lat.append(t - self.t_set)
        self.ack.release()

    def start(self, fire):
        o = self.opts
        rng = random.Random(12345)

        def run():
            self.tid = threading.get_native_id()
            self.ready.set()
            for _ in range(self.total):
                time.sleep(rng.randint(o.gap_min_us, o.gap_max_us) / 1e6)
                self.t_set = now_ns()
                fire()
                self.ack.acquire()

        t = threading.Thread(target=run, daemon=True)
        t.start()
        self.ready.wait()
        place_threads(self.tid)
        return t


# ------------------------------------------------------------------ wake workloads

async def wake_thread(o, name, busy):
    loop = asyncio.get_running_loop()
    ev = asyncio.Event()
    drv = WakeDriver(o)
    stop = False

    async def spinner():
        while not stop:
            await asyncio.sleep(0)

    spin = asyncio.create_task(spinner()) if busy else None
    csw0 = ctx_switches(resource.RUSAGE_THREAD)
    th = drv.start(lambda: loop.call_soon_threadsafe(ev.set))
    for _ in range(drv.total):
        await ev.wait()
        ev.clear()
        drv.on_wake()
    csw = ctx_switches(resource.RUSAGE_THREAD) - csw0
    stop = True
    if spin:
        await spin
    th.join()
    emit(name, "ns", drv.lat, loop_csw_per_set=round(csw / drv.total, 3),
         mechanism="loop.call_soon_threadsafe(event.set) from threading.Thread")


async def wake_signal(o):
    loop = asyncio.get_running_loop()
    ev = asyncio.Event()
    drv = WakeDriver(o)
    loop.add_signal_handler(signal.SIGUSR1, ev.set)
    main_ident = threading.main_thread().ident
    csw0 = ctx_switches(resource.RUSAGE_THREAD)
    th = drv.start(lambda: signal.pthread_kill(main_ident, signal.SIGUSR1))
    for _ in range(drv.total):
        await ev.wait()
        ev.clear()
        drv.on_wake()
    csw = ctx_switches(resource.RUSAGE_THREAD) - csw0
    th.join()
    loop.remove_signal_handler(signal.SIGUSR1)
    emit("wake_signal", "ns", drv.lat, loop_csw_per_set=round(csw / drv.total, 3),
         mechanism="pthread_kill SIGUSR1 -> wakeup fd -> add_signal_handler callback "
                   "sets asyncio.Event")


# ------------------------------------------------------------------ switch workloads

class Counter:
    def __init__(self, target, batch):
        self.n = 0
        self.target = target
        self.batch = batch
        self.stamps = []

    def tick(self):
        self.n += 1
        if self.n % self.batch == 0:
            self.stamps.append(now_ns())

    def samples(self):
        s = self.stamps
        return [(s[i] - s[i - 1]) / self.batch for i in range(1, len(s))]


async def switch(o, name, ntasks, switches):
    c = Counter(switches, o.batch)

    async def yielder():
        while c.n < c.target:
            c.tick()
            await asyncio.sleep(0)

    await asyncio.gather(*(yielder() for _ in range(ntasks)))
    emit(name, "ns", c.samples(), mechanism="await asyncio.sleep(0)")


async def pingpong(o):
    c = Counter(o.switches, o.batch)
    a, b = asyncio.Event(), asyncio.Event()

    async def ping():
        while c.n < c.target:
            b.set()
            await a.wait()
            a.clear()
            c.tick()
        b.set()

    async def pong():
        while c.n < c.target:
            await b.wait()
            b.clear()
            c.tick()
            a.set()

    await asyncio.gather(pong(), ping())
    emit("event_pingpong", "ns", c.samples(), mechanism="asyncio.Event set/wait/clear")


# ------------------------------------------------------------------ timers

def timers(o, name, n):
    walls, rates, creates = [], [], []
    mem = 0.0
    rng = random.Random(777)
    for rep in range(o.repeats):
        hwm0 = vm_hwm_bytes()
        expired = 0
        all_done = None

        async def sleeper(d):
            nonlocal expired
            await asyncio.sleep(d)
            expired += 1
            if expired == n:
                all_done.set_result(None)

        async def main():
            nonlocal all_done
            loop = asyncio.get_running_loop()
            all_done = loop.create_future()
            t0 = now_ns()
            hi = o.timer_max_ms / 1000.0
            tasks = [loop.create_task(sleeper(rng.random() * hi)) for _ in range(n)]
            t1 = now_ns()
            await all_done
            t2 = now_ns()
            del tasks
            return t0, t1, t2

        t0, t1, t2 = asyncio.run(main())
        if expired != n:
            print(f"asyncio: expired {expired} of {n}", file=sys.stderr)
        if rep == 0:
            mem = (vm_hwm_bytes() - hwm0) / n
        walls.append((t2 - t0) / 1e6)
        rates.append(n / ((t2 - t0) / 1e9))
        creates.append((t1 - t0) / n)
    emit(name, "ms", walls)
    emit(name + "_rate", "expiries_per_s", rates)
    emit(name + "_create", "ns_per_task", creates,
         note="create_task only; the sleep's TimerHandle is made when the task first runs")
    emit(name + "_mem", "bytes_per_task", [mem], note="VmHWM growth / N, first repeat")


async def idle(o):
    loop = asyncio.get_running_loop()
    far = asyncio.create_task(asyncio.sleep(3600))
    await asyncio.sleep(0)  # let the far sleeper arm its timer
    done = loop.create_future()
    t0 = now_ns()
    c0 = ctx_switches(resource.RUSAGE_SELF)
    loop.call_later(o.idle_seconds, done.set_result, None)
    await done
    c = ctx_switches(resource.RUSAGE_SELF) - c0
    secs = (now_ns() - t0) / 1e9
    far.cancel()
    emit("idle_wakeups", "wakeups_per_s", [c / secs], context_switches=c,
         seconds=round(secs, 3))


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--workload", "--workloads", default="all", help="comma list or all: " + ALL)
    p.add_argument("--samples", type=int, default=2000)
    p.add_argument("--gap-min-us", type=int, default=50)
    p.add_argument("--gap-max-us", type=int, default=200)
    p.add_argument("--switches", type=int, default=200000)
    p.add_argument("--switches-1000", type=int, default=200000)
    p.add_argument("--batch", type=int, default=1000)
    p.add_argument("--timer-max-ms", type=int, default=100)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--idle-seconds", type=float, default=2.0)
    o = p.parse_args()
    wl = ALL if o.workload == "all" else o.workload
    for w in filter(None, wl.split(",")):
        if w == "wake_thread_idle":
            asyncio.run(wake_thread(o, w, False))
        elif w == "wake_thread_busy":
            asyncio.run(wake_thread(o, w, True))
        elif w == "wake_signal":
            asyncio.run(wake_signal(o))
        elif w == "switch_2":
            asyncio.run(switch(o, w, 2, o.switches))
        elif w == "switch_1000":
            asyncio.run(switch(o, w, 1000, o.switches_1000))
        elif w == "event_pingpong":
            asyncio.run(pingpong(o))
        elif w == "timers_100k":
            timers(o, w, 100000)
        elif w == "timers_1m":
            timers(o, w, 1000000)
        elif w == "idle_wakeups":
            asyncio.run(idle(o))
        else:
            print(f"asyncio: unknown workload {w}", file=sys.stderr)


if __name__ == "__main__":
    main()
