"""Times pyfim (Borgelt's C FP-Growth) as shared/oracle/peer_timings.py does: fim.fpgrowth(tx, target="s",
supp=PCT, zmin=1, report="a") on a basket file read like oracle_fpgrowth.read_baskets (not timed).
Usage: python assoc_rules_pyfim.py FILE SEP|space SUPPORT_PERCENT REPS   (pip install pyfim==6.28 into a venv)"""
import sys, time, statistics
from fim import fpgrowth
path, sep, supp, reps = sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4])
sep = " " if sep == "space" else sep
with open(path) as f:
    lines = f.read().split("\n")
if lines and lines[-1] == "":
    lines = lines[:-1]
tx = [[t for t in l.split(sep) if t != ""] for l in lines]
ts = []
for _ in range(reps):
    t0 = time.perf_counter(); res = fpgrowth(tx, target="s", supp=supp, zmin=1, report="a"); ts.append(time.perf_counter() - t0)
print({"file": path, "supp_pct": supp, "n_itemsets": len(res), "median_s": statistics.median(ts), "runs_s": ts})
