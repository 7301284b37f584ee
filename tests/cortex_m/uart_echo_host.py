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


def run_with_serial(args, talk):
    """Runs the firmware under the QEMU runner with UART0 on a fresh Unix socket and returns
    talk(proc, path); QEMU is killed if it is still running afterwards."""
    with tempfile.TemporaryDirectory(prefix="irqio-uart-") as tmp:
        path = os.path.join(tmp, "uart0.sock")
        # QEMU listens and waits for us before it starts the guest, so no byte is lost.
        serial = f"unix:{path},server=on,wait=on"
        cmd = [sys.executable, args.runner, *args.runner_args, "--serial", serial, args.elf]
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL)
        try:
            return talk(proc, path)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()


def connect_serial(proc, path, who):
    """The connected socket, or None (having said why) if QEMU's socket never appears."""
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    deadline = time.monotonic() + 30  # QEMU may start slowly on a loaded machine
    while True:
        try:
            sock.connect(path)
            return sock
        except (FileNotFoundError, ConnectionRefusedError):
            if proc.poll() is not None or time.monotonic() > deadline:
                print(f"{who}: QEMU's serial socket never appeared", file=sys.stderr)
                sock.close()
                return None
            time.sleep(0.02)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runner", required=True)
    parser.add_argument("--elf", required=True)
    parser.add_argument("--bytes", type=int, default=4096)
    parser.add_argument("runner_args", nargs="*")
    args = parser.parse_args()
    payload = pattern(args.bytes) + bytes([EOT])
    return run_with_serial(args, lambda proc, path: talk(proc, path, payload))


def talk(proc, path, payload):
    sock = connect_serial(proc, path, "uart_echo_host")
    if sock is None:
        return 1

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
