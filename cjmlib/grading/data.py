"""The small, fixed tables of the exercises (the case: a retailer with shop and stores).

They live in ``data/uebungsdaten.json`` so that the notebooks, the instant checks and
the hidden tests all start from the same data. Every call returns fresh copies.
"""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

from cjmlib.errors import CJMError
from cjmlib.messages import t

__all__ = ["uebungsdaten"]

_FILE = Path(__file__).parent / "data" / "uebungsdaten.json"


@cache
def _raw() -> dict[str, dict[str, Any]]:
    return json.loads(_FILE.read_text(encoding="utf-8"))


def _course_case() -> dict[str, Any]:
    from cjmlib import datasets

    project = datasets.load("einzelhandel", "workbook")
    return {"projekt": project, "phasen": project.phase_model.ids}


def _eventlog() -> dict[str, Any]:
    """The running case's event log as a flawed export: duplicates, missing customer ids."""
    from cjmlib import datasets

    events = datasets.load("einzelhandel", "events")
    raw = pd.concat([events, events.iloc[::97]], ignore_index=True)
    raw.loc[raw.index[::251], "customer_id"] = pd.NA
    raw = raw.sample(frac=1, random_state=7).reset_index(drop=True)
    return {**_course_case(), "events_roh": raw}


def _pain_points() -> dict[str, Any]:
    from cjmlib import datasets

    return {
        **_course_case(),
        "events": datasets.load("einzelhandel", "events"),
        "feedback": datasets.load("einzelhandel", "feedback"),
    }


def _survey() -> dict[str, Any]:
    from cjmlib import datasets

    return {**_course_case(), "umfrage": datasets.load("einzelhandel", "survey")}


#: Exercises built on the course's sample data (cjmlib.datasets) rather than on the JSON.
_BUILDERS = {"05_eventlog": _eventlog, "07_pain_points": _pain_points, "10_nps_csat": _survey}


def uebungsdaten(exercise: str) -> dict[str, Any]:
    """Return the data of ``exercise``: lists of rows become DataFrames, the rest stays."""
    if exercise in _BUILDERS:
        return _BUILDERS[exercise]()
    raw = _raw()
    if exercise not in raw:
        allowed = ", ".join([*raw, *_BUILDERS])
        raise CJMError(
            t("grading.check.unknown_exercise", value=exercise, allowed=allowed),
            field="exercise",
            value=exercise,
            allowed=allowed,
        )
    out: dict[str, Any] = {}
    for key, value in copy.deepcopy(raw[exercise]).items():
        if (
            isinstance(value, list)
            and value
            and isinstance(value[0], dict)
            and key not in ("interviews", "massnahmen")
        ):
            out[key] = pd.DataFrame(value)
        else:
            out[key] = value
    return out
