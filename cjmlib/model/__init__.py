"""The validated core: domain models of the twelve-step method (no I/O, no widgets)."""

from cjmlib.model.base import CJMModel, describe_allowed, field_label, model_label, new_id
from cjmlib.model.boards import (
    Action,
    ChapterProgress,
    FeedbackItem,
    Hypothesis,
    PainPoint,
    Review,
    Solution,
)
from cjmlib.model.common import CHANNELS, DEPARTMENTS, DEVICES, EVIDENCE_KINDS, Evidence
from cjmlib.model.entities import (
    GENDERS,
    INCOME_BANDS,
    SEGMENT_CRITERIA,
    Goal,
    Need,
    Persona,
    Scenario,
    Segment,
    Touchpoint,
)
from cjmlib.model.phases import MAX_PHASES, MIN_PHASES, PRESETS, Phase, PhaseModel, preset, slugify
from cjmlib.model.project import COLLECTIONS, INDUSTRIES, JourneyProject

__all__ = [
    "CHANNELS",
    "COLLECTIONS",
    "DEPARTMENTS",
    "DEVICES",
    "EVIDENCE_KINDS",
    "GENDERS",
    "INCOME_BANDS",
    "INDUSTRIES",
    "MAX_PHASES",
    "MIN_PHASES",
    "PRESETS",
    "SEGMENT_CRITERIA",
    "Action",
    "CJMModel",
    "ChapterProgress",
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
    "Scenario",
    "Segment",
    "Solution",
    "Touchpoint",
    "describe_allowed",
    "field_label",
    "model_label",
    "new_id",
    "preset",
    "slugify",
]
