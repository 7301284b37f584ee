#!/usr/bin/env python3
"""Mutation testing of the wake path.

Applies each mutant of tools/mutants/catalogue.py, one at a time, to a scratch copy of the tree,
builds the suite it names (incrementally: the scratch build stays between runs), runs it and
expects it to fail. Prints killed/survived per mutant with its time; exits non-zero if any mutant
survived, or if an anchor no longer matches the code (a stale catalogue entry).

  tools/mutate.py                 every mutant
  tools/mutate.py --cheap         the cheap ones (the default CI run, scripts/test.sh)
  tools/mutate.py --only NAME...  just those
  tools/mutate.py --list          the catalogue
  tools/mutate.py --check         only verify that every anchor matches exactly once

The scratch copy is --scratch (default build/mutants); the source is the working tree
of --source (default: this repository), copied by content, so an interrupted
run is repaired by the next one.
"""
import argparse
import os
import shutil
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tools", "mutants"))
import catalogue  # noqa: E402

SUITES = {
    # name: (build dir, extra cmake args, target, command, env, timeout in seconds: a hang is a
    # kill too, a lost wake may wait for ever)
    "interleave": ("b-debug", ["-DCMAKE_BUILD_TYPE=None", "-DCMAKE_CXX_FLAGS=-O0"],
                   "test_interleave", ["tests/test_interleave"], {}, 30),
    "tsan": ("b-tsan", ["-DCMAKE_BUILD_TYPE=None", "-DCMAKE_CXX_FLAGS=-O1 -fsanitize=thread",
                        "-DCMAKE_C_FLAGS=-fsanitize=thread", "-DIRQIO_SANITIZER=tsan"],
             "test_orderings", ["tests/test_orderings"],
             {"TSAN_OPTIONS": "halt_on_error=1 exitcode=66 suppressions=%s/tests/tsan.supp"}, 300),
    # Interrupt levels and spawn across loops on the virtual board (tests/test_levels.cpp).
    "levels": ("b-debug", ["-DCMAKE_BUILD_TYPE=None", "-DCMAKE_CXX_FLAGS=-O0"],
               "test_levels", ["tests/test_levels"], {}, 60),
}


def run(cmd, cwd, env=None, timeout=None):
    e = dict(os.environ)
    if env:
        e.update(env)
    return subprocess.run(cmd, cwd=cwd, env=e, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True, timeout=timeout)


def tracked(source):
    files = run(["git", "ls-files", "-co", "--exclude-standard"], source).stdout.split("\n")
    return [f for f in files if f and not f.startswith("build/") and os.path.isfile(
        os.path.join(source, f))]


def sync(source, scratch):
    files = tracked(source)
    # By content: a file whose text changed is rewritten (a new mtime, so ninja rebuilds it), the
    # others keep theirs.
    for f in files:
        src, dst = os.path.join(source, f), os.path.join(scratch, f)
        data = open(src, "rb").read()
        if os.path.exists(dst) and open(dst, "rb").read() == data:
            continue
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        with open(dst, "wb") as out:
            out.write(data)
        shutil.copymode(src, dst)


def configure(scratch, suite, jobs):
    bdir, args = SUITES[suite][:2]
    path = os.path.join(scratch, bdir)
    if not os.path.exists(os.path.join(path, "build.ninja")):
        r = run(["cmake", "-S", ".", "-B", bdir, "-G", "Ninja", "-DIRQIO_BUILD_EXAMPLES=OFF"] + args,
                scratch)
        if r.returncode != 0:
            sys.exit(r.stdout[-4000:] + "\ncmake failed for suite " + suite)
    return path


def build_and_test(scratch, suite, jobs):
    """True if the suite passed (the mutant survived); the output for the log."""
    bdir, _, target, cmd, env, timeout = SUITES[suite]
    path = os.path.join(scratch, bdir)
    r = run(["cmake", "--build", ".", "-j", str(jobs), "--target", target], path)
    if r.returncode != 0:
        return None, r.stdout[-6000:]
    env = {k: v % scratch if "%s" in v else v for k, v in env.items()}
    try:
        t = run(cmd, path, env=env, timeout=timeout)
    except subprocess.TimeoutExpired:
        return False, "timed out after %d s" % timeout
    return t.returncode == 0, t.stdout[-200000:]


def killer(out):
    """What failed: the first failing test (with the interleaving's own reason), the assertion
    that stopped the run and the test it stopped, a ThreadSanitizer report, or a timeout."""
    if out.startswith("timed out"):
        return out
    last_run = failed = detail = assertion = None
    for line in out.splitlines():
        if "[ RUN      ]" in line:
            last_run = line.split("]", 1)[1].strip()
        elif "WARNING: ThreadSanitizer" in line and not failed:
            failed = "%s [TSan: %s]" % (last_run, line.split("ThreadSanitizer:")[-1].strip()[:40])
        elif line.startswith("[  FAILED  ]") and line.rstrip().endswith(")") and not failed:
            failed = line.split("]", 1)[1].strip().split(" ")[0]
        elif line.startswith("lost wake: the loop would sleep for ever in ") and not assertion:
            assertion = line.strip()
        elif (" at occurrence " in line or " baseline:" in line) and not detail:
            detail = line.strip()
        elif line.startswith("irqio:") and not assertion:
            assertion = line[6:].split(" (/")[0].strip()
    if failed:
        return failed + (" [" + detail[:120] + "]" if detail else "")
    if assertion:
        return "%s [%s]" % (last_run, assertion if assertion.startswith("lost") else
                            "assertion: " + assertion)
    return "crash in %s" % last_run


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cheap", action="store_true")
    ap.add_argument("--only", nargs="+")
    ap.add_argument("--list", action="store_true")
    ap.add_argument("--check", action="store_true")
    ap.add_argument("--source", default=ROOT)
    ap.add_argument("--scratch", default=os.path.join(ROOT, "build", "mutants"))
    ap.add_argument("-j", "--jobs", type=int, default=2)
    ap.add_argument("--log", help="append each run's output here")
    a = ap.parse_args()

    muts = catalogue.M
    if a.cheap:
        muts = [m for m in muts if m["cheap"]]
    if a.only:
        unknown = set(a.only) - {m["name"] for m in muts}
        if unknown:
            sys.exit("unknown mutants: " + " ".join(sorted(unknown)))
        muts = [m for m in muts if m["name"] in a.only]
    if a.list:
        for m in muts:
            print("%-42s %-10s %s\n%42s %s" % (m["name"], m["suite"], m["file"], "", m["what"]))
        return 0

    stale = []
    for m in muts:
        path = os.path.join(a.source, m["file"])
        n = open(path).read().count(m["old"]) if os.path.exists(path) else 0
        if n == 0:
            # Moved? The one source file that holds the anchor, if there is exactly one.
            hits = [f for f in tracked(a.source) if f.startswith(("include/", "src/", "ports/"))
                    and open(os.path.join(a.source, f), errors="replace").read().count(m["old"]) == 1]
            if len(hits) == 1:
                print("note: %s: anchor found in %s (not %s)" % (m["name"], hits[0], m["file"]))
                m["file"], n = hits[0], 1
        if n != 1:
            stale.append("%s: anchor found %d times in %s" % (m["name"], n, m["file"]))
    if stale:
        print("\n".join(stale))
        return 2
    if a.check:
        print("%d mutants, every anchor matches once" % len(muts))
        return 0

    t0 = time.time()
    sync(a.source, a.scratch)
    # The unmutated tree must pass first, or a "kill" means nothing.
    for suite in sorted({m["suite"] for m in muts}):
        configure(a.scratch, suite, a.jobs)
        ts = time.time()
        ok, out = build_and_test(a.scratch, suite, a.jobs)
        print("baseline %-10s %s (%.0f s)" % (suite, "passes" if ok else "FAILS", time.time() - ts),
              flush=True)
        if not ok:
            print(out)
            return 3

    # Grouped by file, so that a header is rebuilt once per mutant, not twice.
    order = sorted(range(len(muts)), key=lambda i: (muts[i]["suite"], muts[i]["file"], i))
    rows, survivors = [], []
    print("%-42s %-10s %-8s %6s  %s" % ("mutant", "suite", "result", "sec", "killed by"), flush=True)
    for i in order:
        m = muts[i]
        path = os.path.join(a.scratch, m["file"])
        pristine = open(path).read()
        ts = time.time()
        try:
            with open(path, "w") as f:
                f.write(pristine.replace(m["old"], m["new"], 1))
            ok, out = build_and_test(a.scratch, m["suite"], a.jobs)
        finally:
            with open(path, "w") as f:
                f.write(pristine)
        dt = time.time() - ts
        if ok is None:
            result, by = "ERROR", "the mutant does not compile"
            survivors.append(m["name"])
        elif ok:
            result, by = "SURVIVED", "-"
            survivors.append(m["name"])
        else:
            result, by = "killed", killer(out)
        if a.log:
            with open(a.log, "a") as f:
                f.write("==== %s: %s\n%s\n" % (m["name"], result, out[-20000:]))
        rows.append((m["name"], m["suite"], result, dt, by))
        print("%-42s %-10s %-8s %6.0f  %s" % rows[-1], flush=True)
    # Leave the scratch build matching the pristine tree for the next run.
    for suite in sorted({m["suite"] for m in muts}):
        bdir, target = SUITES[suite][0], SUITES[suite][2]
        run(["cmake", "--build", ".", "-j", str(a.jobs), "--target", target],
            os.path.join(a.scratch, bdir))
    killed = len(rows) - len(survivors)
    print("%d/%d mutants killed (%.0f%%) in %.0f s" % (killed, len(rows), 100.0 * killed / max(1, len(rows)),
                                                      time.time() - t0))
    if survivors:
        print("survived: " + " ".join(survivors))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
