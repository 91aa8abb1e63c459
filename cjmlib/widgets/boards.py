"""Steps 7 to 11: pain points, solutions (impact/effort), hypotheses, feedback, action plan."""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Sequence
from typing import Any, ClassVar

import ipywidgets as w

from cjmlib.messages import t
from cjmlib.model import DEPARTMENTS, Action, FeedbackItem, Hypothesis, PainPoint, Solution
from cjmlib.widgets.base import PHASES, STYLE, LiveChart, RecordEditor, esc
from cjmlib.workbook import Workbook

QUADRANTS = ("Quick Win", "Großprojekt", "Lückenfüller", "Zeitfresser")


class PainPointBoard(RecordEditor):
    """Step 7: pain points with severity, frequency and evidence, ranked by priority."""

    collection = "pain_points"
    fields = (
        "title",
        "description",
        "phase",
        "category",
        "severity",
        "frequency",
        "touchpoint_ids",
        "persona_ids",
        "evidence",
    )
    refs: ClassVar[dict[str, tuple[str, bool]]] = {
        "phase": (PHASES, False),
        "touchpoint_ids": ("touchpoints", True),
        "persona_ids": ("personas", True),
    }
    title_key = "widgets.boards.pain_points_title"

    def _entries(self) -> list[Any]:
        return sorted(self.items, key=lambda p: -p.priority)

    def columns(self) -> list[tuple[str, Any]]:
        labels = PainPoint.labels()
        pm = self.wb.phase_model
        return [
            (labels["title"], lambda p: p.title),
            (labels["phase"], lambda p: pm.name_of(p.phase) if p.phase else "–"),
            (labels["category"], lambda p: p.category),
            (labels["severity"], lambda p: p.severity),
            (labels["frequency"], lambda p: p.frequency),
            (t("widgets.boards.priority"), lambda p: p.priority),
            (labels["evidence"], lambda p: len(p.evidence)),
        ]


class SolutionBoard(RecordEditor):
    """Step 8: solutions linked to pain points, placed on an impact/effort grid."""

    collection = "solutions"
    fields = (
        "title",
        "description",
        "pain_point_ids",
        "impact",
        "effort",
        "owner",
        "status",
        "kpi",
    )
    refs: ClassVar[dict[str, tuple[str, bool]]] = {"pain_point_ids": ("pain_points", True)}
    title_key = "widgets.boards.solutions_title"

    def __init__(self, workbook: Workbook, **kwargs: Any) -> None:
        self.grid = w.HTML(layout=w.Layout(width="100%"))
        self.chart = LiveChart()
        super().__init__(workbook, **kwargs)

    def _layout(self) -> list[w.Widget]:
        return [
            *super()._layout(),
            w.HTML(f"<b>{esc(t('widgets.boards.grid_title'))}</b>"),
            self.grid,
            self.chart,
        ]

    def columns(self) -> list[tuple[str, Any]]:
        labels = Solution.labels()
        pains = {p.id: p.title for p in self.wb.pain_points}
        return [
            (labels["title"], lambda s: s.title),
            (labels["impact"], lambda s: s.impact),
            (labels["effort"], lambda s: s.effort),
            (t("widgets.boards.quadrant"), lambda s: s.quadrant),
            (
                labels["pain_point_ids"],
                lambda s: ", ".join(pains.get(i, i) for i in s.pain_point_ids),
            ),
            (labels["status"], lambda s: s.status),
        ]

    def _update_state(self) -> None:
        super()._update_state()
        solutions = list(self.items)
        boxes = []
        # Top row: high impact (quick wins left, big projects right); bottom: low impact.
        for quadrant in ("Quick Win", "Großprojekt", "Lückenfüller", "Zeitfresser"):
            names = [s.title for s in solutions if s.quadrant == quadrant]
            items = (
                "".join(f"<li>{esc(n)}</li>" for n in names)
                or f'<li class="cjm-muted">{esc(t("widgets.boards.quadrant_empty"))}</li>'
            )
            hint = t(f"widgets.boards.hint_{QUADRANTS.index(quadrant)}")
            boxes.append(
                f'<div class="cjm-quad"><b>{esc(quadrant)}</b>'
                f'<span class="cjm-muted">{esc(hint)}</span>'
                f'<ul style="margin:4px 0 0 16px;padding:0">{items}</ul></div>'
            )
        self.grid.value = STYLE + f'<div class="cjm-grid">{"".join(boxes)}</div>'
        self.chart.show("impact_effort_chart", (self.wb,), {}, lambda: "")
        # The chart shows the same grid; the HTML grid stands in when there is no chart.
        self.grid.layout.display = "none" if self.chart.chart is not None else "block"


class HypothesisRegister(RecordEditor):
    """Step 9: assumptions to test, with test method, metric and result."""

    collection = "hypotheses"
    fields = (
        "assumption",
        "test_method",
        "metric",
        "success_criterion",
        "result",
        "result_note",
        "solution_id",
        "pain_point_id",
    )
    refs: ClassVar[dict[str, tuple[str, bool]]] = {
        "solution_id": ("solutions", False),
        "pain_point_id": ("pain_points", False),
    }
    title_key = "widgets.boards.hypotheses_title"

    def columns(self) -> list[tuple[str, Any]]:
        labels = Hypothesis.labels()
        return [
            (labels[f], operator.attrgetter(f))
            for f in ("assumption", "test_method", "metric", "success_criterion", "result")
        ]


class FeedbackLog(RecordEditor):
    """Step 10: feedback from customers, tied to a touchpoint or phase where possible."""

    collection = "feedback"
    fields = ("text", "received", "source", "touchpoint_id", "phase", "sentiment", "score", "tags")
    refs: ClassVar[dict[str, tuple[str, bool]]] = {
        "touchpoint_id": ("touchpoints", False),
        "phase": (PHASES, False),
    }
    title_key = "widgets.boards.feedback_title"

    def _entries(self) -> list[Any]:
        return sorted(self.items, key=lambda f: f.received, reverse=True)

    def columns(self) -> list[tuple[str, Any]]:
        labels = FeedbackItem.labels()
        tps = {tp.id: tp.name for tp in self.wb.touchpoints}
        return [
            (labels["received"], lambda f: f.received.strftime("%d.%m.%Y")),
            (labels["source"], lambda f: f.source),
            (labels["text"], lambda f: f.text),
            (labels["touchpoint_id"], lambda f: tps.get(f.touchpoint_id, "–")),
            (labels["sentiment"], lambda f: f"{f.sentiment:+d}"),
            (labels["score"], lambda f: "" if f.score is None else f.score),
            (labels["tags"], lambda f: ", ".join(f.tags)),
        ]


class ActionPlan(RecordEditor):
    """Step 11: the implementation plan: owner, department, due date, KPI and status."""

    collection = "actions"
    fields = ("title", "owner", "department", "due", "kpi", "target", "status", "solution_id")
    refs: ClassVar[dict[str, tuple[str, bool]]] = {"solution_id": ("solutions", False)}
    suggestions: ClassVar[dict[str, Sequence[str]]] = {"department": DEPARTMENTS}
    title_key = "widgets.boards.actions_title"

    def _entries(self) -> list[Any]:
        return sorted(self.items, key=lambda a: (a.due is None, a.due or dt.date.min))

    def columns(self) -> list[tuple[str, Any]]:
        labels = Action.labels()
        return [
            (labels["title"], lambda a: a.title),
            (labels["owner"], lambda a: a.owner),
            (labels["department"], lambda a: a.department),
            (labels["due"], lambda a: a.due.strftime("%d.%m.%Y") if a.due else "–"),
            (labels["kpi"], lambda a: a.kpi),
            (labels["target"], lambda a: a.target),
            (labels["status"], lambda a: a.status),
        ]
