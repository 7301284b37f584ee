#!/usr/bin/env python3
"""Host side of cm_gpio_keys: runs the firmware under QEMU with a monitor on a Unix socket, and for
every "gpio-keys: press N" line the firmware prints, strokes the up key (`sendkey up`: press, then
release 100 ms later). Passes only if the firmware exits 0.

  gpio_keys_host.py --runner ports/cortex_m/qemu-run.py --elf build/cm_gpio_keys.elf [-- runner options]
"""
import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runner", required=True)
    parser.add_argument("--elf", required=True)
    parser.add_argument("runner_args", nargs="*")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="irqio-keys-") as tmp:
        mon_path = os.path.join(tmp, "monitor.sock")
        extra = ["-chardev", f"socket,id=keys,path={mon_path},server=on,wait=off",
                 "-mon", "chardev=keys,mode=readline"]
        cmd = [sys.executable, args.runner, "--serial", "null", *args.runner_args, args.elf,
               "--", *extra]
        # The firmware prints over semihosting, which QEMU writes to its stderr.
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                bufsize=1)
        mon = None
        err = None
        for _ in range(100):
            try:
                mon = socket.socket(socket.AF_UNIX)
                mon.connect(mon_path)
                break
            except OSError as e:
                err = e
                mon = None
                time.sleep(0.05)
        if mon is None:
            print(f"gpio_keys_host: no monitor at {mon_path}: {err}")
        strokes = 0
        for line in proc.stdout:
            sys.stdout.write(line)
            if line.startswith("gpio-keys: press") and mon is not None:
                time.sleep(0.05)  # let the firmware reach its wait
                mon.sendall(b"sendkey up 100\n")
                strokes += 1
        code = proc.wait()
        if mon is not None:
            mon.close()
        print(f"gpio_keys_host: {strokes} key strokes, firmware exit {code}")
        return 0 if code == 0 and mon is not None else 1


if __name__ == "__main__":
    sys.exit(main())
