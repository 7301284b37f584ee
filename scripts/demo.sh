#!/usr/bin/env bash
# Builds and runs the main demo.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake --preset default >/dev/null
cmake --build --preset default -j "$(nproc)" --target hello_tasks
exec build/default/examples/hello_tasks "$@"
