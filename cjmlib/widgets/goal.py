"""Step 1: the shared goal and the target groups along the five segmentation criteria."""

from __future__ import annotations

import functools
from typing import Any

import ipywidgets as w
import traitlets as tl

from cjmlib.errors import CJMError
from cjmlib.messages import t
from cjmlib.model import SEGMENT_CRITERIA, Goal, Segment
from cjmlib.widgets.base import (
    ModelForm,
    RecordEditor,
    StatusLine,
    esc,
    field_errors,
    listen,
)


def _joined(segment: Segment, field: str) -> str:
    return "; ".join(getattr(segment, field))


class SegmentEditor(RecordEditor):
    """Target groups (segments), each described along the five criteria."""

    collection = "segments"
    fields = ("name", "description", *SEGMENT_CRITERIA, "share_percent", "priority")
    title_key = "widgets.goal.segments_title"

    def columns(self) -> list[tuple[str, Any]]:
        labels = Segment.labels()
        cols = [(labels["name"], lambda s: s.name)]
        cols += [(labels[c], functools.partial(_joined, field=c)) for c in SEGMENT_CRITERIA]
        cols += [
            (
                labels["share_percent"],
                lambda s: "" if s.share_percent is None else f"{s.share_percent:g} %",
            ),
            (labels["priority"], lambda s: s.priority),
        ]
        return cols


class GoalBuilder(w.VBox):
    """The business goal, the customer goal, KPIs, and the target groups.

    ``value`` holds the saved goal (as a dict); ``error`` the messages of the last save.
    Type into ``builder.form["business_goal"]`` and call ``builder.save_button.click()``.
    """

    value = tl.Dict()
    error = tl.Unicode("")

    def __init__(self, workbook: Any, **kwargs: Any) -> None:
        self.wb = workbook
        self.form = ModelForm(Goal, ("business_goal", "customer_goal", "kpis"))
        self.save_button = w.Button(
            description=t("widgets.goal.save"),
            icon="save",
            button_style="primary",
            layout=w.Layout(width="auto"),
        )
        self.status = StatusLine()
        self.save_button.on_click(lambda _: self.save())
        self.segments = SegmentEditor(workbook)
        super().__init__(
            [
                w.HTML(f"<h3>{esc(t('widgets.goal.title'))}</h3>"),
                w.HTML(f'<div class="cjm-muted">{esc(t("widgets.goal.hint"))}</div>'),
                self.form,
                w.HBox([self.save_button, self.status], layout=w.Layout(align_items="center")),
                self.segments,
            ],
            **kwargs,
        )
        self._load()
        listen(workbook, self._on_workbook_change)

    def _load(self) -> None:
        goal = self.wb.goal.model_dump()
        self.value = goal
        self.form.set_values(goal)

    def _on_workbook_change(self, _wb: Any, note: str) -> None:
        saved = self.wb.goal.model_dump()
        if saved != self.value:
            # Another builder or cell changed the goal: show it unless typing is pending.
            typed = self.form.values()
            pending = {k: v for k, v in typed.items() if v != self.value.get(k)}
            self.value = saved
            if not pending:
                self.form.set_values(saved)

    def save(self) -> bool:
        """Validate and save the goal; on errors nothing changes and the fields keep the text."""
        data = self.form.values()
        errors = field_errors(Goal, data)
        if not errors:
            try:
                self.wb.set_goal(**data)
            except CJMError as exc:
                errors = {exc.field or "": exc.message}
        if errors:
            self.form.show_errors(errors)
            self.error = "\n".join(errors.values())
            self.status.fail(t("widgets.common.not_saved"))
            return False
        self.form.clear_errors()
        self.error = ""
        self.value = self.wb.goal.model_dump()
        self.status.ok(t("widgets.goal.saved"))
        return True
