"""The Python side of the pricing comparison (docs/benchmarks.md): the same pipeline as
`custalyze pricing` with pandas, numpy and statsmodels, on a panel written by
`custalyze generate --price-demand`.

Steps, as custalyze-pricing does them: read the CSV; weekly units and revenue per product
(Monday-based weeks); promotion weeks (price more than 5% below the highest price of the 8
selling weeks on each side); the log-log design (const, log_price, promo, post_promo, trend,
hinges every 13 weeks with 8 selling weeks after them, at most 20, one or two seasonal
harmonics); statsmodels OLS per product with at least 52 selling weeks, 3 distinct prices, a
log-price sd of 0.02 and at most 30% zero weeks. Pooling and prices are not timed on the Python
side (they are a few vector operations per product).

    /tmp/oracle/venv/bin/python benches/python/pricing_compare.py /tmp/pc/panel1k.csv [runs]

Prints the wall and CPU time of each run and the number of products estimated.
"""
import math
import sys
import time

import numpy as np
import pandas as pd
import statsmodels.api as sm

WEEKS_PER_YEAR = 365.25 / 7.0


def promotions(weeks, prices):
    n = len(weeks)
    promo = np.zeros(n, dtype=bool)
    for i in range(n):
        lo = np.searchsorted(weeks, weeks[i] - 8)
        hi = np.searchsorted(weeks, weeks[i] + 8, side="right")
        before = prices[lo:i]
        after = prices[i + 1:hi]
        sides = [s.max() for s in (before, after) if s.size]
        if sides:
            promo[i] = prices[i] < min(sides) * 0.95
    post = np.zeros(n, dtype=bool)
    post[1:] = (~promo[1:]) & promo[:-1] & (weeks[1:] == weeks[:-1] + 1)
    return promo, post


def design(weeks, prices, units):
    promo, post = promotions(weeks, prices)
    w0 = weeks[0]
    span = weeks[-1] - w0 + 1
    cols = [np.ones(len(weeks)), np.log(prices)]
    if promo.any() and not promo.all():
        cols.append(promo.astype(float))
    if post.any() and not post.all():
        cols.append(post.astype(float))
    t = (weeks - w0).astype(float)
    cols.append(t / 52.0)
    step = max(13, span // 21 + 1)
    k = step
    while k < span and (t > k).sum() >= 8:
        cols.append(np.maximum(0.0, t - k) / 52.0)
        k += step
    harmonics = 2 if span >= 2 * WEEKS_PER_YEAR else (1 if span >= WEEKS_PER_YEAR else 0)
    for h in range(1, harmonics + 1):
        a = 2 * math.pi * h * weeks / WEEKS_PER_YEAR
        cols.append(np.sin(a))
        cols.append(np.cos(a))
    return np.column_stack(cols), np.log(units)


def run(path):
    t0 = time.perf_counter()
    df = pd.read_csv(path, parse_dates=["date"])
    t_read = time.perf_counter() - t0
    df = df[(df.quantity > 0) & (df.unit_price > 0)]
    df["amount"] = df.quantity * df.unit_price
    monday = pd.Timestamp("1969-12-29")
    df["week"] = (df.date - monday).dt.days // 7
    g = df.groupby(["item_id", "week"], sort=True).agg(units=("quantity", "sum"), revenue=("amount", "sum"))
    t1 = time.perf_counter()
    estimated = 0
    for _, p in g.groupby(level="item_id"):
        weeks = p.index.get_level_values("week").to_numpy()
        units = p.units.to_numpy(dtype=float)
        prices = p.revenue.to_numpy() / units
        n = len(weeks)
        if n < 52:
            continue
        if len(np.unique(np.round(prices * 100))) < 3 or np.std(np.log(prices), ddof=1) < 0.02:
            continue
        if 1 - n / (weeks[-1] - weeks[0] + 1) > 0.3:
            continue
        x, y = design(weeks, prices, units)
        fit = sm.OLS(y, x).fit()
        fit.conf_int(0.05)
        estimated += 1
    return estimated, t_read, time.perf_counter() - t1


def main():
    path = sys.argv[1]
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    for _ in range(runs):
        w, c = time.perf_counter(), time.process_time()
        n, t_read, t_models = run(path)
        print(
            f"python pricing: {time.perf_counter() - w:.2f} s wall, {time.process_time() - c:.2f} s CPU "
            f"(read {t_read:.2f} s, promotions + designs + OLS {t_models:.2f} s), {n} products estimated"
        )


if __name__ == "__main__":
    main()
