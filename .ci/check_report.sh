#!/usr/bin/env bash
# Browser check of `custalyze report`: runs the report on the embedded sample, renders
# DIR/index.html in headless Chromium (Debian package `chromium`), and asserts that
#   - every chart of the page (each <svg data-chart="...">) is in the rendered DOM with drawn
#     child elements, and the charts the embedded sample must produce are all there;
#   - the browser logged no console error;
# then saves a full-page screenshot for review.
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
expected=(cohort-heatmap rfm-sizes rfm-revenue clv-histogram alive-scatter holdout-bars pareto-curve forecast-line)
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

if ((fail)); then
    echo "check_report: FAILED" >&2
    exit 1
fi
echo "check_report: ${#charts[@]} charts rendered, no console errors; screenshot $SHOT"
