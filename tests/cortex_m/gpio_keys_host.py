#!/usr/bin/env python3
"""Host side of cm_gpio_keys: runs the firmware under QEMU with a monitor on a Unix socket, and for
every "gpio-keys: press N" line the firmware prints, strokes the up key (`sendkey up`: press, then
release 100 ms later). Passes only if the firmware exits 0.

  gpio_keys_host.py --runner ports/cortex_m/qemu-run.py --elf build/cm_gpio_keys.elf [-- runner options]
"""
import argparse
import sys
import tempfile
import time

from qemu_monitor import Monitor, start_with_monitor


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runner", required=True)
    parser.add_argument("--elf", required=True)
    parser.add_argument("runner_args", nargs="*")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="irqio-keys-") as tmp:
        proc, mon_path = start_with_monitor(args.runner, args.runner_args, args.elf, tmp)
        try:
            mon = Monitor(mon_path)
        except (RuntimeError, OSError) as e:
            print(f"gpio_keys_host: {e}")
            mon = None
        strokes = 0
        for line in proc.stdout:
            sys.stdout.write(line)
            if line.startswith("gpio-keys: press") and mon is not None:
                time.sleep(0.05)  # let the firmware reach its wait
                mon.command("sendkey up 100")
                strokes += 1
        code = proc.wait()
        if mon is not None:
            mon.close()
        print(f"gpio_keys_host: {strokes} key strokes, firmware exit {code}")
        return 0 if code == 0 and mon is not None else 1


if __name__ == "__main__":
    sys.exit(main())
