#!/usr/bin/env python3
"""Print a markdown table (median / p99 per workload and peer) from peers.jsonl.

Lines from repeated runs are combined by taking the median of the per-run medians and of
the per-run p99s.
"""
import json
import statistics
import sys
from collections import defaultdict

PEERS = ["floor", "asio", "uv", "tokio", "asyncio"]


def fmt(x):
    if x >= 999.5e3:
        return f"{x / 1e6:.3g}M"
    if x >= 1e4:
        return f"{x / 1e3:.0f}k"
    if x >= 100:
        return f"{x:.0f}"
    return f"{x:.3g}"


def main(path):
    cells = defaultdict(lambda: ([], []))
    units = {}
    order = []
    with open(path) as f:
        for line in f:
            o = json.loads(line)
            key = (o["workload"], o["peer"])
            cells[key][0].append(o["median"])
            cells[key][1].append(o["p99"])
            units[o["workload"]] = o["unit"]
            if o["workload"] not in order:
                order.append(o["workload"])
    peers = [p for p in PEERS if any(k[1] == p for k in cells)]
    print("| workload | unit | " + " | ".join(peers) + " |")
    print("| --- | --- |" + " --- |" * len(peers))
    for w in order:
        row = []
        for p in peers:
            if (w, p) not in cells:
                row.append("n/a")
                continue
            med = statistics.median(cells[(w, p)][0])
            p99 = statistics.median(cells[(w, p)][1])
            single = w.endswith("_mem") or w == "idle_wakeups" or w.startswith("timers_")
            row.append(fmt(med) if single else f"{fmt(med)} / {fmt(p99)}")
        print(f"| {w} | {units[w]} | " + " | ".join(row) + " |")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "bench/results/peers.jsonl")
