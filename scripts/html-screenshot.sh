#!/usr/bin/env bash
# Renders an HTML report in headless Chromium and saves a PNG, to look at what a person will see.
#
#   scripts/html-screenshot.sh REPORT.html OUT.png [WIDTHxHEIGHT]     (default 1280x2000)
#   scripts/html-screenshot.sh --sample OUT.png                        (renders the sample run first)
#
# Needs chromium (apt-get install chromium). The page is opened from a file:// URL with networking
# features off, so a report that tried to load anything from outside would show it as missing.
set -euo pipefail
cd "$(dirname "$0")/.."

usage() { sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
[[ $# -ge 2 ]] || usage

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if [[ $1 == --sample ]]; then
  report="$tmp/sample.html"
  npx tsx scripts/html-screenshot-sample.ts "$report"
else
  report=$1
fi
out=$2
size=${3:-1280x2000}
[[ -f $report ]] || { echo "no such report: $report" >&2; exit 2; }

browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
[[ -n $browser ]] || { echo "chromium not found: apt-get install chromium" >&2; exit 2; }

abs_report=$(cd "$(dirname "$report")" && pwd)/$(basename "$report")
abs_out=$(mkdir -p "$(dirname "$out")" && cd "$(dirname "$out")" && pwd)/$(basename "$out")

"$browser" --headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update \
  --disable-sync --no-first-run --user-data-dir="$tmp/profile" --hide-scrollbars \
  --screenshot="$abs_out" --window-size="${size/x/,}" "file://$abs_report" 2>"$tmp/chromium.log" || {
  cat "$tmp/chromium.log" >&2
  exit 1
}
[[ -s $abs_out ]] || { echo "no screenshot written" >&2; cat "$tmp/chromium.log" >&2; exit 1; }
echo "$abs_out"
