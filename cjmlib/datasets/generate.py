"""Generate the shipped sample data: ``python -m cjmlib.datasets.generate [--out DIR]``.

For every industry (or the one given with ``--industry``) this writes into the output
folder (default: ``cjmlib/datasets/data``):

- ``<industry>.cjm.json``: the ready workbook, written by :class:`cjmlib.workbook.Workbook`;
- ``<industry>_events.parquet``, ``_customers``, ``_survey``, ``_feedback``: the tables.

The generation is deterministic: each industry has its own fixed seed in its content
module, so running the script twice gives equal tables and an equal project.
"""

from __future__ import annotations

import argparse
import importlib
import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd

from cjmlib.datasets.schema import INDUSTRIES
from cjmlib.datasets.simulate import simulate
from cjmlib.model import JourneyProject

DATA_DIR = Path(__file__).parent / "data"
TABLES = ("events", "customers", "survey", "feedback")


def content(industry: str) -> Any:
    """Return the content module of ``industry`` (``PROJECT`` and ``SIM``)."""
    return importlib.import_module(f"cjmlib.datasets.content_{industry}")


def build_project(industry: str) -> JourneyProject:
    """Return the validated sample workbook project of ``industry``."""
    return JourneyProject.model_validate(content(industry).PROJECT)


def build_tables(industry: str) -> dict[str, pd.DataFrame]:
    """Return the simulated tables of ``industry`` (deterministic)."""
    return simulate(build_project(industry), content(industry).SIM)


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


def write_industry(industry: str, out: Path = DATA_DIR) -> dict[str, int]:
    """Generate all files of ``industry`` into ``out``; return row counts."""
    out.mkdir(parents=True, exist_ok=True)
    project = build_project(industry)
    write_workbook(project, out / f"{industry}.cjm.json")
    tables = simulate(project, content(industry).SIM)
    for kind, df in tables.items():
        df.to_parquet(
            out / f"{industry}_{kind}.parquet",
            compression="zstd",
            compression_level=19,
            index=False,
        )
    return {kind: len(df) for kind, df in tables.items()}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DATA_DIR)
    parser.add_argument("--industry", choices=list(INDUSTRIES), default=None)
    args = parser.parse_args(argv)
    for industry in [args.industry] if args.industry else list(INDUSTRIES):
        counts = write_industry(industry, args.out)
        print(industry, counts)


if __name__ == "__main__":
    main()
