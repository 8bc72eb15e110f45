#!/usr/bin/env bash
# Fetch Houqin's front-end libraries from the npm registry into static/vendor/ and write
# static/vendor/VENDOR.md. No Node build and no node_modules: each package is fetched with
# `npm pack` (which checks the registry's integrity hash) into a temporary directory, and only
# the distributed files the pages load are copied, with each library's licence.
#
# Versions are pinned here on purpose: change a version, run `make vendor`, review the diff.
set -euo pipefail
shopt -s inherit_errexit
cd "$(dirname "$0")/.."

TABLER_VERSION=1.6.1        # @tabler/core, newest 1.x
ICONS_VERSION=3.49.0        # @tabler/icons-webfont, newest 3.x
HTMX_VERSION=2.0.11         # htmx.org, newest 2.0.x (not 4.x: see VENDOR.md)
ECHARTS_VERSION=6.1.0       # echarts, newest 6.x
TOMSELECT_VERSION=2.6.2     # tom-select, newest 2.x

command -v npm >/dev/null || { echo "vendor.sh needs npm (apt-get install npm)" >&2; exit 1; }
command -v node >/dev/null || { echo "vendor.sh needs node" >&2; exit 1; }

VENDOR=static/vendor
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
INTEGRITY="$TMP/integrity.txt"
: >"$INTEGRITY"

# fetch NAME VERSION -> prints the directory holding the unpacked package
fetch() {
  local name=$1 version=$2 dir
  dir="$TMP/$(echo "$name" | tr '/@' '__')"
  mkdir -p "$dir"
  (cd "$dir" && npm pack "$name@$version" --json --silent --pack-destination "$dir") \
    | node -e 'let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
        const j = JSON.parse(s)[0]; console.log(`${j.name}@${j.version} ${j.integrity}`); })' \
    >>"$INTEGRITY"
  tar -xzf "$dir"/*.tgz -C "$dir"
  echo "$dir/package"
}

# Source maps are not shipped; drop the comments that point at them (Django's manifest
# storage would otherwise fail collectstatic looking for the .map files).
strip_maps() {
  sed -i -e '/sourceMappingURL=/d' "$@"
}

fresh() {
  rm -rf "${VENDOR:?}/$1"
  mkdir -p "$VENDOR/$1"
}

echo "Fetching @tabler/core $TABLER_VERSION"
src=$(fetch @tabler/core "$TABLER_VERSION")
fresh tabler
mkdir -p "$VENDOR/tabler/css" "$VENDOR/tabler/js"
cp "$src/dist/css/tabler.min.css" "$VENDOR/tabler/css/"
cp "$src/dist/js/tabler.min.js" "$VENDOR/tabler/js/"
strip_maps "$VENDOR/tabler/css/tabler.min.css" "$VENDOR/tabler/js/tabler.min.js"
# The npm package carries no LICENSE file; the dist header names MIT and the copyright holders.
{
  echo "The MIT License (MIT)"
  echo
  grep -m2 -o 'Copyright [0-9].*' "$src/dist/css/tabler.css"
  cat <<'MIT'

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in
all copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN
THE SOFTWARE.
MIT
} >"$VENDOR/tabler/LICENSE"

echo "Fetching @tabler/icons-webfont $ICONS_VERSION"
src=$(fetch @tabler/icons-webfont "$ICONS_VERSION")
fresh tabler-icons
mkdir -p "$VENDOR/tabler-icons/fonts"
cp "$src/dist/fonts/tabler-icons.woff2" "$VENDOR/tabler-icons/fonts/"
cp "$src/LICENSE" "$VENDOR/tabler-icons/"
# Every browser Houqin supports reads woff2, so only that font ships: point the @font-face
# at it alone (a url() to a missing .woff/.ttf would break collectstatic's manifest).
node -e '
  const fs = require("fs");
  const [from, to] = process.argv.slice(1);
  const css = fs.readFileSync(from, "utf8");
  const out = css.replace(/src:url\("\.\/fonts\/tabler-icons\.woff2[^"]*"\) format\("woff2"\)[^;}]*/,
                          "src:url(\"./fonts/tabler-icons.woff2\") format(\"woff2\")");
  if (out === css) { console.error("tabler-icons.min.css: @font-face src not found"); process.exit(1); }
  fs.writeFileSync(to, out);
' "$src/dist/tabler-icons.min.css" "$VENDOR/tabler-icons/tabler-icons.min.css"
strip_maps "$VENDOR/tabler-icons/tabler-icons.min.css"

echo "Fetching htmx.org $HTMX_VERSION"
src=$(fetch htmx.org "$HTMX_VERSION")
fresh htmx
cp "$src/dist/htmx.min.js" "$src/LICENSE" "$VENDOR/htmx/"
strip_maps "$VENDOR/htmx/htmx.min.js"

echo "Fetching echarts $ECHARTS_VERSION"
src=$(fetch echarts "$ECHARTS_VERSION")
fresh echarts
cp "$src/dist/echarts.min.js" "$src/LICENSE" "$src/NOTICE" "$VENDOR/echarts/"
# ECharts bundles parts of d3 under their own licence.
cp "$src/licenses/LICENSE-d3" "$VENDOR/echarts/"
strip_maps "$VENDOR/echarts/echarts.min.js"

echo "Fetching tom-select $TOMSELECT_VERSION"
src=$(fetch tom-select "$TOMSELECT_VERSION")
fresh tom-select
cp "$src/dist/css/tom-select.bootstrap5.min.css" "$src/dist/js/tom-select.complete.min.js" \
  "$src/LICENSE" "$VENDOR/tom-select/"
strip_maps "$VENDOR/tom-select/tom-select.bootstrap5.min.css" "$VENDOR/tom-select/tom-select.complete.min.js"

integrity() { grep "^$1@" "$INTEGRITY" | cut -d' ' -f2; }

files() {
  (cd "$VENDOR" && find "$1" -type f | sort | while read -r f; do
    printf '  - `%s` (%s bytes, sha256 `%s`)\n' "$f" "$(stat -c %s "$f")" \
      "$(sha256sum "$f" | cut -d' ' -f1)"
  done)
}

cat >"$VENDOR/VENDOR.md" <<EOF
# Vendored front-end libraries

Fetched from the npm registry by \`scripts/vendor.sh\` (\`make vendor\`); do not edit these files
by hand. Houqin has no Node build: pages load exactly these files, from our own server, so the
system works offline on a school intranet and under a strict Content-Security-Policy.
To upgrade, change the pinned version in the script, run it, and review the diff.

Source maps are not shipped (their \`sourceMappingURL\` comments are removed).

## @tabler/core $TABLER_VERSION — MIT

- npm integrity: \`$(integrity @tabler/core)\`
- Why: the newest 1.x release. Tabler 1.x is Bootstrap 5.3 with an admin layout; its JS bundle
  contains Bootstrap's (dropdowns, collapse, modals), so Bootstrap is not vendored separately.
- Licence: MIT. The npm package has no LICENSE file; \`tabler/LICENSE\` is the MIT text with the
  copyright lines of the dist header.
$(files tabler)

## @tabler/icons-webfont $ICONS_VERSION — MIT

- npm integrity: \`$(integrity @tabler/icons-webfont)\`
- Why: the newest 3.x release; the icon font matching Tabler 1.x (\`<i class="ti ti-home">\`).
- Only the regular-weight webfont CSS and its woff2 font ship (the .woff/.ttf fallbacks are for
  browsers we do not support); the script points the \`@font-face\` at the woff2 file alone.
$(files tabler-icons)

## htmx.org $HTMX_VERSION — 0BSD

- npm integrity: \`$(integrity htmx.org)\`
- Why 2.0.x and not 4.x: the npm \`latest\` tag is now 4.x, but django-htmx documents and tests
  against htmx 2.x, and 4.x changed attribute inheritance (now explicit), how error responses
  are swapped, and \`hx-disable\`. 2.0.x is supported indefinitely; we pin its newest release.
  Moving to 4.x is a deliberate change of every template, not a version bump.
- Loaded with \`<meta name="htmx-config" content='{"includeIndicatorStyles": false,
  "allowEval": false}'>\` so it runs under our CSP (no inline styles, no eval, no \`hx-on\`);
  the indicator styles live in \`static/css/houqin.css\`.
$(files htmx)

## echarts $ECHARTS_VERSION — Apache-2.0

- npm integrity: \`$(integrity echarts)\`
- Why: the newest 6.x release; charts for dashboards and the term report.
- Licence: Apache-2.0 with its NOTICE, plus the d3 licence for the parts ECharts bundles.
$(files echarts)

## tom-select $TOMSELECT_VERSION — Apache-2.0

- npm integrity: \`$(integrity tom-select)\`
- Why: the newest 2.x release; searchable selects (rooms, people, items) with the Bootstrap 5
  theme, which matches Tabler.
$(files tom-select)

Total size: $(du -sk --exclude=VENDOR.md "$VENDOR" | cut -f1) KB.
EOF

echo "Done: $VENDOR ($(du -sh "$VENDOR" | cut -f1))"
