#!/usr/bin/env bash
# Loopback TCP echo workload: every server driven by the same client
# (echo_load: C++ and epoll, one thread) in the same run, server and client pinned to different
# CPUs. Writes JSON lines to bench/results/echo.jsonl and prints a summary with the ratios.
#
#   bench/echo/run_echo.sh [--quick]
#
# Rows per server (peer) and message size (echo_1000: 64 B lines, echo_1000_1k: 1 KiB lines):
#   <w>_rate      echoed bytes per second (client side, measured window only)
#   <w>_rtt       round trip per message, p50 / p99 (ns)
#   <w>_cpu       server CPU time per echoed message (ns; user + system from /proc/PID/stat)
#   echo_1000_idle_mem  server RSS growth per idle connection (fresh server, 1,000 connections)
#   echo_1000_b256_idle_mem  irqio with 256 B read and write buffers (4 KiB ones are mostly not
#                            resident, so subtracting them would undercount)
#   echo_1000_b256_idle_net  the same minus those 512 B: the runtime's own memory per connection
#
# Environment: RUNS (default 3, quick 1), DURATION (seconds measured; default 10, quick 3),
#   WARMUP (default 2, quick 1), CONNS (default 1000), SERVER_CPU (default 0), CLIENT_CPU
#   (default 1), ECHO_PEERS (default "irqio asio tokio asyncio"), BUILD_DIR (irqio build; default
#   <repo>/build/release), PEERS_BUILD_DIR (default <repo>/build-peers).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
build="${BUILD_DIR:-$repo/build/release}"
pbuild="${PEERS_BUILD_DIR:-$repo/build-peers}"
results="$repo/bench/results"
out="$results/echo.jsonl"
quick=0
[[ "${1:-}" == "--quick" ]] && quick=1
if ((quick)); then
    runs="${RUNS:-1}" duration="${DURATION:-3}" warmup="${WARMUP:-1}"
else
    runs="${RUNS:-3}" duration="${DURATION:-10}" warmup="${WARMUP:-2}"
fi
conns="${CONNS:-1000}"
peers="${ECHO_PEERS:-irqio asio tokio asyncio}"
# Per-connection buffers the irqio server is given (StreamOptions read_buffer + write_buffer).
irqio_rbuf=4096 irqio_wbuf=4096

# ---------------------------------------------------------------- build
echo "== building the echo client and servers" >&2
if [[ ! -f "$build/CMakeCache.txt" ]]; then
    (cd "$repo" && cmake --preset release -B "$build" >/dev/null)
fi
cmake --build "$build" --target echo_load echo_irqio >&2
cmake -S "$repo/bench/peers" -B "$pbuild" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$pbuild" --target echo_asio >&2
tokio_bin=""
if [[ " $peers " == *" tokio "* ]]; then
    if command -v cargo >/dev/null && ls -d /usr/share/cargo/registry/tokio-1.* >/dev/null 2>&1 &&
        (cd "$here/tokio" && CARGO_TARGET_DIR="$pbuild/tokio" cargo build --release --offline -q >&2); then
        tokio_bin="$pbuild/tokio/release/echo_tokio"
    else
        echo "!! echo_tokio did not build (cargo / librust-tokio-dev missing?); tokio skipped" >&2
    fi
fi
client="$build/bench/echo/echo_load"

server_cmd() {
    case "$1" in
    irqio) echo "$build/bench/echo/echo_irqio --read-buffer=${2:-$irqio_rbuf} --write-buffer=${3:-$irqio_wbuf}" ;;
    asio) echo "$pbuild/echo_asio" ;;
    tokio) echo "$tokio_bin" ;;
    asyncio) echo "python3 $here/echo_asyncio.py" ;;
    esac
}

cpin=() spin=()
if command -v taskset >/dev/null && (($(nproc) >= 2)); then
    spin=(taskset -c "${SERVER_CPU:-0}")
    cpin=(taskset -c "${CLIENT_CPU:-1}")
fi
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

srv_pid="" srv_log=""
start_server() {  # peer [irqio read buffer] [irqio write buffer] -> sets srv_pid and srv_port
    srv_log="$(mktemp)"
    # shellcheck disable=SC2046
    "${spin[@]}" $(server_cmd "$@") --port=0 >"$srv_log" 2>&1 &
    srv_pid=$!
    srv_port=""
    for _ in $(seq 100); do
        srv_port="$(sed -n 's/^port \([0-9]*\)$/\1/p' "$srv_log")"
        [[ -n "$srv_port" ]] && return 0
        sleep 0.05
    done
    echo "!! $1 server did not start: $(cat "$srv_log")" >&2
    return 1
}
stop_server() {
    kill -TERM "$srv_pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$srv_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$srv_pid" 2>/dev/null || true
    wait "$srv_pid" 2>/dev/null || true
    rm -f "$srv_log"
}
trap '[[ -n "$srv_pid" ]] && kill -KILL "$srv_pid" 2>/dev/null; true' EXIT

mkdir -p "$results"
tmp="$out.tmp"
: >"$tmp"
start=$(date +%s)
# Peers interleaved within each run and size, so load from elsewhere on the machine spreads over
# all of them instead of hitting one peer's runs.
for ((r = 1; r <= runs; r++)); do
    for spec in "echo_1000:64" "echo_1000_1k:1024"; do
        w="${spec%%:*}" size="${spec##*:}"
        for peer in $peers; do
            [[ "$peer" == tokio && -z "$tokio_bin" ]] && continue
            echo "-- $peer $w run $r (${duration} s + ${warmup} s warm-up, $conns connections, $size B)" >&2
            start_server "$peer" || continue
            "${cpin[@]}" "$client" --port="$srv_port" --conns="$conns" --size="$size" \
                --duration="$duration" --warmup="$warmup" --peer="$peer" --workload="$w" \
                --server-pid="$srv_pid" --run="$r" >>"$tmp" || echo "!! $peer $w run $r failed" >&2
            stop_server
        done
    done
    # Memory per idle connection: a fresh server, so nothing is reused from a previous load. irqio
    # twice: with the 4 KiB + 4 KiB buffers of the load runs (pages of them never touched are not
    # resident, so "minus the buffers" undercounts) and with 256 B + 256 B buffers (echo_1000_b256:
    # every byte of the block is touched, so RSS growth minus 512 B is the runtime's own cost).
    for spec in $(for p in $peers; do echo "$p:echo_1000"; done) irqio:echo_1000_b256; do
        peer="${spec%%:*}" w="${spec##*:}"
        [[ " $peers " == *" $peer "* ]] || continue
        [[ "$peer" == tokio && -z "$tokio_bin" ]] && continue
        echo "-- $peer $w idle memory run $r ($conns connections)" >&2
        # --user-buffers (for the *_idle_net row) only where the buffers are all resident.
        ub=0 bufs=()
        [[ "$w" == echo_1000_b256 ]] && ub=512 bufs=(256 256)
        start_server "$peer" "${bufs[@]}" || continue
        "${cpin[@]}" "$client" --idle --port="$srv_port" --conns="$conns" --size=64 --peer="$peer" \
            --workload="$w" --server-pid="$srv_pid" --user-buffers="$ub" --run="$r" >>"$tmp" ||
            echo "!! $peer $w idle run $r failed" >&2
        stop_server
    done
done
srv_pid=""
mv "$tmp" "$out"
echo "== wrote $(wc -l <"$out") lines to $out in $(($(date +%s) - start)) s" >&2
python3 "$here/summarize_echo.py" "$out"
