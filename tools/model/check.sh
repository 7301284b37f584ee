#!/usr/bin/env bash
# Model-checks tools/model/wake.pml with spin: every configuration, each
# property on its own (so that its states, depth and time are its own), then the headline mutants
# written into the model, each of which spin must catch. Exit status non-zero on any failure.
#   tools/model/check.sh [work dir]     (needs spin and a C compiler: scripts/install-deps.sh)
set -euo pipefail
model="$(cd "$(dirname "$0")" && pwd)/wake.pml"
work="${1:-$(mktemp -d)}"
mkdir -p "$work"
cd "$work"
cc="${CC:-cc}"
fail=0

# pan output -> "states depth seconds errors"
figures() {
    local states depth secs errs
    states=$(sed -n 's/^ *\([0-9][0-9.e+]*\) states, stored.*/\1/p' "$1" | head -1)
    depth=$(sed -n 's/.*depth reached \([0-9]*\).*/\1/p' "$1" | head -1)
    errs=$(sed -n 's/.*errors: \([0-9]*\).*/\1/p' "$1" | head -1)
    secs=$(sed -n 's/^pan: elapsed time \([0-9.e+-]*\) seconds.*/\1/p' "$1" | head -1)
    echo "${states:-?} ${depth:-?} ${secs:-0} ${errs:-?}"
}

build() {  # $1: -D flags
    spin -a $1 "$model" >spin.log 2>&1 || { cat spin.log; return 1; }
    "$cc" -O2 -DSAFETY -DCOLLAPSE -o pan pan.c 2>cc.log || { cat cc.log; return 1; }
}

printf '%-24s %-38s %8s %6s %8s  %s\n' configuration property states depth seconds result
for cfg in "hosted-raw-handler:" "hosted-two-raw-handlers:-DFLAG_RAW" \
    "hosted-other-thread:-DEVENT_THREAD" "bare-metal-wfi:-DBARE"; do
    name=${cfg%%:*}
    flags=${cfg#*:}
    build "$flags"
    # -A: assertions off, so this run is about end states: a lost wake leaves the loop blocked.
    # -E: end states off, so this run is about the assertions.
    for prop in "no-lost-wake:-A" "no-double-resume,no-sleep-on-pending:-E"; do
        pname=${prop%%:*}
        popt=${prop#*:}
        ./pan $popt -m200000 >pan.log 2>&1 || true
        read -r states depth secs errs < <(figures pan.log)
        result=ok
        if [ "$errs" != 0 ] || grep -q "depth too small\|max search depth too small" pan.log; then
            result=FAILED
            fail=1
            sed -n '1,20p' pan.log
        fi
        printf '%-24s %-38s %8s %6s %8s  %s\n' "$name" "$pname" "$states" "$depth" "$secs" "$result"
    done
done

echo "mutants written into the model (each must be caught):"
for mut in "MUTANT_FLAG_CHECK_THEN_STORE:" "MUTANT_FLAG_CHECK_THEN_STORE:-DBARE" \
    "MUTANT_IDLE_NO_RECHECK:" "MUTANT_IDLE_NO_RECHECK:-DEVENT_THREAD" \
    "MUTANT_LANE_NO_GUARD:-DFLAG_RAW"; do
    m=${mut%%:*}
    flags="-D$m ${mut#*:}"
    build "$flags"
    ./pan -m200000 >pan.log 2>&1 || true
    read -r states depth secs errs < <(figures pan.log)
    what=$(grep -m1 '^pan:1:' pan.log | sed 's/^pan:1: //; s/ (at depth.*//' || true)
    if [ "$errs" != 0 ]; then
        printf '  %-50s caught: %s (%s states, %s s)\n' "$flags" "$what" "$states" "$secs"
    else
        printf '  %-50s NOT CAUGHT (%s states)\n' "$flags" "$states"
        fail=1
    fi
done
exit $fail
