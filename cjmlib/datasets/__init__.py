"""Sample data of five industries, shipped inside the package (no download).

Each industry has a ready workbook (a :class:`cjmlib.model.JourneyProject`) and four
tables whose columns follow :mod:`cjmlib.datasets.schema`: an event log, customers,
survey answers and feedback items. The running case of the course is ``"einzelhandel"``
(Gipfelglück Outdoor).

The files are generated (``python -m cjmlib.datasets.generate``) from one folder of data
files per industry below ``cjmlib/datasets/industries`` (see
:mod:`cjmlib.datasets.industry_data`).

Examples
--------
>>> from cjmlib import datasets
>>> events = datasets.load("einzelhandel", "events")      # doctest: +SKIP
>>> project = datasets.load("einzelhandel", "workbook")   # doctest: +SKIP
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from cjmlib.datasets.industry_data import catalogue, industry_name, period_keys
from cjmlib.datasets.schema import (
    CUSTOMER_COLUMNS,
    EVENT_COLUMNS,
    FEEDBACK_COLUMNS,
    KINDS,
    RUNNING_CASE,
    SURVEY_COLUMNS,
)
from cjmlib.datasets.simulate import normalise
from cjmlib.messages import get_language
from cjmlib.messages.choices import unknown_choice
from cjmlib.model import JourneyProject

if TYPE_CHECKING:
    from cjmlib.workbook import Workbook

__all__ = [
    "CUSTOMER_COLUMNS",
    "DATA_DIR",
    "EVENT_COLUMNS",
    "FEEDBACK_COLUMNS",
    "INDUSTRIES",
    "KINDS",
    "RUNNING_CASE",
    "SURVEY_COLUMNS",
    "check_industry",
    "describe",
    "industries",
    "load",
    "open_workbook",
    "periods",
    "workbook_path",
]

DATA_DIR = Path(__file__).parent / "data"

#: key -> German name of every industry folder, in the catalogue's order.
INDUSTRIES: dict[str, str] = {key: info.name.de for key, info in catalogue().items()}


def industries() -> dict[str, str]:
    """Return the sample industries as ``key -> name`` (German by default: ``"bank" -> "Bank"``)."""
    return {key: industry_name(info) for key, info in catalogue().items()}


def describe(industry: str | None = None) -> dict[str, str]:
    """Return ``key -> one-line description`` of the cases (or of one industry)."""
    infos = catalogue()
    keys = [_check_industry(industry)] if industry is not None else list(infos)
    return {key: industry_name(infos[key], "case") for key in keys}


def _check_choice(value: str, choices: Iterable[str], field: str, message: str) -> str:
    """Return ``value`` trimmed and in lower case if it is one of ``choices``, else explain."""
    key = value.strip().lower() if isinstance(value, str) else value
    allowed = list(choices)
    if key not in allowed:
        listed = ", ".join(allowed)
        raise unknown_choice(message, allowed=listed, value=value, field=field)
    return key


def _check_industry(industry: str) -> str:
    return _check_choice(industry, INDUSTRIES, "industry", "datasets.unknown_industry")


def check_industry(industry: str) -> str:
    """Return ``industry`` if it is a key of :func:`industries`, else raise a German error."""
    return _check_industry(industry)


def _check_kind(kind: str) -> str:
    return _check_choice(kind, KINDS, "kind", "datasets.unknown_kind")


def workbook_path(industry: str) -> Path:
    """Return the path of the shipped workbook file of ``industry`` (read-only)."""
    return DATA_DIR / f"{_check_industry(industry)}.cjm.json"


@cache
def _project(industry: str) -> JourneyProject:
    from cjmlib.workbook.migrations import migrate

    doc = json.loads(workbook_path(industry).read_text(encoding="utf-8"))
    doc, _ = migrate(doc)
    project: JourneyProject = JourneyProject.model_validate(doc["project"])
    return project


@cache
def _table(industry: str, kind: str, period: str | None = None) -> pd.DataFrame:
    stem = industry if period is None else f"{industry}_{period}"
    df = pd.read_parquet(DATA_DIR / f"{stem}_{kind}.parquet")
    return normalise(kind, df)


def periods(industry: str = RUNNING_CASE) -> dict[str, str]:
    """Return the later data periods of ``industry`` as ``key -> name``.

    The first period is what :func:`load` gives without ``period``; a later one is the
    same case some months on (the map unchanged, the lived journey not).
    """
    from cjmlib.datasets.industry_data import load_industry

    key = _check_industry(industry)
    found = load_industry(key).periods
    language = get_language()
    return {p: str(getattr(found[p].name, language)) for p in period_keys(key) if p in found}


def _check_period(industry: str, period: str | None) -> str | None:
    if period is None:
        return None
    return _check_choice(period, period_keys(industry), "period", "datasets.unknown_period")


def load(
    industry: str = RUNNING_CASE, kind: str = "events", *, period: str | None = None
) -> JourneyProject | pd.DataFrame:
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
    period:
        A later data period (see :func:`periods`), e.g. ``"2026-h2"``: the tables of
        the same case some months on. None = the first period. The workbook is the same
        in every period.

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
    when = _check_period(industry, period)
    if kind == "workbook":
        return _project(industry).model_copy(deep=True)
    df = _table(industry, kind, when).copy(deep=True)
    if kind == "feedback":
        df["tags"] = [list(v) for v in df["tags"]]
    return df


def open_workbook(industry: str, path: str | os.PathLike[str]) -> Workbook:
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
