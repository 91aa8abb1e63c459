"""cjmlib: the library behind CJM-Werkstatt, a course in Customer Journey Mapping.

The top level offers what a chapter needs most; the specialised parts are submodules:
``cjmlib.model`` (validated domain), ``cjmlib.workbook`` (the saved project),
``cjmlib.analytics`` (behaviour data), ``cjmlib.charts`` (altair charts),
``cjmlib.widgets`` (builders for JupyterLab), ``cjmlib.io`` (import and export),
``cjmlib.datasets`` (sample data of five industries).
"""

import typing as _typing

from cjmlib.errors import CJMError, ImportProblem, WorkbookError
from cjmlib.messages import get_language, set_language

if _typing.TYPE_CHECKING:
    from cjmlib.model import (
        Action,
        Evidence,
        FeedbackItem,
        Goal,
        Hypothesis,
        JourneyProject,
        Need,
        PainPoint,
        Persona,
        Phase,
        PhaseModel,
        Review,
        Segment,
        Solution,
        Touchpoint,
        preset,
    )
    from cjmlib.workbook import Workbook

# The model (pydantic) and the workbook load on first use, so that ``import
# cjmlib.analytics`` in a script that only counts events stays fast (PEP 562).
_LAZY = {
    name: "cjmlib.model"
    for name in (
        "Action",
        "Evidence",
        "FeedbackItem",
        "Goal",
        "Hypothesis",
        "JourneyProject",
        "Need",
        "PainPoint",
        "Persona",
        "Phase",
        "PhaseModel",
        "Review",
        "Segment",
        "Solution",
        "Touchpoint",
        "preset",
    )
} | {"Workbook": "cjmlib.workbook"}


def __getattr__(name: str) -> _typing.Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'cjmlib' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


__version__ = "0.1.0"

__all__ = [
    "Action",
    "CJMError",
    "Evidence",
    "FeedbackItem",
    "Goal",
    "Hypothesis",
    "ImportProblem",
    "JourneyProject",
    "Need",
    "PainPoint",
    "Persona",
    "Phase",
    "PhaseModel",
    "Review",
    "Segment",
    "Solution",
    "Touchpoint",
    "Workbook",
    "WorkbookError",
    "__version__",
    "get_language",
    "preset",
    "set_language",
]
