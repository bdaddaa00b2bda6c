#!/usr/bin/env bash
# Builds a site with --strict, serves it on 127.0.0.1 and checks pages with axe-core in
# headless Chromium: first with @axe-core/cli (the light colour scheme), then the same pages
# with `prefers-color-scheme: dark` emulated, so that the contrast of both schemes is checked.
#   usage: scripts/check-a11y.sh DOSSIER_BINARY SITE_DIR [PATH...]
# PATHs are URL paths of the built site (`/`, `/timeline/` …). Without them the script checks
# the pages of the bundled dossier that exist in the output, plus pages derived from any site:
# the home page, the first entry, the first tag page, /tags/, /timeline/, /graph/, /map/ (when
# the site has one), 404.html and the first `page/2/` of a list, if a list is longer than
# `paginate_by`.
# Tools are looked up in $DOSSIER_TOOLS/node_modules (see .ci/run): `npm i --ignore-scripts
# -E @axe-core/cli@4.13.0`; Chromium and chromedriver from Debian (CHROME, CHROMEDRIVER).
set -euo pipefail
if [ $# -lt 2 ]; then
  echo "usage: $0 DOSSIER_BINARY SITE_DIR [PATH...]" >&2
  exit 2
fi
bin="$(realpath "$1")"
site="$(realpath "$2")"
shift 2
tools="$(realpath -m "${DOSSIER_TOOLS:-$PWD/target/ci-tools}")"
axe="$tools/node_modules/.bin/axe"
chrome="${CHROME:-/usr/bin/chromium}"
chromedriver="${CHROMEDRIVER:-/usr/bin/chromedriver}"
for tool in "$axe" "$chrome" "$chromedriver"; do
  if [ ! -x "$tool" ]; then
    echo "error: $tool not found (install @axe-core/cli into \$DOSSIER_TOOLS, chromium and chromium-driver)" >&2
    exit 2
  fi
done

tmp="$(mktemp -d)"
server=""
cleanup() {
  if [ -n "$server" ]; then
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
base="http://127.0.0.1:$port"
out="$tmp/site"

echo "-- build with --strict (base_url $base/)"
"$bin" --root "$site" build --strict --output "$out" --base-url "$base/"

# The pages to check, as URL paths (`/`, `/people/`, `/404.html`).
paths=()
exists() {
  case "$1" in
    */) [ -f "$out${1}index.html" ] ;;
    *) [ -f "$out$1" ] ;;
  esac
}
add() {
  local q
  exists "$1" || return 0
  for q in "${paths[@]+"${paths[@]}"}"; do [ "$q" = "$1" ] && return 0; done
  paths+=("$1")
}
# `./people/anna/index.html` -> `/people/anna/`
url_path() { local f="${1#.}"; printf '%s\n' "${f%index.html}"; }
if [ $# -gt 0 ]; then
  for p in "$@"; do
    case "$p" in /*) ;; *) p="/$p" ;; esac
    if ! exists "$p"; then
      echo "error: the built site has no page at $p" >&2
      exit 2
    fi
    add "$p"
  done
else
  # The bundled dossier's pages, where this site has them ...
  for p in / /places/lachin-khankandi-road/ /tags/lachin-road/ /timeline/ /graph/ /map/ \
    /people/ /sources/ /search/ /people/jeyhun-bayramov/; do
    add "$p"
  done
  # ... and the pages of any site: home, the first entry (a page two folders deep, outside
  # tags/) and the first tag page in name order, the tags, the timeline, the graph, 404.
  add /
  first_entry="$(cd "$out" && find . -mindepth 3 -maxdepth 3 -name index.html -not -path './tags/*' | LC_ALL=C sort | head -n 1 || true)"
  [ -z "$first_entry" ] || add "$(url_path "$first_entry")"
  first_tag="$(cd "$out" && find ./tags -mindepth 2 -maxdepth 2 -name index.html 2>/dev/null | LC_ALL=C sort | head -n 1 || true)"
  [ -z "$first_tag" ] || add "$(url_path "$first_tag")"
  for p in /tags/ /timeline/ /graph/ /map/ /404.html; do add "$p"; done
  # A later page of a list, when the site has lists longer than `paginate_by`.
  later_page="$(cd "$out" && find . -path '*/page/2/index.html' | LC_ALL=C sort | head -n 1 || true)"
  [ -z "$later_page" ] || add "$(url_path "$later_page")"
fi
if [ ${#paths[@]} -eq 0 ]; then
  echo "error: no page to check" >&2
  exit 2
fi

echo "-- serve on $base"
python3 -m http.server "$port" --bind 127.0.0.1 --directory "$out" >"$tmp/server.log" 2>&1 &
server=$!
python3 - "$base/" <<'EOF'
import sys, time, urllib.request
for _ in range(100):
    try:
        urllib.request.urlopen(sys.argv[1], timeout=1).read()
        sys.exit(0)
    except OSError:
        time.sleep(0.1)
sys.exit("the server did not start")
EOF

urls=()
for p in "${paths[@]}"; do urls+=("$base$p"); done

echo "-- axe-core, light colour scheme: ${#urls[@]} pages"
status=0
"$axe" "${urls[@]}" --chromedriver-path "$chromedriver" --chrome-path "$chrome" \
  --chrome-options="headless,no-sandbox,disable-gpu,disable-dev-shm-usage" --exit || status=1

echo "-- axe-core, dark colour scheme (prefers-color-scheme: dark emulated)"
cat >"$tmp/axe-dark.js" <<'EOF'
// Runs axe-core in each page with prefers-color-scheme: dark emulated; exit 1 on violations.
const fs = require("fs");
const { Builder } = require("selenium-webdriver");
const chrome = require("selenium-webdriver/chrome");
const axeSource = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
(async () => {
  const [chromePath, driverPath, ...urls] = process.argv.slice(2);
  const options = new chrome.Options().setChromeBinaryPath(chromePath)
    .addArguments("headless=new", "no-sandbox", "disable-gpu", "disable-dev-shm-usage");
  const driver = await new Builder().forBrowser("chrome").setChromeOptions(options)
    .setChromeService(new chrome.ServiceBuilder(driverPath)).build();
  let violations = 0;
  try {
    await driver.sendDevToolsCommand("Emulation.setEmulatedMedia",
      { media: "", features: [{ name: "prefers-color-scheme", value: "dark" }] });
    for (const url of urls) {
      await driver.get(url);
      const dark = await driver.executeScript('return matchMedia("(prefers-color-scheme: dark)").matches');
      if (!dark) throw new Error("the dark colour scheme is not emulated");
      await driver.executeScript(axeSource);
      const found = await driver.executeAsyncScript(
        "const done = arguments[arguments.length - 1];" +
        "axe.run(document).then(r => done(r.violations.map(v => ({ id: v.id, help: v.help," +
        " nodes: v.nodes.map(n => n.target.join(' ') + ': ' + n.failureSummary) }))), e => done(String(e)));");
      if (typeof found === "string") throw new Error(found);
      console.log(`${url}: ${found.length} violations`);
      for (const v of found) {
        console.log(`  ${v.id}: ${v.help}`);
        for (const n of v.nodes) console.log(`    ${n.replace(/\n/g, " ")}`);
      }
      violations += found.length;
    }
  } finally {
    await driver.quit();
  }
  process.exit(violations ? 1 : 0);
})().catch((e) => { console.error(e); process.exit(2); });
EOF
NODE_PATH="$tools/node_modules" node "$tmp/axe-dark.js" "$chrome" "$chromedriver" "${urls[@]}" || status=1

if [ "$status" -ne 0 ]; then
  echo "accessibility checks failed (see the violations above)" >&2
  exit 1
fi
echo "accessibility checks passed: ${#urls[@]} pages, light and dark"
