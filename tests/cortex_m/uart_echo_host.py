#!/usr/bin/env python3
"""Host side of the UART echo test: runs the firmware under QEMU with UART0 on a Unix socket,
sends a pattern, checks that every byte comes back in order, ends with EOT (0x04), and passes
only if the echo matched and the firmware exited 0.

  uart_echo_host.py --runner ports/cortex_m/qemu-run.py --elf build/cm_uart_echo.elf
                    [--bytes N] [-- runner options such as --timeout 30 --icount]
"""
import argparse
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time

EOT = 0x04


def pattern(n):
    # Every byte value but EOT, in a sequence that shows reordering and loss.
    out = bytearray()
    i = 0
    while len(out) < n:
        b = (i * 7 + i // 256) & 0xFF
        if b != EOT:
            out.append(b)
        i += 1
    return bytes(out)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runner", required=True)
    parser.add_argument("--elf", required=True)
    parser.add_argument("--bytes", type=int, default=4096)
    parser.add_argument("runner_args", nargs="*")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="irqio-uart-") as tmp:
        path = os.path.join(tmp, "uart0.sock")
        # QEMU listens and waits for us before it starts the guest, so no byte is lost.
        serial = f"unix:{path},server=on,wait=on"
        cmd = [sys.executable, args.runner, *args.runner_args, "--serial", serial, args.elf]
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL)
        try:
            return talk(proc, path, pattern(args.bytes) + bytes([EOT]))
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()


def talk(proc, path, payload):
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    deadline = time.monotonic() + 30  # QEMU may start slowly on a loaded machine
    while True:
        try:
            sock.connect(path)
            break
        except (FileNotFoundError, ConnectionRefusedError):
            if proc.poll() is not None or time.monotonic() > deadline:
                print("uart_echo_host: QEMU's serial socket never appeared", file=sys.stderr)
                return 1
            time.sleep(0.02)

    received = bytearray()

    def reader():
        while len(received) < len(payload):
            chunk = sock.recv(4096)
            if not chunk:
                break
            received.extend(chunk)

    thread = threading.Thread(target=reader, daemon=True)
    thread.start()
    start = time.monotonic()
    for i in range(0, len(payload), 256):  # chunks: the guest must cope with bursts
        sock.sendall(payload[i:i + 256])
    thread.join(timeout=60)
    elapsed = time.monotonic() - start
    code = proc.wait(timeout=60)
    sock.close()

    ok = bytes(received) == payload
    print(f"uart_echo_host: sent {len(payload)} bytes, got {len(received)} back in "
          f"{elapsed:.2f} s, echo {'matches' if ok else 'DIFFERS'}, firmware exit {code}")
    if not ok:
        first = next((i for i, (a, b) in enumerate(zip(received, payload)) if a != b),
                     min(len(received), len(payload)))
        print(f"uart_echo_host: first difference at byte {first}", file=sys.stderr)
        return 1
    return code


if __name__ == "__main__":
    sys.exit(main())
