"""QEMU's human monitor for the host scripts of the Cortex-M tests: the firmware run by the runner
(qemu-run.py) with a monitor on a Unix socket, and a client that sends one command at a time."""
import os
import socket
import subprocess
import sys
import time


def start_with_monitor(runner, runner_args, elf, tmp):
    """Starts the runner on `elf` with QEMU's monitor on a socket in `tmp`. Returns the process
    (its stdout: the firmware's semihosting output and the runner's messages, line by line) and
    the socket's path."""
    mon_path = os.path.join(tmp, "monitor.sock")
    extra = ["-chardev", f"socket,id=hostmon,path={mon_path},server=on,wait=off",
             "-mon", "chardev=hostmon,mode=readline"]
    cmd = [sys.executable, runner, "--serial", "null", *runner_args, elf, "--", *extra]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            bufsize=1)
    return proc, mon_path


class Monitor:
    """QEMU's human monitor (readline mode) on a Unix socket: one command at a time, each waited
    for until the next prompt."""

    def __init__(self, path):
        err = None
        for _ in range(200):
            try:
                self.sock = socket.socket(socket.AF_UNIX)
                self.sock.connect(path)
                break
            except OSError as e:
                err = e
                time.sleep(0.05)
        else:
            raise RuntimeError(f"no monitor at {path}: {err}")
        self.sock.settimeout(20)
        self._until_prompt()

    def _until_prompt(self):
        data = b""
        while not data.endswith(b"(qemu) "):
            chunk = self.sock.recv(4096)
            if not chunk:
                raise RuntimeError("monitor closed")
            data += chunk
        return data

    def command(self, text):
        self.sock.sendall(text.encode() + b"\n")
        self._until_prompt()

    def quit(self):
        """Ends QEMU; returns once it has closed the monitor (closing first could drop the
        command)."""
        self.sock.sendall(b"quit\n")
        try:
            while self.sock.recv(4096):
                pass
        except OSError:
            pass

    def close(self):
        self.sock.close()
