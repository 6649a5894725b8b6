"""Python side of the segment speed comparison (run with /tmp/oracle/venv/bin/python).
ward: scipy linkage(X, "ward") on the RFM z-matrix of the first 20,000 CDNOW customers.
kmeansN: sklearn KMeans(n_clusters=8, n_init=N, random_state=0) on the splitmix64 blob matrix
(1,000,000 x 8; the same numbers as crates/segment/examples/timing.rs).
small: the 2000 x 3 and 297 x 3 cases of shared/reference/python_timings.json.
Usage: segment_timing.py ward|kmeans1|kmeans10|small [reps]"""
import sys, time, json
import numpy as np, pandas as pd
from scipy.cluster.hierarchy import linkage
from sklearn.cluster import KMeans

def rfm20k():
    m = pd.read_csv("/work/shared/data/cdnow/CDNOW_master.txt", sep=r"\s+")
    m["date"] = pd.to_datetime(m["date"].astype(str), format="%Y%m%d")
    g = m.groupby("customer_id").agg(last=("date", "max"), frequency=("date", "size"), monetary=("dollar_value", "sum"))
    g["recency"] = (pd.Timestamp("1998-07-01") - g["last"]).dt.days
    X = g[["recency", "frequency", "monetary"]].to_numpy(float)[:20000]
    return (X - X.mean(0)) / X.std(0)

def splitmix(i):
    z = (i + np.uint64(0x9E3779B97F4A7C15)) * np.uint64(1)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))

def blobs(n=1_000_000, d=8, k=8):
    with np.errstate(over="ignore"):
        idx = np.arange(n * d, dtype=np.uint64)
        u1 = (splitmix(np.uint64(2) * idx) >> np.uint64(11)).astype(float) * 2.0**-53
        u2 = (splitmix(np.uint64(2) * idx + np.uint64(1)) >> np.uint64(11)).astype(float) * 2.0**-53
    z = np.sqrt(-2.0 * np.log1p(-u1)) * np.cos(2 * np.pi * u2)
    i = np.arange(n)[:, None]; j = np.arange(d)[None, :]
    c = (i % k)
    centre = 2.0 * ((c * 7 + j * 3) % 5) - 4.0
    return centre + z.reshape(n, d)

def med(f, reps):
    ts = []; cs = []
    for _ in range(reps):
        t = time.perf_counter(); c = time.process_time(); f(); ts.append(time.perf_counter() - t); cs.append(time.process_time() - c)
    return sorted(ts)[len(ts)//2], ts, "cpu", sorted(cs)[len(cs)//2]

what = sys.argv[1]; reps = int(sys.argv[2]) if len(sys.argv) > 2 else 3
if what == "ward":
    X = rfm20k(); print(X.shape, X[:2])
    print("ward_linkage_20000", med(lambda: linkage(X, "ward"), reps))
elif what.startswith("kmeans"):
    n_init = int(what[6:] or 1)
    X = blobs(); print(X.shape, X[:2])
    km = KMeans(n_clusters=8, n_init=n_init, random_state=0)
    print("kmeans_1m_x8_ninit%d" % n_init, med(lambda: km.fit(X), reps), "inertia", km.inertia_, "n_iter", km.n_iter_)
elif what == "small":
    from sklearn.metrics import silhouette_score
    X = pd.read_csv("/work/shared/data/clustering/cdnow_rfm2000_std.csv")[["z_recency", "z_frequency", "z_monetary"]].to_numpy()
    X3 = pd.read_csv("/work/shared/data/clustering/cdnow_rfm300_std.csv")[["z_recency", "z_frequency", "z_monetary"]].to_numpy()
    print("ward_linkage_2000", med(lambda: linkage(X, "ward"), reps))
    print("average_linkage_2000", med(lambda: linkage(X, "average"), reps))
    print("kmeans_k4_ninit10_2000", med(lambda: KMeans(4, n_init=10, random_state=42).fit(X), reps))
    def f():
        for k in range(3, 7):
            km = KMeans(k, n_init=10, random_state=42).fit(X3); silhouette_score(X3, km.labels_)
    print("kmeans_k3to6_plus_silhouette_300", med(f, reps))
