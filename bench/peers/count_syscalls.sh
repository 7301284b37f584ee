#!/usr/bin/env bash
# Syscalls per wake (from another thread), loop idle and loop busy, counted with strace -c -f.
# strace slows every syscall, so only the counts are meaningful here, not the latencies.
# Run bench/peers/run_peers.sh first (it builds the binaries).
#
#   bench/peers/count_syscalls.sh        -> bench/results/peers-syscalls.jsonl
#
# Counted: the wake-path calls (write, sendto, futex, epoll_wait, read, recvfrom) of all
# threads, divided by the number of sets (samples + 20 warm-up sets). The setter's own
# clock_nanosleep and sched_yield are not wake-path calls and are left out.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
build="${BUILD_DIR:-$repo/build-peers}"
out="$repo/bench/results/peers-syscalls.jsonl"
command -v strace >/dev/null || { echo "needs strace (apt-get install strace)" >&2; exit 1; }
samples=480
sets=$((samples + 20))
mkdir -p "$(dirname "$out")"
: >"$out"
declare -A cmds=(
    [floor]="$build/peer_floor" [asio]="$build/peer_asio" [uv]="$build/peer_uv"
    [tokio]="$build/tokio/release/peer_tokio" [asyncio]="python3 $here/peer_asyncio.py")
for peer in floor asio uv tokio asyncio; do
    cmd="${cmds[$peer]}"
    [[ -x "${cmd%% *}" ]] || command -v "${cmd%% *}" >/dev/null || continue
    for w in wake_thread_idle wake_thread_busy; do
        st="$(mktemp)"
        # shellcheck disable=SC2086
        strace -f -c -o "$st" taskset -c 0,1 $cmd --workload="$w" --samples=$samples >/dev/null
        python3 - "$st" "$peer" "$w" "$sets" >>"$out" <<'PY'
import json, sys
path, peer, w, sets = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
wanted = {"write", "sendto", "futex", "epoll_wait", "read", "recvfrom"}
counts = {}
for line in open(path):
    # columns: %time seconds usecs/call calls [errors] syscall
    f = line.split()
    if len(f) >= 5 and f[-1] in wanted:
        counts[f[-1]] = int(f[3])
obj = {"peer": peer, "workload": w, "unit": "syscalls_per_set", "sets": sets}
obj.update({k: round(v / sets, 2) for k, v in sorted(counts.items())})
print(json.dumps(obj, separators=(",", ":")))
PY
        rm -f "$st"
    done
done
cat "$out"
