"""Benchmark: verify a map with 50 evidence rules, whole process from the Parquet file.

Usage (the full size needs an idle 2-core machine; smoke-test small)::

    .venv/bin/python benchmarks/bench_verification.py --events 200000 --runs 3
    .venv/bin/python benchmarks/bench_verification.py --events 10000000 --runs 5 --write

Target (issue 16): < 10 s on 2 cores for 10 million events, whole process.

What is measured
----------------
Each measurement is one fresh Python process that imports its library, reads the event
log from Parquet (the engine benchmark's data: the running case's sample log multiplied,
:func:`bench_analytics.make_data`), computes the figures of all 50 rules and prints them:

``cjmlib``
    ``verify_map(project, events=<path>, survey=..., feedback=...)``: the rules of one
    source in one SQL pass on DuckDB (see :mod:`cjmlib.analytics.evidence`), the statuses
    decided in Python.
``duckdb``
    A skilled analyst's hand-written DuckDB SQL on the file: one query per rule (first
    step, first later step per customer, then the count or median; per customer the
    device modes for the switch share), survey and feedback figures with pandas.

Both read the same Parquet file and the same shipped survey and feedback tables; their
figures are compared before any time is reported. Runs are interleaved (each round runs
both in a shuffled order); the table shows medians and the peak resident memory of the
child process (``os.wait4``'s ``ru_maxrss``).

The map: the running case's workbook with 50 rules — 22 drop-offs and 14 times between
two touchpoints (pairs of the shop, branch and service journeys), 4 device-switch
shares, 6 survey rules (NPS, CSAT, CES at touchpoints) and 4 feedback-theme shares.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from bench_analytics import make_data, replace_readme_block, run_with_rusage  # noqa: E402

START = "<!-- bench_verification:start -->"
END = "<!-- bench_verification:end -->"

#: Touchpoint pairs (from, to) of the running case: the journeys the map designs.
PAIRS = [
    ("tp-suchmaschine", "tp-shop-produktseite"),
    ("tp-shop-suche", "tp-shop-produktseite"),
    ("tp-shop-produktseite", "tp-shop-warenkorb"),
    ("tp-shop-warenkorb", "tp-shop-bestellung"),
    ("tp-shop-bestellung", "tp-versandmail"),
    ("tp-versandmail", "tp-lieferung"),
    ("tp-lieferung", "tp-retoure-online"),
    ("tp-insta-anzeige", "tp-shop-suche"),
    ("tp-tourenvideo", "tp-shop-suche"),
    ("tp-schaufenster", "tp-filiale-stoebern"),
    ("tp-filiale-stoebern", "tp-filiale-beratung"),
    ("tp-filiale-beratung", "tp-filiale-kasse"),
    ("tp-verfuegbarkeit", "tp-cc-reservierung"),
    ("tp-cc-reservierung", "tp-cc-abholung"),
    ("tp-hotline-warten", "tp-hotline"),
    ("tp-bewertungen", "tp-shop-warenkorb"),
    ("tp-preisvergleich", "tp-shop-warenkorb"),
    ("tp-app-merkliste", "tp-shop-warenkorb"),
    ("tp-chat-beratung", "tp-shop-bestellung"),
    ("tp-filiale-kasse", "tp-app-pflegetipps"),
    ("tp-bewertungsanfrage", "tp-bewertungen"),
    ("tp-newsletter", "tp-shop-produktseite"),
]
SURVEY = [
    ("nps", "tp-filiale-beratung"),
    ("nps", "tp-shop-bestellung"),
    ("csat", "tp-hotline-warten"),
    ("csat", "tp-shop-warenkorb"),
    ("ces", "tp-verfuegbarkeit"),
    ("ces", "tp-cc-abholung"),
]
THEMES = ["Warteschleife", "Wartezeit", "Website", "Preis"]


def rules() -> list[dict[str, object]]:
    """The 50 rules as plain fields (the same in both contenders)."""
    out: list[dict[str, object]] = []
    for i, (a, b) in enumerate(PAIRS):
        out.append({"id": f"r{i:02d}d", "metric": "drop_off", "step_from": a, "step_to": b})
    for i, (a, b) in enumerate(PAIRS[:14]):
        out.append({"id": f"r{i:02d}t", "metric": "time_between", "step_from": a, "step_to": b})
    out += [{"id": f"s{i}", "metric": "switch_share", "switch_kind": "device"} for i in range(4)]
    out += [{"id": f"u{i}", "metric": m, "touchpoint_id": tp} for i, (m, tp) in enumerate(SURVEY)]
    out += [{"id": f"f{i}", "metric": "theme_share", "theme": th} for i, th in enumerate(THEMES)]
    return out


CJMLIB = """
import json, sys
from cjmlib import datasets
from cjmlib.analytics.verification import verify_map
from cjmlib.model import EvidenceRule, JourneyProject
specs = json.loads(sys.argv[2])
project = datasets.load("einzelhandel", "workbook")
ruled = [EvidenceRule(title=s["id"], claim="kpi", target="NPS nach dem Kauf", threshold=1,
                      comparison=">=", min_n=1, **{k: v for k, v in s.items() if k != "id"})
         for s in specs]
project = JourneyProject.model_validate({**project.model_dump(), "evidence_rules": ruled})
record = verify_map(project, events=sys.argv[1], survey=datasets.load("einzelhandel", "survey"),
                    feedback=datasets.load("einzelhandel", "feedback"), today="2026-08-15")
titles = {r.id: r.title for r in ruled}
print(json.dumps({titles[r.rule_id]: [r.n, r.value] for r in record.results}))
"""

DUCKDB = """
import json, sys
import duckdb
import pandas as pd
path, specs = sys.argv[1], json.loads(sys.argv[2])
con = duckdb.connect()
src = f"read_parquet('{path}')"
out = {}
def lit(x): return "'" + x.replace("'", "''") + "'"
for s in specs:
    m = s["metric"]
    if m in ("drop_off", "time_between"):
        a, b = lit(s["step_from"]), lit(s["step_to"])
        base = (f"WITH fa AS (SELECT customer_id, min(timestamp) AS t FROM {src} "
                f"WHERE touchpoint_id = {a} GROUP BY 1), "
                f"fb AS (SELECT e.customer_id, min(e.timestamp) AS t FROM {src} e "
                f"JOIN fa USING (customer_id) WHERE e.touchpoint_id = {b} AND e.timestamp >= fa.t "
                f"GROUP BY 1) ")
        if m == "drop_off":
            n, k = con.execute(base + "SELECT (SELECT count(*) FROM fa), "
                               "(SELECT count(*) FROM fa) - (SELECT count(*) FROM fb)").fetchone()
            out[s["id"]] = [n, 100.0 * k / n if n else None]
        else:
            n, v = con.execute(base + "SELECT count(*), quantile_cont(epoch_us(fb.t - fa.t) "
                               "/ 3600000000.0, 0.5) FROM fa JOIN fb USING (customer_id)"
                               ).fetchone()
            out[s["id"]] = [n, v]
    elif m == "switch_share":
        n, k = con.execute(
            "WITH m AS (SELECT customer_id, CASE WHEN lower(device) IN ('smartphone', 'tablet') "
            "THEN 0 WHEN lower(device) = 'desktop' THEN 1 END AS m FROM " + src + "), "
            "c AS (SELECT customer_id, min(m) lo, max(m) hi FROM m WHERE m IS NOT NULL GROUP BY 1) "
            "SELECT count(*), count(*) FILTER (WHERE lo = 0 AND hi = 1) FROM c").fetchone()
        out[s["id"]] = [n, 100.0 * k / n if n else None]
survey = pd.read_parquet("cjmlib/datasets/data/einzelhandel_survey.parquet")
feedback = pd.read_parquet("cjmlib/datasets/data/einzelhandel_feedback.parquet")
for s in specs:
    m = s["metric"]
    if m in ("nps", "csat", "ces"):
        x = pd.to_numeric(survey.loc[survey["touchpoint_id"] == s["touchpoint_id"], m],
                          errors="coerce").dropna()
        lo, hi = {"nps": (0, 10), "csat": (1, 5), "ces": (1, 7)}[m]
        x = x[(x >= lo) & (x <= hi) & (x == x.round())]
        if m == "nps":
            v = 100.0 * ((x >= 9).sum() - (x <= 6).sum()) / len(x)
        elif m == "csat":
            v = 100.0 * (x >= 4).mean()
        else:
            v = float(x.mean())
        out[s["id"]] = [int(len(x)), float(v)]
    elif m == "theme_share":
        tags = feedback["tags"].map(lambda t: {str(x).lower() for x in t})
        k = int(tags.map(lambda t: s["theme"].lower() in t).sum())
        out[s["id"]] = [len(feedback), 100.0 * k / len(feedback)]
print(json.dumps(out))
"""
CONTENDERS = {"cjmlib": CJMLIB, "duckdb": DUCKDB}


def same(a: dict[str, list[float]], b: dict[str, list[float]]) -> bool:
    if a.keys() != b.keys():
        return False
    for key in a:
        (na, va), (nb, vb) = a[key], b[key]
        if na != nb or (va is None) != (vb is None):
            return False
        if va is not None and abs(va - vb) > 1e-9 * max(1.0, abs(va)):
            return False
    return True


def bench(n_events: int, runs: int, folder: Path, contenders: list[str]) -> dict[str, object]:
    path = make_data(n_events, folder)
    args = [str(path), json.dumps(rules())]
    times: dict[str, list[float]] = {c: [] for c in contenders}
    peaks: dict[str, list[float]] = {c: [] for c in contenders}
    cpus: dict[str, list[float]] = {c: [] for c in contenders}
    answers: dict[str, dict[str, list[float]]] = {}
    for _ in range(runs):
        order = list(contenders)
        random.shuffle(order)
        for name in order:
            seconds, peak, out, cpu = run_with_rusage(CONTENDERS[name], args)
            times[name].append(seconds)
            peaks[name].append(peak)
            cpus[name].append(cpu)
            answers[name] = json.loads(out)
    if (
        "duckdb" in answers
        and "cjmlib" in answers
        and not same(answers["cjmlib"], answers["duckdb"])
    ):
        raise SystemExit(f"figures differ:\n{answers['cjmlib']}\n{answers['duckdb']}")
    row = {"events": n_events, "runs": runs, "rules": len(rules())}
    for name in contenders:
        row[name] = {
            "median_s": statistics.median(times[name]),
            "cpu_s": statistics.median(cpus[name]),
            "peak_mib": max(peaks[name]),
            "all_s": [round(x, 2) for x in times[name]],
        }
    print(json.dumps(row), flush=True)
    return row


def table(rows: list[dict[str, object]], note: str) -> str:
    lines = [
        note,
        "",
        "| events | rules | cjmlib `verify_map` | DuckDB SQL, one query per rule | cjmlib / DuckDB "
        "| CPU s cjmlib / DuckDB | peak MiB cjmlib / DuckDB |",
        "|---:|---:|---:|---:|---:|---|---|",
    ]
    for row in rows:
        cj, dk = row.get("cjmlib"), row.get("duckdb")
        assert isinstance(cj, dict)
        ratio = f"{cj['median_s'] / dk['median_s']:.2f}×" if isinstance(dk, dict) else "–"
        dk_s = f"{dk['median_s']:.2f} s" if isinstance(dk, dict) else "–"
        cpu = f"{cj['cpu_s']:.2f} / " + (f"{dk['cpu_s']:.2f}" if isinstance(dk, dict) else "–")
        peak = f"{cj['peak_mib']:.0f} / " + (
            f"{dk['peak_mib']:.0f}" if isinstance(dk, dict) else "–"
        )
        lines.append(
            f"| {int(row['events']):,} | {row['rules']} | {cj['median_s']:.2f} s | {dk_s} "
            f"| {ratio} | {cpu} | {peak} |"
        )
    return "\n".join(lines)


def write_readme(text: str) -> None:
    replace_readme_block(text, START, END, "Map verification (`bench_verification.py`)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Whole-process benchmark of verify_map.")
    parser.add_argument("--events", type=int, nargs="+", default=[200_000])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--data-dir", type=Path, default=Path("/tmp/cjmlib-bench"))
    parser.add_argument("--contenders", nargs="+", default=list(CONTENDERS))
    parser.add_argument("--write", action="store_true", help="write the table to README.md")
    args = parser.parse_args(argv)
    rows = [bench(n, args.runs, args.data_dir, args.contenders) for n in args.events]
    note = (
        f"Measured {time.strftime('%Y-%m-%d')} on {os.cpu_count()} cores, medians of "
        f"{args.runs} interleaved runs, command: `python benchmarks/bench_verification.py "
        f"--events {' '.join(map(str, args.events))} --runs {args.runs}`. Target: < 10 s "
        "for 10 M events."
    )
    text = table(rows, note)
    print(text)
    if args.write:
        write_readme(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
