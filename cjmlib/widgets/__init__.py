"""Interactive builders (ipywidgets) bound to a workbook: every change is saved at once.

Each builder is a widget box: display it in a notebook cell. Its state lives in
traitlets (``selected_id``, ``error``, ``value``), and every button has a method, so a
notebook or a test can do what a trainee does by clicking::

    builder = PersonaBuilder(wb)
    builder.form["name"].value = "Lena"
    builder.save_button.click()
"""

from cjmlib.model.quiz import Question
from cjmlib.widgets.base import ConfirmDelete, ModelForm, RecordEditor, StatusLine
from cjmlib.widgets.boards import (
    ActionPlan,
    FeedbackLog,
    HypothesisRegister,
    PainPointBoard,
    SolutionBoard,
)
from cjmlib.widgets.capstone import CapstoneExport, ProgressPanel
from cjmlib.widgets.evidence import RuleBuilder
from cjmlib.widgets.goal import GoalBuilder, SegmentEditor
from cjmlib.widgets.learning import Checklist, KnowledgeCheck, ProgressOverview
from cjmlib.widgets.needs import NeedsMatrix
from cjmlib.widgets.persona import PersonaBuilder, persona_card_html
from cjmlib.widgets.phases import EmotionEditor, PhaseEditor
from cjmlib.widgets.project import ProjectForm, ReviewLog
from cjmlib.widgets.touchpoints import TouchpointInventory

__all__ = [
    "ActionPlan",
    "CapstoneExport",
    "Checklist",
    "ConfirmDelete",
    "EmotionEditor",
    "FeedbackLog",
    "GoalBuilder",
    "HypothesisRegister",
    "KnowledgeCheck",
    "ModelForm",
    "NeedsMatrix",
    "PainPointBoard",
    "PersonaBuilder",
    "PhaseEditor",
    "ProgressOverview",
    "ProgressPanel",
    "ProjectForm",
    "Question",
    "RecordEditor",
    "ReviewLog",
    "RuleBuilder",
    "SegmentEditor",
    "SolutionBoard",
    "StatusLine",
    "TouchpointInventory",
    "persona_card_html",
]
