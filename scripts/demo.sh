#!/usr/bin/env bash
# Builds and runs the main demo: irqio on the virtual board (examples/board_demo.cpp).
# Options are passed on: --seconds S, --blocking, --adc-rate HZ, --adc-blocks N, --no-live. See
# docs/demo.md. --trace out.json runs the demo built with IRQIO_TRACE (board_demo_traced), which
# records through the library, and converts the recording with tools/irqio_trace.py into
# out.json (Perfetto), out.summary.txt and out.png (the last 5 ms, or TRACE_WINDOW=START_MS:END_MS); see docs/tracing.md.
# --levels runs the ADC and radio tasks on an interrupt level (docs/levels.md); --compare-levels
# runs the demo twice back to back, without and with --levels, and prints the latencies side by side.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
args=() trace="" compare=0
while (($#)); do
    if [[ "$1" == "--compare-levels" ]]; then
        compare=1
        shift
    elif [[ "$1" == "--trace" ]]; then
        [[ $# -ge 2 ]] || { echo "demo.sh: --trace needs a file name" >&2; exit 2; }
        trace="$2"
        shift 2
    else
        args+=("$1")
        shift
    fi
done
cmake --preset default >/dev/null
if [[ $compare == 1 ]]; then
    cmake --build --preset default -j "$(nproc)" --target board_demo
    coop=$(build/default/examples/board_demo "${args[@]}" --no-live | grep '^summary')
    lvl=$(build/default/examples/board_demo "${args[@]}" --no-live --levels | grep '^summary')
    echo "$coop"
    echo "$lvl"
    field() { sed -n "s/.* $2=\([0-9.]*\).*/\1/p" <<<"$1"; }
    for what in adc radio; do
        printf 'levels   %-5s latency (us) p50/p99/max: cooperative %s/%s/%s, interrupt level %s/%s/%s\n' \
            "$what" "$(field "$coop" ${what}_p50_us)" "$(field "$coop" ${what}_p99_us)" \
            "$(field "$coop" ${what}_max_us)" "$(field "$lvl" ${what}_p50_us)" \
            "$(field "$lvl" ${what}_p99_us)" "$(field "$lvl" ${what}_max_us)"
    done
    exit 0
fi
if [[ -z "$trace" ]]; then
    cmake --build --preset default -j "$(nproc)" --target board_demo
    exec build/default/examples/board_demo "${args[@]}"
fi
cmake --build --preset default -j "$(nproc)" --target board_demo_traced
base="${trace%.json}"
build/default/examples/board_demo_traced "${args[@]}" --trace "$base.rec"
python3 tools/irqio_trace.py "$base.rec" --json "$trace" --summary "$base.summary.txt" \
    --png "$base.png" --window "${TRACE_WINDOW:-}"
echo "trace    $trace (open in https://ui.perfetto.dev), $base.summary.txt, $base.png"
cat "$base.summary.txt"
