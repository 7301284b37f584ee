#!/usr/bin/env bash
# Builds and runs every test: the Linux presets (debug g++, ASan+UBSan, TSan, clang++) and the
# Cortex-M tests under QEMU. IRQIO_PRESETS="default" narrows the Linux part for a quick run.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
jobs=$(nproc)
for preset in ${IRQIO_PRESETS:-default asan tsan clang}; do
    echo "=== preset: $preset"
    cmake --preset "$preset" >/dev/null
    cmake --build --preset "$preset" -j "$jobs"
    ctest --preset "$preset" -j "$jobs"
done
if [ -f tests/cortex_m/CMakeLists.txt ] && [ "${IRQIO_SKIP_CORTEX_M:-0}" != 1 ]; then
    echo "=== Cortex-M (mps2-an385 under QEMU)"
    cmake -S tests/cortex_m -B build/cortex-m -G Ninja \
        -DCMAKE_TOOLCHAIN_FILE="$PWD/cmake/arm-none-eabi.cmake" >/dev/null
    cmake --build build/cortex-m -j "$jobs"
    ctest --test-dir build/cortex-m --output-on-failure -j "$jobs"
fi
echo "=== all tests passed"
