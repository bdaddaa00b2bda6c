#!/usr/bin/env python3
"""Save-to-reload latency of `dossier serve`: the time from writing a file to the `reload`
event on /__dossier/events. Python 3 standard library only.

    python3 scripts/reload_probe.py DOSSIER_BINARY SITE_DIR [--edits 50] [--kind body|tags|relation]
                                    [--pause 0.25] [--stages]

The site folder is changed in place (an entry is edited and put back each time): run it on
a copy. `body` appends a line to an entry's body; `tags` adds the site's most used tag to
an entry and removes it again; `relation` changes the `to` of an entry's typed relation (a
corpus made with `gen_corpus.py --relations`) to the target of another relation of the same
type, and back. Between saves the probe waits `--pause` seconds, as an editor
does, so that the work serve defers to a pause in the editing (the sitemap and the search
index) is done between saves and not skipped. Prints the median, the 99th percentile and
the range, in ms. With `--stages`, serve runs with `--verbose` and the probe also prints the
median of each stage of the rebuild, as serve reports them.
"""
import argparse
import os
import re
import socket
import statistics
import subprocess
import sys
import threading
import time


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def open_events(port):
    sock = socket.create_connection(("127.0.0.1", port))
    sock.sendall(f"GET /__dossier/events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
    return sock.makefile("rb")


def wait_event(stream, name):
    """Reads until `event: NAME`; returns its data line."""
    while True:
        line = stream.readline()
        if not line:
            raise SystemExit("the event stream closed")
        if line.decode().strip() == f"event: {name}":
            return stream.readline().decode().strip()


def pick_entry(site):
    """A mid-sized entry and the most common tag of the site."""
    counts = {}
    entries = []
    for folder, _, files in os.walk(os.path.join(site, "content")):
        for f in sorted(files):
            if f.endswith(".md") and f != "_index.md":
                path = os.path.join(folder, f)
                entries.append(path)
                with open(path, encoding="utf-8") as fh:
                    m = re.search(r"^tags: \[(.*)\]$", fh.read(), re.M)
                if m:
                    for t in re.findall(r'"([^"]+)"', m.group(1)):
                        counts[t] = counts.get(t, 0) + 1
    entries.sort()
    top = max(counts, key=counts.get) if counts else None
    # An entry without the top tag, so that adding it changes the tag's pages.
    for path in entries[len(entries) // 2:] + entries:
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
        if top is None or f'"{top}"' not in text:
            return path, top
    return entries[0], top


def collect_stages(stream, stages):
    """Reads serve's `stages: NAME 1.2 ms, ...` lines into lists of times by stage."""
    for line in stream:
        m = re.search(r"sitemap and search index in ([0-9.]+) ms", line)
        if m:
            stages.setdefault("data files, after the reload", []).append(float(m.group(1)))
        _, found, rest = line.partition("stages: ")
        if not found:
            continue
        for part in rest.strip().split(", "):
            m = re.fullmatch(r"(.+) ([0-9.]+) ms", part)
            if m:
                stages.setdefault(m.group(1), []).append(float(m.group(2)))


RELATION = re.compile(r'^  - \{type: (\w+), to: "\[\[([^\]]+)\]\]"', re.M)


def pick_relation(site):
    """An entry, one of its relation lines, and that line with another target of the type."""
    lines = []
    for folder, _, files in os.walk(os.path.join(site, "content")):
        for f in sorted(files):
            if f.endswith(".md") and f != "_index.md":
                path = os.path.join(folder, f)
                with open(path, encoding="utf-8") as fh:
                    for m in RELATION.finditer(fh.read()):
                        lines.append((path, m.group(0), m.group(1), m.group(2)))
    lines.sort()
    if not lines:
        raise SystemExit("no typed relations in the site: make it with gen_corpus.py --relations")
    path, line, rtype, target = lines[len(lines) // 2]
    me = os.path.splitext(os.path.relpath(path, os.path.join(site, "content")))[0]
    for _, _, t, other in lines:
        if t == rtype and other not in (target, me):
            return path, line, line.replace(f"[[{target}]]", f"[[{other}]]")
    raise SystemExit(f"no other target of `{rtype}`")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binary")
    ap.add_argument("site")
    ap.add_argument("--edits", type=int, default=50)
    ap.add_argument("--kind", choices=["body", "tags", "relation"], default="body")
    ap.add_argument("--pause", type=float, default=0.25,
                    help="seconds between a reload and the next save")
    ap.add_argument("--stages", action="store_true",
                    help="also print the median time of each rebuild stage")
    args = ap.parse_args()

    port = free_port()
    verbose = ["--verbose"] if args.stages else []
    server = subprocess.Popen(
        [args.binary, "--root", args.site, *verbose, "serve", "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        started = time.monotonic()
        for line in server.stdout:
            if "serving http://" in line:
                break
            if "did not build" in line:
                raise SystemExit("the site did not build")
        print(f"first build and start: {time.monotonic() - started:.2f} s", file=sys.stderr)
        stages = {}
        # serve's output is read on, so that its pipe never fills and blocks it.
        reader = threading.Thread(target=collect_stages, args=(server.stdout, stages), daemon=True)
        reader.start()
        events = open_events(port)
        if args.kind == "relation":
            path, line, moved = pick_relation(args.site)
        else:
            path, tag = pick_entry(args.site)
        with open(path, encoding="utf-8") as fh:
            original = fh.read()
        times = []
        for i in range(args.edits * 2):
            if args.kind == "body":
                text = original + f"\nAn added sentence, number {i}.\n" if i % 2 == 0 else original
            elif args.kind == "relation":
                text = original.replace(line, moved, 1) if i % 2 == 0 else original
            else:
                text = re.sub(r"^tags: \[", f'tags: ["{tag}", ', original, count=1, flags=re.M) if i % 2 == 0 else original
            t0 = time.monotonic()
            with open(path, "w", encoding="utf-8") as fh:
                fh.write(text)
            wait_event(events, "reload")
            times.append((time.monotonic() - t0) * 1000)
            time.sleep(args.pause)
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(original)
        times.sort()
        p99 = times[min(len(times) - 1, int(round(0.99 * (len(times) - 1))))]
        print(f"{args.kind} edits of {os.path.relpath(path, args.site)}: {len(times)} "
              f"save-to-reload times, median {statistics.median(times):.1f} ms, "
              f"p99 {p99:.1f} ms, min {times[0]:.1f} ms, max {times[-1]:.1f} ms")
        for name, took in stages.items():
            print(f"  stage {name}: median {statistics.median(took):.2f} ms over {len(took)}")
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
