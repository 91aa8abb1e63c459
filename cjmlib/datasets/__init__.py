"""Sample data of five industries, shipped inside the package (no download).

Each industry has a ready workbook (a :class:`cjmlib.model.JourneyProject`) and four
tables whose columns follow :mod:`cjmlib.datasets.schema`: an event log, customers,
survey answers and feedback items. The running case of the course is ``"einzelhandel"``
(Gipfelglück Outdoor).

Examples
--------
>>> from cjmlib import datasets
>>> events = datasets.load("einzelhandel", "events")      # doctest: +SKIP
>>> project = datasets.load("einzelhandel", "workbook")   # doctest: +SKIP
"""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path

import pandas as pd

from cjmlib.datasets.schema import (
    CUSTOMER_COLUMNS,
    EVENT_COLUMNS,
    FEEDBACK_COLUMNS,
    INDUSTRIES,
    KINDS,
    RUNNING_CASE,
    SURVEY_COLUMNS,
)
from cjmlib.datasets.simulate import normalise
from cjmlib.errors import CJMError
from cjmlib.messages import t
from cjmlib.model import JourneyProject

__all__ = [
    "CUSTOMER_COLUMNS",
    "DATA_DIR",
    "EVENT_COLUMNS",
    "FEEDBACK_COLUMNS",
    "INDUSTRIES",
    "KINDS",
    "RUNNING_CASE",
    "SURVEY_COLUMNS",
    "describe",
    "industries",
    "load",
    "open_workbook",
    "workbook_path",
]

DATA_DIR = Path(__file__).parent / "data"


def industries() -> dict[str, str]:
    """Return the sample industries as ``key -> name`` (German by default: ``"bank" -> "Bank"``)."""
    return {key: t(f"datasets.industry.{key}") for key in INDUSTRIES}


def describe(industry: str | None = None) -> dict[str, str]:
    """Return ``key -> one-line description`` of the cases (or of one industry)."""
    keys = [_check_industry(industry)] if industry is not None else list(INDUSTRIES)
    return {key: t(f"datasets.case.{key}") for key in keys}


def _check_industry(industry: str) -> str:
    key = industry.strip().lower() if isinstance(industry, str) else industry
    if key not in INDUSTRIES:
        allowed = ", ".join(INDUSTRIES)
        raise CJMError(
            t("datasets.unknown_industry", value=industry, allowed=allowed),
            field="industry",
            value=industry,
            allowed=allowed,
        )
    return key


def _check_kind(kind: str) -> str:
    key = kind.strip().lower() if isinstance(kind, str) else kind
    if key not in KINDS:
        allowed = ", ".join(KINDS)
        raise CJMError(
            t("datasets.unknown_kind", value=kind, allowed=allowed),
            field="kind",
            value=kind,
            allowed=allowed,
        )
    return key


def workbook_path(industry: str) -> Path:
    """Return the path of the shipped workbook file of ``industry`` (read-only)."""
    return DATA_DIR / f"{_check_industry(industry)}.cjm.json"


@cache
def _project(industry: str) -> JourneyProject:
    from cjmlib.workbook.migrations import migrate

    doc = json.loads(workbook_path(industry).read_text(encoding="utf-8"))
    doc, _ = migrate(doc)
    return JourneyProject.model_validate(doc["project"])


@cache
def _table(industry: str, kind: str) -> pd.DataFrame:
    df = pd.read_parquet(DATA_DIR / f"{industry}_{kind}.parquet")
    return normalise(kind, df)


def load(industry: str = RUNNING_CASE, kind: str = "events") -> JourneyProject | pd.DataFrame:
    """Load one sample data set.

    Parameters
    ----------
    industry:
        One of ``einzelhandel`` (the running case), ``bank``, ``telekommunikation``,
        ``reise``, ``gesundheit``.
    kind:
        ``"workbook"`` (a validated :class:`~cjmlib.model.JourneyProject`), or one of the
        tables ``"events"``, ``"customers"``, ``"survey"``, ``"feedback"`` (DataFrames
        with the columns of :mod:`cjmlib.datasets.schema`).

    Returns
    -------
    JourneyProject or pandas.DataFrame
        A fresh copy on every call: changing it does not change later loads.

    Raises
    ------
    CJMError
        If the industry or the kind is unknown (the message lists the valid choices).
    """
    industry, kind = _check_industry(industry), _check_kind(kind)
    if kind == "workbook":
        return _project(industry).model_copy(deep=True)
    df = _table(industry, kind).copy(deep=True)
    if kind == "feedback":
        df["tags"] = [list(v) for v in df["tags"]]
    return df


def open_workbook(industry: str, path: str | os.PathLike[str]):
    """Open the workbook at ``path``, created from the sample of ``industry`` if missing.

    An existing file at ``path`` is opened as it is (your edits are kept).

    Returns
    -------
    cjmlib.workbook.Workbook
    """
    from cjmlib.workbook import Workbook

    industry = _check_industry(industry)
    path = Path(path).expanduser()
    if path.exists():
        return Workbook.open(path)
    return Workbook.open(path, template=_project(industry))
