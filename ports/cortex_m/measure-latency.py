#!/usr/bin/env python3
"""Counts the instructions from an interrupt handler's first instruction to a marker function
in a woken task, from QEMU's instruction trace. Repeatable exactly: the count is of executed
instructions, independent of host speed.

  measure-latency.py ELF [--machine M] [--handler SYM] [--marker SYM] [--max N] [--qemu PATH] [--keep LOG]

Method: QEMU runs the program with -singlestep (one instruction per translated block) and
-d exec,nochain (log every block executed, no chaining), so every executed instruction is one
"Trace" line with its PC. Exception entry and return are not instructions and are not counted.
With -icount, QEMU runs an instruction that touches a device register a second time (it
re-translates the block so the access is exact), and the log shows that PC twice in a row; those
repeats are merged, as the core executes the instruction once (nothing on the measured path branches
to itself). The count is taken in the last occurrence of <handler> before the last call of <marker>; the
program (tests/cortex_m/latency.cpp) repeats identical rounds so the last one is warm and
representative. Prints the total and the instructions spent per function along the path.
With --max, exits 1 if the total exceeds N (a CTest regression check).
"""
import argparse
import collections
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import importlib.util  # noqa: E402

_spec = importlib.util.spec_from_file_location("qemu_run", os.path.join(HERE, "qemu-run.py"))
qemu_run = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(qemu_run)

TRACE = re.compile(r"^Trace \d+: 0x[0-9a-f]+ \[[0-9a-f]+/([0-9a-f]+)/")


def symbols(elf, nm):
    """{name: start address} and a sorted list of (start, end, name) for functions."""
    out = subprocess.run([nm, "-S", "--defined-only", elf], capture_output=True, text=True,
                         check=True).stdout
    starts, ranges = {}, []
    for line in out.splitlines():
        parts = line.split()
        if len(parts) != 4 or parts[2] not in "TtWw":
            continue
        addr, size, name = int(parts[0], 16) & ~1, int(parts[1], 16), parts[3]
        starts.setdefault(name, addr)
        ranges.append((addr, addr + size, name))
    ranges.sort()
    return starts, ranges


def demangle(names, cxxfilt):
    if not names:
        return {}
    out = subprocess.run([cxxfilt], input="\n".join(names), capture_output=True, text=True,
                         check=True).stdout.splitlines()
    return dict(zip(names, out))


def function_of(pc, ranges):
    lo, hi = 0, len(ranges)
    while lo < hi:
        mid = (lo + hi) // 2
        if ranges[mid][0] <= pc:
            lo = mid + 1
        else:
            hi = mid
    if lo and ranges[lo - 1][0] <= pc < ranges[lo - 1][1]:
        return ranges[lo - 1][2]
    return f"?{pc:#x}"


def one_insn_per_block(qemu):
    """-singlestep until QEMU 8.1 renamed it to the TCG accelerator's one-insn-per-tb."""
    out = subprocess.run([qemu, "--version"], capture_output=True, text=True).stdout
    m = re.search(r"version (\d+)\.(\d+)", out)
    if m and (int(m.group(1)), int(m.group(2))) >= (8, 1):
        return ["-accel", "tcg,one-insn-per-tb=on"]
    return ["-singlestep"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("elf")
    ap.add_argument("--handler", default="DUALTIMER_IRQHandler")
    ap.add_argument("--marker", default="irqio_latency_marker")
    ap.add_argument("--max", type=int)
    ap.add_argument("--qemu", default="qemu-system-arm")
    ap.add_argument("--machine", default="mps2-an385", help="QEMU -M (the board's)")
    ap.add_argument("--prefix", default="arm-none-eabi-")
    ap.add_argument("--timeout", type=float, default=60)
    ap.add_argument("--keep", help="keep the trace in this file")
    args = ap.parse_args()

    starts, ranges = symbols(args.elf, args.prefix + "nm")
    for sym in (args.handler, args.marker):
        if sym not in starts:
            print(f"measure-latency: no symbol {sym} in {args.elf}", file=sys.stderr)
            return 2
    handler, marker = starts[args.handler], starts[args.marker]

    with tempfile.TemporaryDirectory(prefix="irqio-trace-") as tmp:
        log = args.keep or os.path.join(tmp, "trace.log")
        cmd = qemu_run.command(args.elf, args.qemu, qemu_run.ICOUNT_DEFAULT, "null",
                               one_insn_per_block(args.qemu) + ["-d", "exec,nochain", "-D", log],
                               machine=args.machine)
        code = qemu_run.run(cmd, args.timeout)
        if code != 0:
            print(f"measure-latency: the program exited with {code}", file=sys.stderr)
            return 2
        pcs = []
        with open(log) as f:
            for line in f:
                m = TRACE.match(line)
                if m:
                    pcs.append(int(m.group(1), 16))

    end = max((i for i, pc in enumerate(pcs) if pc == marker), default=None)
    if end is None:
        print("measure-latency: the marker never ran", file=sys.stderr)
        return 2
    begin = max((i for i, pc in enumerate(pcs[:end]) if pc == handler), default=None)
    if begin is None:
        print("measure-latency: no handler entry before the marker", file=sys.stderr)
        return 2
    path = [pc for i, pc in enumerate(pcs[begin:end], begin) if i == begin or pcs[i - 1] != pc]
    merged = end - begin - len(path)
    per_fn = collections.OrderedDict()
    for pc in path:
        fn = function_of(pc, ranges)
        per_fn[fn] = per_fn.get(fn, 0) + 1
    names = demangle(list(per_fn), args.prefix + "c++filt")
    print(f"instructions from {args.handler} entry to {args.marker}: {len(path)}"
          + (f" ({merged} device-access re-execution(s) by QEMU not counted)" if merged else ""))
    for fn, n in per_fn.items():
        print(f"  {n:4d}  {names.get(fn, fn)}")
    if args.max is not None and len(path) > args.max:
        print(f"measure-latency: {len(path)} > {args.max}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
