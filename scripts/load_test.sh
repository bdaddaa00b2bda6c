#!/usr/bin/env bash
# Load test of `dossier serve`: wrk with 64 connections against the server while a loop
# edits an entry every 200 ms, and the server's memory sampled every second.
#   usage: scripts/load_test.sh DOSSIER_BINARY SITE_DIR [SECONDS]     (default 30)
# The site folder is copied first; the copy is edited and removed. Needs wrk and ss (Debian
# packages wrk and iproute2).
# Fails when wrk saw a socket error or a non-2xx/3xx answer, when connections went unserved
# (sampled with ss), when the server died, when a
# rebuild failed, or when its memory at the end is more than 1.25 times its memory a
# quarter of the way into the run (after the connections' threads and buffers are made).
set -euo pipefail
bin="$(realpath "$1")"
src="$(realpath "$2")"
seconds="${3:-30}"
command -v wrk >/dev/null || { echo "error: wrk is not installed (apt-get install wrk)" >&2; exit 2; }
command -v ss >/dev/null || { echo "error: ss is not installed (apt-get install iproute2)" >&2; exit 2; }

tmp="$(mktemp -d)"
server=""
editor=""
cleanup() {
  [ -n "$editor" ] && kill "$editor" 2>/dev/null || true
  [ -n "$server" ] && kill -INT "$server" 2>/dev/null && wait "$server" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
site="$tmp/site"
mkdir -p "$site"
cp -R "$src/site.yaml" "$site/"
cp -RL "$src/content" "$site/content"
[ -d "$src/static" ] && cp -R "$src/static" "$site/"
[ -d "$src/themes" ] && cp -R "$src/themes" "$site/"

port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
"$bin" --root "$site" serve --port "$port" > "$tmp/serve.log" 2>&1 &
server=$!
for _ in $(seq 1 600); do
  grep -q "serving http://" "$tmp/serve.log" && break
  kill -0 "$server" 2>/dev/null || { cat "$tmp/serve.log"; exit 1; }
  sleep 0.1
done
grep -q "serving http://" "$tmp/serve.log" || { echo "the server did not start" >&2; exit 1; }

# The pages to ask for: a spread of entries, and the list pages.
paths="$tmp/paths.txt"
( cd "$site/content" && find . -name '*.md' ! -name '_index.md' | sort | awk 'NR % 25 == 1 && ++n <= 200' \
    | sed -e 's|^\./||' -e 's|\.md$|/|' -e 's|^|/|' ) > "$paths"
printf '/\n/tags/\n/timeline/\n/sources/\n/search-index.js\n/style.css\n' >> "$paths"
lua="$tmp/paths.lua"
{
  echo 'local paths = {}'
  while read -r p; do echo "table.insert(paths, \"$p\")"; done < "$paths"
  echo 'local i = 0'
  echo 'request = function() i = i % #paths + 1; return wrk.format("GET", paths[i]) end'
} > "$lua"

# An editor: append to an entry every 200 ms, and put it back.
entry="$(cd "$site/content" && find . -name '*.md' ! -name '_index.md' | sort | awk 'NR == 1')"
cp "$site/content/$entry" "$tmp/entry.orig"
(
  n=0
  while true; do
    # Written beside and renamed into place, as editors save: the server never reads a
    # half-written file, so a failed rebuild is the server's fault.
    if [ $((n % 2)) -eq 0 ]; then
      { cat "$tmp/entry.orig"; echo; echo "An added line $n."; } > "$tmp/entry.next"
    else
      cp "$tmp/entry.orig" "$tmp/entry.next"
    fi
    mv "$tmp/entry.next" "$site/content/$entry"
    n=$((n + 1))
    sleep 0.2
  done
) &
editor=$!

rss() { awk '/VmRSS/ {print $2}' "/proc/$server/status"; }
sleep 2
samples="$tmp/rss.txt"
( while kill -0 "$server" 2>/dev/null; do rss >> "$samples" 2>/dev/null || true; sleep 1; done ) &
sampler=$!

# Connections the server leaves unserved: wrk does not count them, it just sends fewer
# requests. A server-side socket that holds unread bytes in five samples over two seconds
# has a request nobody reads (a served connection's request is read within milliseconds).
starved="$tmp/starved.txt"
(
  sleep $(( seconds > 6 ? 3 : 1 ))
  for i in 1 2 3 4 5; do
    ss -Htn state established "( sport = :$port )" | awk '$1 > 0 {print $4}' | sort -u > "$tmp/unread.$i"
    sleep 0.5
  done
  sort "$tmp"/unread.* | uniq -c | awk '$1 == 5 {print $2}' > "$starved"
) &
watcher=$!

wrk -t2 -c64 -d"${seconds}s" --latency -s "$lua" "http://127.0.0.1:$port" | tee "$tmp/wrk.txt"
wait "$watcher" || true
kill "$sampler" 2>/dev/null || true
kill "$editor" 2>/dev/null || true
editor=""
kill -0 "$server" 2>/dev/null || { echo "error: the server died" >&2; cat "$tmp/serve.log"; exit 1; }
end_rss="$(rss)"
warm=$(( (seconds + 3) / 4 + 1 ))
start_rss="$(awk -v n="$warm" 'NR == n' "$samples")"
start_rss="${start_rss:-$(head -1 "$samples")}"
rebuilds="$(grep -c '^rebuilt' "$tmp/serve.log" || true)"
failed_rebuilds="$(grep -c 'rebuild failed' "$tmp/serve.log" || true)"
echo "memory (VmRSS): ${warm} s into the run ${start_rss} kB, at the end ${end_rss} kB, range $(sort -n "$samples" | awk 'NR == 1') - $(sort -n "$samples" | awk 'END {print}') kB"
echo "rebuilds during the run: $rebuilds (failed: $failed_rebuilds)"

status=0
if grep -q "Socket errors" "$tmp/wrk.txt"; then echo "error: wrk saw socket errors" >&2; status=1; fi
if [ -s "$starved" ]; then echo "error: $(wc -l < "$starved") connections had a request that the server did not read for two seconds" >&2; status=1; fi
if grep -q "Non-2xx or 3xx responses" "$tmp/wrk.txt"; then echo "error: wrk saw non-2xx/3xx answers" >&2; status=1; fi
if [ "$failed_rebuilds" -gt 0 ]; then echo "error: a rebuild failed" >&2; status=1; fi
if [ "$end_rss" -gt $((start_rss * 5 / 4)) ]; then echo "error: memory grew from $start_rss kB to $end_rss kB" >&2; status=1; fi
[ "$status" -eq 0 ] && echo "load test passed"
exit "$status"
