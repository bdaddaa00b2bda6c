#!/usr/bin/env bash
# Builds a site with --strict and checks what comes out with public tools:
# the Nu Html Checker, the sitemaps.org schema (xmllint), and lychee for links and anchors.
#   usage: scripts/check-output.sh DOSSIER_BINARY SITE_DIR
# Tools are looked up in $DOSSIER_TOOLS/node_modules (see .ci/run).
set -euo pipefail
bin="$(realpath "$1")"
site="$(realpath "$2")"
tools="${DOSSIER_TOOLS:-$PWD/target/ci-tools}"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

for base in "https://example.org/" "https://example.org/dossier/"; do
  echo "-- build with base_url $base"
  "$bin" --root "$site" build --strict --output "$out/site" --base-url "$base"
  echo "-- Nu Html Checker"
  java -jar "$tools/node_modules/vnu-jar/build/dist/vnu.jar" --skip-non-html --no-langdetect --errors-only "$out/site"
  echo "-- sitemap schema"
  xmllint --noout --nonet --schema "$tools/node_modules/sitemap/schema/sitemap.xsd" "$out/site/sitemap.xml"
  echo "-- Atom feeds are well-formed"
  find "$out/site" -name atom.xml -print0 | xargs -0 xmllint --noout --nonet
  echo "-- links and anchors (lychee)"
  # Served from a sub-path, root-relative links carry the path: lay the site out under it.
  path="${base#https://example.org/}"
  served="$out/root"
  rm -rf "$served" && mkdir -p "$served/$path"
  cp -R "$out/site/." "$served/$path"
  lychee --offline --no-progress --root-dir "$served" --index-files index.html --include-fragments "$served"
done
echo "output checks passed"
