"""The start page and step 12: the project's name and industry, and the reviews of the map.

Both are forms: showing them writes nothing, so "Run All Cells" never puts placeholder
text into the trainee's workbook. Only a click on "Speichern" (or :meth:`save`) does.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, ClassVar

import ipywidgets as w  # type: ignore[import-untyped]  # ipywidgets ships no type hints

from cjmlib.errors import CJMError
from cjmlib.messages import t
from cjmlib.model import INDUSTRIES, JourneyProject, Review
from cjmlib.widgets.base import ObjectForm, RecordEditor, esc, short
from cjmlib.workbook import Workbook

#: Days until the next review proposed for a new one: the map is reviewed at least yearly.
NEXT_REVIEW_DAYS = 365


class ProjectForm(ObjectForm):
    """Name, industry and a short description of the trainee's journey project.

    ``value`` holds the saved values; type into ``form["name"]`` and click
    ``save_button`` (or call :meth:`save`).
    """

    FIELDS: ClassVar[tuple[str, ...]] = ("name", "industry", "description")
    title_key = "widgets.project.title"
    hint_key = "widgets.project.hint"

    def __init__(self, workbook: Workbook, **kwargs: Any) -> None:
        super().__init__(
            workbook, JourneyProject, self.FIELDS, suggestions={"industry": INDUSTRIES}, **kwargs
        )

    def _saved(self) -> dict[str, Any]:
        project = self.wb.project
        return {name: getattr(project, name) for name in self.FIELDS}

    def _store(self, data: dict[str, Any]) -> None:
        self.wb.set_project_info(**data)

    def _saved_message(self) -> str:
        return t("widgets.project.saved", name=short(self.value["name"]))


class ReviewLog(RecordEditor):
    """Step 12: reviews of the map, each with its trigger, findings, decisions and next date.

    Tick ``keep_snapshot`` before saving to keep the current state of the map as a named
    snapshot; the review then names it, so the next review can compare against it.
    """

    collection = "reviews"
    fields = (
        "title",
        "held",
        "trigger",
        "participants",
        "findings",
        "decisions",
        "next_review",
    )
    suggestions: ClassVar[dict[str, Sequence[str]]] = {}
    title_key = "widgets.review.title"

    def __init__(self, workbook: Workbook, **kwargs: Any) -> None:
        self.keep_snapshot = w.Checkbox(
            value=False,
            indent=False,
            description=t("widgets.review.keep_snapshot"),
            layout=w.Layout(width="auto"),
        )
        super().__init__(workbook, **kwargs)
        self._after_new()

    def _layout(self) -> list[w.Widget]:
        head = [w.HTML(f"<h3>{esc(t(self.title_key))}</h3>")]
        return [*head, self.toolbar, self.form, self.keep_snapshot, self.actions, self.table]

    def _after_new(self) -> None:
        self.form.set_values(
            {
                "held": dt.date.today(),
                "next_review": dt.date.today() + dt.timedelta(days=NEXT_REVIEW_DAYS),
            }
        )

    def _entries(self) -> list[Any]:
        return sorted(self.items, key=lambda r: r.held, reverse=True)

    def columns(self) -> list[tuple[str, Any]]:
        labels = Review.labels()
        return [
            (labels["held"], lambda r: r.held.strftime("%d.%m.%Y")),
            (labels["title"], lambda r: r.title),
            (labels["trigger"], lambda r: r.trigger),
            (
                labels["next_review"],
                lambda r: r.next_review.strftime("%d.%m.%Y") if r.next_review else "–",
            ),
            (labels["snapshot"], lambda r: r.snapshot or "–"),
        ]

    def save(self) -> bool:
        """Save the review; with ``keep_snapshot`` ticked, keep the map's state as well."""
        if not super().save():
            return False
        if self.keep_snapshot.value:
            review = self.items[self.selected_id]
            name = t(
                "widgets.review.snapshot_name",
                title=review.title,
                date=review.held.strftime("%d.%m.%Y"),
            )
            try:
                self.wb.snapshot(name, overwrite=True)
                self.items.update(review.id, snapshot=name)
            except CJMError as exc:
                self.status.fail(exc.message)
                return False
            self.keep_snapshot.value = False
            self.status.ok(
                t(
                    "widgets.review.saved_with_snapshot",
                    name=short(review.title),
                    snapshot=short(name),
                )
            )
        return True
