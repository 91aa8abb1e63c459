"""Generate the shipped sample data: ``python -m cjmlib.datasets.generate [--out DIR]``.

For every industry folder below ``cjmlib/datasets/industries`` (or the one given with
``--industry``; another folder of industry folders with ``--industries``) this writes
into the output folder (default: ``cjmlib/datasets/data``):

- ``<industry>.cjm.json``: the ready workbook, written by :class:`cjmlib.workbook.Workbook`;
- ``<industry>_events.parquet``, ``_customers``, ``_survey``, ``_feedback``: the tables.

The generation is deterministic: each industry has its own fixed seed in its
``simulation.yaml``, so running the script twice gives byte-identical files.
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
from pathlib import Path

import pandas as pd

from cjmlib.datasets.industry_data import INDUSTRIES_DIR, Industry, catalogue, load_industry
from cjmlib.datasets.simulate import simulate
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
    for kind, df in tables.items():
        df.to_parquet(
            out / f"{industry}_{kind}.parquet",
            compression="zstd",
            compression_level=19,
            index=False,
        )
    return {kind: len(df) for kind, df in tables.items()}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--out", type=Path, default=DATA_DIR)
    parser.add_argument("--industries", type=Path, default=INDUSTRIES_DIR)
    parser.add_argument("--industry", default=None)
    args = parser.parse_args(argv)
    keys = [args.industry] if args.industry else list(catalogue(args.industries))
    for industry in keys:
        counts = write_industry(industry, args.out, args.industries)
        print(industry, counts)


if __name__ == "__main__":
    main()
