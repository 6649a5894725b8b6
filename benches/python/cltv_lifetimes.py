"""lifetimes' CLV fits on the CDNOW calibration summary: the Python side of `--bench cltv`.

The same calls as shared/oracle/timings.py (BetaGeoFitter, GammaGammaFitter on the repeat buyers,
ParetoNBDFitter; data in memory, only the fit timed), median of N runs (default 7, Pareto/NBD 3).
Run from the repository root:
    /tmp/oracle/venv/bin/python benches/python/cltv_lifetimes.py [N]
"""
import json
import os
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "shared", "oracle"))
from common import quiet_warnings  # noqa: E402

quiet_warnings()
import oracle_clv as C  # noqa: E402
from lifetimes import BetaGeoFitter, GammaGammaFitter, ParetoNBDFitter  # noqa: E402


def timeit(fn, reps):
    ts = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t0)
    return {"median_s": statistics.median(ts), "runs_s": ts}


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    d = C.load_summary()
    f, r, T = d["frequency"].to_numpy(), d["recency"].to_numpy(), d["T"].to_numpy()
    rep = d[d["frequency"] > 0]
    out = {
        "bgnbd_fit_cdnow_2357": timeit(lambda: BetaGeoFitter().fit(f, r, T), n),
        "gammagamma_fit_cdnow_946": timeit(
            lambda: GammaGammaFitter().fit(rep["frequency"], rep["monetary_value"]), n),
        "paretonbd_fit_cdnow_2357": timeit(lambda: ParetoNBDFitter().fit(f, r, T), max(3, n // 2)),
    }
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
