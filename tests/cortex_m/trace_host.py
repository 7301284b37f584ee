#!/usr/bin/env python3
"""Host side of cm_trace: runs the firmware under QEMU, takes the recording it dumps over
semihosting, converts it with tools/irqio_trace.py and checks what the trace says: every wake of
the flag task follows the dual timer's interrupt entry whose handler signalled it, in order, none
missing (as many as the rounds the firmware reports), and the Perfetto JSON is valid.

  trace_host.py --runner ports/cortex_m/qemu-run.py --elf build/cm_trace.elf [-- runner options]
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "..", "tools"))
import irqio_trace  # noqa: E402

TIMER_IRQ = 0x100  # the firmware's IRQIO_TRACE_IRQ in the dual timer's hook


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runner", required=True)
    ap.add_argument("--elf", required=True)
    ap.add_argument("runner_args", nargs="*")
    a = ap.parse_args()
    r = subprocess.run([sys.executable, a.runner, *a.runner_args, a.elf], capture_output=True,
                       text=True)
    out = r.stdout + r.stderr  # the runner passes semihosting output on one of them
    if r.returncode != 0:
        print(out)
        print("cm_trace: firmware failed (exit %d)" % r.returncode)
        return 1
    rounds = int(re.search(r"rounds = (\d+)", out).group(1))
    with tempfile.TemporaryDirectory(prefix="irqio-trace-") as tmp:
        rec = os.path.join(tmp, "cm.trace")
        with open(rec, "w") as f:
            f.write(out)
        info, names, evs = irqio_trace.parse(rec)
        m = irqio_trace.Model(info, names, evs)
        flag = [t for t, n in names.items() if n == "flag"]
        if len(flag) != 1 or names.get(TIMER_IRQ) != "timer hook":
            print("cm_trace: names missing: %s" % names)
            return 1
        flag = flag[0]
        # Walk the records: an open timer interrupt, the signal its handler made, then the wake.
        open_irq, signalled, wakes, errors = False, None, 0, []
        for e in evs:
            if e.kind == "irq_enter" and e.a == TIMER_IRQ:
                open_irq = True
            elif e.kind == "irq_leave" and e.a == TIMER_IRQ:
                open_irq = False
            elif e.kind == "signal" and open_irq:
                if e.ctx != "handler" or e.level < 1:
                    errors.append("seq %d: signal inside the interrupt not from a handler" % e.seq)
                signalled = e.a
            elif e.kind == "task_woken" and e.a == flag:
                woke_by_timer = signalled is not None
                # The sleep's wakes come from the loop's timer (a timer_fired just before).
                prev = [x for x in evs if x.seq < e.seq][-1]
                if prev.kind == "timer_fired":
                    continue
                if e.seq == min(x.seq for x in evs if x.kind == "task_woken" and x.a == flag):
                    continue  # its creation
                if not woke_by_timer:
                    errors.append("seq %d: flag task woken with no timer interrupt before" % e.seq)
                elif prev.kind != "drain" or prev.a != signalled:
                    errors.append("seq %d: the wake does not follow the drain of the handler's "
                                  "node" % e.seq)
                signalled = None
                wakes += 1
        if wakes != rounds:
            errors.append("%d wakes by the timer interrupt, %d rounds" % (wakes, rounds))
        irqs = m.irq_count.get(TIMER_IRQ, 0)
        if irqs != rounds:
            errors.append("%d timer interrupts in the trace, %d rounds" % (irqs, rounds))
        out = os.path.join(tmp, "cm.json")
        irqio_trace.main([rec, "--json", out, "--check", "--summary"])
        with open(out) as f:
            flows = irqio_trace.check_chrome(json.load(f))
        if flows < rounds:
            errors.append("%d wake arrows, fewer than the %d rounds" % (flows, rounds))
    for err in errors:
        print("cm_trace: " + err)
    print("cm_trace: %d records, %d timer wakes of the flag task, %d arrows: %s"
          % (len(evs), wakes, flows, "FAIL" if errors else "ok"))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
