"""The things a trainee records, step by step: goal, segments, personas, needs, touchpoints."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, field_validator

from cjmlib.model.base import CJMModel, new_id
from cjmlib.model.common import Emotion, Evidence, NonEmpty, Score5, Score10, Text

StrList = list[Annotated[str, Field(min_length=1, max_length=500)]]


def _split_text_list(value: object) -> object:
    """Accept "a; b" or "a\\nb" where a list of short texts is meant (forms, CSV cells)."""
    if isinstance(value, str):
        parts = [p.strip() for p in value.replace("\n", ";").split(";")]
        return [p for p in parts if p]
    return value


class Goal(CJMModel):
    """Step 1: the shared goal, the company's and the customer's."""

    _label_key = "goal"
    business_goal: Text = ""
    customer_goal: Text = ""
    kpis: StrList = Field(default_factory=list)

    _split = field_validator("kpis", mode="before")(classmethod(lambda cls, v: _split_text_list(v)))


class Scenario(CJMModel):
    """Step 6: the scenario line of a journey map (NN/g): where the journey starts from.

    ``situation`` is what happens to the persona when the journey begins, ``expectation``
    what they expect from it. Both empty means: no scenario written yet.
    """

    _label_key = "scenario"
    situation: Text = ""
    expectation: Text = ""

    @property
    def is_empty(self) -> bool:
        return not (self.situation or self.expectation)


class Segment(CJMModel):
    """Step 1: a target group, described along the five segmentation criteria."""

    _label_key = "segment"
    id: str = Field(default_factory=lambda: new_id("seg"))
    name: NonEmpty
    description: Text = ""
    demographic: StrList = Field(default_factory=list)
    geographic: StrList = Field(default_factory=list)
    psychographic: StrList = Field(default_factory=list)
    behavioural: StrList = Field(default_factory=list)
    technographic: StrList = Field(default_factory=list)
    share_percent: Annotated[float, Field(ge=0, le=100)] | None = None
    priority: Score5 = 3

    _split = field_validator(
        "demographic", "geographic", "psychographic", "behavioural", "technographic", mode="before"
    )(classmethod(lambda cls, v: _split_text_list(v)))


SEGMENT_CRITERIA: tuple[str, ...] = (
    "demographic",
    "geographic",
    "psychographic",
    "behavioural",
    "technographic",
)

Gender = Literal["weiblich", "männlich", "divers", "keine Angabe"]
IncomeBand = Literal[
    "unter 1.500 €",
    "1.500–2.500 €",
    "2.500–3.500 €",
    "3.500–5.000 €",
    "über 5.000 €",
    "keine Angabe",
]
INCOME_BANDS: tuple[str, ...] = IncomeBand.__args__  # type: ignore[attr-defined]
GENDERS: tuple[str, ...] = Gender.__args__  # type: ignore[attr-defined]


class Persona(CJMModel):
    """Step 2: a fictional but data-based character standing for a customer group."""

    _label_key = "persona"
    id: str = Field(default_factory=lambda: new_id("per"))
    name: NonEmpty
    quote: Annotated[str, Field(max_length=300)] = ""
    age: Annotated[int, Field(ge=14, le=110)] | None = None
    gender: Gender = "keine Angabe"
    income_band: IncomeBand = "keine Angabe"
    occupation: Text = ""
    location: Text = ""
    buying_habits: Text = ""
    online_activity: Text = ""
    needs_goals: StrList = Field(default_factory=list)
    pain_points: StrList = Field(default_factory=list)
    channels: StrList = Field(default_factory=list)
    devices: StrList = Field(default_factory=list)
    segment_id: str | None = None
    evidence: list[Evidence] = Field(default_factory=list)

    _split = field_validator("needs_goals", "pain_points", "channels", "devices", mode="before")(
        classmethod(lambda cls, v: _split_text_list(v))
    )

    @property
    def assumption_share(self) -> float:
        """Share of the evidence that is only an assumption (0..1; 1 when there is none)."""
        if not self.evidence:
            return 1.0
        return sum(e.is_assumption for e in self.evidence) / len(self.evidence)


class Need(CJMModel):
    """Step 3: what a persona needs, expects, and how to exceed it."""

    _label_key = "need"
    id: str = Field(default_factory=lambda: new_id("need"))
    persona_id: str | None = None
    need: NonEmpty
    expectation: Text = ""
    exceed: Text = ""
    importance: Score10 = 5
    satisfaction: Score10 = 5
    related_products: Text = ""

    @property
    def opportunity(self) -> float:
        """Opportunity score: importance + max(importance - satisfaction, 0)."""
        return self.importance + max(self.importance - self.satisfaction, 0)

    @property
    def underserved(self) -> bool:
        return self.opportunity > 10


class Touchpoint(CJMModel):
    """Step 4: one point of contact between customer and company."""

    _label_key = "touchpoint"
    id: str = Field(default_factory=lambda: new_id("tp"))
    name: NonEmpty
    phase: NonEmpty
    channel: NonEmpty
    online: bool = True
    device: Text = ""
    department: Text = ""
    relevance: Score5 = 3
    emotion: Emotion = 0
    moment_of_truth: bool = False
    hidden: bool = False
    persona_ids: list[str] = Field(default_factory=list)
    #: What the persona thinks at this touchpoint (the map's thoughts lane).
    thought: Annotated[str, Field(max_length=300)] = ""
    notes: Text = ""
    evidence: list[Evidence] = Field(default_factory=list)
