#!/usr/bin/env python3
"""Flash and RAM of a linked ELF by input object, from its GNU ld map file, plus arm-none-eabi-size.

  size-report.py PROGRAM.elf [--map PROGRAM.map] [--top N]

Flash = .text (code, read-only data, vector table) + .data's initial values; RAM = .data + .bss.
Lines list the largest contributors by (object, kind), kind being text, rodata, data or bss.
"""
import argparse
import collections
import re
import subprocess
import sys

FLASH_END = 0x0040_0000  # mps2-an385: code memory below 4 MiB, RAM at 0x20000000


def contributions(map_path):
    lines = open(map_path).read().split("\n")
    start = next(i for i, l in enumerate(lines) if l.startswith("Linker script and memory map"))
    acc = collections.Counter()
    pending = None
    for line in lines[start:]:
        m = re.match(r"^ (\.\S+)\s*$", line)
        if m:
            pending = m.group(1)
            continue
        m = re.match(r"^ (\.\S+)?\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(\S+)", line)
        if not m:
            continue
        name = m.group(1) or pending
        pending = None
        size = int(m.group(3), 16)
        if not size or not name or name.startswith((".debug", ".comment", ".ARM.attributes")):
            continue
        obj = re.sub(r".*/", "", m.group(4))
        kind = next((k for k in ("rodata", "bss", "data", "isr_vector", "init_array") if k in name),
                    "text")
        acc[(obj, kind)] += size
    return acc


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("elf")
    ap.add_argument("--map")
    ap.add_argument("--top", type=int, default=25)
    ap.add_argument("--max-flash", type=int, help="exit 1 if text + data exceeds this (bytes)")
    ap.add_argument("--max-ram", type=int, help="exit 1 if data + bss exceeds this (bytes)")
    args = ap.parse_args()
    out = subprocess.run(["arm-none-eabi-size", args.elf], capture_output=True, text=True,
                         check=True).stdout
    print(out, end="")
    text, data, bss = (int(x) for x in out.split("\n")[1].split()[:3])
    print(f"flash = text + data = {text + data} B; RAM = data + bss = {data + bss} B")
    acc = contributions(args.map or re.sub(r"\.elf$", ".map", args.elf))
    for (obj, kind), size in sorted(acc.items(), key=lambda x: -x[1])[: args.top]:
        print(f"{size:6d}  {kind:10s} {obj}")
    over = []
    if args.max_flash is not None and text + data > args.max_flash:
        over.append(f"flash {text + data} B > {args.max_flash} B")
    if args.max_ram is not None and data + bss > args.max_ram:
        over.append(f"RAM {data + bss} B > {args.max_ram} B")
    for o in over:
        print(f"FAIL: {o}")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
