"""Read the data of one exercise from its ``data.json`` (the case: a retailer with shop and stores).

The file lives in the exercise's folder (``course/source/<übung>/data.json``), is
released with the assignment, and holds only what the trainee starts from — never an
answer. It has up to three sections::

    {
      "tabellen": {"kunden": [{"id": "K01", "alter": 34, ...}, ...]},
      "werte": {"stichtag": "2026-03-31", "interviews": [{...}, ...]},
      "beispieldaten": {
        "events_roh": {"datensatz": "events", "exportfehler": {"doppelt_jede": 97,
                       "ohne_kunden_id_jede": 251, "mischen": 7}},
        "phasen": {"datensatz": "phasen"}
      }
    }

- ``tabellen``: lists of rows, each becomes a ``DataFrame``;
- ``werte``: any JSON value, handed over as it is;
- ``beispieldaten``: a table of the course's sample data (:mod:`cjmlib.datasets`, by
  default the running case ``einzelhandel``; ``"phasen"`` are the phase ids of its
  workbook), optionally turned into a flawed export (duplicated rows, missing customer
  ids, shuffled) for cleaning exercises.

Every call returns fresh copies, so a judge never sees what a trainee changed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from cjmlib.errors import CJMError
from cjmlib.messages import t

__all__ = ["DATA_FILE", "flawed_export", "load_data"]

DATA_FILE = "data.json"


def flawed_export(
    frame: pd.DataFrame, *, duplicate_every: int, drop_customer_every: int, seed: int
) -> pd.DataFrame:
    """``frame`` as a careless export: every n-th row twice, some customer ids lost, shuffled."""
    raw = pd.concat([frame, frame.iloc[::duplicate_every]], ignore_index=True)
    raw.loc[raw.index[::drop_customer_every], "customer_id"] = pd.NA
    return raw.sample(frac=1, random_state=seed).reset_index(drop=True)


def _sample(spec: Any, path: Path, name: str) -> Any:
    from cjmlib import datasets

    if not isinstance(spec, dict) or not isinstance(spec.get("datensatz"), str):
        raise CJMError(t("grading.data.bad_entry", path=path, name=name), field=name)
    industry = spec.get("branche", datasets.RUNNING_CASE)
    if spec["datensatz"] == "phasen":
        return list(datasets.load(industry, "workbook").phase_model.ids)
    table = datasets.load(industry, spec["datensatz"])
    flaws = spec.get("exportfehler")
    if isinstance(flaws, dict) and isinstance(table, pd.DataFrame):
        table = flawed_export(
            table,
            duplicate_every=int(flaws["doppelt_jede"]),
            drop_customer_every=int(flaws["ohne_kunden_id_jede"]),
            seed=int(flaws["mischen"]),
        )
    return table


def load_data(folder: Path) -> dict[str, Any]:
    """Return the data of the exercise in ``folder``: tables as DataFrames, the rest as is."""
    path = Path(folder) / DATA_FILE
    if not path.is_file():
        return {}
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        raise CJMError(t("grading.data.unreadable", path=path)) from None
    if not isinstance(raw, dict):
        raise CJMError(t("grading.data.unreadable", path=path))
    out: dict[str, Any] = {}
    for name, rows in (raw.get("tabellen") or {}).items():
        out[name] = pd.DataFrame(rows)
    out.update(raw.get("werte") or {})
    for name, spec in (raw.get("beispieldaten") or {}).items():
        out[name] = _sample(spec, path, name)
    return out
