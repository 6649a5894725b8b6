#!/usr/bin/env bash
# Load test of `custalyze serve` (docs/benchmarks.md): GET one customer card and POST batches of
# 1,000 histories, with wrk (Debian package `wrk`), on loopback.
# Usage: benches/scripts/serve_load.sh [ADDR] (default 127.0.0.1:18083; start `custalyze serve
# --addr ADDR` first).
set -euo pipefail
ADDR="${1:-127.0.0.1:18083}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
python3 - "$WORK/body.json" <<'PY'
import json, random, sys
random.seed(1)
h = []
for _ in range(1000):
    t = random.uniform(1, 100)
    x = random.randint(0, 20)
    tx = random.uniform(0, t) if x > 0 else 0
    h.append({"x": x, "t_x": round(tx, 3), "T": round(t, 3), "monetary": round(random.uniform(1, 200), 2) if x > 0 else 0})
open(sys.argv[1], "w").write(json.dumps({"histories": h}))
PY
cat > "$WORK/score.lua" <<LUA
local f = io.open("$WORK/body.json", "r")
wrk.method = "POST"
wrk.body = f:read("*all")
f:close()
wrk.headers["Content-Type"] = "application/json"
LUA
ID="$(curl -fs "http://$ADDR/api/customers?limit=1" | sed -n 's/.*"customer_id":"\([^"]*\)".*/\1/p')"
wrk -t2 -c64 -d15s --latency "http://$ADDR/api/customers/$ID"
wrk -t2 -c8 -d15s --latency -s "$WORK/score.lua" "http://$ADDR/api/score"
