#!/usr/bin/env python3
"""Summarize bench/results/echo.jsonl (bench/echo/run_echo.sh): a markdown table per message size
(throughput, messages/s, round trip p50 / p99, server CPU use and CPU per message, idle memory)
and the throughput ratios irqio / peer with the targets (docs/benchmarks.md: >= 1.0x Asio, >= 10x asyncio,
< 2 KiB per idle connection besides the user's buffers). Repeated runs: median of the runs.

    bench/echo/summarize_echo.py [bench/results/echo.jsonl]
"""
import json
import statistics
import sys
from collections import defaultdict

PEERS = ["irqio", "asio", "tokio", "asyncio"]


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else "bench/results/echo.jsonl"
    rows = defaultdict(list)  # (workload, peer) -> [json objects]
    for line in open(path):
        line = line.strip()
        if line.startswith("{"):
            o = json.loads(line)
            rows[(o["workload"], o["peer"])].append(o)
    med = lambda xs: statistics.median(xs) if xs else None
    peers = [p for p in PEERS if any(k[1] == p for k in rows)]
    out = []
    for w in ["echo_1000", "echo_1000_1k"]:
        if not any((w + "_rate", p) in rows for p in peers):
            continue
        size = next(o["size"] for p in peers for o in rows.get((w + "_rate", p), []))
        out.append(f"\n{w}: {size} B messages, 1,000 connections, one message in flight each\n")
        out.append("| server | MB/s | msgs/s | rtt p50 (ms) | rtt p99 (ms) | server CPU | "
                   "server CPU/msg (us) | of it user (us) | runs |")
        out.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        rate = {}
        for p in peers:
            rs = rows.get((w + "_rate", p), [])
            if not rs:
                continue
            rt = rows.get((w + "_rtt", p), [])
            cp = rows.get((w + "_cpu", p), [])
            uc = rows.get((w + "_usercpu", p), [])
            rate[p] = med([o["median"] for o in rs])
            out.append(
                f"| {p} | {rate[p] / 1e6:.2f} | {med([o['msgs_per_s'] for o in rs]):.0f} | "
                f"{med([o['median'] for o in rt]) / 1e6:.2f} | {med([o['p99'] for o in rt]) / 1e6:.2f} | "
                f"{med([o['server_cpu'] for o in rs]) * 100:.0f}% | "
                f"{(med([o['median'] for o in cp]) or 0) / 1e3:.2f} | "
                f"{(med([o['median'] for o in uc]) or 0) / 1e3:.2f} | {len(rs)} |")
        if "irqio" in rate:
            parts = [f"irqio/{p} {rate['irqio'] / rate[p]:.2f}x" for p in peers if p != "irqio" and p in rate]
            out.append("\nthroughput ratios: " + ", ".join(parts))
            if "asio" in rate:
                r = rate["irqio"] / rate["asio"]
                out.append(f"target irqio/asio >= 1.0x: {r:.2f}x {'met' if r >= 1.0 else 'MISSED'}")
            if "asyncio" in rate:
                r = rate["irqio"] / rate["asyncio"]
                out.append(f"target irqio/asyncio >= 10x: {r:.1f}x {'met' if r >= 10 else 'MISSED'}")
    idle = [(p if p != "irqio" else "irqio, 4 KiB + 4 KiB buffers (mostly not resident)",
             rows.get(("echo_1000_idle_mem", p), [])) for p in peers]
    idle += [("irqio, 256 B buffers", rows.get(("echo_1000_b256_idle_mem", "irqio"), []))]
    if any(v for _, v in idle):
        out.append("\nmemory per idle connection (server RSS growth / 1,000 connections, fresh server)\n")
        out.append("| server | bytes/conn | user buffers | besides user buffers |")
        out.append("| --- | ---: | ---: | ---: |")
        for p, v in idle:
            if not v:
                continue
            m = med([o["median"] for o in v])
            ub = v[0].get("user_buffers", 0)
            if ub:
                out.append(f"| {p} | {m:.0f} | {ub} | {m - ub:.0f} |")
            else:
                out.append(f"| {p} | {m:.0f} | | |")
    print("\n".join(out))


if __name__ == "__main__":
    main()
