#!/usr/bin/env python3
"""Host side of cm_periph_uart: runs the firmware under QEMU with UART0 on a Unix socket, waits
for the banner the firmware sends with Uart::write_blocking, echoes a pattern through it with at
most --window bytes in flight (below the firmware's 256-byte rx ring, so the portable Uart, which
drops and counts bytes that find its ring full, must lose none), ends with EOT (0x04), then
expects the closing line. Passes only if everything matched and the firmware exited 0.

  periph_uart_host.py --runner ports/cortex_m/qemu-run.py --elf build/cm_periph_uart
                      [--bytes N] [--window W] [-- runner options such as --timeout 30]
"""
import argparse
import os
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from uart_echo_host import EOT, connect_serial, pattern, run_with_serial  # noqa: E402

BANNER = b"irqio-uart-ready\n"
BYE = b"irqio-uart-bye\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runner", required=True)
    parser.add_argument("--elf", required=True)
    parser.add_argument("--bytes", type=int, default=4096)
    parser.add_argument("--window", type=int, default=192)
    parser.add_argument("runner_args", nargs="*")
    args = parser.parse_args()
    payload = pattern(args.bytes) + bytes([EOT])
    return run_with_serial(args, lambda proc, path: talk(proc, path, payload, args.window))


class Receiver:
    def __init__(self, sock, deadline):
        self.sock = sock
        self.deadline = deadline
        self.buf = bytearray()

    def wait_for(self, n):
        """Reads until at least n bytes came in; False on timeout or end of stream."""
        while len(self.buf) < n:
            left = self.deadline - time.monotonic()
            if left <= 0:
                return False
            self.sock.settimeout(left)
            try:
                chunk = self.sock.recv(4096)
            except socket.timeout:
                return False
            if not chunk:
                return False
            self.buf.extend(chunk)
        return True


def talk(proc, path, payload, window):
    sock = connect_serial(proc, path, "periph_uart_host")
    if sock is None:
        return 1

    rx = Receiver(sock, time.monotonic() + 60)
    if not rx.wait_for(len(BANNER)) or bytes(rx.buf[:len(BANNER)]) != BANNER:
        print(f"periph_uart_host: no banner, got {bytes(rx.buf)!r}", file=sys.stderr)
        return 1
    del rx.buf[:len(BANNER)]

    start = time.monotonic()
    sent = 0
    chunk = max(1, window // 4)
    while sent < len(payload):
        # Keep at most `window` bytes sent but not yet echoed.
        if not rx.wait_for(max(0, sent + chunk - window)):
            break
        piece = payload[sent:sent + chunk]
        sock.sendall(piece)
        sent += len(piece)
    complete = rx.wait_for(len(payload) + len(BYE))
    elapsed = time.monotonic() - start
    try:
        code = proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        code = 124
    sock.close()

    echo = bytes(rx.buf[:len(payload)])
    tail = bytes(rx.buf[len(payload):])
    ok = complete and echo == payload and tail == BYE
    print(f"periph_uart_host: sent {sent} of {len(payload)} bytes (window {window}), got "
          f"{len(echo)} back in {elapsed:.2f} s, echo {'matches' if echo == payload else 'DIFFERS'}"
          f", closing line {tail!r}, firmware exit {code}")
    if echo != payload:
        first = next((i for i, (a, b) in enumerate(zip(echo, payload)) if a != b),
                     min(len(echo), len(payload)))
        print(f"periph_uart_host: first difference at byte {first}", file=sys.stderr)
    if not ok:
        return 1
    return code


if __name__ == "__main__":
    sys.exit(main())
