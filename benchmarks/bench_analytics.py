"""Benchmark: closed 5-step funnel and top-20 paths of length 3 on a 10-million-event log.

Compares, in one run, three implementations that must give identical results:

* ``cjmlib``  – ``cjmlib.analytics.funnel`` / ``top_paths`` (numpy on categorical codes),
* ``pandas``  – a straightforward pandas baseline (sort, groupby, shift, merge),
* ``duckdb``  – a DuckDB SQL baseline on an in-memory table (all cores DuckDB wants).

Every (implementation, task) runs in its own subprocess, so peak memory
(``resource.getrusage(RUSAGE_SELF).ru_maxrss``) is that implementation's alone. Load time
(Parquet -> DataFrame or DuckDB table) is reported separately from the task time; the task
time is the best of ``--repeat`` runs. The event log is generated deterministically with
vectorised numpy and cached as Parquet under ``benchmarks/results/`` (git-ignored).

Usage::

    .venv/bin/python benchmarks/bench_analytics.py            # 10 M events
    .venv/bin/python benchmarks/bench_analytics.py --events 1000000 --repeat 1

Not a test: it prints figures and checks that the three agree; it asserts no timing.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
ROOT = HERE.parent

TOUCHPOINTS = [
    # (name, phase, online, device)
    ("Social-Media-Anzeige", "bewusstsein", True, "Smartphone"),
    ("Plakat", "bewusstsein", False, "Vor Ort"),
    ("Empfehlung", "bewusstsein", False, "Vor Ort"),
    ("Newsletter", "bewusstsein", True, "Desktop"),
    ("Suchmaschine", "ueberlegung", True, "Desktop"),
    ("Vergleichsportal", "ueberlegung", True, "Desktop"),
    ("Produktseite", "ueberlegung", True, "Smartphone"),
    ("Bewertungen", "ueberlegung", True, "Smartphone"),
    ("Filialbesuch", "entscheidung", False, "Vor Ort"),
    ("Beratung Hotline", "entscheidung", False, "Telefon"),
    ("Chat", "entscheidung", True, "Desktop"),
    ("Warenkorb", "entscheidung", True, "Desktop"),
    ("Kasse", "kauf", True, "Desktop"),
    ("Kasse Filiale", "kauf", False, "Vor Ort"),
    ("Bestellbestätigung", "kauf", True, "Smartphone"),
    ("Lieferung", "nachkauf", False, "Vor Ort"),
    ("Retoure", "nachkauf", True, "Desktop"),
    ("Kundenkonto", "nachkauf", True, "Smartphone"),
    ("Service-Hotline", "nachkauf", False, "Telefon"),
    ("Bewertung abgeben", "nachkauf", True, "Smartphone"),
]
FUNNEL_STEPS = ["Social-Media-Anzeige", "Produktseite", "Warenkorb", "Kasse", "Bestellbestätigung"]
WINDOW_DAYS = 30
PATH_LENGTH, PATH_N = 3, 20


# --------------------------------------------------------------------------- data
def generate(n_events: int, seed: int = 0) -> pd.DataFrame:
    """Return a deterministic, shuffled event log of about ``n_events`` rows."""
    rng = np.random.default_rng(seed)
    n_customers = max(n_events // 10, 1)
    sizes = rng.poisson(9, n_customers) + 1
    scale = n_events / sizes.sum()
    sizes = np.maximum(np.round(sizes * scale).astype(np.int64), 1)
    sizes[-1] += n_events - sizes.sum()
    sizes[-1] = max(sizes[-1], 1)
    n = int(sizes.sum())
    cust = np.repeat(np.arange(n_customers, dtype=np.int32), sizes)
    first = np.repeat(np.cumsum(sizes) - sizes, sizes)
    rank = (np.arange(n) - first) / np.repeat(sizes, sizes)  # 0..1 within the journey
    k = len(TOUCHPOINTS)
    # Journeys drift from early to late touchpoints, with noise and jumps.
    base = rank * k + rng.normal(0, 3.0, n)
    jump = rng.random(n) < 0.15
    tp = np.where(jump, rng.integers(0, k, n), np.clip(base, 0, k - 1)).astype(np.int8)
    start = rng.integers(0, 365 * 86400, n_customers)
    gaps = rng.integers(1, 5 * 86400, n)  # >= 1 s, so times are unique within a customer
    gaps[first == np.arange(n)] = 0
    csum = np.cumsum(gaps)
    offset = csum - np.repeat(csum[np.cumsum(sizes) - sizes], sizes)
    seconds = np.repeat(start, sizes) + offset
    ts = np.datetime64("2024-01-01T00:00:00", "s") + seconds.astype("timedelta64[s]")
    names = np.array([f"K{i:07d}" for i in range(n_customers)], dtype=object)
    tp_names = [t[0] for t in TOUCHPOINTS]
    phases = [t[1] for t in TOUCHPOINTS]
    value = np.where(np.isin(tp, [12, 13]), np.round(rng.gamma(2.0, 40.0, n), 2), np.nan)
    frame = pd.DataFrame(
        {
            "customer_id": pd.Categorical.from_codes(cust, categories=names),
            "timestamp": ts.astype("datetime64[ns]"),
            "touchpoint": pd.Categorical.from_codes(tp, categories=tp_names),
            "phase": pd.Categorical.from_codes(tp, categories=phases, validate=False)
            if len(set(phases)) == len(phases)
            else pd.Categorical(np.array(phases)[tp]),
            "online": np.array([t[2] for t in TOUCHPOINTS])[tp],
            "device": pd.Categorical(np.array([t[3] for t in TOUCHPOINTS])[tp]),
            "value": value,
        }
    )
    order = rng.permutation(n)  # not pre-sorted: every implementation must sort
    return frame.iloc[order].reset_index(drop=True)


def data_path(n_events: int, seed: int) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"events_{n_events}_seed{seed}.parquet"
    if not path.exists():
        t0 = time.perf_counter()
        frame = generate(n_events, seed)
        frame.to_parquet(path, index=False)
        print(f"generated {len(frame):,} events in {time.perf_counter() - t0:.1f} s -> {path}")
    return path


# --------------------------------------------------------------------------- cjmlib
def cjmlib_funnel(df):
    from cjmlib.analytics import funnel

    out = funnel(df, FUNNEL_STEPS, by="touchpoint", closed=True, window=f"{WINDOW_DAYS}D")
    return [int(x) for x in out["customers"]]


def cjmlib_paths(df):
    from cjmlib.analytics import top_paths

    out = top_paths(df, length=PATH_LENGTH, n=PATH_N, by="touchpoint")
    return [[p, int(c)] for p, c in zip(out["path"], out["customers"], strict=True)]


# --------------------------------------------------------------------------- pandas
def pandas_funnel(df):
    """Straightforward pandas: filter, first entry per customer, merge step by step."""
    window = pd.Timedelta(days=WINDOW_DAYS)
    ev = df.loc[df["touchpoint"].isin(FUNNEL_STEPS), ["customer_id", "timestamp", "touchpoint"]]
    ev = ev.assign(customer_id=ev["customer_id"].cat.codes)
    cur = (
        ev[ev["touchpoint"] == FUNNEL_STEPS[0]]
        .groupby("customer_id")["timestamp"]
        .min()
        .rename("t")
        .reset_index()
    )
    cur["entry"] = cur["t"]
    counts = [len(cur)]
    for step in FUNNEL_STEPS[1:]:
        nxt = ev[ev["touchpoint"] == step].merge(cur, on="customer_id")
        nxt = nxt[(nxt["timestamp"] > nxt["t"]) & (nxt["timestamp"] - nxt["entry"] <= window)]
        cur = (
            nxt.groupby("customer_id")
            .agg(t=("timestamp", "min"), entry=("entry", "first"))
            .reset_index()
        )
        counts.append(len(cur))
    return counts


def pandas_paths(df):
    """Straightforward pandas: sort, drop repeats with shift, build 3-grams with shift."""
    ev = df[["customer_id", "timestamp", "touchpoint"]].copy()
    ev["customer_id"] = ev["customer_id"].cat.codes
    ev["touchpoint"] = ev["touchpoint"].astype(str)
    ev = ev.sort_values(["customer_id", "timestamp"], kind="stable")
    g = ev.groupby("customer_id")["touchpoint"]
    ev = ev[ev["touchpoint"] != g.shift(1)]
    g = ev.groupby("customer_id")["touchpoint"]
    ev = ev.assign(b=g.shift(-1), c=g.shift(-2)).dropna(subset=["c"])
    ev["path"] = ev["touchpoint"] + " → " + ev["b"] + " → " + ev["c"]
    counts = ev.drop_duplicates(["customer_id", "path"]).groupby("path").size()
    top = (
        counts.rename("customers")
        .reset_index()
        .sort_values(["customers", "path"], ascending=[False, True])
        .head(PATH_N)
    )
    return [[p, int(c)] for p, c in zip(top["path"], top["customers"], strict=True)]


# --------------------------------------------------------------------------- duckdb
def _duck_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def duckdb_funnel(con):
    steps = FUNNEL_STEPS
    parts = [
        "e AS (SELECT customer_id AS c, timestamp AS ts, touchpoint AS tp FROM events "
        f"WHERE touchpoint IN ({', '.join(map(_duck_literal, steps))}))",
        "s1 AS (SELECT c, min(ts) AS t, min(ts) AS entry FROM e "
        f"WHERE tp = {_duck_literal(steps[0])} GROUP BY c)",
    ]
    for i, step in enumerate(steps[1:], start=2):
        parts.append(
            f"s{i} AS (SELECT e.c, min(e.ts) AS t, any_value(p.entry) AS entry FROM e "
            f"JOIN s{i - 1} p ON e.c = p.c WHERE e.tp = {_duck_literal(step)} AND e.ts > p.t "
            f"AND e.ts <= p.entry + INTERVAL {WINDOW_DAYS} DAY GROUP BY e.c)"
        )
    select = ", ".join(f"(SELECT count(*) FROM s{i})" for i in range(1, len(steps) + 1))
    row = con.execute("WITH " + ",\n".join(parts) + f"\nSELECT {select}").fetchone()
    return [int(x) for x in row]


def duckdb_paths(con):
    sql = f"""
    WITH s AS (
        SELECT customer_id AS c, timestamp AS ts, touchpoint AS tp,
               lag(touchpoint) OVER (PARTITION BY customer_id ORDER BY timestamp) AS prev
        FROM events),
    d AS (SELECT c, ts, tp FROM s WHERE prev IS NULL OR prev <> tp),
    g AS (
        SELECT c, tp AS a,
               lead(tp, 1) OVER (PARTITION BY c ORDER BY ts) AS b,
               lead(tp, 2) OVER (PARTITION BY c ORDER BY ts) AS z
        FROM d)
    SELECT a || ' → ' || b || ' → ' || z AS path, count(DISTINCT c) AS customers
    FROM g WHERE z IS NOT NULL
    GROUP BY ALL ORDER BY customers DESC, path LIMIT {PATH_N}
    """
    return [[p, int(c)] for p, c in con.execute(sql).fetchall()]


# --------------------------------------------------------------------------- worker
def _status_mb(field: str) -> float:
    """Read VmHWM (peak) or VmRSS (current) of this process from /proc, in MB.

    ``ru_maxrss`` is not used: Linux carries it over from the parent across fork/exec,
    so a worker started by a large parent would report the parent's peak.
    """
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return float("nan")


def _reset_peak() -> bool:
    """Reset VmHWM to the current RSS (Linux >= 4.0), to measure the task's own peak."""
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
        return True
    except OSError:
        return False


def worker(impl: str, task: str, path: str, repeat: int) -> dict:
    t_import = time.perf_counter()
    if impl == "cjmlib":
        import cjmlib.analytics  # noqa: F401 (import time is reported apart)
    imported = time.perf_counter() - t_import
    t0 = time.perf_counter()
    if impl == "duckdb":
        import duckdb

        con = duckdb.connect()
        con.execute(f"CREATE TABLE events AS SELECT * FROM read_parquet('{path}')")
        data = con
        threads = con.execute("SELECT current_setting('threads')").fetchone()[0]
    else:
        import pyarrow as pa

        data = pd.read_parquet(path)
        # The Parquet reader keeps freed buffers in Arrow's memory pool; hand them back so
        # that memory figures show the DataFrame, not the reader (same for both).
        pa.default_memory_pool().release_unused()
        threads = 1
    load = time.perf_counter() - t0
    load_peak = _status_mb("VmHWM")
    rss_loaded = _status_mb("VmRSS")
    reset = _reset_peak()
    fn = {
        ("cjmlib", "funnel"): cjmlib_funnel,
        ("cjmlib", "paths"): cjmlib_paths,
        ("pandas", "funnel"): pandas_funnel,
        ("pandas", "paths"): pandas_paths,
        ("duckdb", "funnel"): duckdb_funnel,
        ("duckdb", "paths"): duckdb_paths,
    }[impl, task]
    walls, cpus, result = [], [], None
    for _ in range(repeat):
        c1, t1 = time.process_time(), time.perf_counter()
        result = fn(data)
        walls.append(time.perf_counter() - t1)
        cpus.append(time.process_time() - c1)
    best = int(np.argmin(walls))
    return {
        "impl": impl,
        "task": task,
        "threads": threads,
        "import_s": imported,
        "load_s": load,
        "best_s": walls[best],
        "median_s": float(np.median(walls)),
        "cpu_s": cpus[best],
        "rss_loaded_mb": rss_loaded,
        "load_peak_mb": load_peak,
        "task_peak_mb": _status_mb("VmHWM") if reset else float("nan"),
        "peak_mb": max(load_peak, _status_mb("VmHWM")),
        "result": result,
        "loadavg": os.getloadavg()[0],
    }


def run(args) -> None:
    path = data_path(args.events, args.seed)
    n_rows = pd.read_parquet(path, columns=["value"]).shape[0]
    print(
        f"event log: {n_rows:,} events, {path.stat().st_size / 1e6:.0f} MB parquet; "
        f"{os.cpu_count()} CPU cores; repeat={args.repeat}"
    )
    rows = []
    for task in ("funnel", "paths"):
        for impl in ("cjmlib", "pandas", "duckdb"):
            proc = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--worker",
                    impl,
                    task,
                    str(path),
                    "--repeat",
                    str(args.repeat),
                ],
                capture_output=True,
                text=True,
                cwd=ROOT,
                check=False,
            )
            if proc.returncode:
                print(proc.stderr)
                raise SystemExit(f"{impl}/{task} failed")
            rows.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    table = pd.DataFrame(rows)
    ok = True
    for task in ("funnel", "paths"):
        res = {r["impl"]: r["result"] for r in rows if r["task"] == task}
        same = res["cjmlib"] == res["pandas"] == res["duckdb"]
        ok &= same
        print(f"{task}: identical results across cjmlib, pandas, duckdb: {same}")
        if task == "funnel":
            print(f"  funnel counts: {res['cjmlib']}")
        else:
            print(f"  top path: {res['cjmlib'][0]}")
        if not same:
            for impl, r in res.items():
                print(f"  {impl}: {r[:5]}")
    duck = table[table["impl"] == "duckdb"].set_index("task")["best_s"]
    table["vs_duckdb"] = table["best_s"] / table["task"].map(duck)
    show = table[
        [
            "task",
            "impl",
            "threads",
            "load_s",
            "best_s",
            "median_s",
            "cpu_s",
            "vs_duckdb",
            "rss_loaded_mb",
            "task_peak_mb",
            "peak_mb",
            "loadavg",
        ]
    ]
    print()
    print(
        show.to_markdown(index=False, floatfmt=".2f")
        if _has_tabulate()
        else show.round(2).to_string(index=False)
    )
    out = RESULTS / f"bench_analytics_{args.events}.json"
    out.write_text(
        json.dumps({"events": n_rows, "rows": rows, "identical": ok}, indent=1, default=str)
    )
    print(f"\nfigures written to {out}")
    if not ok:
        raise SystemExit(1)


def _has_tabulate() -> bool:
    try:
        import tabulate  # noqa: F401
    except ImportError:
        return False
    return True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--worker", nargs=3, metavar=("IMPL", "TASK", "PATH"))
    args = parser.parse_args()
    if args.worker:
        impl, task, path = args.worker
        sys.path.insert(0, str(ROOT))
        print(json.dumps(worker(impl, task, path, args.repeat), default=str))
    else:
        run(args)


if __name__ == "__main__":
    main()
