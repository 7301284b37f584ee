#!/usr/bin/env bash
# Builds and runs every test: the Linux presets (debug g++, ASan+UBSan, TSan, clang++) and the
# Cortex-M tests under QEMU, then the mutation catalogue of the wake path (IRQIO_MUTANTS: cheap,
# all or none). IRQIO_PRESETS="default" narrows the Linux part for a quick run.
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
    # The top-level project configured for the board (the core, the port, tests/cortex_m), for
    # the Cortex-M3 of mps2-an385 and for ARMv6-M (Cortex-M0: no CAS), whose code also runs on
    # the M3 board (ARMv6-M is a subset; QEMU has no CMSDK board with an M0).
    for cpu in cortex-m3 cortex-m0; do
        echo "=== Cortex-M ($cpu, mps2-an385 under QEMU)"
        dir="build/cortex-m"; [ "$cpu" = cortex-m3 ] || dir="build/$cpu"
        # The M3 build is link-time optimised (what the size figures in docs/porting.md are for),
        # the M0 build is not: both ways stay tested.
        lto=OFF; [ "$cpu" = cortex-m3 ] && lto=ON
        cmake -S . -B "$dir" -G Ninja -DCMAKE_TOOLCHAIN_FILE="$PWD/cmake/arm-none-eabi.cmake" \
            -DIRQIO_ARM_CPU="$cpu" -DCMAKE_INTERPROCEDURAL_OPTIMIZATION=$lto >/dev/null
        cmake --build "$dir" -j "$jobs"
        ctest --test-dir "$dir" --output-on-failure -j "$jobs"
    done
    # The dual Cortex-M33 of mps2-an521 (SSE-200), a loop per core: the core tests on core 0 and
    # the cross-core storm on both, with real parallelism (multi-threaded TCG) and with -icount.
    echo "=== Cortex-M (two cortex-m33, mps2-an521 under QEMU)"
    dir="build/cortex-m33-an521"
    an521_tests="cm_smoke cm_core cm_irq_stress cm_clock cm_timer_irq cm_cross_core cm_cross_core_icount"
    cmake -S . -B "$dir" -G Ninja -DCMAKE_TOOLCHAIN_FILE="$PWD/cmake/arm-none-eabi.cmake" \
        -DIRQIO_ARM_CPU=cortex-m33 -DIRQIO_CORTEX_M_BOARD=mps2_an521 >/dev/null
    # shellcheck disable=SC2086
    cmake --build "$dir" -j "$jobs" --target $an521_tests
    ctest --test-dir "$dir" --output-on-failure -j "$jobs" -R \
        '^(cm_smoke|cm_core|cm_irq_stress|cm_clock|cm_timer_irq|cm_cross_core_parallel|cm_cross_core_icount)$'
    # The architecture-only port (SysTick clock, any Cortex-M) on QEMU's vendor chips: the core
    # suite, the interrupt stress, the clock tests, the minimal program and the interrupt-to-task
    # count (tests/cortex_m/systick_tests.cmake; figures in docs/porting.md). About a minute.
    for board in lm3s6965evb:cortex-m3 microbit:cortex-m0 netduinoplus2:cortex-m4; do
        name="${board%%:*}" cpu="${board##*:}"
        echo "=== Cortex-M ($cpu, $name under QEMU, architecture-only port)"
        dir="build/cm-$name"
        lto=ON; [ "$cpu" = cortex-m0 ] && lto=OFF  # ARMv6-M stays tested without LTO, as above
        cmake -S . -B "$dir" -G Ninja -DCMAKE_TOOLCHAIN_FILE="$PWD/cmake/arm-none-eabi.cmake" \
            -DIRQIO_ARM_CPU="$cpu" -DIRQIO_CORTEX_M_BOARD="$name" \
            -DCMAKE_INTERPROCEDURAL_OPTIMIZATION=$lto >/dev/null
        cmake --build "$dir" -j "$jobs"
        ctest --test-dir "$dir" --output-on-failure -j "$jobs"
    done
fi
# The mutation catalogue of the wake path (tools/mutants/catalogue.py): the cheap mutants by
# default (about a minute), every one with IRQIO_MUTANTS=all (under 15 minutes on 2 cores), none
# with IRQIO_MUTANTS=none. Every mutant must be killed.
case "${IRQIO_MUTANTS:-cheap}" in
    none) ;;
    all) echo "=== mutation catalogue (all)"; python3 tools/mutate.py -j "$jobs" ;;
    *) echo "=== mutation catalogue (cheap)"; python3 tools/mutate.py --cheap -j "$jobs" ;;
esac
echo "=== all tests passed"
