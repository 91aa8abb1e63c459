"""Steps 7 to 12: pain points, solutions, hypotheses, feedback, actions, reviews."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import Field

from cjmlib.model.base import CJMModel, new_id
from cjmlib.model.common import Emotion, Evidence, NonEmpty, Score5, Text

PainCategory = Literal[
    "Abbruch",
    "Wartezeit",
    "Kanalbruch",
    "Gerätewechsel",
    "Abteilungsgrenze",
    "Information fehlt",
    "Bedienung",
    "Preis",
    "Versteckter Touchpoint",
    "Sonstiges",
]
SolutionStatus = Literal["Idee", "Geplant", "In Umsetzung", "Umgesetzt", "Verworfen"]
TestMethod = Literal[
    "A/B-Test", "Prototyp", "Interview", "Umfrage", "Usability-Test", "Datenanalyse", "Pilotversuch"
]
HypothesisResult = Literal["offen", "bestätigt", "widerlegt", "unklar"]
FeedbackSource = Literal[
    "Umfrage",
    "Bewertung",
    "Social Media",
    "Interview",
    "Beschwerde",
    "E-Mail",
    "Chat",
    "Hotline",
    "Direkt",
]
ActionStatus = Literal["offen", "in Arbeit", "erledigt", "blockiert"]


class PainPoint(CJMModel):
    """Step 7: a weak spot where customers get stuck, wait, or drop out."""

    _label_key = "painpoint"
    id: str = Field(default_factory=lambda: new_id("pp"))
    title: NonEmpty
    description: Text = ""
    phase: str | None = None
    touchpoint_ids: list[str] = Field(default_factory=list)
    persona_ids: list[str] = Field(default_factory=list)
    category: PainCategory = "Sonstiges"
    severity: Score5 = 3
    frequency: Score5 = 3
    evidence: list[Evidence] = Field(default_factory=list)

    @property
    def priority(self) -> int:
        """Severity times frequency (1..25): the simple ranking the course starts from."""
        return self.severity * self.frequency


class Solution(CJMModel):
    """Step 8: an improvement that answers one or more pain points."""

    _label_key = "solution"
    id: str = Field(default_factory=lambda: new_id("sol"))
    title: NonEmpty
    description: Text = ""
    pain_point_ids: list[str] = Field(default_factory=list)
    impact: Score5 = 3
    effort: Score5 = 3
    owner: Text = ""
    status: SolutionStatus = "Idee"
    kpi: Text = ""

    @property
    def quadrant(self) -> str:
        """One of "Quick Win", "Großprojekt", "Lückenfüller", "Zeitfresser" (impact × effort)."""
        high_impact, high_effort = self.impact >= 3, self.effort >= 3
        if high_impact and not high_effort:
            return "Quick Win"
        if high_impact:
            return "Großprojekt"
        return "Zeitfresser" if high_effort else "Lückenfüller"


class Hypothesis(CJMModel):
    """Step 9: an assumption to test with real customers."""

    _label_key = "hypothesis"
    id: str = Field(default_factory=lambda: new_id("hyp"))
    assumption: NonEmpty
    test_method: TestMethod = "Interview"
    metric: Text = ""
    success_criterion: Text = ""
    result: HypothesisResult = "offen"
    result_note: Text = ""
    solution_id: str | None = None
    pain_point_id: str | None = None


class FeedbackItem(CJMModel):
    """Step 10: one piece of customer feedback, tied to a touchpoint where possible."""

    _label_key = "feedbackitem"
    id: str = Field(default_factory=lambda: new_id("fb"))
    received: dt.date = Field(default_factory=dt.date.today)
    source: FeedbackSource = "Umfrage"
    text: NonEmpty
    touchpoint_id: str | None = None
    phase: str | None = None
    sentiment: Emotion = 0
    score: Annotated[int, Field(ge=0, le=10)] | None = None
    tags: list[str] = Field(default_factory=list)


class Action(CJMModel):
    """Step 11: one line of the implementation plan."""

    _label_key = "action"
    id: str = Field(default_factory=lambda: new_id("act"))
    title: NonEmpty
    owner: NonEmpty
    department: Text = ""
    due: dt.date | None = None
    kpi: Text = ""
    target: Text = ""
    status: ActionStatus = "offen"
    solution_id: str | None = None


class Review(CJMModel):
    """Step 12: one review of the map (at least yearly, or after a major change)."""

    _label_key = "review"
    id: str = Field(default_factory=lambda: new_id("rev"))
    held: dt.date = Field(default_factory=dt.date.today)
    title: NonEmpty
    trigger: Literal[
        "Jahresreview",
        "Marktveränderung",
        "Neues Produkt",
        "Neue Technologie",
        "Feedback",
        "Interne Änderung",
        "Sonstiges",
    ] = "Jahresreview"
    participants: list[str] = Field(default_factory=list)
    findings: Text = ""
    decisions: Text = ""
    snapshot: str | None = None
    next_review: dt.date | None = None


class ChapterProgress(CJMModel):
    """Ticks of a chapter's checklist and answers of its knowledge check."""

    _label_key = "chapterprogress"
    checklist: dict[str, bool] = Field(default_factory=dict)
    quiz_answers: dict[str, list[int]] = Field(default_factory=dict)
    quiz_score: Annotated[float, Field(ge=0, le=1)] | None = None
    done: bool = False
