#!/usr/bin/env python3
"""The host tool on a Linux recording: test_trace's wake-cause scenario (a flag set from a task,
a handler, a thread and irqio's SIGUSR1 trampoline) written to a file, converted by
tools/irqio_trace.py, and checked: the JSON is valid trace-event format (the tool's own parser),
the waiter's four wakes by a set are arrows from the right tracks, and the summary counts them.

  trace_tool_check.py TEST_TRACE_BINARY
"""
import json
import os
import subprocess
import sys
import tempfile

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "tools"))
import irqio_trace  # noqa: E402


def main():
    binary = sys.argv[1]
    with tempfile.TemporaryDirectory(prefix="irqio-trace-") as tmp:
        rec = os.path.join(tmp, "wakes.trace")
        env = dict(os.environ, IRQIO_TRACE_TEST_OUT=rec)
        subprocess.run([binary, "--gtest_filter=Trace.WakesNameTheirCause"], env=env, check=True,
                       stdout=subprocess.DEVNULL)
        out = os.path.join(tmp, "wakes.json")
        png = os.path.join(tmp, "wakes.png")
        summary = os.path.join(tmp, "summary.txt")
        irqio_trace.main([rec, "--json", out, "--summary", summary, "--png", png])
        with open(out) as f:
            doc = json.load(f)
        errors = []
        flows = irqio_trace.check_chrome(doc)
        ev = doc["traceEvents"]
        names = {(e["pid"], e["tid"]): e["args"]["name"] for e in ev
                 if e["ph"] == "M" and e["name"] == "thread_name"}
        into_waiter = [e for e in ev if e["ph"] == "f" and names.get((e["pid"], e["tid"])) == "waiter"]
        starts = {e["id"]: names.get((e["pid"], e["tid"])) for e in ev if e["ph"] == "s"}
        sources = [starts[e["id"]] for e in into_waiter]
        # Creation and the set from a task come from the main task; the IsrScope set (no line)
        # from a "handler" mark, the thread's from its mark, the signal from SIGUSR1's track.
        if "SIGUSR1" not in sources:
            errors.append("no wake arrow from SIGUSR1 into the waiter: %s" % sources)
        if not any(s and s.startswith("thread") for s in sources):
            errors.append("no wake arrow from the setting thread: %s" % sources)
        if not any(s and s.startswith("handler") for s in sources):
            errors.append("no wake arrow from the IsrScope handler: %s" % sources)
        if len(into_waiter) != 5:
            errors.append("%d wake arrows into the waiter, expected 5" % len(into_waiter))
        with open(summary) as f:
            text = f.read()
        line = [l for l in text.splitlines() if l.startswith("waiter")]
        if not line or int(line[0].split()[1]) != 5:  # created + four sets: five steps
            errors.append("summary: waiter should have 5 steps:\n" + text)
        if "SIGUSR1" not in text:
            errors.append("summary: no SIGUSR1 line:\n" + text)
        with open(png, "rb") as f:
            if f.read(8) != b"\x89PNG\r\n\x1a\n":
                errors.append("the PNG is not a PNG")
    for e in errors:
        print("trace_tool: " + e)
    print("trace_tool: %d flows, sources into the waiter %s: %s"
          % (flows, sources, "FAIL" if errors else "ok"))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
