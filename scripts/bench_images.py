#!/usr/bin/env python3
"""Times a build with pictures against the build without them, for BENCHMARKS.md.

    python3 ../shared/bench/gen_corpus.py --entries 10000 --out W/corpus --seed 1
    python3 scripts/bench_images.py W [--runs 3] [--dossier target/release/dossier]

W/corpus is copied to W/plain/content (the build without images) and to W/img/content,
where scripts/gen_images.py adds one JPEG of 2-4 MP for every tenth entry. Then, runs
alternating (plain, cold, warm):

- plain: W/plain built with no pictures;
- cold: W/img built with its picture cache deleted first;
- warm: W/img built again, its cache filled.

Each is measured into a folder that does not exist yet (`new`), and plain and warm also
into the folder of their previous run (`again`, which a build reuses: see README, Output).
Wall time around the process, user + system time and the peak resident set from the
kernel's accounting of the finished process (wait4). Prints the medians (min-max).
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def timed(cmd):
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    err = proc.stderr.read().decode()
    proc.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{err}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def site(work, name, corpus, pictures):
    folder = os.path.join(work, name)
    if not os.path.exists(os.path.join(folder, "content")):
        shutil.copytree(corpus, os.path.join(folder, "content"))
        if pictures:
            subprocess.run([sys.executable, os.path.join(HERE, "gen_images.py"),
                            os.path.join(folder, "content")], check=True)
    with open(os.path.join(folder, "site.yaml"), "w") as f:
        f.write("title: Bench\nbase_url: https://example.org/\n")
    return folder


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("work")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--dossier", default=os.path.join(ROOT, "target", "release", "dossier"))
    args = ap.parse_args()
    corpus = os.path.join(args.work, "corpus")
    plain = site(args.work, "plain", corpus, False)
    img = site(args.work, "img", corpus, True)
    cache = os.path.join(img, ".dossier-cache")

    def build(root, out):
        return [args.dossier, "--root", root, "build", "--quiet", "--output", out]

    def fresh(path):
        shutil.rmtree(path, ignore_errors=True)
        prev = os.path.join(os.path.dirname(path), "." + os.path.basename(path) + ".dossier-previous")
        shutil.rmtree(prev, ignore_errors=True)
        return path

    figures = {}
    cases = [("plain", plain, False), ("cold", img, True), ("warm", img, False)]
    # One warm-up of each (none cold: the first run fills the cache).
    for name, root, cold in cases:
        if not cold:
            timed(build(root, fresh(os.path.join(args.work, f"out-{name}-again"))))
    for run in range(args.runs):
        for mode in ["new", "again"]:
            for name, root, cold in cases:
                if cold and mode == "again":
                    continue
                if cold:
                    shutil.rmtree(cache, ignore_errors=True)
                out = os.path.join(args.work, f"out-{name}-{mode}")
                if mode == "new":
                    fresh(out)
                figure = timed(build(root, out))
                figures.setdefault((name, mode), []).append(figure)
                print(f"run {run + 1} {mode:5} {name:5} wall {figure[0]:7.2f} s  "
                      f"cpu {figure[1]:7.2f} s  peak {figure[2]:6.0f} MiB", file=sys.stderr)
        for name, _, _ in cases:
            fresh(os.path.join(args.work, f"out-{name}-new"))

    def med(values):
        return f"{statistics.median(values):.2f} ({min(values):.2f}-{max(values):.2f})"

    print("| build | output | wall s | CPU s | peak MiB | wall / plain | peak / plain |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: |")
    for mode in ["new", "again"]:
        base = figures[("plain", mode)]
        for name, _, _ in cases:
            f = figures.get((name, mode))
            if not f:
                continue
            walls, cpus, peaks = ([x[i] for x in f] for i in range(3))
            ratio = statistics.median(walls) / statistics.median([x[0] for x in base])
            mem = statistics.median(peaks) / statistics.median([x[2] for x in base])
            print(f"| {name} | {mode} | {med(walls)} | {med(cpus)} | {med(peaks)} "
                  f"| {ratio:.2f}x | {mem:.2f}x |")


if __name__ == "__main__":
    main()
