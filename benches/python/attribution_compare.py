"""Times ChannelAttribution 2.2.5 on generated journeys, for docs/benchmarks.md.

Journeys as custalyze-datagen draws them (a chain of touches over six channels; after a touch of
channel c the journey converts with probability e_c, else goes on with probability 0.7, at most
8 touches), aggregated into paths; writes the paths CSV for the Rust side
(`cargo run --release -p custalyze-benches --example attribution_paths -- PATHS.csv`) and times
heuristic_models and markov_model (order 1, ChannelAttribution's defaults) on one core.

    python benches/python/attribution_compare.py OUT_DIR [JOURNEYS]
"""
import os
import sys
import time
from collections import defaultdict

import numpy as np
import pandas as pd
import ChannelAttribution as ca

out = sys.argv[1]
n = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
names = ["search", "email", "affiliate", "direct_mail", "social", "display"]
effect = np.array([0.12, 0.08, 0.06, 0.03, 0.02, 0.005])
share = np.array([0.20, 0.15, 0.05, 0.10, 0.25, 0.25])
rng = np.random.default_rng(7)
paths = defaultdict(lambda: [0, 0, 0.0])
draws = rng.choice(6, size=(n, 8), p=share)
conv_u = rng.random((n, 8))
go_u = rng.random((n, 8))
values = rng.gamma(4.0, 12.5, size=n)
for i in range(n):
    seq = []
    converted = False
    for k in range(8):
        c = draws[i, k]
        seq.append(names[c])
        if conv_u[i, k] < effect[c]:
            converted = True
            break
        if go_u[i, k] >= 0.7:
            break
    e = paths[">".join(seq)]
    if converted:
        e[0] += 1
        e[2] += values[i]
    else:
        e[1] += 1
data = pd.DataFrame([(k, v[0], v[1], round(v[2], 2)) for k, v in paths.items()],
                    columns=["path", "total_conversions", "total_null", "total_conversion_value"])
os.makedirs(out, exist_ok=True)
data.to_csv(os.path.join(out, "paths.csv"), index=False)
print(f"{n} journeys, {len(data)} distinct paths, {data.total_conversions.sum()} conversions")
for name, f in [
    ("heuristic_models", lambda: ca.heuristic_models(data, "path", "total_conversions", var_value="total_conversion_value", flg_pro=False)),
    ("markov_model order 1", lambda: ca.markov_model(data, "path", "total_conversions", var_value="total_conversion_value", var_null="total_null", order=1, verbose=False, flg_pro=False)),
    ("markov_model order 3", lambda: ca.markov_model(data, "path", "total_conversions", var_value="total_conversion_value", var_null="total_null", order=3, verbose=False, flg_pro=False)),
]:
    for _ in range(2):
        w, c = time.perf_counter(), time.process_time()
        f()
        print(f"{name}: wall {time.perf_counter() - w:.3f} s, cpu {time.process_time() - c:.3f} s")
