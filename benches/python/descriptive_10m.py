"""RFM, ABC and cohort tables on 10 million transactions: the pandas side of the comparison.

Writes (once, seeded) a CDNOW-master-format file of about 10 million rows for 1 million
customers, loads it with pandas as shared/oracle/oracle_rfm.py loads CDNOW, and times that
script's functions (data in memory, median of 3): `abc(g)` and `cohorts(m)` as they are, and
`rfm(m)` without its two self-checks (the raw-qcut variant and the regex-replace assertion), i.e.
the groupby, the three rank-first qcut scores, the RF string and the regex segment map.
The Rust side is `cargo run --release -p custalyze-benches --example descriptive_10m -- FILE`.

Run: /tmp/oracle/venv/bin/python benches/python/descriptive_10m.py /tmp/cdnow_10m.txt
"""
import json
import os
import sys
import time

import numpy as np
import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "shared", "oracle"))
import oracle_rfm  # noqa: E402  (the reference code itself)


def generate(path, n_customers=1_000_000, seed=20261123):
    rng = np.random.default_rng(seed)
    rows = 1 + rng.poisson(9.0, n_customers)
    ids = np.repeat(np.arange(1, n_customers + 1), rows)
    start = np.datetime64("1997-01-01")
    first = rng.integers(0, 90, n_customers)  # acquisition in Q1 1997, as CDNOW
    span = 545 - first  # until 1998-06-30
    first_rep = np.repeat(first, rows)
    offs = (rng.random(ids.size) * np.repeat(span, rows)).astype(np.int64)
    is_first = np.zeros(ids.size, dtype=bool)
    is_first[np.concatenate(([0], np.cumsum(rows)[:-1]))] = True
    days = np.where(is_first, first_rep, first_rep + offs)
    dates = (start + days.astype("timedelta64[D]")).astype("datetime64[D]")
    date_int = pd.to_datetime(dates).strftime("%Y%m%d")
    qty = 1 + rng.poisson(1.0, ids.size)
    value = np.round(qty * rng.lognormal(2.5, 0.5, ids.size), 2)
    df = pd.DataFrame({"customer_id": ids, "date": date_int, "number_of_cds": qty,
                       "dollar_value": value})
    df.to_csv(path, sep=" ", index=False)
    return len(df)


def rfm_core(m):
    """oracle_rfm.rfm without its self-checks."""
    g = m.groupby("customer_id").agg(last=("date", "max"), frequency=("date", "size"),
                                     monetary=("dollar_value", "sum")).sort_index()
    g["recency"] = (oracle_rfm.SNAPSHOT - g["last"]).dt.days
    g = g[["recency", "frequency", "monetary"]]
    g["R_score"] = pd.qcut(g["recency"].rank(method="first"), 5, labels=[5, 4, 3, 2, 1]).astype(int)
    g["F_score"] = pd.qcut(g["frequency"].rank(method="first"), 5, labels=[1, 2, 3, 4, 5]).astype(int)
    g["M_score"] = pd.qcut(g["monetary"].rank(method="first"), 5, labels=[1, 2, 3, 4, 5]).astype(int)
    g["RF_SCORE"] = g["R_score"].astype(str) + g["F_score"].astype(str)
    g["RFM_SCORE"] = g["RF_SCORE"] + g["M_score"].astype(str)
    g["segment"] = g["RF_SCORE"].map(oracle_rfm.segment)
    return g


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else "/tmp/cdnow_10m.txt"
    if not os.path.exists(path):
        n = generate(path)
        print(f"wrote {path}: {n} rows", file=sys.stderr)
    m = pd.read_csv(path, sep=" ")
    m["date"] = pd.to_datetime(m["date"].astype(str), format="%Y%m%d")
    times = {"rfm": [], "abc": [], "cohorts": []}
    for _ in range(3):
        t0 = time.perf_counter()
        g = rfm_core(m)
        t1 = time.perf_counter()
        oracle_rfm.abc(g)
        t2 = time.perf_counter()
        oracle_rfm.cohorts(m)
        t3 = time.perf_counter()
        times["rfm"].append(t1 - t0)
        times["abc"].append(t2 - t1)
        times["cohorts"].append(t3 - t2)
    out = {k: {"median_s": float(np.median(v)), "runs_s": v} for k, v in times.items()}
    out["rows"] = int(len(m))
    out["customers"] = int(m["customer_id"].nunique())
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
