#!/usr/bin/env bash
# Browser check of `custalyze report`: runs the report on the embedded sample, renders
# DIR/index.html in headless Chromium (Debian package `chromium`), and asserts that
#   - every chart of the page (each <svg data-chart="...">) is in the rendered DOM with drawn
#     child elements, and the charts the embedded sample must produce are all there;
#   - the browser logged no console error;
#   - at phone width (390 px) no chart or page text renders below 10 px and the page itself does
#     not scroll sideways (charts and wide tables scroll inside their own boxes): measured by a
#     script injected into a copy of the page (the report itself stays script-free);
# then saves full-page screenshots (desktop and phone) for review.
#
# Usage: .ci/check_report.sh [SCREENSHOT.png]
#   CUSTALYZE: the binary (default: cargo run --release -p custalyze-cli --)
#   CI_ARTIFACTS: directory for the screenshot when no path is given (default: target/)
#   REPORT_DIR: check this existing report directory instead of running the report (to test the
#     checker itself on a broken page)
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"
TARGET_DIR="${CARGO_TARGET_DIR:-$REPO/target}"
SHOT="${1:-${CI_ARTIFACTS:-$TARGET_DIR}/report-screenshot.png}"
mkdir -p "$(dirname "$SHOT")"

CHROMIUM="$(command -v chromium || command -v chromium-browser || true)"
if [[ -z "$CHROMIUM" ]]; then
    echo "check_report: chromium not installed (apt-get install chromium)" >&2
    exit 1
fi

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
OUT="$WORK/report"

if [[ -n "${REPORT_DIR:-}" ]]; then
    OUT="$(cd "$REPORT_DIR" && pwd)"
elif [[ -n "${CUSTALYZE:-}" ]]; then
    "$CUSTALYZE" report --out "$OUT"
else
    cargo run --quiet --release -p custalyze-cli -- report --out "$OUT"
fi
[[ -s "$OUT/index.html" ]] || { echo "check_report: no index.html" >&2; exit 1; }

chrome() {
    # The flags keep headless Chromium off the network and away from any user profile.
    "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --disable-default-apps --hide-scrollbars --user-data-dir="$(mktemp -d -p "$WORK")" \
        --enable-logging=stderr --v=0 "$@"
}

# 1. The DOM as the browser parsed it.
chrome --dump-dom "file://$OUT/index.html" >"$WORK/dom.html" 2>"$WORK/dom.log" || {
    cat "$WORK/dom.log" >&2
    echo "check_report: chromium failed to render the page" >&2
    exit 1
}
[[ -s "$WORK/dom.html" ]] || { echo "check_report: empty DOM dump" >&2; exit 1; }

fail=0
# Every chart in the source must be in the DOM; each must hold drawn elements.
mapfile -t charts < <(grep -o 'data-chart="[^"]*"' "$OUT/index.html" | sed 's/data-chart="\(.*\)"/\1/')
expected=(cohort-heatmap rfm-sizes rfm-revenue clv-histogram purchase-scatter holdout-bars pareto-curve forecast-line)
for id in "${expected[@]}"; do
    if ! printf '%s\n' "${charts[@]}" | grep -qx "$id"; then
        echo "FAIL: chart $id missing from the page" >&2
        fail=1
    fi
done
# The customer-segments section (custalyze-segment): size and revenue bars and the dendrogram.
for id in segment-sizes segment-revenue segment-dendrogram; do
    if ! printf '%s\n' "${charts[@]}" | grep -qx "$id"; then
        echo "FAIL: chart $id missing from the page" >&2
        fail=1
    fi
done
for id in "${charts[@]}"; do
    # The serialised <svg ...> element up to its end: it must contain shapes or text.
    body="$(tr '\n' ' ' <"$WORK/dom.html" | grep -o "<svg[^>]*data-chart=\"$id\"[^>]*>.*" | sed 's#</svg>.*##' || true)"
    shapes="$( (printf '%s' "$body" | grep -o '<\(rect\|path\|circle\|line\|polyline\|polygon\)[ >/]' || true) | wc -l)"
    if [[ -z "$body" ]]; then
        echo "FAIL: chart $id not in the rendered DOM" >&2
        fail=1
    elif ((shapes == 0)); then
        echo "FAIL: chart $id is empty in the rendered DOM" >&2
        fail=1
    else
        echo "ok: chart $id ($shapes drawn elements)"
    fi
done

# 2. Screenshot of the whole page (a tall window: headless screenshots capture the viewport).
chrome --screenshot="$SHOT" --window-size=1280,9000 "file://$OUT/index.html" \
    >"$WORK/shot.out" 2>"$WORK/shot.log" || {
    cat "$WORK/shot.log" >&2
    echo "check_report: screenshot failed" >&2
    exit 1
}
[[ -s "$SHOT" ]] || { echo "FAIL: no screenshot written" >&2; fail=1; }

# 3. Console messages: the page has no script, so any console message (an uncaught exception,
# console.error, a failed resource load) is an error.
if grep -hiE 'CONSOLE|Uncaught|Failed to load resource|net::ERR_' \
    "$WORK/dom.log" "$WORK/shot.log"; then
    echo "FAIL: console errors while rendering the report" >&2
    fail=1
fi

# 4. Phone width: a copy of the page with a measuring script, rendered 390 px wide. Each SVG
# text's rendered size is its font size times the scale of its screen transform.
PHONE_SHOT="${SHOT%.png}-390px.png"
cat >"$WORK/measure.js" <<'JS'
document.getElementById("page").addEventListener("load", function () {
  var w = this.contentWindow, d = this.contentDocument;
  var small = [], total = 0, min = 1e9;
  function note(what, size) {
    total++;
    if (size < min) min = size;
    if (size < 9.95) small.push(what + " " + size.toFixed(1));
  }
  d.querySelectorAll("svg text").forEach(function (t) {
    var m = t.getScreenCTM(), r = t.getBoundingClientRect();
    if (!m || (r.width === 0 && r.height === 0)) return;
    var chart = t.closest("svg");
    note((chart && chart.getAttribute("data-chart")) + ":" + t.textContent.slice(0, 24),
      parseFloat(w.getComputedStyle(t).fontSize) * Math.hypot(m.a, m.b));
  });
  d.querySelectorAll("p, td, th, caption, figcaption, a, h1, h2, .label, .value, .note").forEach(function (e) {
    if (e.closest("svg")) return;
    note(e.tagName + ":" + e.textContent.slice(0, 24), parseFloat(w.getComputedStyle(e).fontSize));
  });
  document.body.setAttribute("data-text-check", JSON.stringify({
    width: w.innerWidth, page: d.documentElement.scrollWidth, total: total, min: min,
    small: small.length, examples: small.slice(0, 12) }));
});
JS
# Headless Chromium will not make a window narrower than 500 px, so the page is laid out in a
# 390 px frame (srcdoc: same origin as the measuring wrapper).
python3 - "$OUT/index.html" "$WORK/measure.js" "$WORK/phone.html" <<'PY'
import html, sys
page = open(sys.argv[1], encoding="utf-8").read()
script = open(sys.argv[2], encoding="utf-8").read()
wrapper = (
    '<!DOCTYPE html><html><body style="margin:0">'
    '<iframe id="page" style="border:0;width:390px;height:2000px" srcdoc="'
    + html.escape(page, quote=True)
    + '"></iframe><script>' + script + "</script></body></html>"
)
open(sys.argv[3], "w", encoding="utf-8").write(wrapper)
PY
chrome --window-size=600,2000 --dump-dom "file://$WORK/phone.html" >"$WORK/phone-dom.html" 2>"$WORK/phone.log" || {
    cat "$WORK/phone.log" >&2
    echo "check_report: chromium failed to render the page at 390 px" >&2
    exit 1
}
check="$(grep -o 'data-text-check="[^"]*"' "$WORK/phone-dom.html" | sed 's/^data-text-check="//; s/"$//; s/&quot;/"/g' || true)"
if [[ -z "$check" ]]; then
    echo "FAIL: the text-size measurement at 390 px did not run" >&2
    fail=1
else
    echo "390 px: $check"
    python3 - "$check" <<'PY' || fail=1
import json, sys
c = json.loads(sys.argv[1])
bad = []
if c["width"] != 390:
    bad.append(f"viewport {c['width']} px, not 390")
if c["total"] < 50:
    bad.append(f"only {c['total']} text elements measured")
if c["small"]:
    bad.append(f"{c['small']} texts below 10 px, e.g. {c['examples']}")
if c["page"] > c["width"] + 1:
    bad.append(f"the page scrolls sideways ({c['page']} px wide)")
for b in bad:
    print("FAIL:", b, file=sys.stderr)
sys.exit(1 if bad else 0)
PY
fi
sed 's/height:2000px/height:14000px/' "$WORK/phone.html" >"$WORK/phone-tall.html"
chrome --screenshot="$PHONE_SHOT" --window-size=500,14000 "file://$WORK/phone-tall.html" \
    >"$WORK/phone-shot.out" 2>"$WORK/phone-shot.log" || {
    echo "FAIL: screenshot at 390 px failed" >&2
    fail=1
}

if ((fail)); then
    echo "check_report: FAILED" >&2
    exit 1
fi
echo "check_report: ${#charts[@]} charts rendered, no console errors, no text below 10 px at 390 px; screenshots $SHOT, $PHONE_SHOT"
