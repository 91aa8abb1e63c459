"""Generate the shipped sample data: ``python -m cjmlib.datasets.generate [--out DIR]``.

For every industry folder below ``cjmlib/datasets/industries`` (or the one given with
``--industry``; another folder of industry folders with ``--industries``) this writes
into the output folder (default: ``cjmlib/datasets/data``):

- ``<industry>.cjm.json``: the ready workbook, written by :class:`cjmlib.workbook.Workbook`;
- ``<industry>_events.parquet``, ``_customers``, ``_survey``, ``_feedback``: the tables;
- ``<industry>_<period>_events.parquet`` ...: the tables of each later data period
  (``periods/<period>.yaml`` in the industry folder).

The generation is deterministic: each industry has its own fixed seed in its
``simulation.yaml`` (and each period in its ``periods/<key>.yaml``), so running the script
twice gives byte-identical files, also with ``--jobs 2`` (industries in parallel processes,
each on its own seed).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import shutil
import tempfile
from concurrent.futures import ProcessPoolExecutor
from itertools import repeat
from pathlib import Path

import pandas as pd

from cjmlib.datasets.industry_data import INDUSTRIES_DIR, Industry, catalogue, load_industry
from cjmlib.datasets.simulate import simulate, simulate_period
from cjmlib.model import JourneyProject

DATA_DIR = Path(__file__).parent / "data"


def build_project(industry: str, root: Path = INDUSTRIES_DIR) -> JourneyProject:
    """Return the validated sample workbook project of ``industry``."""
    return load_industry(industry, root).project


def build_tables(industry: str | Industry, root: Path = INDUSTRIES_DIR) -> dict[str, pd.DataFrame]:
    """Return the simulated tables of ``industry`` (deterministic)."""
    data = industry if isinstance(industry, Industry) else load_industry(industry, root)
    return simulate(data.project, data.simulation, data.phrases, data.comments)


def write_workbook(project: JourneyProject, target: Path) -> None:
    """Write ``project`` as a real workbook document to ``target``."""
    from cjmlib.workbook import Workbook

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / target.name
        Workbook.open(path, template=project)
        doc = json.loads(path.read_text(encoding="utf-8"))
        doc["saved_at"] = None  # keep the shipped file identical between runs
        doc["revision"] = 1
        target.write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    shutil.rmtree(target.with_name(target.name + ".versionen"), ignore_errors=True)


def write_industry(
    industry: str, out: Path = DATA_DIR, root: Path = INDUSTRIES_DIR
) -> dict[str, int]:
    """Generate all files of ``industry`` (the folder ``root/industry``) into ``out``.

    Returns the row count of each table.
    """
    out.mkdir(parents=True, exist_ok=True)
    data = load_industry(industry, root)
    write_workbook(data.project, out / f"{industry}.cjm.json")
    tables = build_tables(data)
    _write_tables(tables, out, industry)
    counts = {kind: len(df) for kind, df in tables.items()}
    for key, period in data.periods.items():
        lived = simulate_period(data.project, data.simulation, period, data.phrases, data.comments)
        _write_tables(lived, out, f"{industry}_{key}")
        counts.update({f"{key}:{kind}": len(df) for kind, df in lived.items()})
    return counts


def _write_tables(tables: dict[str, pd.DataFrame], out: Path, stem: str) -> None:
    for kind, df in tables.items():
        df.to_parquet(
            out / f"{stem}_{kind}.parquet",
            compression="zstd",
            compression_level=19,
            index=False,
        )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--out", type=Path, default=DATA_DIR)
    parser.add_argument("--industries", type=Path, default=INDUSTRIES_DIR)
    parser.add_argument("--industry", default=None)
    parser.add_argument("--jobs", type=int, default=1, help="industries generated at once")
    args = parser.parse_args(argv)
    keys = [args.industry] if args.industry else list(catalogue(args.industries))
    if args.jobs > 1 and len(keys) > 1:
        # spawn, not fork: a forked copy of a process that runs notebooks or a test session
        # inherits its threads' locks (zmq, asyncio) and may hang.
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=args.jobs, mp_context=context) as pool:
            results = list(
                pool.map(write_industry, keys, repeat(args.out), repeat(args.industries))
            )
    else:
        results = [write_industry(key, args.out, args.industries) for key in keys]
    for industry, counts in zip(keys, results, strict=True):
        print(industry, counts)


if __name__ == "__main__":
    main()
