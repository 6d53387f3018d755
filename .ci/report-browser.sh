#!/usr/bin/env bash
# Renders the report.html of run, sweep and compare in a real headless
# browser (Chromium from Debian packages) and checks it:
#   - the page loads with the network cut off (a dead proxy); a copy with a
#     probe script added (the report itself has no scripts) lists, once
#     loaded, every resource the browser fetched (Resource Timing: there
#     must be none, everything is inline), every broken image, every link
#     that is not a fragment of the page, the inline SVG figures actually
#     laid out with a size, and the table rows;
#   - the DOM Chromium built holds the tables and one inline <svg> per
#     figure, and no <img>, <script> or <link>;
#   - a full-page screenshot of the report is written for a person to look at.
# Usage: BACKCHANNEL_BIN=path/to/backchannel bash .ci/report-browser.sh [OUTDIR]
# Exit 3: Chromium is missing and cannot be installed (not root).
set -euo pipefail
bin=${BACKCHANNEL_BIN:?set BACKCHANNEL_BIN to the backchannel binary}
shots=${1:-${TMPDIR:-/tmp}/backchannel-report-screenshots}
mkdir -p "$shots"

browser=""
for b in chromium chromium-browser; do
  if command -v "$b" >/dev/null 2>&1; then browser=$b; break; fi
done
if [ -z "$browser" ]; then
  if [ "$(id -u)" != 0 ]; then
    exit 3
  fi
  echo "== installing chromium (Debian package)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-liberation >/dev/null
  browser=chromium
fi

work=$(mktemp -d)
cat >"$work/probe.js" <<'PROBE'
<script>
window.addEventListener('load', function () {
  var res = performance.getEntriesByType('resource').map(function (e) { return e.name; });
  var broken = [];
  for (var i = 0; i < document.images.length; i++) {
    var im = document.images[i];
    if (!im.complete || im.naturalWidth === 0) broken.push(im.src);
  }
  var svgs = Array.prototype.filter.call(document.querySelectorAll('figure svg'), function (s) {
    var r = s.getBoundingClientRect(); return r.width > 50 && r.height > 50;
  }).length;
  var badLinks = Array.prototype.filter.call(document.querySelectorAll('a[href]'), function (a) {
    var h = a.getAttribute('href'); return !(h.charAt(0) === '#' && document.getElementById(h.slice(1)));
  }).map(function (a) { return a.getAttribute('href'); });
  var p = document.createElement('pre');
  p.id = 'browser-check';
  p.textContent = 'RESOURCES=' + res.length + ' ' + res.join(' ') + '\nBROKEN_IMAGES=' + broken.length + ' ' + broken.join(' ') +
    '\nVISIBLE_SVG=' + svgs + '\nBAD_LINKS=' + badLinks.length + ' ' + badLinks.join(' ') + '\nTABLES=' + document.querySelectorAll('table tbody tr').length;
  document.body.appendChild(p);
});
</script>
PROBE
trap 'rm -rf "$work"' EXIT
cat >"$work/a.yaml" <<'YAML'
name: fast
talks:
  open_rate: 0.15
YAML
cat >"$work/b.yaml" <<'YAML'
name: slow
talks:
  open_rate: 0.05
YAML

# name, at least this many tables and figures, then the command's
# arguments. The exact counts to find in the browser are those the report's
# own source holds (<table> and <figure> elements), so adding a figure to a
# report does not need this script to change; the minimums catch a report
# that lost its tables or figures.
check() {
  local name=$1 mintables=$2 minfigs=$3
  shift 3
  local out="$work/$name"
  "$bin" "$@" --no-figures --out "$out" >/dev/null
  local tables figs
  tables=$(grep -o '<table' "$out/report.html" | wc -l || true)
  figs=$(grep -o '<figure' "$out/report.html" | wc -l || true)
  [ "$tables" -ge "$mintables" ] || { echo "!! $name: the report holds $tables tables, want at least $mintables"; return 1; }
  [ "$figs" -ge "$minfigs" ] || { echo "!! $name: the report holds $figs figures, want at least $minfigs"; return 1; }
  if [ -n "${REPORT_BROWSER_FAULT:-}" ]; then # self-test: the checks must fail
    sed -i "s|</h1>|</h1>$REPORT_BROWSER_FAULT|" "$out/report.html"
  fi
  local page="file://$out/report.html"
  local flags=(--headless --no-sandbox --disable-gpu --hide-scrollbars --proxy-server=127.0.0.1:9
    --enable-logging=stderr --v=0 --virtual-time-budget=5000)
  "$browser" "${flags[@]}" --dump-dom "$page" >"$work/$name.dom" 2>"$work/$name.log"
  "$browser" "${flags[@]}" --window-size=1280,6000 --screenshot="$shots/report-$name.png" "$page" >/dev/null 2>>"$work/$name.log"
  # The probe copy sits beside the report, so relative references resolve alike.
  awk -v probe="$work/probe.js" '/<\/body>/ { while ((getline l < probe) > 0) print l } { print }' "$out/report.html" >"$out/check.html"
  "$browser" "${flags[@]}" --dump-dom "file://$out/check.html" >"$work/$name.check" 2>>"$work/$name.log"
  local fail=0
  local probe
  probe=$(sed -n '/<pre id="browser-check">/,/<\/pre>/p' "$work/$name.check")
  if [ -z "$probe" ]; then echo "!! $name: the probe did not run"; fail=1; fi
  echo "$probe" | grep -q '^<pre id="browser-check">RESOURCES=0 ' || { echo "!! $name: the browser fetched resources: $probe"; fail=1; }
  echo "$probe" | grep -q '^BROKEN_IMAGES=0 ' || { echo "!! $name: broken images: $probe"; fail=1; }
  echo "$probe" | grep -q '^BAD_LINKS=0 ' || { echo "!! $name: links that leave the page or point nowhere: $probe"; fail=1; }
  echo "$probe" | grep -q "^VISIBLE_SVG=$figs\$" || { echo "!! $name: want $figs figures laid out: $probe"; fail=1; }
  if grep -E 'Failed to load resource|net::ERR_' "$work/$name.log"; then
    echo "!! $name: the report tried to load something (above)"; fail=1
  fi
  local nt ns nx
  nt=$(grep -o '<table' "$work/$name.dom" | wc -l || true)
  ns=$(grep -o '<svg' "$work/$name.dom" | wc -l || true)
  nx=$({ grep -Eo '<(img|script|link)[ >]' "$work/$name.dom" || true; } | wc -l)
  [ "$nt" -eq "$tables" ] || { echo "!! $name: $nt tables in the rendered DOM, want $tables"; fail=1; }
  [ "$ns" -eq "$figs" ] || { echo "!! $name: $ns inline SVG figures in the rendered DOM, want $figs"; fail=1; }
  [ "$nx" -eq 0 ] || { echo "!! $name: $nx img/script/link elements, want none"; fail=1; }
  [ -s "$shots/report-$name.png" ] || { echo "!! $name: no screenshot"; fail=1; }
  if [ $fail -ne 0 ]; then return 1; fi
  echo "== report.html of $name renders: $nt tables, $ns inline figures; browser probe:" $(echo "$probe" | sed 's/<[^>]*>//g')
  echo "   screenshot for a person to look at: $shots/report-$name.png"
}

check run 2 3 run --reps 200 --seed 7 --trajectories 2
check sweep 1 1 sweep --reps 50 --seed 7 --param talks.open_rate=0.05:0.15:0.05 --param spoilers.capability=0:0.04:0.02
check compare 2 3 compare --reps 200 --seed 7 "$work/a.yaml" "$work/b.yaml"
