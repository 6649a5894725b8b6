"""The Python side of the inventory comparison (docs/benchmarks.md): the forecasting and policy
steps of `custalyze inventory` (defaults: 14-day lead time, 95% cycle service level, continuous
review) with pandas, numpy, SciPy and statsforecast 2.0.1, on a panel written by
`custalyze generate --price-demand`.

Steps, as custalyze-inventory does them (docs/inventory.md): weekly units per product from its
first sale to the last week of the log, zero-filled (Monday-based weeks; timed, as the Rust
side's aggregation is); the Syntetos-Boylan
class (ADI >= 1.32: intermittent or lumpy); rolling-origin backtests over the last year of the
2-week lead-time demand, every 4th week for smooth and erratic series (candidates: SES with
optimised alpha, naive, and with two years of history seasonal naive 52) and every week for intermittent and lumpy ones
(Croston, Croston SBA, TSB(0.1, 0.1), ADIDA), by statsforecast's `cross_validation`; the
candidate with the smallest mean absolute error per product; the safety stock (Student-t
factor times the errors' sd, or for intermittent demand with 20 errors or more the type-6
quantile of the errors) and the reorder point (the lead time's forecast path plus the safety
stock); the forecasts of every model by `forecast`. Reading the CSV is timed apart (custalyze's side does not time it either).

    /tmp/sf-venv/bin/python benches/python/inventory_compare.py /tmp/ic/panel1k.csv [runs]

Prints the wall and CPU time of each run and how many products got each model.
"""
import os
import sys
import time

os.environ.setdefault("NIXTLA_ID_AS_COL", "1")

import numpy as np
import pandas as pd
from scipy import stats
from statsforecast import StatsForecast
from statsforecast.models import (
    ADIDA,
    TSB,
    CrostonClassic,
    CrostonSBA,
    Naive,
    SeasonalNaive,
    SimpleExponentialSmoothingOptimized,
)

LEAD = 2.0  # weeks
ALPHA = 0.95


def weekly(df):
    monday = df["date"].dt.normalize() - pd.to_timedelta(df["date"].dt.weekday, unit="D")
    wide = df.assign(week=monday).pivot_table(
        index="week", columns="item_id", values="quantity", aggfunc="sum", fill_value=0.0
    )
    wide = wide.reindex(pd.date_range(wide.index.min(), wide.index.max(), freq="7D"), fill_value=0.0)
    long = wide.rename_axis(index="ds", columns="unique_id").stack().rename("y").reset_index()
    # From each product's first sale on.
    started = long.groupby("unique_id")["y"].transform(lambda y: (y > 0).cummax())
    return long[started].astype({"y": float}).sort_values(["unique_id", "ds"]).reset_index(drop=True)


def classify(y):
    nz = y[y > 0]
    if nz.size == 0:
        return None
    adi = y.size / nz.size
    return "intermittent" if adi >= 1.32 else "smooth"


def lead_errors(cv, model):
    # Demand over the lead time (two whole weeks) against the forecast of those weeks.
    g = cv.groupby(["unique_id", "cutoff"], sort=False)
    return (g["y"].sum() - g[model].sum()).rename("error").reset_index()


def backtest(panel, models, step, windows):
    sf = StatsForecast(models=models, freq="7D", n_jobs=1)
    cv = sf.cross_validation(df=panel, h=int(LEAD), step_size=step, n_windows=windows)
    names = [str(m) for m in models]
    out = {}
    for name in names:
        e = lead_errors(cv, name)
        out[name] = e
    mae = pd.DataFrame(
        {name: out[name].groupby("unique_id")["error"].apply(lambda e: e.abs().mean()) for name in names}
    )
    best = mae.idxmin(axis=1)
    fc = sf.forecast(df=panel, h=int(LEAD))
    return best, out, fc


def safety(errors, intermittent):
    n = errors.size
    if intermittent and n >= 20:
        s = np.sort(errors)
        h = (n + 1) * ALPHA
        if h <= 1:
            return s[0]
        if h >= n:
            return s[-1]
        lo = int(np.floor(h))
        return s[lo - 1] + (h - lo) * (s[lo] - s[lo - 1])
    sd = errors.std(ddof=1)
    return stats.t.ppf(ALPHA, n - 1) * np.sqrt(1 + 1 / n) * sd


def run(df):
    panel = weekly(df)
    classes = panel.groupby("unique_id")["y"].apply(lambda y: classify(y.values))
    smooth_ids = classes[classes == "smooth"].index
    inter_ids = classes[classes == "intermittent"].index
    # Enough weeks for the backtest windows (the Rust side skips shorter series the same way).
    lengths = panel.groupby("unique_id").size()
    n = panel.unique_id.map(lengths)
    smooth = panel.unique_id.isin(smooth_ids) & n.ge(13 + 54)
    # Seasonal naive is a candidate with two years of history.
    long_smooth = panel[smooth & n.ge(104)]
    short_smooth = panel[smooth & n.lt(104)]
    inter = panel[panel.unique_id.isin(inter_ids) & n.ge(13 + 54)]
    plans = []
    chosen = {}
    for part, models, step, windows, intermittent in [
        (long_smooth, [SimpleExponentialSmoothingOptimized(), Naive(), SeasonalNaive(52)], 4, 13, False),
        (short_smooth, [SimpleExponentialSmoothingOptimized(), Naive()], 4, 13, False),
        (inter, [CrostonSBA(), CrostonClassic(), TSB(0.1, 0.1), ADIDA()], 1, 52, True),
    ]:
        if part.empty:
            continue
        best, errors, fc = backtest(part, models, step, windows)
        path = {uid: g for uid, g in fc.groupby("unique_id")}
        for uid, model in best.items():
            e = errors[model]
            e = e.loc[e.unique_id == uid, "error"].to_numpy()
            steps = np.maximum(path[uid][model].to_numpy(), 0.0)
            ss = safety(e, intermittent)
            plans.append((uid, model, steps[0], ss, steps.sum() + ss))
            chosen[model] = chosen.get(model, 0) + 1
    return plans, chosen


def main():
    path = sys.argv[1]
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    t0 = time.perf_counter()
    df = pd.read_csv(path, parse_dates=["date"])
    print(f"read: {time.perf_counter() - t0:.2f} s, {df.item_id.nunique()} products")
    # statsforecast compiles its numba kernels on first use: warm up on a few products.
    run(df[df.item_id.isin(df.item_id.unique()[:40])])
    for r in range(runs):
        w0, c0 = time.perf_counter(), time.process_time()
        plans, chosen = run(df)
        if os.environ.get("PLANS_CSV"):
            pd.DataFrame(plans, columns=["product", "model", "mean_demand", "safety_stock", "reorder_point"]).to_csv(
                os.environ["PLANS_CSV"], index=False
            )
        print(
            f"run {r + 1}: wall {time.perf_counter() - w0:.2f} s, cpu {time.process_time() - c0:.2f} s, "
            f"{len(plans)} products planned, models {dict(sorted(chosen.items()))}"
        )


if __name__ == "__main__":
    main()
