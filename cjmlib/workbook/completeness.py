"""Is the capstone complete? One check per part of the final report, each naming its chapter.

:func:`capstone_checks` looks at a workbook (or a project) and returns one
:class:`Check` per part of the capstone report, in the order of the method: goal and
target group, personas with evidence, needs, touchpoints, scenario and thoughts, pain
points with solutions, owners and KPIs, tested assumptions, the feedback plan, the
action plan, the review schedule and the as-is / to-be pair of maps. A failed check says
in German what is missing, names the entries concerned and the chapter to go back to.

:func:`completeness_score` turns the checks into the automatic part of the capstone's
grade (the nbgrader assignment calls it; the rubric for the manual part is in the
message catalogue, ``capstone.rubric.*``). An empty workbook scores 0, the reference
workbook full marks.

The as-is map is a snapshot (by default named :data:`IST_SNAPSHOT`, "Ist-Map"), the
to-be map the current state of the workbook – the way chapter 12 compares two states.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from cjmlib.messages import t
from cjmlib.model import JourneyProject
from cjmlib.model.lookup import as_project
from cjmlib.workbook.diff import compare_projects
from cjmlib.workbook.workbook import Workbook

#: The snapshot that holds the as-is map ("Ist-Map"); the current state is the to-be map.
IST_SNAPSHOT = "Ist-Map"
#: The pain points with the highest priority that must each have a solution.
TOP_PAINS = 3
#: How many names a message lists before it says "and k more".
NAMES_SHOWN = 4


@dataclass(frozen=True)
class Check:
    """One completeness check of the capstone.

    ``key`` is stable (``"goal"``, ``"personas"`` …); ``chapter`` the chapter to go back
    to; ``title`` and ``message`` are German (``message`` says what is missing and what
    to do, or confirms what is there); ``points`` its weight in the automatic score.
    """

    key: str
    chapter: int
    title: str
    passed: bool
    message: str
    points: int


@dataclass(frozen=True)
class Score:
    """The automatic completeness score: points reached of ``total``."""

    points: int
    total: int

    @property
    def share(self) -> float:
        return self.points / self.total if self.total else 0.0


def _names(items: Sequence[str]) -> str:
    shown = [f"„{name}“" for name in items[:NAMES_SHOWN]]
    if len(items) > NAMES_SHOWN:
        shown.append(t("capstone.check.more", count=len(items) - NAMES_SHOWN))
    return ", ".join(shown)


def project_of(source: Workbook | JourneyProject) -> JourneyProject:
    """The project of a workbook (or the project itself); anything else: a German error."""
    return as_project(source, arg="wb")


def ist_state(
    source: Workbook | JourneyProject, ist: str | JourneyProject | None = IST_SNAPSHOT
) -> JourneyProject | None:
    """The as-is state: ``ist`` itself, or the workbook's snapshot named ``ist`` (else None)."""
    if isinstance(ist, JourneyProject):
        return ist
    if ist is None or not isinstance(source, Workbook):
        return None
    if ist not in {s.name for s in source.snapshots()}:
        return None
    return source.snapshot_project(ist)


# -- the checks, one function each -------------------------------------------------------

Result = tuple[bool, str]


def _goal(p: JourneyProject) -> Result:
    missing = [
        label
        for label, value in (
            (t("field.goal.business_goal"), p.goal.business_goal),
            (t("field.goal.customer_goal"), p.goal.customer_goal),
            (t("field.goal.kpis"), p.goal.kpis),
        )
        if not value
    ]
    if not p.segments:
        missing.append(t("collection.segments"))
    if missing:
        return False, t("capstone.check.goal.missing", missing=", ".join(missing))
    return True, t("capstone.check.goal.ok", segments=len(p.segments), kpis=len(p.goal.kpis))


def _personas(p: JourneyProject) -> Result:
    if not p.personas:
        return False, t("capstone.check.personas.none")
    weak = [x.name for x in p.personas if x.assumption_share >= 1.0]
    if weak:
        return False, t("capstone.check.personas.no_evidence", names=_names(weak))
    return True, t("capstone.check.personas.ok", count=len(p.personas))


def _needs(p: JourneyProject) -> Result:
    if not p.needs:
        return False, t("capstone.check.needs.none")
    return True, t("capstone.check.needs.ok", count=len(p.needs))


def _touchpoints(p: JourneyProject) -> Result:
    if not p.touchpoints:
        return False, t("capstone.check.touchpoints.none")
    used = {tp.phase for tp in p.touchpoints}
    empty = [ph.name for ph in p.phase_model.phases if ph.id not in used]
    if empty:
        return False, t("capstone.check.touchpoints.empty_phases", phases=_names(empty))
    if not any(tp.moment_of_truth for tp in p.touchpoints):
        return False, t("capstone.check.touchpoints.no_moment")
    return True, t("capstone.check.touchpoints.ok", count=len(p.touchpoints))


def _scenario(p: JourneyProject) -> Result:
    missing = [
        t(f"field.scenario.{name}")
        for name in ("situation", "expectation")
        if not getattr(p.scenario, name)
    ]
    if missing:
        return False, t("capstone.check.scenario.missing", missing=", ".join(missing))
    used = {tp.phase for tp in p.touchpoints if tp.thought}
    empty = [ph.name for ph in p.phase_model.phases if ph.id not in used]
    if empty:
        return False, t("capstone.check.scenario.no_thoughts", phases=_names(empty))
    return True, t("capstone.check.scenario.ok")


def _pain_points(p: JourneyProject) -> Result:
    if not p.pain_points:
        return False, t("capstone.check.pain_points.none")
    solved = {pid for s in p.solutions if s.status != "Verworfen" for pid in s.pain_point_ids}
    # Not every pain point needs an answer at once, but the most pressing ones do.
    top = sorted(p.pain_points, key=lambda pp: -pp.priority)[:TOP_PAINS]
    open_ = [pp.title for pp in top if pp.id not in solved]
    if open_:
        return False, t("capstone.check.pain_points.unsolved", names=_names(open_))
    return True, t(
        "capstone.check.pain_points.ok",
        solved=sum(pp.id in solved for pp in p.pain_points),
        pains=len(p.pain_points),
    )


def _owners(p: JourneyProject) -> Result:
    active = [s for s in p.solutions if s.status != "Verworfen"]
    if not active:
        return False, t("capstone.check.owners.none")
    lacking = [s.title for s in active if not (s.owner and s.kpi)]
    if lacking:
        return False, t("capstone.check.owners.missing", names=_names(lacking))
    return True, t("capstone.check.owners.ok", count=len(active))


def _hypotheses(p: JourneyProject) -> Result:
    if not p.hypotheses:
        return False, t("capstone.check.hypotheses.none")
    tested = [h for h in p.hypotheses if h.result != "offen"]
    if not tested:
        return False, t("capstone.check.hypotheses.untested", count=len(p.hypotheses))
    return True, t("capstone.check.hypotheses.ok", tested=len(tested), total=len(p.hypotheses))


def _feedback(p: JourneyProject) -> Result:
    linked = [f for f in p.feedback if f.touchpoint_id]
    if not linked:
        return False, t("capstone.check.feedback.none")
    sources = sorted({f.source for f in p.feedback})
    return True, t("capstone.check.feedback.ok", count=len(p.feedback), sources=", ".join(sources))


def _actions(p: JourneyProject) -> Result:
    if not p.actions:
        return False, t("capstone.check.actions.none")
    lacking = [a.title for a in p.actions if not (a.due and a.kpi)]
    if lacking:
        return False, t("capstone.check.actions.missing", names=_names(lacking))
    return True, t("capstone.check.actions.ok", count=len(p.actions))


def _reviews(p: JourneyProject) -> Result:
    planned = sorted(r.next_review for r in p.reviews if r.next_review)
    if not planned:
        return False, t("capstone.check.reviews.none")
    return True, t("capstone.check.reviews.ok", date=planned[-1].strftime("%d.%m.%Y"))


def _ist_soll(p: JourneyProject, ist: JourneyProject | None, ist_name: str) -> Result:
    if ist is None:
        return False, t("capstone.check.ist_soll.no_snapshot", name=ist_name)
    diff = compare_projects(ist, p)
    if not diff:
        return False, t("capstone.check.ist_soll.unchanged", name=ist_name)
    return True, t("capstone.check.ist_soll.ok", name=ist_name, changes=len(diff.changes))


#: key -> (chapter to go back to, points, check). The order is the report's order.
CHECKS: dict[str, tuple[int, int, Callable[[JourneyProject], Result]]] = {
    "goal": (1, 2, _goal),
    "personas": (2, 2, _personas),
    "needs": (3, 1, _needs),
    "touchpoints": (4, 2, _touchpoints),
    "scenario": (6, 1, _scenario),
    "pain_points": (7, 2, _pain_points),
    "owners": (8, 2, _owners),
    "hypotheses": (9, 2, _hypotheses),
    "feedback": (10, 1, _feedback),
    "actions": (11, 2, _actions),
    "reviews": (12, 1, _reviews),
}
IST_SOLL = ("ist_soll", 13, 2)


def capstone_checks(
    wb: Workbook | JourneyProject, *, ist: str | JourneyProject | None = IST_SNAPSHOT
) -> list[Check]:
    """Check every part of the capstone report; failed checks say what to do, in German.

    Parameters
    ----------
    wb:
        The trainee's workbook (or a project).
    ist:
        The as-is state: the name of a snapshot (default ``"Ist-Map"``) or a project.
        The to-be state is always the workbook as it is now.
    """
    project = project_of(wb)
    checks = []
    for key, (chapter, points, run) in CHECKS.items():
        passed, message = run(project)
        checks.append(
            Check(key, chapter, t(f"capstone.check.{key}.title"), passed, message, points)
        )
    key, chapter, points = IST_SOLL
    name = ist if isinstance(ist, str) else (ist.name if ist is not None else IST_SNAPSHOT)
    passed, message = _ist_soll(project, ist_state(wb, ist), name)
    checks.append(Check(key, chapter, t(f"capstone.check.{key}.title"), passed, message, points))
    return checks


def completeness_score(wb: Workbook | JourneyProject | Sequence[Check], **kwargs: Any) -> Score:
    """The automatic part of the capstone grade: points of the passed checks.

    Takes a workbook (checked with :func:`capstone_checks`, ``kwargs`` passed on) or a
    list of checks already made.
    """
    if isinstance(wb, (Workbook, JourneyProject)):
        checks: Sequence[Check] = capstone_checks(wb, **kwargs)
    else:
        checks = wb
    return Score(sum(c.points for c in checks if c.passed), sum(c.points for c in checks))


def missing_text(checks: Sequence[Check]) -> str:
    """The failed checks as German lines, each with the chapter to go back to."""
    failed = [c for c in checks if not c.passed]
    if not failed:
        return t("capstone.check.all_done")
    intro = "capstone.check.intro_one" if len(failed) == 1 else "capstone.check.intro"
    lines = [t(intro, count=len(failed))]
    lines += [
        t("capstone.check.line", chapter=c.chapter, title=c.title, message=c.message)
        for c in failed
    ]
    return "\n".join(lines)


#: The rubric's criteria (``capstone.rubric.<key>_title`` / ``_text``) and their points.
RUBRIC_POINTS: dict[str, int] = {"c1": 5, "c2": 5, "c3": 6, "c4": 6, "c5": 4, "c6": 4}


def rubric_markdown() -> str:
    """The quality rubric as German Markdown, for the assignment's manual grade cells."""
    lines = [f"### {t('capstone.rubric.title')}", "", t("capstone.rubric.intro"), ""]
    for key in RUBRIC_POINTS:
        lines.append(
            f"- **{t(f'capstone.rubric.{key}_title')}** {t(f'capstone.rubric.{key}_text')}"
        )
    return "\n".join(lines) + "\n"
