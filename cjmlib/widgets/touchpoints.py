"""Step 4: the touchpoint inventory: table, filters, paging, import, live overview.

The table is one escaped HTML table showing one page (not one widget per row), so an
inventory of 500 touchpoints redraws quickly after every saved edit.
"""

from __future__ import annotations

import collections
from collections.abc import Sequence
from typing import Any, ClassVar

import ipywidgets as w
import pandas as pd
import traitlets as tl

from cjmlib.errors import CJMError
from cjmlib.messages import t
from cjmlib.model import CHANNELS, DEPARTMENTS, DEVICES, JourneyProject, Touchpoint
from cjmlib.widgets.base import (
    NONE,
    PHASES,
    STYLE,
    LiveChart,
    RecordEditor,
    StatusLine,
    button,
    esc,
    html_table,
)
from cjmlib.workbook import Workbook

ALL = NONE
PAGE_SIZE = 25
SORTS = ("relevance", "order", "phase", "name")


def _filter(key: str, options: Sequence[tuple[str, str]] = ()) -> w.Dropdown:
    """A filter of the inventory: "all" first, then ``options`` (the phase and channel
    filters get theirs from the workbook when it draws)."""
    return w.Dropdown(
        options=[(t("widgets.common.all"), ALL), *options],
        value=ALL,
        description=t(key),
        style={"description_width": "initial"},
        layout=w.Layout(width="auto"),
    )


class TouchpointInventory(RecordEditor):
    """All touchpoints in one table: add, edit, delete, filter, sort, mark, import.

    Traits
    ------
    page:
        The page of the table shown (0-based, ``PAGE_SIZE`` rows each).
    selected_id, error:
        As in every builder: the touchpoint in the form and the last error messages.

    Filters are plain widgets: ``phase_filter``, ``channel_filter``, ``online_filter``
    (``""`` = all, ``"online"``, ``"offline"``), ``search`` and ``sort``.
    """

    collection = "touchpoints"
    fields = tuple(name for name in Touchpoint.model_fields if name != "id")
    refs: ClassVar[dict[str, tuple[str, bool]]] = {
        "phase": (PHASES, False),
        "persona_ids": ("personas", True),
    }
    suggestions: ClassVar[dict[str, Sequence[str]]] = {
        "channel": CHANNELS,
        "device": DEVICES,
        "department": DEPARTMENTS,
    }
    title_key = "widgets.touchpoints.title"

    page = tl.Int(0)
    page_count = tl.Int(1)

    def __init__(self, workbook: Workbook, *, page_size: int = PAGE_SIZE, **kwargs: Any) -> None:
        self.page_size = page_size
        self._tps: list[Touchpoint] = []
        self._project: JourneyProject  # set by _load, before anything reads it
        self._shown: list[Touchpoint] = []
        small = {"description_width": "initial"}
        self.phase_filter = _filter("widgets.touchpoints.filter_phase")
        self.channel_filter = _filter("widgets.touchpoints.filter_channel")
        self.online_filter = _filter(
            "widgets.touchpoints.filter_online",
            [
                (t("widgets.touchpoints.online"), "online"),
                (t("widgets.touchpoints.offline"), "offline"),
            ],
        )
        self.search = w.Text(
            placeholder=t("widgets.touchpoints.search"), layout=w.Layout(width="180px")
        )
        self.sort = w.Dropdown(
            options=[(t(f"widgets.touchpoints.sort_{s}"), s) for s in SORTS],
            value="relevance",
            description=t("widgets.touchpoints.sort"),
            style=small,
            layout=w.Layout(width="auto"),
        )
        self.prev_button = button("widgets.touchpoints.prev", icon="arrow-left")
        self.next_button = button("widgets.touchpoints.next", icon="arrow-right")
        self.page_label = w.Label()
        self.mot_button = button("widgets.touchpoints.mark_mot", icon="star")
        self.hidden_button = button("widgets.touchpoints.mark_hidden", icon="eye-slash")
        self.upload = w.FileUpload(
            accept=".csv,.xlsx,.xls",
            multiple=False,
            description=t("widgets.touchpoints.upload"),
            layout=w.Layout(width="auto"),
        )
        self.import_mode = w.ToggleButtons(
            options=[
                (t("widgets.touchpoints.mode_append"), "append"),
                (t("widgets.touchpoints.mode_replace"), "replace"),
            ],
            value="append",
            style={"button_width": "auto"},
        )
        self.import_status = StatusLine()
        self.overview = LiveChart()
        super().__init__(workbook, **kwargs)
        for widget in (
            self.phase_filter,
            self.channel_filter,
            self.online_filter,
            self.search,
            self.sort,
        ):
            widget.observe(self._on_filter, "value")
        self.prev_button.on_click(lambda _: self._turn(-1))
        self.next_button.on_click(lambda _: self._turn(1))
        self.mot_button.on_click(lambda _: self.toggle("moment_of_truth"))
        self.hidden_button.on_click(lambda _: self.toggle("hidden"))
        self.upload.observe(self._on_upload, "value")

    # -- layout --------------------------------------------------------------------------
    def _layout(self) -> list[w.Widget]:
        row = w.Layout(flex_flow="row wrap", align_items="center")
        head = w.HTML(f"<h3>{esc(t(self.title_key))}</h3>")
        filters = w.HBox(
            [self.phase_filter, self.channel_filter, self.online_filter, self.search, self.sort],
            layout=row,
        )
        paging = w.HBox([self.prev_button, self.page_label, self.next_button], layout=row)
        marks = w.HBox([self.mot_button, self.hidden_button], layout=row)
        importer = w.VBox(
            [
                w.HTML(f"<b>{esc(t('widgets.touchpoints.import_title'))}</b>"),
                w.HTML(f'<div class="cjm-muted">{esc(t("widgets.touchpoints.import_hint"))}</div>'),
                w.HBox([self.upload, self.import_mode], layout=row),
                self.import_status,
            ]
        )
        overview = w.VBox(
            [w.HTML(f"<b>{esc(t('widgets.touchpoints.overview_title'))}</b>"), self.overview]
        )
        return [
            head,
            filters,
            self.table,
            paging,
            self.toolbar,
            marks,
            self.form,
            self.actions,
            importer,
            overview,
        ]

    # -- data ----------------------------------------------------------------------------
    def _load(self) -> None:
        # The workbook replaces its project object on every save and never changes it in
        # place, so the current one can be read without a deep copy of 500 touchpoints.
        # It is only read here, never changed.
        self._project = self.wb._current()
        self._tps = self._project.touchpoints

    def _entries(self) -> list[Touchpoint]:
        phase, channel = self.phase_filter.value, self.channel_filter.value
        online, text = self.online_filter.value, self.search.value.strip().casefold()
        shown = [
            tp
            for tp in self._tps
            if (not phase or tp.phase == phase)
            and (not channel or tp.channel == channel)
            and (not online or tp.online == (online == "online"))
            and (not text or text in tp.name.casefold() or text in tp.notes.casefold())
        ]
        order = {pid: i for i, pid in enumerate(self._project.phase_model.ids)}
        how = self.sort.value
        if how == "relevance":
            shown.sort(key=lambda tp: (-tp.relevance, order.get(tp.phase, 99)))
        elif how == "phase":
            shown.sort(key=lambda tp: order.get(tp.phase, 99))
        elif how == "name":
            shown.sort(key=lambda tp: tp.name.casefold())
        self._shown = shown
        return shown

    def _label(self, tp: Touchpoint) -> str:
        return f"{tp.name} ({self._phase_names.get(tp.phase, tp.phase)} · {tp.channel})"

    # -- refresh -------------------------------------------------------------------------
    def _refresh_choices(self) -> None:
        super()._refresh_choices()
        self._load()
        pm = self._project.phase_model
        self._phase_names = {p.id: p.name for p in pm.phases}
        self._set_options(self.phase_filter, [(p.name, p.id) for p in pm.phases])
        channels = sorted({tp.channel for tp in self._tps}, key=str.casefold)
        self._set_options(self.channel_filter, [(c, c) for c in channels])

    @staticmethod
    def _set_options(dropdown: w.Dropdown, options: list[tuple[str, str]]) -> None:
        options = [(t("widgets.common.all"), ALL), *options]
        if list(dropdown.options) == options:
            return
        keep = dropdown.value
        with dropdown.hold_trait_notifications():
            dropdown.options = options
            dropdown.value = keep if keep in {o[1] for o in options} else ALL

    def _on_filter(self, _change: Any) -> None:
        self.page = 0
        self._refresh_selector()
        self._update_state()

    def _turn(self, step: int) -> None:
        self.page = max(0, min(self.page + step, self.page_count - 1))

    @tl.observe("page")
    def _on_page(self, _change: Any) -> None:
        self._draw_table()

    def _update_state(self) -> None:
        self.duplicate_button.disabled = not self.selected_id
        self.delete.button.disabled = not self.selected_id
        self.mot_button.disabled = self.hidden_button.disabled = not self.selected_id
        current = next((tp for tp in self._tps if tp.id == self.selected_id), None)
        self.mot_button.button_style = "warning" if current and current.moment_of_truth else ""
        self.hidden_button.button_style = "info" if current and current.hidden else ""
        self._entries()
        self._draw_table()
        self._draw_overview()

    def _draw_table(self) -> None:
        shown = self._shown
        self.page_count = max(1, -(-len(shown) // self.page_size))
        if self.page >= self.page_count:
            self.page = self.page_count - 1  # redraws through the observer
            return
        start = self.page * self.page_size
        rows, selected = [], None
        personas = (
            {p.id: p.name for p in self._project.personas}
            if any(tp.persona_ids for tp in shown[start : start + self.page_size])
            else {}
        )
        yes, no = t("widgets.common.yes"), ""
        for i, tp in enumerate(shown[start : start + self.page_size]):
            if tp.id == self.selected_id:
                selected = i
            rows.append(
                (
                    start + i + 1,
                    tp.name,
                    self._phase_names.get(tp.phase, tp.phase),
                    tp.channel,
                    t("widgets.touchpoints.online")
                    if tp.online
                    else t("widgets.touchpoints.offline"),
                    tp.department,
                    "★" * tp.relevance,
                    f"{tp.emotion:+d}",
                    yes if tp.moment_of_truth else no,
                    yes if tp.hidden else no,
                    ", ".join(personas.get(p, p) for p in tp.persona_ids),
                )
            )
        labels = Touchpoint.labels()
        headers = [
            t("widgets.touchpoints.number"),
            labels["name"],
            labels["phase"],
            labels["channel"],
            t("widgets.touchpoints.online_offline"),
            t("widgets.touchpoints.department_short"),
            labels["relevance"],
            labels["emotion"],
            t("widgets.touchpoints.mot_short"),
            t("widgets.touchpoints.hidden_short"),
            labels["persona_ids"],
        ]
        self.table.value = STYLE + html_table(
            headers, rows, selected=selected, empty=t("widgets.touchpoints.empty")
        )
        self.page_label.value = t(
            "widgets.touchpoints.page",
            page=self.page + 1,
            pages=self.page_count,
            shown=len(shown),
            total=len(self._tps),
        )
        self.prev_button.disabled = self.page == 0
        self.next_button.disabled = self.page >= self.page_count - 1

    def _draw_overview(self) -> None:
        counts = collections.Counter((tp.phase, tp.channel) for tp in self._tps)
        key = (tuple(self._phase_names.items()), tuple(sorted(counts.items())))
        self.overview.show(
            "touchpoint_heatmap_chart",
            (self._project,),
            {"value": "count"},
            self._crosstab_html,
            key=key,
        )

    def _crosstab_html(self) -> str:
        """Phase × channel counts as an escaped table (used until the chart is available)."""
        if not self._tps:
            return f'<div class="cjm-muted">{esc(t("widgets.touchpoints.empty"))}</div>'
        names = [p.name for p in self._project.phase_model.phases]
        frame = pd.DataFrame(
            {
                "phase": [self._phase_names.get(tp.phase, tp.phase) for tp in self._tps],
                "channel": [tp.channel for tp in self._tps],
            }
        )
        table = pd.crosstab(frame["phase"], frame["channel"]).reindex(names, fill_value=0)
        header = [t("widgets.touchpoints.phase_channel"), *map(str, table.columns)]
        rows = [
            (idx, *(int(v) for v in row))
            for idx, row in zip(table.index, table.values, strict=True)
        ]
        return html_table(header, rows)

    # -- actions -------------------------------------------------------------------------
    def toggle(self, field: str) -> bool:
        """Flip ``moment_of_truth`` or ``hidden`` of the selected touchpoint and save."""
        if not self.selected_id:
            return False
        current = self.items[self.selected_id]
        try:
            saved = self.items.update(self.selected_id, **{field: not getattr(current, field)})
        except CJMError as exc:
            self.status.fail(exc.message)
            return False
        self.form[field].value = getattr(saved, field)
        key = "marked" if getattr(saved, field) else "unmarked"
        self.status.ok(t(f"widgets.touchpoints.{field}_{key}", name=saved.name))
        return True

    def _on_upload(self, change: Any) -> None:
        files = change["new"]
        if not files:
            return
        upload = files[0]
        self.import_file(bytes(upload["content"]), upload["name"])
        self.upload.value = ()

    def import_file(self, data: bytes, filename: str) -> bool:
        """Import touchpoints from CSV/Excel bytes (what the upload button does)."""
        from cjmlib.io.tables import import_touchpoints

        try:
            result = import_touchpoints(
                self.wb, data, filename=filename, mode=self.import_mode.value
            )
        except CJMError as exc:
            self.import_status.fail(exc.message)
            return False
        self.import_status.ok(result.message)
        return True
