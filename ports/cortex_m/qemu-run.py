#!/usr/bin/env python3
"""Runs a bare-metal ELF on a QEMU Arm machine (mps2-an385 unless --machine) and returns its exit code.

The program reports through semihosting: its output goes to this process's stdout, and its
exit code (SYS_EXIT_EXTENDED) becomes QEMU's, which becomes ours. A program that does not end
within --timeout seconds is killed and the result is 124 (as timeout(1)).

  qemu-run.py [--machine M] [--timeout S] [--icount | --icount-opts OPTS] [--expect-exit N] [--serial SPEC] [--qemu PATH] [--dry-run] ELF [-- QEMU_ARGS]

--icount   instruction-counting mode: one instruction is exactly 1 ns of virtual time
           (-icount shift=0), so code paths measure in instructions, independent of the host.
           While the core sleeps (wfi) virtual time follows the host's clock (sleep=on).
           Not sleep=off, though it would make idle time deterministic too: QEMU 7.2 then
           advances the clock twice over a timed wfi (a 1000 us alarm wakes at 2000 us).
--icount-opts  other -icount options, e.g. shift=auto.
--expect-exit N  succeed (0) only if the program's exit code is N, else fail (1): for tests of
           the failure paths themselves (a HardFault must exit 4, a hang must time out: 124).
--serial   where UART0 goes (any QEMU -serial spec: stdio, null, file:PATH, tcp:HOST:PORT,server,
           unix:PATH,server, chardev:ID ...). Default: stdio.

Also importable: command(...) builds the QEMU command line, run(...) runs it.
"""
import argparse
import os
import signal
import subprocess
import sys

TIMEOUT_EXIT = 124


ICOUNT_DEFAULT = "shift=0,align=off,sleep=on"


def command(elf, qemu="qemu-system-arm", icount=None, serial="stdio", extra=(),
            machine="mps2-an385"):
    """icount: None (real time) or the -icount options."""
    cmd = [
        qemu, "-M", machine, "-nographic", "-monitor", "none",
        "-semihosting-config", "enable=on,target=native",
        "-serial", serial,
        "-kernel", elf,
    ]
    if icount:
        cmd += ["-icount", icount]
    return cmd + list(extra)


def run(cmd, timeout, stdin=subprocess.DEVNULL):
    """Runs cmd in its own process group; returns its exit code, or TIMEOUT_EXIT."""
    proc = subprocess.Popen(cmd, stdin=stdin, start_new_session=True)
    try:
        return proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        print(f"qemu-run: TIMEOUT after {timeout} s, killed", file=sys.stderr, flush=True)
        return TIMEOUT_EXIT
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timeout", type=float, default=30.0)
    parser.add_argument("--machine", default="mps2-an385", help="QEMU -M (the board's)")
    parser.add_argument("--icount", action="store_const", const=ICOUNT_DEFAULT)
    parser.add_argument("--icount-opts", dest="icount")
    parser.add_argument("--serial", default="stdio")
    parser.add_argument("--qemu", default="qemu-system-arm")
    parser.add_argument("--expect-exit", type=int)
    parser.add_argument("--dry-run", action="store_true", help="print the command, run nothing")
    parser.add_argument("elf")
    parser.add_argument("extra", nargs="*", help="more QEMU arguments (after --)")
    args = parser.parse_args(argv)
    cmd = command(args.elf, args.qemu, args.icount, args.serial, args.extra, args.machine)
    if args.dry_run:
        print(" ".join(cmd))
        return 0
    sys.stdout.flush()
    code = run(cmd, args.timeout)
    name = os.path.basename(args.elf)
    if args.expect_exit is not None:
        ok = code == args.expect_exit
        print(f"qemu-run: {name} exited with {code}, expected {args.expect_exit}: "
              f"{'ok' if ok else 'FAIL'}", file=sys.stderr)
        return 0 if ok else 1
    if code != 0:
        print(f"qemu-run: {name} exited with {code}", file=sys.stderr)
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
