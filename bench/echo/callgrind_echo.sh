#!/usr/bin/env bash
# User-space instructions per echoed message of the irqio and Asio echo servers, with callgrind
# (repeatable, unlike time on a shared VM): each server runs under valgrind --tool=callgrind while
# echo_load drives it with CONNS connections for N1, then N2 measured messages (64 B); the
# figure is (Ir(N2) - Ir(N1)) / (N2 - N1), so start-up, accepts and shutdown cancel out. The
# per-function breakdown of the N2 run goes to bench/results/callgrind_echo_<peer>.txt and a JSON
# line per server to bench/results/echo_callgrind.jsonl (workload cg_echo, unit instructions).
#
#   bench/echo/callgrind_echo.sh          (after bench/echo/run_echo.sh has built everything)
# Environment: BUILD_DIR, PEERS_BUILD_DIR as for run_echo.sh; CONNS (default 1000), N1 (default
#   20000), N2 (default 60000), ECHO_CG_PEERS (default "irqio asio"; also irqio_cache: echo_irqio with its
#   --frame-cache experiment).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
build="${BUILD_DIR:-$repo/build/release}"
pbuild="${PEERS_BUILD_DIR:-$repo/build-peers}"
results="$repo/bench/results"
conns="${CONNS:-1000}" n1="${N1:-20000}" n2="${N2:-60000}"
mkdir -p "$results"
out="$results/echo_callgrind.jsonl"
[[ "${APPEND:-0}" == 1 ]] || : >"$out"
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

ir_for() {  # peer n -> prints Ir; leaves the profile in $results/callgrind_echo.$peer.$n.out
    local peer="$1" n="$2" cmd log pid port=""
    case "$peer" in
    irqio) cmd="$build/bench/echo/echo_irqio" ;;
    irqio_cache) cmd="$build/bench/echo/echo_irqio --frame-cache" ;;  # experiment, see echo_irqio.cpp
    asio) cmd="$pbuild/echo_asio" ;;
    esac
    log="$(mktemp)"
    valgrind --tool=callgrind --callgrind-out-file="$results/callgrind_echo.$peer.$n.out" \
        $cmd --port=0 >"$log" 2>&1 &
    pid=$!
    for _ in $(seq 200); do
        port="$(sed -n 's/^port \([0-9]*\)$/\1/p' "$log")"
        [[ -n "$port" ]] && break
        sleep 0.1
    done
    "$build/bench/echo/echo_load" --port="$port" --conns="$conns" --size=64 --warmup=0 \
        --duration=3600 --max-msgs="$n" --peer="$peer" >/dev/null
    kill -TERM "$pid"
    # Asio and irqio stop on SIGTERM; wait for callgrind to write its profile.
    wait "$pid" 2>/dev/null || true
    sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$log"
    rm -f "$log"
}

for peer in ${ECHO_CG_PEERS:-irqio asio}; do
    a=$(ir_for "$peer" "$n1")
    b=$(ir_for "$peer" "$n2")
    per=$(python3 -c "print(f'{($b - $a) / ($n2 - $n1):.0f}')")
    echo "{\"peer\":\"$peer\",\"workload\":\"cg_echo\",\"unit\":\"instructions\",\"median\":$per,\"p99\":$per,\"samples\":1,\"note\":\"(Ir(N=$n2)-Ir(N=$n1))/$((n2 - n1)) echoed 64 B messages, $conns connections, server under callgrind\"}" >>"$out"
    echo "  cg_echo ($peer): $per user-space instructions per echoed message" >&2
    callgrind_annotate --inclusive=no "$results/callgrind_echo.$peer.$n2.out" 2>/dev/null |
        sed -n '/file:function/,$p' | head -40 >"$results/callgrind_echo_$peer.txt" || true
    callgrind_annotate --inclusive=yes "$results/callgrind_echo.$peer.$n2.out" 2>/dev/null |
        sed -n '/file:function/,$p' | head -40 >"$results/callgrind_echo_${peer}_inclusive.txt" || true
    rm -f "$results/callgrind_echo.$peer.$n1.out"
    rm -f "$results/callgrind_echo.$peer.$n2.out"
done
cat "$out"
