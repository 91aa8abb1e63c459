"""Honest benchmark of the analytics engine: whole processes, from Parquet file to answer.

Usage (the full sizes need an idle 2-core machine; smoke-test small)::

    .venv/bin/python benchmarks/bench_analytics.py --events 200000 --runs 5
    .venv/bin/python benchmarks/bench_analytics.py --events 10000000 100000000 --runs 5 --write

What is measured
----------------
Each measurement is one fresh Python process that imports its library, reads the
Parquet file and prints the answer: ``cjmlib`` (``funnel``/``top_paths`` on the file),
hand-written DuckDB SQL on the file, and Polars' lazy API on the file. Nothing the user
pays is left out: interpreter start, imports, reading and computing are all inside the
wall time. Runs are interleaved (every round runs every contender once, in a shuffled
order), the table shows the median of ``--runs`` rounds and the peak resident memory of
the process (``os.wait4``'s ``ru_maxrss`` of that very child). The answers of all
contenders are compared before any figure is reported.

cjmlib answers with a pandas table (German labels, explanation in ``attrs``), so each
baseline runs twice: once ending in the same form (DuckDB ``.df()``, Polars
``.to_pandas()``; the targets are judged against these) and once printing its engine's
own rows, so that the cost of the pandas table stays visible (benchmarks/README.md,
"Same output form"). Before measuring, the message catalogue is compiled as ``make
install``/``make lab`` do (``python -m cjmlib.messages``).

The data is the shipped sample log of the running case (``einzelhandel``, 60,234 events of
7,500 customers) multiplied with new customer ids and shifted times until it has the
asked number of events, written once to ``--data-dir`` as Parquet (no downloads).

Tasks: a closed 5-step funnel and the top 20 paths of length 3 (repeats collapsed), both
on the ``touchpoint`` column; and the time of ``import cjmlib.analytics``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "benchmarks" / "README.md"
START = "<!-- bench_analytics:start -->"
END = "<!-- bench_analytics:end -->"
STEPS = [
    "Suchmaschine",
    "Produktseite mit Größentabelle",
    "Warenkorb und Checkout",
    "Bestellung abgeschlossen",
    "Versandbestätigung und Sendungsverfolgung",
]

# -- the contenders: each is a complete program -----------------------------------------------
CJMLIB_FUNNEL = """
import json, sys
from cjmlib.analytics import funnel
steps = json.loads(sys.argv[2])
print(json.dumps(funnel(sys.argv[1], steps, by="touchpoint")["customers"].tolist()))
"""
CJMLIB_PATHS = """
import json, sys
from cjmlib.analytics import top_paths
out = top_paths(sys.argv[1], length=3, n=20, by="touchpoint")
print(json.dumps([[list(s), int(c)] for s, c in zip(out["steps"], out["customers"])]))
"""
DUCKDB_FUNNEL = """
import json, sys
import duckdb
duckdb.execute("SET enable_progress_bar = false")
steps = json.loads(sys.argv[2])
params = [sys.argv[1], *steps, *steps]
row = duckdb.execute('''
WITH e AS (SELECT customer_id, timestamp, touchpoint FROM read_parquet(?)
           WHERE touchpoint IN (?, ?, ?, ?, ?)),
s1 AS (SELECT customer_id, min(timestamp) AS t FROM e WHERE touchpoint = ? GROUP BY ALL),
s2 AS (SELECT e.customer_id, min(e.timestamp) AS t FROM e JOIN s1 USING (customer_id)
       WHERE e.touchpoint = ? AND e.timestamp >= s1.t GROUP BY ALL),
s3 AS (SELECT e.customer_id, min(e.timestamp) AS t FROM e JOIN s2 USING (customer_id)
       WHERE e.touchpoint = ? AND e.timestamp >= s2.t GROUP BY ALL),
s4 AS (SELECT e.customer_id, min(e.timestamp) AS t FROM e JOIN s3 USING (customer_id)
       WHERE e.touchpoint = ? AND e.timestamp >= s3.t GROUP BY ALL),
s5 AS (SELECT e.customer_id, min(e.timestamp) AS t FROM e JOIN s4 USING (customer_id)
       WHERE e.touchpoint = ? AND e.timestamp >= s4.t GROUP BY ALL)
SELECT (FROM s1 SELECT count(*)), (FROM s2 SELECT count(*)), (FROM s3 SELECT count(*)),
       (FROM s4 SELECT count(*)), (FROM s5 SELECT count(*))
''', params).fetchone()
print(json.dumps(list(row)))
"""
DUCKDB_PATHS = """
import json, sys
import duckdb
duckdb.execute("SET enable_progress_bar = false")
rows = duckdb.execute('''
WITH e AS (SELECT customer_id AS c, timestamp AS t, touchpoint AS s FROM read_parquet(?)
           WHERE touchpoint IS NOT NULL),
d AS (FROM (SELECT *, lag(s) OVER (PARTITION BY c ORDER BY t, s) AS p FROM e)
      WHERE p IS NULL OR p <> s),
g AS (SELECT c, s AS s1, lead(s) OVER w AS s2, lead(s, 2) OVER w AS s3 FROM d
      WINDOW w AS (PARTITION BY c ORDER BY t, s))
SELECT s1, s2, s3, count(DISTINCT c) AS n FROM g WHERE s3 IS NOT NULL
GROUP BY s1, s2, s3 ORDER BY n DESC, concat_ws(' → ', s1, s2, s3) LIMIT 20
''', [sys.argv[1]]).fetchall()
print(json.dumps([[[a, b, c], int(n)] for a, b, c, n in rows]))
"""
POLARS_FUNNEL = """
import json, sys
import polars as pl
steps = json.loads(sys.argv[2])
e = (pl.scan_parquet(sys.argv[1]).select("customer_id", "timestamp", "touchpoint")
     .filter(pl.col("touchpoint").is_in(steps)))
prev = (e.filter(pl.col("touchpoint") == steps[0]).group_by("customer_id")
        .agg(pl.col("timestamp").min().alias("t")))
levels = [prev]
for step in steps[1:]:
    prev = (e.filter(pl.col("touchpoint") == step).join(prev, on="customer_id")
            .filter(pl.col("timestamp") >= pl.col("t")).group_by("customer_id")
            .agg(pl.col("timestamp").min().alias("t")))
    levels.append(prev)
counts = pl.collect_all([lv.select(pl.len()) for lv in levels])
print(json.dumps([int(c.item()) for c in counts]))
"""
POLARS_PATHS = """
import json, sys
import polars as pl
s = pl.col("touchpoint")
d = (pl.scan_parquet(sys.argv[1]).select("customer_id", "timestamp", "touchpoint")
     .filter(s.is_not_null()).sort("customer_id", "timestamp", "touchpoint")
     .filter((s != s.shift(1).over("customer_id")) | s.shift(1).over("customer_id").is_null())
     .with_columns(s2=s.shift(-1).over("customer_id"), s3=s.shift(-2).over("customer_id"))
     .filter(pl.col("s3").is_not_null())
     .group_by("touchpoint", "s2", "s3").agg(n=pl.col("customer_id").n_unique())
     .with_columns(path=pl.concat_str(["touchpoint", "s2", "s3"], separator=" → "))
     .sort(["n", "path"], descending=[True, False]).head(20).collect())
rows = d.select("touchpoint", "s2", "s3", "n").rows()
print(json.dumps([[[a, b, c], int(n)] for a, b, c, n in rows]))
"""
# The same programs, but the answer becomes a pandas table before it is printed: the form
# in which cjmlib hands every result to the notebook (benchmarks/README.md, "Same output
# form"). DuckDB's relation ends in ``.df()``, Polars' frame in ``.to_pandas()``.
DUCKDB_FUNNEL_PANDAS = DUCKDB_FUNNEL.replace("row = duckdb.execute(", "frame = duckdb.execute(")
DUCKDB_FUNNEL_PANDAS = DUCKDB_FUNNEL_PANDAS.replace(
    "params).fetchone()", "params).df()\nrow = frame.iloc[0].tolist()"
)
DUCKDB_PATHS_PANDAS = DUCKDB_PATHS.replace("rows = duckdb.execute(", "frame = duckdb.execute(")
DUCKDB_PATHS_PANDAS = DUCKDB_PATHS_PANDAS.replace(
    "[sys.argv[1]]).fetchall()", "[sys.argv[1]]).df()\nrows = frame.itertuples(index=False)"
)
POLARS_FUNNEL_PANDAS = POLARS_FUNNEL.replace(
    "print(json.dumps([int(c.item()) for c in counts]))",
    "frame = pl.DataFrame({'step': steps, 'customers': [c.item() for c in counts]}).to_pandas()"
    "\nprint(json.dumps(frame['customers'].tolist()))",
)
POLARS_PATHS_PANDAS = POLARS_PATHS.replace(
    'rows = d.select("touchpoint", "s2", "s3", "n").rows()',
    'frame = d.to_pandas()\nrows = frame[["touchpoint", "s2", "s3", "n"]].itertuples(index=False)',
)
CONTENDERS = {
    "funnel": {
        "cjmlib": CJMLIB_FUNNEL,
        "duckdb_pandas": DUCKDB_FUNNEL_PANDAS,
        "polars_pandas": POLARS_FUNNEL_PANDAS,
        "duckdb": DUCKDB_FUNNEL,
        "polars": POLARS_FUNNEL,
    },
    "paths": {
        "cjmlib": CJMLIB_PATHS,
        "duckdb_pandas": DUCKDB_PATHS_PANDAS,
        "polars_pandas": POLARS_PATHS_PANDAS,
        "duckdb": DUCKDB_PATHS,
        "polars": POLARS_PATHS,
    },
}
#: How the table names the contenders: the "→ pandas" baselines end in a pandas table as
#: cjmlib does; the other two print their engine's own result rows.
LABELS = {
    "cjmlib": "cjmlib",
    "duckdb_pandas": "DuckDB SQL → pandas",
    "polars_pandas": "Polars lazy → pandas",
    "duckdb": "DuckDB SQL (rows)",
    "polars": "Polars lazy (own frame)",
}
TASK_NAMES = {"funnel": "closed 5-step funnel", "paths": "top-20 paths of length 3"}


# -- data -------------------------------------------------------------------------------------
def make_data(n_events: int, folder: Path) -> Path:
    """The sample log multiplied to ``n_events`` rows, written once as Parquet."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    path = folder / f"events_{n_events}.parquet"
    if path.exists():
        return path
    folder.mkdir(parents=True, exist_ok=True)
    src = ROOT / "cjmlib" / "datasets" / "data" / "einzelhandel_events.parquet"
    base = pq.read_table(src).select(
        ["customer_id", "timestamp", "touchpoint_id", "touchpoint", "phase", "channel", "device"]
    )
    base = base.cast(
        pa.schema(
            [
                ("customer_id", pa.string()),
                ("timestamp", pa.timestamp("us")),
                *[(c, pa.string()) for c in base.column_names[2:]],
            ]
        )
    )
    tmp = path.with_suffix(".tmp")
    written, copy = 0, 0
    with pq.ParquetWriter(tmp, base.schema, compression="zstd") as writer:
        while written < n_events:
            take = min(len(base), n_events - written)
            part = base.slice(0, take)
            ids = pc.binary_join_element_wise(part["customer_id"], pa.scalar(f"-{copy}"), "")
            shift = pa.scalar(copy % 97 * 3_600_000_000, pa.duration("us"))
            times = pc.add(part["timestamp"], shift)
            part = part.set_column(0, "customer_id", ids).set_column(1, "timestamp", times)
            writer.write_table(part, row_group_size=1_000_000)
            written += take
            copy += 1
    tmp.rename(path)
    return path


# -- measuring --------------------------------------------------------------------------------
def run_with_rusage(code: str, args: list[str]) -> tuple[float, float, str, float]:
    """Run ``code`` in a fresh process; return (wall seconds, peak RSS in MiB of that very
    process from ``os.wait4``, last line of its output, CPU seconds user + system)."""
    env = dict(os.environ, PYTHONHASHSEED="0")
    out_file = ROOT / "benchmarks" / f".out_{os.getpid()}.txt"
    err_file = out_file.with_suffix(".err")
    start = time.perf_counter()
    with open(out_file, "wb") as out, open(err_file, "wb") as err:
        proc = subprocess.Popen(
            [sys.executable, "-c", code, *args], stdout=out, stderr=err, env=env, cwd=ROOT
        )
        _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    text = out_file.read_text(encoding="utf-8", errors="replace").strip()
    problems = err_file.read_text(encoding="utf-8", errors="replace")
    out_file.unlink()
    err_file.unlink()
    if proc.returncode != 0:
        raise RuntimeError(f"exit code {proc.returncode}:\n{problems[-2000:]}")
    cpu = usage.ru_utime + usage.ru_stime
    return seconds, usage.ru_maxrss / 1024, text.splitlines()[-1] if text else "", cpu


def import_time(runs: int) -> dict[str, float]:
    """Median wall time of ``import cjmlib.analytics`` in a fresh process, and of
    ``python -c pass``, plus ``-X importtime``'s cumulative figure."""
    walls, bare, cumulative = [], [], []
    for _ in range(runs):
        walls.append(run_with_rusage("import cjmlib.analytics", [])[0])
        bare.append(run_with_rusage("pass", [])[0])
        proc = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", "import cjmlib.analytics"],
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        lines = [ln for ln in proc.stderr.splitlines() if ln.rstrip().endswith("cjmlib.analytics")]
        cumulative.append(int(lines[-1].split("|")[1]) / 1e6)
    return {
        "process": statistics.median(walls),
        "bare_python": statistics.median(bare),
        "importtime": statistics.median(cumulative),
    }


def normalise(task: str, text: str) -> object:
    value = json.loads(text)
    if task == "paths":
        return sorted((tuple(p), n) for p, n in value)
    return value


#: Polars' lazy engine holds the sorted log in memory (no spilling by default): 0.6 GB at
#: 3 M events for the paths, so about 20 GB at 100 M on a machine with 24 GB for everybody.
POLARS = ("polars", "polars_pandas")


def bench(
    n_events: int, runs: int, folder: Path, contenders: list[str], polars_max: int
) -> list[dict[str, object]]:
    """Measure every task at ``n_events``. A contender that fails (killed for memory, an
    exception) is reported as failed and left out of the remaining rounds instead of
    ending the whole run; Polars is skipped above ``polars_max`` events."""
    path = make_data(n_events, folder)
    rows: list[dict[str, object]] = []
    for task, programs in CONTENDERS.items():
        args = [str(path), json.dumps(STEPS)]
        active = [n for n in contenders if not (n in POLARS and n_events > polars_max)]
        times: dict[str, list[float]] = {name: [] for name in active}
        cpus: dict[str, list[float]] = {name: [] for name in active}
        peaks: dict[str, list[float]] = {name: [] for name in active}
        answers: dict[str, object] = {}
        failed: dict[str, str] = {}
        for _ in range(runs):
            order = [n for n in active if n not in failed]
            random.shuffle(order)
            for name in order:
                try:
                    seconds, peak, out, cpu = run_with_rusage(programs[name], args)
                except RuntimeError as exc:
                    failed[name] = str(exc).splitlines()[0].rstrip(":")
                    print(f"{n_events:,} {task}: {name} failed: {exc}", file=sys.stderr)
                    continue
                times[name].append(seconds)
                cpus[name].append(cpu)
                peaks[name].append(peak)
                try:
                    answers[name] = normalise(task, out)
                except ValueError:
                    raise SystemExit(f"{task}: {name} printed no answer but {out!r}") from None
        if answers:
            reference = answers.get("duckdb", next(iter(answers.values())))
            for name, answer in answers.items():
                if answer != reference:
                    raise SystemExit(f"{task}: {name} answers {answer}, duckdb {reference}")
        for name in contenders:
            row: dict[str, object] = {"events": n_events, "task": task, "contender": name}
            if name not in active:
                row["status"] = f"skipped (Polars above {polars_max:,} events)"
            elif name in failed:
                row["status"] = f"failed ({failed[name]})"
            else:
                row.update(
                    status="ok",
                    median_s=statistics.median(times[name]),
                    cpu_s=statistics.median(cpus[name]),
                    peak_mib=max(peaks[name]),
                    runs=runs,
                )
            rows.append(row)
        print(
            f"{n_events:>12,} {TASK_NAMES[task]:26s} "
            + "  ".join(
                f"{r['contender']}={r['median_s']:.2f}s/cpu {r['cpu_s']:.2f}s"
                f"/{r['peak_mib']:.0f}MiB"
                if r["status"] == "ok"
                else f"{r['contender']}={r['status']}"
                for r in rows
                if r["task"] == task and r["events"] == n_events
            ),
            flush=True,
        )
    return rows


def table(rows: list[dict[str, object]], imports: dict[str, float], note: str) -> str:
    """Two markdown tables: wall times with the ratios, then CPU seconds and peak memory."""
    keys = sorted({(int(str(r["events"])), str(r["task"])) for r in rows})
    names = [n for n in LABELS if any(r["contender"] == n for r in rows)]
    base = [n for n in names if n != "cjmlib"]

    def cell(by: dict[str, dict[str, object]], name: str, field: str, fmt: str) -> str:
        r = by.get(name)
        if r is None:
            return "–"
        if r["status"] != "ok":
            return str(r["status"])
        return format(float(str(r[field])), fmt) + (" s" if field == "median_s" else "")

    def ratio(by: dict[str, dict[str, object]], name: str, field: str) -> str:
        a, b = by.get("cjmlib"), by.get(name)
        if a is None or b is None or a["status"] != "ok" or b["status"] != "ok":
            return "–"
        return f"{float(str(a[field])) / float(str(b[field])):.2f}×"

    lines = [
        note,
        "",
        "Wall time of the whole process (median) and cjmlib's time as a multiple of each "
        "baseline's (targets: ≤ 1.2× DuckDB SQL, ≤ 1.0× Polars, same output form):",
        "",
        "| events | task | "
        + " | ".join(LABELS[n] for n in names)
        + " | "
        + " | ".join(f"cjmlib / {LABELS[n]}" for n in base)
        + " |",
        "|---:|---|" + "---:|" * (len(names) + len(base)),
    ]
    by_key = {
        k: {str(r["contender"]): r for r in rows if (r["events"], r["task"]) == k} for k in keys
    }
    for events, task in keys:
        by = by_key[(events, task)]
        lines.append(
            f"| {events:,} | {TASK_NAMES[task]} | "
            + " | ".join(cell(by, n, "median_s", ".2f") for n in names)
            + " | "
            + " | ".join(ratio(by, n, "median_s") for n in base)
            + " |"
        )
    lines += [
        "",
        "CPU seconds (user + system, median) and peak resident memory in MiB (the largest of "
        "the runs), each per process; the last column is cjmlib's peak as a multiple of "
        "DuckDB's with the same output form (target ≤ 1.5×):",
        "",
        "| events | task | "
        + " | ".join(f"CPU s {LABELS[n]}" for n in names)
        + " | "
        + " | ".join(f"MiB {LABELS[n]}" for n in names)
        + " | peak cjmlib / DuckDB → pandas |",
        "|---:|---|" + "---:|" * (2 * len(names) + 1),
    ]
    for events, task in keys:
        by = by_key[(events, task)]
        lines.append(
            f"| {events:,} | {TASK_NAMES[task]} | "
            + " | ".join(cell(by, n, "cpu_s", ".2f") for n in names)
            + " | "
            + " | ".join(cell(by, n, "peak_mib", ".0f") for n in names)
            + f" | {ratio(by, 'duckdb_pandas', 'peak_mib')} |"
        )
    lines += [
        "",
        f"`import cjmlib.analytics` in a fresh process: {imports['process']:.2f} s wall "
        f"(bare `python -c pass`: {imports['bare_python']:.2f} s; `-X importtime` "
        f"cumulative: {imports['importtime']:.2f} s).",
    ]
    return "\n".join(lines)


def replace_readme_block(text: str, start: str, end: str, heading: str) -> None:
    """Put ``text`` between the ``start``/``end`` markers of README.md (or append a section)."""
    old = README.read_text(encoding="utf-8") if README.exists() else "# Benchmarks\n"
    block = f"{start}\n{text}\n{end}"
    if start in old and end in old:
        head, rest = old.split(start, 1)
        new = head + block + rest.split(end, 1)[1]
    else:
        new = old.rstrip() + f"\n\n## {heading}\n\n" + block + "\n"
    README.write_text(new, encoding="utf-8")


def write_readme(text: str, block: str = "") -> None:
    """The table into README.md: the main block, or a named one (e.g. ``100m``) of its own,
    so that a run at one size does not overwrite the table of another."""
    if not block:
        replace_readme_block(text, START, END, "Analytics engine (`bench_analytics.py`)")
        return
    start, end = (m.replace("bench_analytics:", f"bench_analytics:{block}:") for m in (START, END))
    replace_readme_block(text, start, end, f"Analytics engine, {block} (`bench_analytics.py`)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Whole-process analytics benchmark.")
    parser.add_argument("--events", type=int, nargs="+", default=[200_000])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--data-dir", type=Path, default=Path("/tmp/cjmlib-bench"))
    parser.add_argument("--contenders", nargs="+", choices=list(LABELS), default=list(LABELS))
    parser.add_argument(
        "--polars-max-events",
        type=int,
        default=30_000_000,
        help="skip Polars above this size (its lazy engine sorts the log in memory)",
    )
    parser.add_argument("--write", action="store_true", help="write the table to README.md")
    parser.add_argument(
        "--block", default="", help="with --write: a named table of its own in README.md"
    )
    args = parser.parse_args(argv)
    # As `make install` (and so `make lab`) does for every user: the compiled catalogue.
    subprocess.run([sys.executable, "-m", "cjmlib.messages"], check=True, capture_output=True)
    rows = []
    for n in args.events:
        rows += bench(n, args.runs, args.data_dir, args.contenders, args.polars_max_events)
    imports = import_time(args.runs)
    note = (
        f"Measured {time.strftime('%Y-%m-%d')} on {os.cpu_count()} cores, medians of "
        f"{args.runs} interleaved runs, command: `python benchmarks/bench_analytics.py "
        f"--events {' '.join(map(str, args.events))} --runs {args.runs}"
        + (f" --contenders {' '.join(args.contenders)}" if args.contenders != list(LABELS) else "")
        + "`."
    )
    text = table(rows, imports, note)
    print(text)
    if args.write:
        write_readme(text, args.block)
    return 1 if any(r["contender"] == "cjmlib" and r["status"] != "ok" for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
