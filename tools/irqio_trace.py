#!/usr/bin/env python3
"""Turns an irqio recording (core/trace.hpp; linux_port::write_trace, or the semihosting dump of
a Cortex-M run) into a trace that Perfetto's UI opens, a text summary and a PNG timeline.

  tools/irqio_trace.py REC [--json OUT.json] [--summary [OUT.txt]] [--png OUT.png]
                           [--window START_MS:END_MS] [--check]

--json     Chrome JSON trace events: one track per task (its runs), per interrupt (its time
           inside), wake arrows (flows) from the waker (a task, an interrupt, a thread, a timer) to
           the woken task's next run, counters for queue depths and inbox batches.
--summary  per task: wake-to-run latency (median, p99, max), run time, steps; per interrupt:
           count and time inside (to stdout, or to the file given).
--png      a timeline of the window (default: the last 5 ms) without a browser.
--check    validate the JSON written against the trace-event format (what the tests run).
Standard library only (zlib for the PNG).
"""
import argparse
import json
import struct
import sys
import zlib

KINDS = ["task_created", "task_run", "task_suspended", "task_woken", "task_finished",
         "task_cancelled", "signal", "drain", "irq_enter", "irq_leave", "timer_fired",
         "queue_depth", "queue_drop", "schedule_overflow", "user"]
CTX = ["task", "handler", "other_loop", "thread"]


class Ev:
    __slots__ = ("seq", "ts", "kind", "ctx", "level", "a", "b", "loop", "thread")

    def __init__(self, f):
        (self.seq, self.ts, k, c, self.level, self.a, self.b, self.loop, self.thread) = f
        self.kind = KINDS[k] if k < len(KINDS) else "kind%d" % k
        self.ctx = CTX[c] if c < len(CTX) else "ctx%d" % c


def parse(path):
    """The recording's header, names and events (in recording order)."""
    names, evs, info = {}, [], {}
    with open(path, "r", errors="replace") as f:
        lines = f.read().splitlines()
    # Semihosting output may carry the program's other lines: start at the header.
    try:
        start = next(i for i, l in enumerate(lines) if l.startswith("irqio-trace "))
    except StopIteration:
        raise SystemExit("%s: no 'irqio-trace' header" % path)
    if lines[start].split()[1] != "1":
        raise SystemExit("%s: unknown recording version" % path)
    complete = False
    for l in lines[start + 1:]:
        if l.startswith("ev "):
            evs.append(Ev([int(x, 16) for x in l.split()[1:10]]))
        elif l.startswith("name "):
            _, ident, name = l.split(" ", 2)
            names[int(ident, 16)] = name
        elif l.startswith("info "):
            w, lost, cap, mode = (int(x, 16) for x in l.split()[1:5])
            info = {"written": w, "lost": lost, "capacity": cap,
                    "mode": "drop_new" if mode else "overwrite_oldest"}
        elif l == "end":
            complete = True
            break
    if not complete:
        raise SystemExit("%s: the recording has no 'end' line (cut off?)" % path)
    return info, names, evs


class Model:
    """What the events say, rebuilt: run slices, interrupt slices, wakes with their sources."""

    def __init__(self, info, names, evs):
        self.info, self.names, self.evs = info, names, evs
        self.t0 = evs[0].ts if evs else 0
        self.runs = {}        # task -> [(start, end)]
        self.irqs = {}        # irq id -> [(start, end, thread)]
        self.wakes = []       # (woken ts, task, source track key, source ts, run start or None)
        self.latency = {}     # task -> [ns from wake to run]
        self.steps = {}
        self.counters = []    # (ts, name, value)
        self.instants = []    # (ts, track key, name)
        self.thread_marks = []  # (ts, thread) for signals from threads without a loop
        self.timer_marks = []   # (ts, loop)
        self.task_loop = {}
        self.irq_count = {}
        self._build()

    def name_of(self, key):
        kind, ident = key
        if kind == "task":
            return self.names.get(ident, "task %x" % ident)
        if kind == "irq":
            return self.names.get(ident, "irq 0x%x" % ident)
        if kind == "thread":
            return "thread %d" % ident
        if kind == "handler":
            return "handler (thread %d)" % ident
        if kind == "timers":
            return "timers (loop %d)" % ident
        return str(key)

    def _build(self):
        running = {}        # loop -> (task, start)
        irq_stack = {}      # thread -> [(id, start)]
        last_signal = {}    # node -> (ts, source key)
        cause = {}          # loop -> (source key, ts) of the latest drain / timer / creation
        pending = {}        # task -> (woken ts, source key, source ts)
        batch = {}          # loop -> drains in the current batch
        self.loops = {}
        self.threads = {}
        for e in self.evs:
            loop = self.loops.setdefault(e.loop, len(self.loops)) if e.loop else None
            if e.kind != "drain" and loop in batch and batch[loop]:
                self.counters.append((e.ts, "inbox batch (loop %d)" % loop, batch[loop]))
                self.counters.append((e.ts, "inbox batch (loop %d)" % loop, 0))
                batch[loop] = 0
            if e.kind == "task_run":
                running[loop] = (e.a, e.ts)
                self.task_loop[e.a] = loop
                self.steps[e.a] = self.steps.get(e.a, 0) + 1
                if e.a in pending:
                    wts, src, sts = pending.pop(e.a)
                    self.latency.setdefault(e.a, []).append(e.ts - wts)
                    self.wakes.append((wts, e.a, src, sts, e.ts))
            elif e.kind in ("task_suspended",):
                r = running.pop(loop, None)
                if r and r[0] == e.a:
                    self.runs.setdefault(e.a, []).append((r[1], e.ts))
            elif e.kind == "task_created":
                self.task_loop.setdefault(e.a, loop)
                cause[loop] = (("task", e.b), e.ts) if e.b else (None, e.ts)
            elif e.kind == "irq_enter":
                irq_stack.setdefault(e.thread, []).append((e.a, e.ts))
            elif e.kind == "irq_leave":
                st = irq_stack.get(e.thread, [])
                for i in range(len(st) - 1, -1, -1):
                    if st[i][0] == e.a:
                        self.irqs.setdefault(e.a, []).append((st[i][1], e.ts, e.thread))
                        self.irq_count[e.a] = self.irq_count.get(e.a, 0) + 1
                        del st[i:]
                        break
            elif e.kind == "signal":
                st = irq_stack.get(e.thread)
                if e.ctx == "handler" and st:
                    src = ("irq", st[-1][0])
                elif e.ctx in ("task", "other_loop"):
                    # The task running on the signaller's thread: its loop's running task.
                    src = None
                    for lp, (t, _) in running.items():
                        if self.task_loop.get(t) == lp and e.ctx == "task" and lp == loop:
                            src = ("task", t)
                    if src is None and e.ctx == "other_loop":
                        src = self._running_on_thread(e.thread, running)
                    if src is None:
                        src = ("thread", self.threads.setdefault(e.thread, len(self.threads)))
                elif e.ctx == "handler":  # no IrqScope open: a handler of its own
                    src = ("handler", self.threads.setdefault(e.thread, len(self.threads)))
                else:
                    src = ("thread", self.threads.setdefault(e.thread, len(self.threads)))
                if src[0] in ("thread", "handler"):
                    self.thread_marks.append((e.ts, src))
                last_signal[e.a] = (e.ts, src)
            elif e.kind == "drain":
                batch[loop] = batch.get(loop, 0) + 1
                s = last_signal.pop(e.a, None)
                cause[loop] = (s[1], s[0]) if s else (None, e.ts)
            elif e.kind == "timer_fired":
                cause[loop] = (("timers", loop), e.ts)
                self.timer_marks.append((e.ts, loop))
            elif e.kind == "task_woken":
                if e.b:
                    src, sts = ("task", e.b), e.ts
                else:
                    src, sts = cause.get(loop, (None, e.ts))
                if e.a not in pending:
                    pending[e.a] = (e.ts, src, sts)
            elif e.kind in ("task_finished", "task_cancelled"):
                pending.pop(e.a, None)
                self.instants.append((e.ts, ("task", e.a), e.kind[5:]))
            elif e.kind == "queue_depth":
                self.counters.append((e.ts, "queue " + self.names.get(e.a, "%x" % e.a), e.b))
            elif e.kind == "queue_drop":
                self.instants.append((e.ts, ("queue", e.a), "drop (%d so far)" % e.b))
            elif e.kind == "schedule_overflow":
                self.instants.append((e.ts, ("timers", loop), "schedule() overflow"))
            elif e.kind == "user":
                self.counters.append((e.ts, self.names.get(e.a, "user %x" % e.a), e.b))
        self._last_running = running

    def _running_on_thread(self, thread, running):
        for e in reversed(self.evs):  # rare path (another loop's signal): a backward look
            if e.thread == thread and e.kind == "task_run":
                return ("task", e.a)
        return None

    # ---- outputs ----

    def us(self, ts):
        return (ts - self.t0) / 1000.0

    def chrome(self):
        out = []
        tids = {}

        def track(key):
            if key not in tids:
                kind = key[0]
                pid = {"task": 1, "irq": 2, "handler": 2, "thread": 3, "timers": 4,
                       "queue": 5}.get(kind, 6)
                tid = len(tids) + 1
                tids[key] = (pid, tid)
                out.append({"ph": "M", "pid": pid, "tid": tid, "name": "thread_name",
                            "args": {"name": self.name_of(key) if kind != "queue"
                                     else "queue " + self.names.get(key[1], "%x" % key[1])}})
            return tids[key]

        for pid, pname in ((1, "tasks"), (2, "interrupts"), (3, "threads"), (4, "loop"),
                           (5, "queues")):
            out.append({"ph": "M", "pid": pid, "name": "process_name", "args": {"name": pname}})
        for t, spans in self.runs.items():
            pid, tid = track(("task", t))
            for s, e in spans:
                out.append({"ph": "X", "pid": pid, "tid": tid, "name": "run", "cat": "task",
                            "ts": self.us(s), "dur": max((e - s) / 1000.0, 0.001)})
        for i, spans in self.irqs.items():
            pid, tid = track(("irq", i))
            for s, e, _ in spans:
                out.append({"ph": "X", "pid": pid, "tid": tid, "name": self.name_of(("irq", i)),
                            "cat": "irq", "ts": self.us(s), "dur": max((e - s) / 1000.0, 0.001)})
        for ts, key in self.thread_marks:
            pid, tid = track(key)
            out.append({"ph": "X", "pid": pid, "tid": tid, "name": "signal", "cat": "thread",
                        "ts": self.us(ts), "dur": 0.001})
        for ts, lp in self.timer_marks:
            pid, tid = track(("timers", lp))
            out.append({"ph": "X", "pid": pid, "tid": tid, "name": "timer fired", "cat": "timer",
                        "ts": self.us(ts), "dur": 0.001})
        flow = 0
        for wts, task, src, sts, run in self.wakes:
            if src is None or run is None:
                continue
            if src[0] == "task" and src[1] not in self.runs:
                continue
            flow += 1
            spid, stid = track(src)
            dpid, dtid = track(("task", task))
            out.append({"ph": "s", "id": flow, "pid": spid, "tid": stid, "name": "wake",
                        "cat": "wake", "ts": self.us(sts)})
            out.append({"ph": "f", "bp": "e", "id": flow, "pid": dpid, "tid": dtid,
                        "name": "wake", "cat": "wake", "ts": self.us(run)})
        for ts, name, v in self.counters:
            out.append({"ph": "C", "pid": 5, "name": name, "ts": self.us(ts),
                        "args": {"value": v}})
        for ts, key, name in self.instants:
            pid, tid = track(key)
            out.append({"ph": "i", "s": "t", "pid": pid, "tid": tid, "name": name,
                        "ts": self.us(ts)})
        return {"displayTimeUnit": "ns", "traceEvents": out,
                "otherData": {"recorder": "irqio", **{k: str(v) for k, v in self.info.items()}}}

    def summary(self):
        def pct(v, p):
            s = sorted(v)
            return s[min(len(s) - 1, int(p * len(s)))] if s else 0

        span = (self.evs[-1].ts - self.evs[0].ts) if self.evs else 0
        lines = ["irqio trace: %d events over %.3f ms; written %d, lost %d (ring of %d, %s)"
                 % (len(self.evs), span / 1e6, self.info.get("written", 0),
                    self.info.get("lost", 0), self.info.get("capacity", 0),
                    self.info.get("mode", "?")), "",
                 "%-22s %7s %11s %11s %11s %12s" % ("task", "steps", "wake p50 us",
                                                    "wake p99 us", "wake max us",
                                                    "run time ms")]
        for t in sorted(self.steps, key=lambda t: -self.steps[t]):
            lat = self.latency.get(t, [])
            run = sum(e - s for s, e in self.runs.get(t, []))
            lines.append("%-22s %7d %11.2f %11.2f %11.2f %12.3f" % (
                self.name_of(("task", t))[:22], self.steps[t], pct(lat, 0.5) / 1e3,
                pct(lat, 0.99) / 1e3, (max(lat) if lat else 0) / 1e3, run / 1e6))
        lines += ["", "%-22s %7s %12s %11s" % ("interrupt", "count", "inside ms", "max us")]
        for i in sorted(self.irqs, key=lambda i: -len(self.irqs[i])):
            d = [e - s for s, e, _ in self.irqs[i]]
            lines.append("%-22s %7d %12.3f %11.2f" % (self.name_of(("irq", i))[:22], len(d),
                                                      sum(d) / 1e6, max(d) / 1e3))
        return "\n".join(lines) + "\n"


# ---- the format check (the tests' own parser of what Perfetto's JSON importer reads) ----

def check_chrome(doc):
    """Raises ValueError where the document breaks the trace-event format."""
    if not isinstance(doc, dict) or not isinstance(doc.get("traceEvents"), list):
        raise ValueError("top level: an object with a traceEvents array")
    flows = {}
    for n, e in enumerate(doc["traceEvents"]):
        ph = e.get("ph")
        if ph not in ("M", "X", "s", "f", "C", "i"):
            raise ValueError("event %d: unexpected ph %r" % (n, ph))
        if not isinstance(e.get("pid"), int) or not isinstance(e.get("name"), str):
            raise ValueError("event %d: pid (int) and name (string) required" % n)
        if ph == "M":
            if e["name"] not in ("process_name", "thread_name") or "name" not in e.get("args", {}):
                raise ValueError("event %d: metadata needs a name arg" % n)
            continue
        if not isinstance(e.get("ts"), (int, float)) or e["ts"] < 0:
            raise ValueError("event %d: ts must be a number >= 0" % n)
        if ph == "X" and not (isinstance(e.get("dur"), (int, float)) and e["dur"] > 0):
            raise ValueError("event %d: complete events need dur > 0" % n)
        if ph in ("X", "s", "f", "i") and not isinstance(e.get("tid"), int):
            raise ValueError("event %d: tid required" % n)
        if ph == "C" and not all(isinstance(v, (int, float)) for v in e.get("args", {}).values()):
            raise ValueError("event %d: counter args must be numbers" % n)
        if ph in ("s", "f"):
            if not isinstance(e.get("id"), int) or "cat" not in e:
                raise ValueError("event %d: flow events need id and cat" % n)
            flows.setdefault(e["id"], []).append(e)
    slices = {}
    for e in doc["traceEvents"]:
        if e["ph"] == "X":
            slices.setdefault((e["pid"], e["tid"]), []).append((e["ts"], e["ts"] + e["dur"]))
    for spans in slices.values():
        spans.sort()
    for fid, pair in flows.items():
        phs = sorted(p["ph"] for p in pair)
        if phs != ["f", "s"]:
            raise ValueError("flow %d: one start and one end, got %s" % (fid, phs))
        s = next(p for p in pair if p["ph"] == "s")
        f = next(p for p in pair if p["ph"] == "f")
        if f["ts"] < s["ts"] or s["name"] != f["name"] or s["cat"] != f["cat"]:
            raise ValueError("flow %d: ends before it starts or names differ" % fid)
        for p in (s, f):  # each end binds to a slice enclosing it on its track
            sp = slices.get((p["pid"], p["tid"]), [])
            if not any(a - 1e-6 <= p["ts"] <= b + 1e-6 for a, b in sp):
                raise ValueError("flow %d: %s end at %.3f is in no slice of its track"
                                 % (fid, p["ph"], p["ts"]))
    return len(flows)


# ---- PNG: a timeline drawn with a tiny bitmap font ----

FONT = {  # 3x5 glyphs, rows of 3 bits
    "a": "010101111101101", "b": "110101110101110", "c": "011100100100011",
    "d": "110101101101110", "e": "111100110100111", "f": "111100110100100",
    "g": "011100101101011", "h": "101101111101101", "i": "111010010010111",
    "j": "001001001101010", "k": "101101110101101", "l": "100100100100111",
    "m": "101111111101101", "n": "110101101101101", "o": "010101101101010",
    "p": "110101110100100", "q": "010101101110011", "r": "110101110101101",
    "s": "011100010001110", "t": "111010010010010", "u": "101101101101111",
    "v": "101101101101010", "w": "101101111111101", "x": "101101010101101",
    "y": "101101010010010", "z": "111001010100111", "0": "111101101101111",
    "1": "010110010010111", "2": "110001010100111", "3": "110001010001110",
    "4": "101101111001001", "5": "111100110001110", "6": "011100111101111",
    "7": "111001010010010", "8": "111101111101111", "9": "111101111001110",
    ".": "000000000000010", "-": "000000111000000", "(": "010100100100010",
    ")": "010001001001010", "/": "001001010100100", ":": "000010000010000",
    "_": "000000000000111", " ": "000000000000000", "=": "000111000111000",
    ">": "100010001010100",
}


class Canvas:
    def __init__(self, w, h, bg=(255, 255, 255)):
        self.w, self.h = w, h
        self.px = bytearray(bytes(bg) * (w * h))

    def rect(self, x0, y0, x1, y1, c):
        x0, x1 = max(0, int(x0)), min(self.w, int(x1))
        y0, y1 = max(0, int(y0)), min(self.h, int(y1))
        row = bytes(c) * max(0, x1 - x0)
        for y in range(y0, y1):
            i = (y * self.w + x0) * 3
            self.px[i:i + len(row)] = row

    def line(self, x0, y0, x1, y1, c):
        n = int(max(abs(x1 - x0), abs(y1 - y0), 1))
        for k in range(n + 1):
            x = x0 + (x1 - x0) * k / n
            y = y0 + (y1 - y0) * k / n
            self.rect(x, y, x + 1, y + 1, c)

    def text(self, x, y, s, c=(0, 0, 0), scale=2):
        for ch in s.lower():
            g = FONT.get(ch, FONT[" "])
            for r in range(5):
                for col in range(3):
                    if g[r * 3 + col] == "1":
                        self.rect(x + col * scale, y + r * scale, x + (col + 1) * scale,
                                  y + (r + 1) * scale, c)
            x += 4 * scale

    def png(self, path):
        raw = b"".join(b"\x00" + bytes(self.px[y * self.w * 3:(y + 1) * self.w * 3])
                       for y in range(self.h))

        def chunk(t, d):
            return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))

        with open(path, "wb") as f:
            f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", self.w, self.h,
                                                                        8, 2, 0, 0, 0))
                    + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def draw_png(m, path, window):
    end_all = m.evs[-1].ts if m.evs else 0
    if window:
        a, b = (float(x) for x in window.split(":"))
        t0, t1 = m.t0 + int(a * 1e6), m.t0 + int(b * 1e6)
    else:
        t1 = end_all
        t0 = max(m.t0, t1 - 5_000_000)
    rows = [("task", t) for t in sorted(m.runs, key=lambda t: m.name_of(("task", t)))]
    rows += [("irq", i) for i in sorted(m.irqs)]
    label_w, row_h, top, W = 200, 22, 30, 1400
    H = top + row_h * len(rows) + 30
    cv = Canvas(W, H)
    def x_of(ts):  # clipped to the plot, right of the labels
        x = label_w + (ts - t0) * (W - label_w - 10) / max(1, t1 - t0)
        return min(max(x, label_w), W - 10)

    y_of = {key: top + k * row_h for k, key in enumerate(rows)}
    cv.text(4, 6, "irqio trace  %.3f ms .. %.3f ms" % ((t0 - m.t0) / 1e6, (t1 - m.t0) / 1e6))
    for k, key in enumerate(rows):
        y = y_of[key]
        if k % 2:
            cv.rect(0, y, W, y + row_h, (244, 244, 248))
        cv.text(4, y + 6, m.name_of(key)[:24])
    task_c, irq_c = (66, 133, 244), (219, 68, 55)
    for t, spans in m.runs.items():
        y = y_of[("task", t)]
        for s, e in spans:
            if e >= t0 and s <= t1:
                cv.rect(x_of(s), y + 4, max(x_of(e), x_of(s) + 1), y + row_h - 4, task_c)
                if s >= t0:  # back-to-back steps stay apart: a dark edge where each begins
                    cv.rect(x_of(s), y + 2, x_of(s) + 1, y + row_h - 2, (20, 40, 90))
    for i, spans in m.irqs.items():
        y = y_of[("irq", i)]
        for s, e, _ in spans:
            if e >= t0 and s <= t1:
                cv.rect(x_of(s), y + 4, max(x_of(e), x_of(s) + 1), y + row_h - 4, irq_c)
    for wts, task, src, sts, run in m.wakes:
        if run is None or src not in y_of or not (t0 <= sts <= t1):
            continue
        cv.line(x_of(sts), y_of[src] + row_h / 2, x_of(run), y_of[("task", task)] + row_h / 2,
                (40, 160, 60))
    # Scale: ten ticks.
    for k in range(11):
        x = label_w + k * (W - label_w - 10) / 10
        cv.rect(x, H - 26, x + 1, H - 20, (0, 0, 0))
        cv.text(x - 10, H - 16, "%.2f" % ((t0 - m.t0 + k * (t1 - t0) / 10) / 1e6), scale=1)
    cv.png(path)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("recording")
    ap.add_argument("--json")
    ap.add_argument("--summary", nargs="?", const="-")
    ap.add_argument("--png")
    ap.add_argument("--window", help="START_MS:END_MS from the first event (PNG)")
    ap.add_argument("--check", action="store_true")
    a = ap.parse_args(argv)
    info, names, evs = parse(a.recording)
    m = Model(info, names, evs)
    if a.json:
        doc = m.chrome()
        with open(a.json, "w") as f:
            json.dump(doc, f, separators=(",", ":"))
        if a.check:
            with open(a.json) as f:
                n = check_chrome(json.load(f))
            print("%s: valid trace-event JSON, %d events, %d wake arrows"
                  % (a.json, len(doc["traceEvents"]), n))
    if a.summary:
        s = m.summary()
        if a.summary == "-":
            sys.stdout.write(s)
        else:
            with open(a.summary, "w") as f:
                f.write(s)
    if a.png:
        draw_png(m, a.png, a.window)
    return 0


if __name__ == "__main__":
    sys.exit(main())
