#!/usr/bin/env python3
"""Whole builds of a site with one pathological entry, at N, 2N and 4N: how the build
time grows when the input doubles (issue 11, the review's cases 2d2-2d4, 2l and 1d).

    python3 scripts/bench_pathological.py [--bin target/release/dossier] [--rounds 11]
        [--cases 2d4,2d2,...] [--scale 1] [--work /dev/shm/dossier-patho]

Each site is `dossier init`'s with one more entry holding the input. The sizes of a case
are built in turn, round after round (N, 2N, 4N, N, 2N, 4N, ...), so that a machine that
slows down slows every size alike; the first round is a warm-up and not counted. Each
build is timed from outside, as a whole process: wall time from a monotonic clock, CPU
time from the kernel's accounting of the reaped child (user + system). Printed: the
median of each size, and the ratios 2N/N and 4N/2N of the per-round ratios' medians.
Python 3 standard library only.
"""

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time

FRONT = '---\ntitle: "Patho"\nkind: topic\n{extra}sources:\n  - title: "x"\n---\n'

# name: (what the review called it, base size, front matter, body) for a size n.
CASES = {
    "2d2": ("wikilinks in one paragraph", 50000,
            lambda n: "", lambda n: " ".join(["[[Example topic]]"] * n)),
    "2d3": ("Markdown links in one paragraph", 50000,
            lambda n: "", lambda n: " ".join(["[t](../topics/example-topic.md)"] * n)),
    "2d4": ("one link per sentence, in one paragraph", 50000,
            lambda n: "", lambda n: "See [[Example topic]]. " * n),
    "2l": ("the same heading again and again", 50000,
           lambda n: "", lambda n: "## Same\n\n" * n),
    "1d": ("tags on one entry", 8000,
           lambda n: "tags: [%s]\n" % ", ".join('"t%d"' % i for i in range(n)),
           lambda n: "Body."),
}


def make_site(bin_path, folder, case, n):
    _, _, front, body = CASES[case]
    if os.path.exists(folder):
        shutil.rmtree(folder)
    subprocess.run([bin_path, "init", folder], check=True, stdout=subprocess.DEVNULL)
    with open(os.path.join(folder, "content", "topics", "patho.md"), "w") as f:
        f.write(FRONT.format(extra=front(n)) + body(n) + "\n")


def timed_build(bin_path, root, out):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    subprocess.run([bin_path, "build", "--quiet", "--root", root, "--output", out],
                   check=True, stdout=subprocess.DEVNULL)
    wall = time.monotonic() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bin", default="target/release/dossier")
    ap.add_argument("--rounds", type=int, default=11)
    ap.add_argument("--cases", default=",".join(CASES))
    ap.add_argument("--scale", type=float, default=1.0, help="multiplies the base sizes")
    ap.add_argument("--work", default="/dev/shm/dossier-patho")
    args = ap.parse_args(argv)
    bin_path = os.path.abspath(args.bin)
    cases = [c.strip() for c in args.cases.split(",") if c.strip()]
    for case in cases:
        if case not in CASES:
            ap.error("unknown case %s (known: %s)" % (case, ", ".join(CASES)))
    os.makedirs(args.work, exist_ok=True)
    print("| case | N | wall N / 2N / 4N (median, s) | wall 2N/N | wall 4N/2N | cpu 2N/N | cpu 4N/2N |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for case in cases:
        label, base, _, _ = CASES[case]
        sizes = [int(base * args.scale) * m for m in (1, 2, 4)]
        roots = []
        for n in sizes:
            root = os.path.join(args.work, "%s-%d" % (case, n))
            make_site(bin_path, root, case, n)
            roots.append(root)
        walls = [[] for _ in sizes]
        cpus = [[] for _ in sizes]
        for round_ in range(args.rounds + 1):
            for i, root in enumerate(roots):
                wall, cpu = timed_build(bin_path, root, root + "-out")
                if round_ > 0:
                    walls[i].append(wall)
                    cpus[i].append(cpu)

        def ratio(times, i):
            return statistics.median(b / a for a, b in zip(times[i - 1], times[i]))

        print("| %s (%s) | %d | %s | %.2f | %.2f | %.2f | %.2f |" % (
            case, label, sizes[0],
            " / ".join("%.3f" % statistics.median(w) for w in walls),
            ratio(walls, 1), ratio(walls, 2), ratio(cpus, 1), ratio(cpus, 2)))
        sys.stdout.flush()
        for root in roots:
            shutil.rmtree(root, ignore_errors=True)
            shutil.rmtree(root + "-out", ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
