#!/usr/bin/env bash
# Build and run every peer program; write JSON lines to bench/results/peers.jsonl.
#
#   bench/peers/run_peers.sh [--quick]
#
# --quick: fewer samples/switches, timers_100k only, one run (under 2 minutes on 2 cores).
# Environment: PEER_CPUS (default "0,1": loop on the first CPU, helper thread on the second),
#   RUNS (process repetitions per workload; default 3, quick 1), PEERS (default
#   "floor asio uv tokio asyncio"), WORKLOADS (comma list, default all for the mode),
#   BUILD_DIR (default <repo>/build-peers), IDLE_SECONDS (default 2, quick 1).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
build="${BUILD_DIR:-$repo/build-peers}"
results="$repo/bench/results"
out="$results/peers.jsonl"
quick=0
[[ "${1:-}" == "--quick" ]] && quick=1

if ((quick)); then
    runs="${RUNS:-1}"
    common=(--samples=300 --batch=1000 --repeats=1 --idle-seconds="${IDLE_SECONDS:-1}")
    native_sizes=(--switches=300000 --switches-1000=300000)
    py_sizes=(--switches=30000 --switches-1000=30000)
    workloads="${WORKLOADS:-wake_thread_idle,wake_thread_busy,wake_signal,switch_2,switch_1000,event_pingpong,timers_100k,idle_wakeups}"
else
    runs="${RUNS:-3}"
    common=(--samples=2000 --batch=1000 --repeats=1 --idle-seconds="${IDLE_SECONDS:-2}")
    native_sizes=(--switches=2000000 --switches-1000=2000000)
    py_sizes=(--switches=200000 --switches-1000=200000)
    workloads="${WORKLOADS:-wake_thread_idle,wake_thread_busy,wake_signal,switch_2,switch_1000,event_pingpong,timers_100k,timers_1m,idle_wakeups}"
fi
peers="${PEERS:-floor asio uv tokio asyncio}"

# ---------------------------------------------------------------- build
echo "== building C++ peers in $build" >&2
cmake -S "$here" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j"$(nproc)" >&2

tokio_bin=""
if [[ " $peers " == *" tokio "* ]]; then
    if command -v cargo >/dev/null && ls -d /usr/share/cargo/registry/tokio-1.* >/dev/null 2>&1; then
        echo "== building peer_tokio (cargo, offline, Debian crates)" >&2
        if (cd "$here/tokio" && CARGO_TARGET_DIR="$build/tokio" cargo build --release --offline -q >&2); then
            tokio_bin="$build/tokio/release/peer_tokio"
        else
            echo "!! peer_tokio failed to build; tokio skipped" >&2
        fi
    else
        echo "!! cargo or librust-tokio-dev missing (apt-get install librust-tokio-dev); tokio skipped" >&2
    fi
fi

# ---------------------------------------------------------------- run
pin=()
if command -v taskset >/dev/null && (($(nproc) >= 2)); then
    pin=(taskset -c "${PEER_CPUS:-0,1}")
fi

mkdir -p "$results"
tmp="$out.tmp"
: >"$tmp"
{
    echo "{\"date\":\"$(date -u +%FT%TZ)\",\"kernel\":\"$(uname -r)\",\"cpu\":\"$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')\",\"nproc\":$(nproc),\"pinned\":\"${pin[*]:-none}\",\"quick\":$quick,\"runs\":$runs}"
} >"$results/peers-machine.json"

cmd_for() {
    case "$1" in
    floor) echo "$build/peer_floor" ;;
    asio) echo "$build/peer_asio" ;;
    uv) echo "$build/peer_uv" ;;
    tokio) echo "$tokio_bin" ;;
    asyncio) echo "python3 $here/peer_asyncio.py" ;;
    esac
}

start=$(date +%s)
for peer in $peers; do
    cmd="$(cmd_for "$peer")"
    [[ -z "$cmd" ]] && continue
    if [[ "$peer" == asyncio ]]; then sizes=("${py_sizes[@]}"); else sizes=("${native_sizes[@]}"); fi
    IFS=',' read -ra wls <<<"$workloads"
    for w in "${wls[@]}"; do
        for ((r = 1; r <= runs; r++)); do
            echo "-- $peer $w run $r" >&2
            # One process per workload and run: no state or memory high-water mark carries over.
            # shellcheck disable=SC2086
            if ! "${pin[@]}" $cmd --workload="$w" "${common[@]}" "${sizes[@]}" |
                sed "s/}\$/,\"run\":$r}/" >>"$tmp"; then
                echo "!! $peer $w run $r failed" >&2
            fi
        done
    done
done
mv "$tmp" "$out"
echo "== wrote $(wc -l <"$out") lines to $out in $(($(date +%s) - start)) s" >&2
python3 "$here/summarize.py" "$out"
