#!/usr/bin/env bash
# One command for the side-by-side benchmarks: builds the release preset, runs irqio's
# benches and bench/peers/run_peers.sh with pinned CPUs, counts instructions with callgrind, merges
# everything into bench/results/all.jsonl, prints a markdown table (absolute figures and ratios to
# irqio; also bench/results/table.md) and draws PNG charts into bench/results/.
#
#   bench/run_all.sh [--quick]          (also: cmake --build build/release --target bench)
#
# Environment: RUNS (process repetitions per workload; default 3, quick 1), PEER_CPUS (default
#   "0,1": loop thread on the first, helper thread on the second), SKIP_PEERS=1 (reuse the last
#   bench/results/peers.jsonl), SKIP_CALLGRIND=1, PEERS (passed on to run_peers.sh), SKIP_ECHO=1
#   (reuse the last bench/results/echo.jsonl; see bench/echo/run_echo.sh for its own variables).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
results="$repo/bench/results"
quick=0
[[ "${1:-}" == "--quick" ]] && quick=1
mkdir -p "$results"

need() { command -v "$1" >/dev/null || echo "!! $1 not found (apt-get install $2)" >&2; }
need taskset util-linux
need gnuplot gnuplot-nox
need valgrind valgrind

# ---------------------------------------------------------------- build
echo "== building irqio (release preset)" >&2
(cd "$repo" && cmake --preset release >/dev/null &&
    cmake --build build/release --target bench_switch bench_memory bench_wake callgrind_probe >&2)
bin="$repo/build/release/bench"

pin=()
if command -v taskset >/dev/null && (($(nproc) >= 2)); then
    pin=(taskset -c "${PEER_CPUS:-0,1}")
fi

if ((quick)); then
    runs="${RUNS:-1}"
    common=(--samples=300 --batch=1000 --repeats=1)
    sizes=(--switches=300000 --switches-1000=300000)
else
    runs="${RUNS:-3}"
    common=(--samples=2000 --batch=1000 --repeats=1)
    sizes=(--switches=2000000 --switches-1000=2000000)
fi

# ---------------------------------------------------------------- irqio
out="$results/irqio.jsonl"
: >"$out.tmp"
run_one() {  # program workload [extra args]
    local prog="$1" w="$2"
    shift 2
    for ((r = 1; r <= runs; r++)); do
        # One process per workload and run, as for the peers: no heap or VmHWM carries over.
        if ! "${pin[@]}" "$bin/$prog" --workload="$w" "${common[@]}" "$@" |
            sed "s/}\$/,\"run\":$r}/" >>"$out.tmp"; then
            echo "!! irqio $prog $w run $r failed" >&2
        fi
    done
}
echo "== irqio benches (${pin[*]:-unpinned}, $runs run(s) each)" >&2
for w in switch_2 switch_1000 event_pingpong; do run_one bench_switch "$w" "${sizes[@]}"; done
for w in wake_thread_idle wake_thread_busy wake_signal wake_signal_busy tsq_push_isr event_set_isr; do
    run_one bench_wake "$w" --rounds=4
done
for w in task_frame rss_100k timers_100k timers_1m; do run_one bench_memory "$w"; done
mv "$out.tmp" "$out"

# ---------------------------------------------------------------- callgrind
cg="$results/callgrind.jsonl"
if [[ "${SKIP_CALLGRIND:-0}" != 1 ]] && command -v valgrind >/dev/null; then
    echo "== callgrind instruction counts" >&2
    : >"$cg"
    n1=100000
    n2=200000
    ir() {  # mode n -> total instructions (Ir)
        valgrind --tool=callgrind --callgrind-out-file="$results/callgrind.$1.$2.out" \
            "$bin/callgrind_probe" "$1" "$2" 2>&1 >/dev/null | sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
    }
    for spec in "switch:irqio:cg_switch_2" "floor:floor:cg_switch_2" "pingpong:irqio:cg_event_pingpong" \
        "wake:irqio:cg_wake_isr" "tsq:irqio:cg_tsq_push"; do
        IFS=: read -r mode peer wl <<<"$spec"
        a=$(ir "$mode" $n1)
        b=$(ir "$mode" $n2)
        per=$(python3 -c "print(f'{($b - $a) / ($n2 - $n1):.1f}')")
        echo "{\"peer\":\"$peer\",\"workload\":\"$wl\",\"unit\":\"instructions\",\"median\":$per,\"p99\":$per,\"samples\":1,\"note\":\"(Ir(N=$n2)-Ir(N=$n1))/$((n2 - n1)), callgrind_probe $mode\"}" >>"$cg"
        echo "  $wl ($peer): $per instructions per op" >&2
        # Per-function breakdown of the larger run, for the analysis in docs/benchmarks.md.
        callgrind_annotate "$results/callgrind.$mode.$n2.out" 2>/dev/null |
            sed -n '/file:function/,$p' | head -25 >"$results/callgrind_$mode.txt" || true
        rm -f "$results/callgrind.$mode.$n1.out" "$results/callgrind.$mode.$n2.out"
    done
else
    : >"$cg"
fi

# ---------------------------------------------------------------- peers
if [[ "${SKIP_PEERS:-0}" != 1 ]]; then
    echo "== peers (bench/peers/run_peers.sh)" >&2
    if ((quick)); then "$repo/bench/peers/run_peers.sh" --quick >&2; else "$repo/bench/peers/run_peers.sh" >&2; fi
fi

# ---------------------------------------------------------------- loopback TCP echo
# bench/echo/run_echo.sh: the same client against irqio, Asio, Tokio and asyncio echo servers
# (server and client pinned to CPUs 0 and 1); --quick: 3 s per run. Callgrind: instructions per
# echoed message of the irqio and Asio servers. SKIP_ECHO=1 reuses bench/results/echo*.jsonl.
if [[ "${SKIP_ECHO:-0}" != 1 ]]; then
    echo "== loopback TCP echo (bench/echo/run_echo.sh)" >&2
    if ((quick)); then "$repo/bench/echo/run_echo.sh" --quick >&2; else "$repo/bench/echo/run_echo.sh" >&2; fi
    if [[ "${SKIP_CALLGRIND:-0}" != 1 ]] && command -v valgrind >/dev/null; then
        "$repo/bench/echo/callgrind_echo.sh" >&2 || echo "!! callgrind_echo.sh failed" >&2
    fi
fi

# ---------------------------------------------------------------- merge, table, charts
cat "$out" "$cg" "$results/peers.jsonl" "$results/echo.jsonl" "$results/echo_callgrind.jsonl" \
    2>/dev/null >"$results/all.jsonl" || true
{
    echo "{\"date\":\"$(date -u +%FT%TZ)\",\"kernel\":\"$(uname -r)\",\"cpu\":\"$(lscpu | sed -n 's/^Model name: *//p' | head -1)\",\"nproc\":$(nproc),\"pinned\":\"${pin[*]:-none}\",\"quick\":$quick,\"runs\":$runs,\"commit\":\"$(cd "$repo" && git rev-parse --short HEAD 2>/dev/null || echo unknown)\"}"
} >"$results/machine.json"
echo "== $(wc -l <"$results/all.jsonl") lines in $results/all.jsonl" >&2
python3 "$here/report.py" "$results/all.jsonl" "$results"
