#!/usr/bin/env python3
"""Counts the instructions of a cross-core wake on a two-core board (mps2-an521), from QEMU's
instruction trace, as measure-latency.py does for one core (-icount, -singlestep, -d exec,nochain:
one "Trace <cpu>: ..." line per executed instruction, device-access repeats merged).

  measure-cross-core.py ELF [--mode sleeping|busy|pingpong] [--machine M] [--qemu PATH] [--keep LOG]

The program (tests/cortex_m/an521/cross_latency.cpp) repeats identical rounds; the last is counted.
  sleeping, busy: core 1's instructions from irqio_cross_set() entry to irqio_cross_set_done()
    (the whole set(), doorbell included), plus core 0's from the first instruction it executes
    after that entry (sleeping: its wake from wfi) or from its first Loop::drain_inbox() after it
    (busy: where the loop picks the wake up between task steps) to irqio_latency_marker().
  pingpong: both cores' instructions between the last two irqio_latency_marker() calls (one round
    trip: core 0 sets core 1's flag, core 1 wakes and sets core 0's, core 0 wakes).
"""
import argparse
import importlib.util
import os
import re
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("measure_latency",
                                               os.path.join(HERE, "measure-latency.py"))
ml = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(ml)

TRACE = re.compile(r"^Trace (\d+): 0x[0-9a-f]+ \[[0-9a-f]+/([0-9a-f]+)/")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("elf")
    ap.add_argument("--mode", choices=["sleeping", "busy", "pingpong"], default="sleeping")
    ap.add_argument("--qemu", default="qemu-system-arm")
    ap.add_argument("--machine", default="mps2-an521")
    ap.add_argument("--prefix", default="arm-none-eabi-")
    ap.add_argument("--timeout", type=float, default=120)
    ap.add_argument("--keep")
    args = ap.parse_args()
    starts, _ = ml.symbols(args.elf, args.prefix + "nm")
    marker, set_in, set_out = (starts[s] for s in ("irqio_latency_marker", "irqio_cross_set",
                                                   "irqio_cross_set_done"))
    drain = starts.get("_ZN5irqio4Loop11drain_inboxEv")
    with tempfile.TemporaryDirectory(prefix="irqio-trace-") as tmp:
        log = args.keep or os.path.join(tmp, "trace.log")
        # A busy core 0 never sleeps, and under -icount QEMU 7.2's round-robin then gives core 1 no
        # time: that mode runs without -icount (single-threaded TCG still; the count is of
        # instructions either way).
        icount = None if args.mode == "busy" else ml.qemu_run.ICOUNT_DEFAULT
        extra = ["-accel", "tcg,thread=single"] if icount is None else []
        cmd = ml.qemu_run.command(args.elf, args.qemu, icount, "null",
                                  ml.one_insn_per_block(args.qemu) + extra
                                  + ["-d", "exec,nochain", "-D", log], machine=args.machine)
        if ml.qemu_run.run(cmd, args.timeout) != 0:
            print("measure-cross-core: the program failed", file=sys.stderr)
            return 2
        lines = []  # (cpu, pc), device-access repeats merged per cpu
        last = {}
        with open(log) as f:
            for line in f:
                m = TRACE.match(line)
                if not m:
                    continue
                cpu, pc = int(m.group(1)), int(m.group(2), 16)
                if last.get(cpu) == pc:
                    continue
                last[cpu] = pc
                lines.append((cpu, pc))
    marks = [i for i, (c, pc) in enumerate(lines) if c == 0 and pc == marker]
    if args.mode == "pingpong":
        a, b = marks[-2], marks[-1]
        n0 = sum(1 for c, _ in lines[a:b] if c == 0)
        n1 = sum(1 for c, _ in lines[a:b] if c == 1)
        print(f"ping-pong round trip: {n0 + n1} instructions (core 0: {n0}, core 1: {n1})")
        return 0
    end = marks[-1]
    begin = max(i for i, (c, pc) in enumerate(lines[:end]) if c == 1 and pc == set_in)
    done = next(i for i in range(begin, len(lines)) if lines[i] == (1, set_out))
    n1 = sum(1 for c, _ in lines[begin:done] if c == 1)
    start0 = begin
    if args.mode == "busy":
        start0 = next(i for i in range(begin, end) if lines[i] == (0, drain))
    n0 = sum(1 for c, _ in lines[start0:end] if c == 0)
    print(f"set() on core 1 to the woken task on a {args.mode} core 0: {n0 + n1} instructions "
          f"(core 1, set() with its doorbell: {n1}; core 0: {n0})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
