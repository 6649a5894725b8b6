"""Re-run of shared/oracle/timings.py's mlxtend FP-Growth timings (same calls and data; the one-hot frame is built
outside the timer). Usage: /tmp/oracle/venv/bin/python assoc_rules_mlxtend.py REPS"""
import os, sys, time, statistics, json  # noqa: E401
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../../shared/oracle"))
import oracle_fpgrowth as F
from common import DATA
from mlxtend.frequent_patterns import association_rules, fpgrowth
reps = int(sys.argv[1])
cos = F.onehot(F.read_baskets(os.path.join(DATA, "baskets", "cosmetics_baskets.txt"), ","))
syn = F.onehot(F.read_baskets(os.path.join(DATA, "baskets", "synthetic_quest_10k.txt"), " "))
def fp_and_rules(df, s):
    fi = fpgrowth(df, min_support=s, use_colnames=True)
    return association_rules(fi, num_itemsets=len(df), metric="confidence", min_threshold=0.5)
cases = {
  "fpgrowth_cosmetics_s0.02": lambda: fpgrowth(cos, min_support=0.02, use_colnames=True),
  "fpgrowth_rules_cosmetics_s0.02": lambda: fp_and_rules(cos, 0.02),
  "fpgrowth_synthetic10k_s0.02": lambda: fpgrowth(syn, min_support=0.02, use_colnames=True),
  "fpgrowth_rules_synthetic10k_s0.02": lambda: fp_and_rules(syn, 0.02),
}
for k, fn in cases.items():
    ts = []
    for _ in range(reps):
        t0 = time.perf_counter(); fn(); ts.append(time.perf_counter() - t0)
    print(json.dumps({"case": k, "median_s": statistics.median(ts), "runs_s": ts}), flush=True)
