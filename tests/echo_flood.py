#!/usr/bin/env python3
"""Floods examples/echo_server with short lines as fast as the socket takes them and checks that
every line comes back, in order (a regression test: in the Debug build the server used to die with
SIGSEGV after ~17,000 lines, its stack grown by each synchronously completing sub-task).

    echo_flood.py <echo_server> [lines] [timeout_s]

The server is started on a free port (port 0), stopped with SIGTERM at the end, and must exit 0.
"""
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time


def main():
    server = sys.argv[1]
    lines = int(sys.argv[2]) if len(sys.argv) > 2 else 2_000_000
    timeout = float(sys.argv[3]) if len(sys.argv) > 3 else 120.0
    proc = subprocess.Popen([server, "0"], stdout=subprocess.PIPE, text=True)
    try:
        m = re.search(r"listening on port (\d+)", proc.stdout.readline())
        if not m:
            print("echo_flood: the server did not say its port")
            return 1
        port = int(m.group(1))
        sock = socket.create_connection(("127.0.0.1", port))
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        t0 = time.monotonic()
        sent_err = []

        def sender():
            # Short lines, several thousand per send: as fast as the socket takes them.
            try:
                batch = 5000
                for start in range(0, lines, batch):
                    end = min(lines, start + batch)
                    sock.sendall("".join(f"{i}\n" for i in range(start, end)).encode())
                sock.shutdown(socket.SHUT_WR)
            except OSError as e:
                sent_err.append(e)

        th = threading.Thread(target=sender, daemon=True)
        th.start()
        sock.settimeout(10.0)
        expect = 0
        pending = b""
        deadline = t0 + timeout
        while expect < lines:
            if time.monotonic() > deadline:
                print(f"echo_flood: timed out after {expect} lines echoed")
                return 1
            try:
                chunk = sock.recv(1 << 20)
            except socket.timeout:
                print(f"echo_flood: nothing echoed for 10 s, after {expect} lines")
                return 1
            except ConnectionResetError:
                chunk = b""
            if not chunk:
                try:
                    proc.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    pass
                rc = proc.poll()
                print(f"echo_flood: connection closed after {expect} of {lines} lines"
                      f" (server exit status {rc})")
                return 1
            pending += chunk
            parts = pending.split(b"\n")
            pending = parts.pop()
            for p in parts:
                if p != str(expect).encode():
                    print(f"echo_flood: line {expect} came back as {p[:40]!r}")
                    return 1
                expect += 1
        th.join(timeout=10)
        if sent_err:
            print(f"echo_flood: send failed: {sent_err[0]}")
            return 1
        # The server closes its side after our end of input.
        rest = sock.recv(1 << 16)
        sock.close()
        took = time.monotonic() - t0
        print(f"echo_flood: {lines} lines echoed in order in {took:.1f} s"
              f" ({lines / took:.0f} lines/s); trailing bytes {len(pending) + len(rest)}")
        if pending or rest:
            return 1
        proc.send_signal(signal.SIGTERM)
        rc = proc.wait(timeout=20)
        print(proc.stdout.read().strip())
        if rc != 0:
            print(f"echo_flood: the server exited with {rc}")
            return 1
        print("PASS")
        return 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


if __name__ == "__main__":
    sys.exit(main())
