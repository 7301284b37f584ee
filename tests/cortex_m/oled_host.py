#!/usr/bin/env python3
"""Host side of cm_oled: runs the OLED example under QEMU (lm3s6965evb) with a monitor on a Unix
socket, takes the display with the monitor's `screendump` when the firmware says the picture has
settled, strokes the board's keys with `sendkey`, and compares each picture pixel by pixel with
the expected one (oled_expected.txt beside this script).

QEMU's SSD0323 console is 512 x 256: every panel pixel a 4 x 4 block of grey 17 * level. The
script checks that, then compares the 128 x 64 levels.

  oled_host.py --runner ports/cortex_m/qemu-run.py --elf oled_lm3s6965evb.elf [-- runner options]
  ... --regenerate          write oled_expected.txt from what QEMU shows (after a deliberate change)
  ... --png docs/oled_lm3s6965evb.png   also write the final picture as a PNG (the docs' picture)
"""
import argparse
import os
import queue
import re
import signal
import struct
import subprocess
import sys
import tempfile
import threading
import time
import zlib

from qemu_monitor import Monitor, start_with_monitor

W, H, MAGNIFY = 128, 64, 4
# The strokes, in order: they exercise every key, a move into the playfield's top edge (the last
# "up" is clamped) and the select key's shade. QEMU 7.2's gamepad: up/down/left/right on GPIO
# E0..E3, ctrl on F1 (select). Each is pressed for 50 ms; the firmware counts the release.
KEYS = ["right", "right", "down", "ctrl", "left", "up", "up", "up", "up"]
# The glide task's work: 8 pixels per cell moved (7 moves; the clamped "up" moves nothing).
EXPECTED_STEPS = 56
HERE = os.path.dirname(os.path.abspath(__file__))
EXPECTED = os.path.join(HERE, "oled_expected.txt")


def read_ppm(path):
    with open(path, "rb") as f:
        data = f.read()
    m = re.match(rb"P6\s+(\d+)\s+(\d+)\s+(\d+)\s", data)
    if not m:
        raise ValueError(f"{path}: not a binary PPM")
    width, height = int(m.group(1)), int(m.group(2))
    return width, height, data[m.end():]


def levels_from_screendump(path):
    """The panel's 128 x 64 grey levels, or raises ValueError if the screen is not 4 x 4 blocks
    of QEMU's greys."""
    width, height, rgb = read_ppm(path)
    if (width, height) != (W * MAGNIFY, H * MAGNIFY):
        raise ValueError(f"screendump is {width}x{height}, expected {W * MAGNIFY}x{H * MAGNIFY}")
    levels = []
    for y in range(H):
        row = []
        for x in range(W):
            first = None
            for dy in range(MAGNIFY):
                for dx in range(MAGNIFY):
                    o = ((y * MAGNIFY + dy) * width + x * MAGNIFY + dx) * 3
                    px = rgb[o:o + 3]
                    if first is None:
                        first = px
                    elif px != first:
                        raise ValueError(f"pixel ({x},{y}): its 4x4 block is not uniform")
            r, g, b = first
            if not (r == g == b and r % 17 == 0):
                raise ValueError(f"pixel ({x},{y}): colour {r},{g},{b} is not a grey of the panel")
            row.append(r // 17)
        levels.append(row)
    return levels


def to_text(levels):
    return ["".join(f"{v:x}" for v in row) for row in levels]


def load_expected(path):
    pictures, name = {}, None
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            if line.startswith("picture "):
                name = line.split()[1]
                pictures[name] = []
            else:
                pictures[name].append([int(c, 16) for c in line])
    return pictures


def write_expected(path, pictures):
    with open(path, "w") as f:
        f.write("# The OLED example's pictures as QEMU shows them (tests/cortex_m/oled_host.py):\n"
                "# 64 rows of 128 grey levels (hex, 0 = off, f = brightest) per picture.\n"
                "# Regenerate after a deliberate change of the picture:\n"
                "#   ctest --test-dir <build> -R cm_oled -V, then run its command with --regenerate\n")
        for name, levels in pictures.items():
            f.write(f"picture {name}\n")
            for line in to_text(levels):
                f.write(line + "\n")


def write_png(path, levels, scale=MAGNIFY):
    """An 8-bit greyscale PNG, each panel pixel scale x scale (zlib and struct only)."""
    raw = b""
    for row in levels:
        line = bytes(v * 17 for v in row for _ in range(scale))
        raw += (b"\x00" + line) * scale
    def chunk(kind, body):
        return (struct.pack(">I", len(body)) + kind + body +
                struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF))
    png = (b"\x89PNG\r\n\x1a\n" +
           chunk(b"IHDR", struct.pack(">IIBBBBB", W * scale, H * scale, 8, 0, 0, 0, 0)) +
           chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))
    with open(path, "wb") as f:
        f.write(png)


def compare(name, got, want):
    """Returns the number of differing pixels, printing where they are."""
    diffs = [(x, y) for y in range(H) for x in range(W) if got[y][x] != want[y][x]]
    if diffs:
        print(f"oled_host: picture '{name}': {len(diffs)} pixels differ, the first at "
              f"{diffs[:8]}; rows got / expected:")
        for y in sorted({y for _, y in diffs})[:6]:
            print(f"  {y:2d} got  {to_text([got[y]])[0]}")
            print(f"  {y:2d} want {to_text([want[y]])[0]}")
    else:
        print(f"oled_host: picture '{name}': all {W * H} pixels as expected")
    return len(diffs)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runner", required=True)
    parser.add_argument("--elf", required=True)
    parser.add_argument("--expected", default=EXPECTED)
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument("--png", help="write the final picture here as a PNG")
    parser.add_argument("--line-timeout", type=float, default=20.0)
    parser.add_argument("runner_args", nargs="*")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="irqio-oled-") as tmp:
        proc, mon_path = start_with_monitor(args.runner, args.runner_args, args.elf, tmp)
        lines = queue.Queue()

        def pump():
            for line in proc.stdout:
                sys.stdout.write(line)
                sys.stdout.flush()
                lines.put(line)
            lines.put(None)

        threading.Thread(target=pump, daemon=True).start()

        def wait_line(pattern):
            deadline = time.monotonic() + args.line_timeout
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise RuntimeError(f"no line matching {pattern!r} within {args.line_timeout} s")
                try:
                    line = lines.get(timeout=left)
                except queue.Empty:
                    continue
                if line is None:
                    raise RuntimeError(f"firmware ended before a line matching {pattern!r}")
                m = re.match(pattern, line)
                if m:
                    return m

        pictures, failures, mon = {}, 0, None
        try:
            mon = Monitor(mon_path)

            def take(name):
                path = os.path.join(tmp, f"{name}.ppm")
                mon.command(f"screendump {path}")
                pictures[name] = levels_from_screendump(path)

            # The figures (exact under -icount): beside awaited updates the 20 us ticker serves
            # every period (the update gives the loop a turn after every row, ~2 us), never a
            # period late; beside blocking ones it cannot (a frame keeps the core ~130 us).
            for mode in ("awaited", "blocking"):
                wait_line(rf"oled: {mode} frames, 20 us ticker")
                due = int(wait_line(r"oled: +ticker periods due during the frames = (\d+)")[1])
                jobs = int(wait_line(r"oled: +ticker jobs during the frames = (\d+)")[1])
                missed = int(wait_line(r"oled: +ticker periods missed = (\d+)")[1])
                late = int(wait_line(r"oled: +ticker latest \(us\) = (\d+)")[1])
                if mode == "awaited":
                    ok = jobs + 1 >= due and missed == 0 and late < 20
                else:
                    ok = jobs < due and missed > 0
                if not ok:
                    print(f"oled_host: ticker beside {mode} frames: {jobs} jobs of {due} periods, "
                          f"{missed} missed, {late} us late at worst: not what the update promises")
                    failures += 1
            wait_line(r"oled: idle keys=0 steps=0$")
            take("initial")
            for i, key in enumerate(KEYS, 1):
                mon.command(f"sendkey {key} 50")
                m = wait_line(rf"oled: idle keys={i} steps=(\d+)$")
            steps = int(m.group(1))
            if steps != EXPECTED_STEPS:
                print(f"oled_host: the glide task made {steps} steps, expected {EXPECTED_STEPS}")
                failures += 1
            take("final")
        except (RuntimeError, ValueError, OSError) as e:
            print(f"oled_host: {e}")
            failures += 1
        finally:
            if mon is not None:
                try:
                    mon.quit()
                except OSError:
                    pass
                mon.close()
            # The runner started QEMU in a session of its own and kills it on an interrupt
            # (its finally clause), which a SIGKILL of the runner would skip.
            for sig, wait in ((None, 10), (signal.SIGINT, 10), (signal.SIGKILL, None)):
                if sig is not None:
                    proc.send_signal(sig)
                try:
                    proc.wait(timeout=wait)
                    break
                except subprocess.TimeoutExpired:
                    print(f"oled_host: the runner is still there after {wait} s")

        if failures == 0 and args.regenerate:
            write_expected(args.expected, pictures)
            print(f"oled_host: wrote {args.expected}")
        elif failures == 0:
            expected = load_expected(args.expected)
            for name, got in pictures.items():
                if name not in expected:
                    print(f"oled_host: no expected picture '{name}' in {args.expected}")
                    failures += 1
                elif compare(name, got, expected[name]):
                    failures += 1
        if failures == 0 and args.png:
            write_png(args.png, pictures["final"])
            print(f"oled_host: wrote {args.png}")
        print(f"oled_host: {len(KEYS)} key strokes, {len(pictures)} pictures, "
              f"{'PASS' if failures == 0 else 'FAIL'}")
        return 0 if failures == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
