"""The journey project: everything one workbook holds, checked as a whole."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from pydantic import Field, model_validator

from cjmlib.errors import CJMError
from cjmlib.messages import t
from cjmlib.messages.choices import unknown_choice
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
from cjmlib.model.evidence import Claim, EvidenceRule, Verification
from cjmlib.model.phases import PhaseModel, preset
from cjmlib.model.rule_targets import HOME, resolve_target

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


# -- the claims of the map and the rules that name them ---------------------------------
# They read the whole project, so they live beside it: evidence.py knows rules and
# verifications but not the project that holds them (no import back, no cycle).


def claims_of(project: JourneyProject) -> list[Claim]:
    """Every claim of ``project``'s map, in the order of the method's steps.

    Claims are: the emotion of each touchpoint whose emotion is not neutral; each moment
    of truth; each pain point; each hypothesis; each KPI of the goal and of the action
    plan. A touchpoint whose neutral emotion (or unmarked moment of truth) carries a rule
    is a claim too: the rule makes it one.
    """
    ruled = {(r.claim, r.target) for r in project.evidence_rules}
    tp_phase = {tp.id: tp.phase for tp in project.touchpoints}
    order = {pid: i for i, pid in enumerate(project.phase_model.ids)}
    out: list[Claim] = []
    for tp in project.touchpoints:
        if tp.emotion != 0 or ("emotion", tp.id) in ruled:
            out.append(Claim("emotion", tp.id, tp.name, tp.phase, (tp.id,)))
    for tp in project.touchpoints:
        if tp.moment_of_truth or ("moment_of_truth", tp.id) in ruled:
            out.append(Claim("moment_of_truth", tp.id, tp.name, tp.phase, (tp.id,)))
    pain_phase: dict[str, str | None] = {}
    for pp in project.pain_points:
        phases = sorted(
            {tp_phase[i] for i in pp.touchpoint_ids if i in tp_phase}, key=lambda p: order[p]
        )
        phase = pp.phase or (phases[0] if phases else None)
        pain_phase[pp.id] = phase
        out.append(Claim("pain_point", pp.id, pp.title, phase, tuple(pp.touchpoint_ids)))
    sol_pains = {s.id: s.pain_point_ids for s in project.solutions}

    def via_solution(solution_id: str | None) -> str | None:
        found = [pain_phase.get(p) for p in sol_pains.get(solution_id or "", [])]
        phases = sorted({p for p in found if p}, key=lambda p: order[p])
        return phases[0] if phases else None

    for hyp in project.hypotheses:
        phase = pain_phase.get(hyp.pain_point_id or "") or via_solution(hyp.solution_id)
        out.append(Claim("hypothesis", hyp.id, hyp.assumption, phase))
    for kpi in project.goal.kpis:
        out.append(Claim("kpi", kpi, kpi, None))
    for act in project.actions:
        if act.kpi:
            name = f"{act.kpi} ({act.target})" if act.target else act.kpi
            out.append(Claim("kpi", act.id, name, via_solution(act.solution_id)))
    return out


def check_rule_targets(project: JourneyProject) -> None:
    """Raise a German error when a rule names a claim target that is not in ``project``.

    A target given by name (the touchpoint's name, the pain point's title, the
    hypothesis's assumption) is replaced by that entry's id (:mod:`.rule_targets`).
    """
    entries = {
        "touchpoints": {tp.id: tp.name for tp in project.touchpoints},
        "pain_points": {pp.id: pp.title for pp in project.pain_points},
        "hypotheses": {h.id: h.assumption for h in project.hypotheses},
    }
    ids = {claim: entries[home] for claim, home in HOME.items()}
    kpis = {k.casefold(): k for k in project.goal.kpis}
    kpis.update({a.id: a.kpi for a in project.actions if a.kpi})
    groups = {s.id: s.name for s in project.segments}
    groups.update({p.id: p.name for p in project.personas})
    for rule in project.evidence_rules:
        if rule.segment and rule.segment not in groups:
            allowed = ", ".join(f"{v} ({k})" for k, v in groups.items()) or t("allowed.none_yet")
            raise unknown_choice(
                "living_map.rule.unknown_segment",
                allowed=allowed,
                value=rule.segment,
                field="segment",
                title=rule.title,
            )
        if rule.claim != "kpi":
            resolved = resolve_target(rule.title, rule.claim, rule.target, entries)
            if resolved is not None:
                if resolved != rule.target:  # a validated assignment: an existing id
                    rule.target = resolved
                continue
        known: dict[str, str] = kpis if rule.claim == "kpi" else ids[rule.claim]
        key = rule.target.casefold() if rule.claim == "kpi" else rule.target
        if key in known or (rule.claim == "kpi" and rule.target in known):
            continue
        shown = [f"{v} ({k})" if k != v.casefold() else v for k, v in known.items()][:20]
        allowed = ", ".join(shown) or t("allowed.none_yet")
        raise unknown_choice(
            "living_map.rule.dangling",
            allowed=allowed,
            value=rule.target,
            field="target",
            title=rule.title,
            claim=t(f"living_map.claim.{rule.claim}"),
            target=rule.target,
            where=t(f"living_map.claim_home.{rule.claim}"),
        )
