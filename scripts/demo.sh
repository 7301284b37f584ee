#!/usr/bin/env bash
# Builds and runs the main demo: irqio on the virtual board (examples/board_demo.cpp).
# Options are passed on: --seconds S, --blocking, --adc-rate HZ, --adc-blocks N, --no-live. See
# docs/demo.md. --trace out.json runs the demo built with IRQIO_TRACE (board_demo_traced), which
# records through the library, and converts the recording with tools/irqio_trace.py into
# out.json (Perfetto), out.summary.txt and out.png (the last 5 ms, or TRACE_WINDOW=START_MS:END_MS); see docs/tracing.md.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
args=() trace=""
while (($#)); do
    if [[ "$1" == "--trace" ]]; then
        [[ $# -ge 2 ]] || { echo "demo.sh: --trace needs a file name" >&2; exit 2; }
        trace="$2"
        shift 2
    else
        args+=("$1")
        shift
    fi
done
cmake --preset default >/dev/null
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
