"""Python side of the forecast benchmark (docs/benchmarks.md, section "forecast").

Modes (run each several times; medians are reported):
  sarimax       statsmodels SARIMAX(0,1,1)(0,1,1,12) on log airline, model build + fit
                (as shared/oracle/timings.py).       python: /tmp/oracle/venv
  statsforecast statsforecast AutoARIMA(season_length=12): airline raw fit, and fit + 12-step
                predict on the 100 generated retail series (CSV written by the Rust bench with
                FORECAST_RETAIL_CSV=...), after a warm-up call; prints sMAPE on the last 12 months.
                python: /tmp/forecast-venv (pip install statsforecast==2.1.1)

Usage: python forecast_compare.py MODE AIRLINE.csv [RETAIL.csv] [REPS]
"""
import json
import statistics
import sys
import time

import numpy as np
import pandas as pd


def smape(a, f):
    a, f = np.asarray(a, float), np.asarray(f, float)
    d = np.abs(a) + np.abs(f)
    return float(np.mean(np.where(d == 0, 0.0, 2 * np.abs(a - f) / np.where(d == 0, 1, d))) * 100)


def timed(fn, reps):
    ts = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t0)
    return statistics.median(ts), ts


def main():
    mode, airline = sys.argv[1], sys.argv[2]
    y = pd.read_csv(airline)["passengers"].to_numpy(float)
    out = {"mode": mode}
    if mode == "sarimax":
        import warnings
        import statsmodels.api as sm
        warnings.simplefilter("ignore")
        reps = int(sys.argv[3]) if len(sys.argv) > 3 else 7
        ly = pd.Series(np.log(y), index=pd.period_range("1949-01", periods=len(y), freq="M"))
        fit = lambda: sm.tsa.SARIMAX(ly, order=(0, 1, 1), seasonal_order=(0, 1, 1, 12)).fit(disp=False)
        fit()
        out["airline_fit_median_s"], out["runs_s"] = timed(fit, reps)
    else:
        from statsforecast.models import AutoARIMA
        retail = sys.argv[3]
        reps = int(sys.argv[4]) if len(sys.argv) > 4 else 3
        AutoARIMA(season_length=12).fit(y)  # warm-up
        out["airline_raw_median_s"], out["airline_runs_s"] = timed(lambda: AutoARIMA(season_length=12).fit(y), 5)
        df = pd.read_csv(retail)
        series = [g["y"].to_numpy(float) for _, g in df.groupby("unique_id", sort=True)]
        scores = []

        def run_all():
            scores.clear()
            for s in series:
                m = AutoARIMA(season_length=12).fit(s[:-12])
                scores.append(smape(s[-12:], m.predict(h=12)["mean"]))

        out["retail_median_s"], out["retail_runs_s"] = timed(run_all, reps)
        out["retail_series"] = len(series)
        out["retail_smape"] = float(np.mean(scores))
    print(json.dumps(out))


if __name__ == "__main__":
    main()
