"""The journey project: everything one workbook holds, checked as a whole."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from pydantic import Field, model_validator

from cjmlib.errors import CJMError
from cjmlib.messages import t
from cjmlib.model.base import CJMModel, field_label, model_label
from cjmlib.model.boards import (
    Action,
    ChapterProgress,
    FeedbackItem,
    Hypothesis,
    PainPoint,
    Review,
    Solution,
)
from cjmlib.model.common import NonEmpty, Text
from cjmlib.model.entities import Goal, Need, Persona, Scenario, Segment, Touchpoint
from cjmlib.model.evidence import EvidenceRule, Verification, check_rule_targets
from cjmlib.model.phases import PhaseModel, preset

#: collection name -> model class, in the order of the method's steps.
COLLECTIONS: dict[str, type[CJMModel]] = {
    "segments": Segment,
    "personas": Persona,
    "needs": Need,
    "touchpoints": Touchpoint,
    "pain_points": PainPoint,
    "solutions": Solution,
    "hypotheses": Hypothesis,
    "feedback": FeedbackItem,
    "actions": Action,
    "reviews": Review,
    "evidence_rules": EvidenceRule,
    "verifications": Verification,
}

INDUSTRIES: tuple[str, ...] = (
    "Einzelhandel",
    "Bank",
    "Telekommunikation",
    "Reise",
    "Gesundheit",
    "Sonstige",
)


class JourneyProject(CJMModel):
    """One customer journey project with all its collections."""

    _label_key = "project"
    name: NonEmpty = "Meine Customer Journey"
    industry: Text = ""
    description: Text = ""
    created: dt.date = Field(default_factory=dt.date.today)
    goal: Goal = Field(default_factory=Goal)
    scenario: Scenario = Field(default_factory=Scenario)
    phase_model: PhaseModel = Field(default_factory=preset)
    segments: list[Segment] = Field(default_factory=list)
    personas: list[Persona] = Field(default_factory=list)
    needs: list[Need] = Field(default_factory=list)
    touchpoints: list[Touchpoint] = Field(default_factory=list)
    pain_points: list[PainPoint] = Field(default_factory=list)
    solutions: list[Solution] = Field(default_factory=list)
    hypotheses: list[Hypothesis] = Field(default_factory=list)
    feedback: list[FeedbackItem] = Field(default_factory=list)
    actions: list[Action] = Field(default_factory=list)
    reviews: list[Review] = Field(default_factory=list)
    evidence_rules: list[EvidenceRule] = Field(default_factory=list)
    verifications: list[Verification] = Field(default_factory=list)
    progress: dict[str, ChapterProgress] = Field(default_factory=dict)

    # References checked across collections: (collection, field, target collection).
    REFERENCES: ClassVar[list[tuple[str, str, str]]] = [
        ("personas", "segment_id", "segments"),
        ("needs", "persona_id", "personas"),
        ("touchpoints", "persona_ids", "personas"),
        ("pain_points", "touchpoint_ids", "touchpoints"),
        ("pain_points", "persona_ids", "personas"),
        ("solutions", "pain_point_ids", "pain_points"),
        ("hypotheses", "solution_id", "solutions"),
        ("hypotheses", "pain_point_id", "pain_points"),
        ("feedback", "touchpoint_id", "touchpoints"),
        ("actions", "solution_id", "solutions"),
    ]

    @model_validator(mode="after")
    def _check_references(self) -> JourneyProject:
        pm = self.phase_model
        # Safe to bypass validate_assignment here: ``pm.resolve`` either returns the id of
        # an existing phase (a valid value) or raises; going through setattr would run this
        # whole-project validator again for every entry.
        for tp in self.touchpoints:
            resolved = pm.resolve(tp.phase, field=f"touchpoints[{tp.name!r}].phase")
            if resolved != tp.phase:
                object.__setattr__(tp, "phase", resolved)
        for coll in ("pain_points", "feedback"):
            for item in getattr(self, coll):
                if item.phase:
                    object.__setattr__(item, "phase", pm.resolve(item.phase))
        for coll in COLLECTIONS:
            seen: set[str] = set()
            for item in getattr(self, coll):
                if item.id in seen:
                    raise CJMError(
                        t("error.duplicate_id", collection=t(f"collection.{coll}"), id=item.id),
                        field="id",
                        value=item.id,
                    )
                seen.add(item.id)
        ids = {coll: {i.id for i in getattr(self, coll)} for coll in COLLECTIONS}
        for coll, field, target in self.REFERENCES:
            model = COLLECTIONS[coll]
            for item in getattr(self, coll):
                refs = getattr(item, field)
                for ref in refs if isinstance(refs, list) else [refs]:
                    if ref is not None and ref not in ids[target]:
                        raise self._dangling(model, item, field, ref, target)
        check_rule_targets(self)
        return self

    def _dangling(
        self, model: type[CJMModel], item: Any, field: str, ref: str, target: str
    ) -> CJMError:
        names = [self._title(x) for x in getattr(self, target)]
        allowed = ", ".join(
            f"{x.id} ({n})" for x, n in zip(getattr(self, target), names, strict=True)
        ) or t("allowed.none_yet")
        return CJMError(
            t(
                "error.dangling_reference",
                model=model_label(model),
                item=self._title(item),
                label=field_label(model, field),
                field=field,
                value=ref,
                target=t(f"collection.{target}"),
                allowed=allowed,
            ),
            field=field,
            value=ref,
            allowed=allowed,
        )

    @staticmethod
    def _title(item: Any) -> str:
        for attr in ("name", "title", "need", "assumption", "text"):
            if hasattr(item, attr):
                return str(getattr(item, attr))
        return str(item.id)
