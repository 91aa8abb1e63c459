"""cjmlib: the library behind CJM-Werkstatt, a course in Customer Journey Mapping.

The top level offers what a chapter needs most; the specialised parts are submodules:
``cjmlib.model`` (validated domain), ``cjmlib.workbook`` (the saved project),
``cjmlib.analytics`` (behaviour data), ``cjmlib.charts`` (altair charts),
``cjmlib.widgets`` (builders for JupyterLab), ``cjmlib.io`` (import and export),
``cjmlib.datasets`` (sample data of five industries).
"""

from cjmlib.errors import CJMError, ImportProblem, WorkbookError
from cjmlib.messages import get_language, set_language
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
