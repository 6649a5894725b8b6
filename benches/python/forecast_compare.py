"""Python side of the forecast benchmark (docs/benchmarks.md, section "forecast").

Modes (run each several times; medians are reported):
  sarimax       statsmodels SARIMAX(0,1,1)(0,1,1,12) on log airline, model build + fit
                (as shared/oracle/timings.py).       python: /tmp/oracle/venv
  statsforecast statsforecast AutoARIMA(season_length=12): airline raw fit, and fit + 12-step
                predict on the 100 generated retail series (CSV written by the Rust bench with
                FORECAST_RETAIL_CSV=...), after a warm-up call; prints sMAPE on the last 12 months.
                python: /tmp/forecast-venv (pip install statsforecast==2.1.1)
  statsforecast-ets  statsforecast AutoETS, AutoTheta and MSTL(season_length=12) on the 100 retail
                series: fit on all but the last 12 months, 12-step forecast with 80/95% intervals,
                one series at a time, after a warm-up pass; wall and CPU seconds per pass and
                the mean sMAPE, as JSON lines like the Rust example ets_theta_retail.
                REPS = 0: each series' AutoETS model and AICc instead.

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
    elif mode == "statsforecast-ets":
        from statsforecast.models import MSTL, AutoETS, AutoTheta
        retail = sys.argv[3]
        reps = int(sys.argv[4]) if len(sys.argv) > 4 else 1
        df = pd.read_csv(retail)
        series = [g["y"].to_numpy(float) for _, g in df.groupby("unique_id", sort=True)]
        makers = {
            "AutoETS": lambda: AutoETS(season_length=12),
            "AutoTheta": lambda: AutoTheta(season_length=12),
            "MSTL": lambda: MSTL(season_length=12),
        }
        if reps == 0:  # one line per series: id, AutoETS's model and AICc
            ids = sorted(df["unique_id"].unique())
            for i, s in zip(ids, series):
                m = AutoETS(season_length=12).fit(s[:-12]).model_
                print(f"{i} {m['method']} {m['aicc']:.6f}")
            return
        for make in makers.values():  # warm-up (imports, first calls)
            make().fit(series[0][:-12]).predict(h=12, level=[80, 95])
        for _ in range(reps):
            for name, make in makers.items():
                wall, cpu = time.perf_counter(), time.process_time()
                scores = []
                for s in series:
                    fc = make().fit(s[:-12]).predict(h=12, level=[80, 95])
                    scores.append(smape(s[-12:], fc["mean"]))
                print(json.dumps({"model": name, "wall_s": round(time.perf_counter() - wall, 4),
                                  "cpu_s": round(time.process_time() - cpu, 2),
                                  "series": len(series), "smape": round(float(np.mean(scores)), 4)}))
        return
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
