"""Step 1: the shared goal and the target groups along the five segmentation criteria."""

from __future__ import annotations

import functools
from typing import Any

from cjmlib.messages import t
from cjmlib.model import SEGMENT_CRITERIA, Goal, Segment
from cjmlib.widgets.base import ObjectForm, RecordEditor
from cjmlib.workbook import Workbook


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


class GoalBuilder(ObjectForm):
    """The business goal, the customer goal, KPIs, and the target groups.

    ``value`` holds the saved goal (as a dict); ``error`` the messages of the last save.
    Type into ``builder.form["business_goal"]`` and call ``builder.save_button.click()``.
    """

    title_key = "widgets.goal.title"
    hint_key = "widgets.goal.hint"
    save_key = "widgets.goal.save"

    def __init__(self, workbook: Workbook, **kwargs: Any) -> None:
        self.segments = SegmentEditor(workbook)
        super().__init__(
            workbook,
            Goal,
            ("business_goal", "customer_goal", "kpis"),
            below=[self.segments],
            **kwargs,
        )

    def _saved(self) -> dict[str, Any]:
        return dict(self.wb.goal.model_dump())

    def _store(self, data: dict[str, Any]) -> None:
        self.wb.set_goal(**data)

    def _saved_message(self) -> str:
        return t("widgets.goal.saved")
