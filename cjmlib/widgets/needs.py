"""Step 3: needs per persona with importance, satisfaction and the opportunity score."""

from __future__ import annotations

from typing import Any, ClassVar

import ipywidgets as w

from cjmlib.messages import t
from cjmlib.model import Need
from cjmlib.widgets.base import NONE, LiveChart, RecordEditor, esc, html_table
from cjmlib.workbook import Workbook


class NeedsMatrix(RecordEditor):
    """Needs per persona, sorted by opportunity score (importance + unmet importance).

    ``persona_filter.value`` limits the table to one persona (``""`` shows all).
    """

    collection = "needs"
    fields = (
        "persona_id",
        "need",
        "expectation",
        "exceed",
        "importance",
        "satisfaction",
        "related_products",
    )
    refs: ClassVar[dict[str, tuple[str, bool]]] = {"persona_id": ("personas", False)}
    title_key = "widgets.needs.title"

    def __init__(self, workbook: Workbook, **kwargs: Any) -> None:
        self.persona_filter = w.Dropdown(
            options=[(t("widgets.common.all"), NONE)],
            value=NONE,
            description=t("widgets.needs.filter"),
            style={"description_width": "initial"},
            layout=w.Layout(width="auto", min_width="260px"),
        )
        self.chart = LiveChart()
        super().__init__(workbook, **kwargs)
        self.persona_filter.observe(lambda _: self._refresh_all(), "value")

    def _layout(self) -> list[w.Widget]:
        return [
            *super()._layout()[:-1],
            w.HTML(f'<div class="cjm-muted">{esc(t("widgets.needs.hint"))}</div>'),
            self.persona_filter,
            self.table,
            self.chart,
        ]

    def _refresh_all(self) -> None:
        self._refresh_selector()
        self._update_state()

    def _refresh_choices(self) -> None:
        super()._refresh_choices()
        options = [(t("widgets.common.all"), NONE)] + [(p.name, p.id) for p in self.wb.personas]
        keep = self.persona_filter.value
        self.persona_filter.options = options
        self.persona_filter.value = keep if keep in {o[1] for o in options} else NONE

    def _entries(self) -> list[Any]:
        wanted = self.persona_filter.value
        needs = [n for n in self.items if not wanted or n.persona_id == wanted]
        return sorted(needs, key=lambda n: (-n.opportunity, -n.importance, n.need.casefold()))

    def _after_new(self) -> None:
        if self.persona_filter.value:
            self.form["persona_id"].value = self.persona_filter.value

    def columns(self) -> list[tuple[str, Any]]:
        labels = Need.labels()
        names = {p.id: p.name for p in self.wb.personas}
        return [
            (labels["persona_id"], lambda n: names.get(n.persona_id, "–")),
            (labels["need"], lambda n: n.need),
            (labels["importance"], lambda n: n.importance),
            (labels["satisfaction"], lambda n: n.satisfaction),
            (t("widgets.needs.opportunity"), lambda n: f"{n.opportunity:g}"),
            (
                t("widgets.needs.rating"),
                lambda n: (
                    t("widgets.needs.underserved") if n.underserved else t("widgets.needs.served")
                ),
            ),
        ]

    def _update_state(self) -> None:
        super()._update_state()
        self.chart.show("needs_opportunity_chart", (self.wb.project,), {}, self._fallback)

    def _fallback(self) -> str:
        rows = [(n.need, f"{n.opportunity:g}", "█" * int(n.opportunity)) for n in self._entries()]
        return html_table(
            [t("model.need"), t("widgets.needs.opportunity"), ""],
            rows,
            empty=t("widgets.common.empty_table"),
        )
