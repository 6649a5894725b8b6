#!/usr/bin/env bash
# Browser check of `custalyze serve`: starts the server on the embedded sample (loopback, a free
# port), waits for /api/health, renders the app in headless Chromium (Debian package
# `chromium`) at #customer=ID and at #segments, and asserts on the rendered DOM that the card
# (CLV, P(alive), purchase history chart, recommended products with their reasons) and the
# segment tables are there and that no error is shown; saves a screenshot of the card.
#
# Usage: .ci/check_serve.sh [SCREENSHOT.png]
#   CUSTALYZE: the binary (default: cargo run --release -p custalyze-cli --)
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"
TARGET_DIR="${CARGO_TARGET_DIR:-$REPO/target}"
SHOT="${1:-${CI_ARTIFACTS:-$TARGET_DIR}/serve-screenshot.png}"
mkdir -p "$(dirname "$SHOT")"
CHROMIUM="$(command -v chromium || command -v chromium-browser || true)"
[[ -n "$CHROMIUM" ]] || { echo "check_serve: chromium not installed" >&2; exit 1; }

PORT="${PORT:-$(( 20000 + RANDOM % 20000 ))}"
ADDR="127.0.0.1:$PORT"
LOG="$(mktemp)"
if [[ -n "${CUSTALYZE:-}" ]]; then
    "$CUSTALYZE" serve --addr "$ADDR" >"$LOG" 2>&1 &
else
    cargo run --quiet --release -p custalyze-cli -- serve --addr "$ADDR" >"$LOG" 2>&1 &
fi
PID=$!
trap 'kill $PID 2>/dev/null || true; rm -f "$LOG"' EXIT

for _ in $(seq 1 240); do
    if curl -fs "http://$ADDR/api/health" >/dev/null 2>&1; then break; fi
    if ! kill -0 $PID 2>/dev/null; then cat "$LOG" >&2; echo "check_serve: server exited" >&2; exit 1; fi
    sleep 0.5
done
curl -fs "http://$ADDR/api/health" >/dev/null || { cat "$LOG" >&2; echo "check_serve: no health" >&2; exit 1; }

ID="$(curl -fs "http://$ADDR/api/customers?sort=clv&limit=1" | sed -n 's/.*"customer_id":"\([^"]*\)".*/\1/p')"
[[ -n "$ID" ]] || { echo "check_serve: no customer listed" >&2; exit 1; }

render() { "$CHROMIUM" --headless --no-sandbox --disable-gpu --virtual-time-budget=8000 "$@" 2>/dev/null; }
DOM="$(render --dump-dom "http://$ADDR/#customer=$ID")"
fail=0
check() { if ! grep -q -- "$1" <<<"$DOM"; then echo "check_serve: card lacks $2" >&2; fail=1; fi; }
check "id=\"customer-card\"" "the card"
check "Customer $ID<" "the customer's id"
check "P(alive)" "P(alive)"
check "aria-label=\"purchase history" "the history chart"
check "<ol id=\"recs\"><li>" "recommended products"
check "for the .* tier)" "the recommendations' reasons"
if grep -q 'role="alert">[^$]' <<<"$DOM"; then echo "check_serve: the page shows an error" >&2; fail=1; fi
DOM="$(render --dump-dom "http://$ADDR/#segments")"
check "RFM segments" "the RFM segment table"
check "Engagement tiers" "the engagement tiers"
check "data-segment=" "links from segments to their members"
render --hide-scrollbars --window-size=1000,1300 --screenshot="$SHOT" "http://$ADDR/#customer=$ID" >/dev/null
[[ -s "$SHOT" ]] || { echo "check_serve: no screenshot" >&2; fail=1; }
if [[ $fail -ne 0 ]]; then exit 1; fi
echo "check_serve: card of customer $ID and the segments view render; screenshot $SHOT"
