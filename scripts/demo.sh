#!/usr/bin/env bash
# Builds and runs the main demo: irqio on the virtual board (examples/board_demo.cpp).
# Options are passed on: --seconds S, --blocking, --adc-rate HZ, --adc-blocks N, --trace out.json,
# --no-live. See docs/demo.md.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake --preset default >/dev/null
cmake --build --preset default -j "$(nproc)" --target board_demo
exec build/default/examples/board_demo "$@"
