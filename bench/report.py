#!/usr/bin/env python3
"""Merge irqio's and the peers' JSON lines: print a markdown table (absolute median / p99 and the
ratio peer/irqio of medians), write it to bench/results/table.md, and draw PNG charts with gnuplot.

    bench/report.py bench/results/all.jsonl [results_dir]

Repeated runs are combined as in bench/peers/summarize.py: median of per-run medians and p99s.
"""
import json
import os
import shutil
import statistics
import subprocess
import sys
from collections import defaultdict

PEERS = ["irqio", "floor", "asio", "uv", "tokio", "asyncio"]
# Rows that are a single value per run (no p99 worth showing).
SINGLE_SUFFIX = ("_mem", "_peak", "_writes", "_rate", "_create", "_bytes", "_malloc", "_pool")
# Lower is better except for rates.
HIGHER_BETTER = ("_rate",)


def fmt(x):
    if x is None:
        return "n/a"
    if x < 0:
        return "refused"
    if x >= 999.5e3:
        return f"{x / 1e6:.3g}M"
    if x >= 1e4:
        return f"{x / 1e3:.0f}k"
    if x >= 100:
        return f"{x:.0f}"
    return f"{x:.3g}"


def load(path):
    cells = defaultdict(lambda: ([], []))
    units, order = {}, []
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line.startswith("{"):
                continue
            o = json.loads(line)
            if "workload" not in o:
                continue
            key = (o["workload"], o["peer"])
            cells[key][0].append(o["median"])
            cells[key][1].append(o["p99"])
            units[o["workload"]] = o["unit"]
            if o["workload"] not in order:
                order.append(o["workload"])
    med = {k: (statistics.median(v[0]), statistics.median(v[1])) for k, v in cells.items()}
    return med, units, order


def table(med, units, order):
    peers = [p for p in PEERS if any(k[1] == p for k in med)]
    others = [p for p in peers if p != "irqio"]
    out = []
    out.append("| workload | unit | " + " | ".join(peers) + " | " +
               " | ".join(f"{p}/irqio" for p in others) + " |")
    out.append("| --- | --- |" + " ---: |" * (len(peers) + len(others)))
    for w in order:
        row = []
        for p in peers:
            if (w, p) not in med:
                row.append("n/a")
                continue
            m, p99 = med[(w, p)]
            single = w.endswith(SINGLE_SUFFIX) or w == "idle_wakeups" or w.startswith("timers_") \
                or units[w] not in ("ns",)
            row.append(fmt(m) if single else f"{fmt(m)} / {fmt(p99)}")
        ratios = []
        base = med.get((w, "irqio"), (None, None))[0]
        for p in others:
            if base is None or (w, p) not in med or base <= 0 or med[(w, p)][0] <= 0:
                ratios.append("")
                continue
            r = med[(w, p)][0] / base
            if w.endswith(HIGHER_BETTER):
                r = base / med[(w, p)][0]
            ratios.append(f"{r:.2g}x" if r < 10 else f"{r:.0f}x")
        out.append(f"| {w} | {units[w]} | " + " | ".join(row) + " | " + " | ".join(ratios) + " |")
    return "\n".join(out)


CHARTS = [
    ("switch", "Task switch (ns, median, log scale)", ["switch_2", "switch_1000", "event_pingpong"], True),
    ("wake", "Wake latency (ns, median, log scale)",
     ["wake_thread_idle", "wake_thread_idle_floor", "wake_thread_busy", "wake_signal",
      "wake_signal_floor"], True),
    ("memory", "Memory per sleeping task (bytes)", ["timers_100k_mem", "timers_1m_mem",
                                                    "task_frame_bytes", "rss_100k_mem"], False),
    ("timers", "100k / 1M sleepers: create + expire (ms)", ["timers_100k", "timers_1m"], False),
    ("instructions", "Instructions per operation (callgrind)",
     ["cg_switch_2", "cg_event_pingpong", "cg_wake_isr", "cg_tsq_push"], False),
]

# Loopback TCP echo (bench/echo/run_echo.sh, bench/echo/callgrind_echo.sh).
CHARTS.append(("echo", "Loopback echo, 1,000 connections: bytes/s (log scale)",
               ["echo_1000_rate", "echo_1000_1k_rate"], True))
CHARTS.append(("echo_cpu", "Loopback echo: server CPU ns per message, callgrind instructions per message",
               ["echo_1000_cpu", "echo_1000_usercpu", "echo_1000_1k_cpu", "cg_echo"], True))


def charts(med, outdir):
    if not shutil.which("gnuplot"):
        print("gnuplot not found: no charts", file=sys.stderr)
        return
    peers = [p for p in PEERS if any(k[1] == p for k in med)]
    for name, title, wls, logy in CHARTS:
        wls = [w for w in wls if any((w, p) in med for p in peers)]
        if not wls:
            continue
        cols = [p for p in peers if any((w, p) in med for w in wls)]
        dat = os.path.join(outdir, f"{name}.dat")
        with open(dat, "w") as f:
            f.write("workload " + " ".join(cols) + "\n")
            for w in wls:
                vals = []
                for p in cols:
                    v = med.get((w, p), (None,))[0]
                    vals.append("NaN" if v is None or v <= 0 else f"{v:.6g}")
                f.write(w + " " + " ".join(vals) + "\n")
        png = os.path.join(outdir, f"{name}.png")
        script = f"""
set terminal pngcairo size 1000,520 noenhanced font ",10"
set output '{png}'
set title '{title}'
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set key outside right top
set grid ytics
set xtics rotate by -20
{"set logscale y" if logy else "set yrange [0:*]"}
plot for [i=2:{len(cols) + 1}] '{dat}' using i:xtic(1) title columnheader(i)
"""
        r = subprocess.run(["gnuplot"], input=script, text=True, capture_output=True)
        if r.returncode != 0:
            print(f"gnuplot failed for {name}: {r.stderr.strip()}", file=sys.stderr)
        else:
            print(f"chart: {png}", file=sys.stderr)


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else "bench/results/all.jsonl"
    outdir = sys.argv[2] if len(sys.argv) > 2 else os.path.dirname(path)
    med, units, order = load(path)
    t = table(med, units, order)
    with open(os.path.join(outdir, "table.md"), "w") as f:
        f.write(t + "\n")
    print(t)
    charts(med, outdir)


if __name__ == "__main__":
    main()
