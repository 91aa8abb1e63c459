"""Step 4/6: the phase model (preset or own 4-8 phases) and the emotion per touchpoint."""

from __future__ import annotations

from typing import Any

import ipywidgets as w
import traitlets as tl

from cjmlib.errors import CJMError
from cjmlib.messages import t
from cjmlib.model import MAX_PHASES, MIN_PHASES, PRESETS, PhaseModel
from cjmlib.model.phases import PHASED_COLLECTIONS
from cjmlib.widgets.base import NONE, STYLE, LiveChart, StatusLine, button, esc, html_table, listen
from cjmlib.workbook import Workbook

CUSTOM = "__eigene__"
EMOTION_WORDS = {
    -2: "very_negative",
    -1: "negative",
    0: "neutral",
    1: "positive",
    2: "very_positive",
}


class PhaseEditor(w.VBox):
    """Choose a preset phase model or define 4 to 8 own phases; rename a phase.

    ``choice.value`` is a preset key or ``"__eigene__"`` (then ``custom.value`` holds one
    phase per line). ``apply_button.click()`` saves; touchpoints keep their phase where
    the new model has it, the others are moved with the ``mapping`` dropdowns that appear.
    """

    error = tl.Unicode("")

    def __init__(self, workbook: Workbook, **kwargs: Any) -> None:
        self.wb = workbook
        self.choice = w.Dropdown(
            options=[(name, key) for key, (name, _) in PRESETS.items()]
            + [(t("widgets.phases.custom"), CUSTOM)],
            description=t("widgets.phases.model"),
            style={"description_width": "initial"},
            layout=w.Layout(width="auto", min_width="320px"),
        )
        self.custom = w.Textarea(
            rows=8,
            placeholder=t("widgets.phases.custom_hint", lo=MIN_PHASES, hi=MAX_PHASES),
            layout=w.Layout(width="100%", max_width="420px"),
        )
        self.custom_error = w.HTML()
        self.mapping_box = w.VBox()
        self.mapping: dict[str, w.Dropdown] = {}
        self.apply_button = button("widgets.phases.apply", icon="check", style="primary")
        self.rename_phase = w.Dropdown(
            description=t("widgets.phases.rename_which"),
            style={"description_width": "initial"},
            layout=w.Layout(width="auto"),
        )
        self.new_name = w.Text(
            placeholder=t("widgets.phases.new_name"), layout=w.Layout(width="220px")
        )
        self.rename_error = w.HTML()
        self.rename_button = button("widgets.phases.rename", icon="pencil")
        self.current = w.HTML()
        self.status = StatusLine()
        self.apply_button.on_click(lambda _: self.apply())
        self.rename_button.on_click(lambda _: self.rename())
        self.choice.observe(self._on_choice, "value")
        row = w.Layout(flex_flow="row wrap", align_items="center")
        super().__init__(
            [
                w.HTML(f"<h3>{esc(t('widgets.phases.title'))}</h3>"),
                self.current,
                self.choice,
                self.custom,
                self.custom_error,
                self.mapping_box,
                w.HBox([self.apply_button, self.status], layout=row),
                w.HTML(f"<b>{esc(t('widgets.phases.rename_title'))}</b>"),
                w.HBox([self.rename_phase, self.new_name, self.rename_button], layout=row),
                self.rename_error,
            ],
            **kwargs,
        )
        pm = workbook.phase_model
        self.choice.value = pm.preset if pm.preset in PRESETS else CUSTOM
        self.custom.value = "\n".join(pm.names)
        self._on_choice()
        self._redraw()
        listen(workbook, self._on_workbook_change)

    def _on_choice(self, _change: Any = None) -> None:
        if self.choice.value in PRESETS:
            self.custom.value = "\n".join(PRESETS[self.choice.value][1])
            self.custom.disabled = True
        else:
            self.custom.disabled = False
        self.custom_error.value = ""
        self.mapping_box.children, self.mapping = (), {}

    def _on_workbook_change(self, _wb: Workbook, _note: str) -> None:
        self._redraw()

    def _redraw(self) -> None:
        pm = self.wb.phase_model
        counts = {pid: 0 for pid in pm.ids}
        for tp in self.wb.touchpoints:
            counts[tp.phase] = counts.get(tp.phase, 0) + 1
        rows = [(i + 1, p.name, counts.get(p.id, 0)) for i, p in enumerate(pm.phases)]
        self.current.value = (
            STYLE
            + f"<div>{esc(t('widgets.phases.current', name=pm.name))}</div>"
            + html_table(
                [t("widgets.phases.number"), t("model.phase"), t("collection.touchpoints")], rows
            )
        )
        keep = self.rename_phase.value
        self.rename_phase.options = [(p.name, p.id) for p in pm.phases]
        self.rename_phase.value = keep if keep in pm.ids else pm.ids[0]

    def _planned(self) -> PhaseModel | str:
        if self.choice.value in PRESETS:
            return str(self.choice.value)
        names = [line.strip() for line in self.custom.value.splitlines() if line.strip()]
        return PhaseModel(phases=names)

    def apply(self) -> bool:
        """Save the chosen phase model; on problems nothing changes."""
        self.custom_error.value = ""
        try:
            planned = self._planned()
        except CJMError as exc:
            return self._fail(self.custom_error, exc)
        mapping = {old: dd.value for old, dd in self.mapping.items() if dd.value}
        try:
            self.wb.set_phase_model(planned, mapping=mapping or None)
        except CJMError as exc:
            if exc.field == "mapping" and self._offer_mapping(planned):
                exc = CJMError(
                    t("widgets.phases.need_mapping", phases=", ".join(self.mapping)),
                    field="mapping",
                )
            return self._fail(self.custom_error, exc)
        self.mapping_box.children, self.mapping = (), {}
        self.error = ""
        self.status.ok(t("widgets.phases.applied", name=self.wb.phase_model.name))
        return True

    def _offer_mapping(self, planned: PhaseModel | str) -> bool:
        """Show one dropdown per old phase whose touchpoints have no home in the new model."""
        if isinstance(planned, PhaseModel):
            new = planned
        else:
            from cjmlib.model import preset

            new = preset(planned)
        project = self.wb.project
        old = project.phase_model
        used = {
            item.phase
            for coll in PHASED_COLLECTIONS
            for item in getattr(project, coll)
            if item.phase
        }
        homeless = [
            old.name_of(pid) for pid in old.ids if pid in used and new.carry_over(pid, old) is None
        ]
        options = [(t("widgets.phases.choose_target"), NONE)] + [(n, n) for n in new.names]
        self.mapping = {
            name: self.mapping.get(name)
            or w.Dropdown(
                options=options,
                description=t("widgets.phases.move_from", phase=name),
                style={"description_width": "initial"},
                layout=w.Layout(width="auto"),
            )
            for name in homeless
        }
        self.mapping_box.children = (
            w.HTML(f"<b>{esc(t('widgets.phases.mapping_title'))}</b>"),
            *self.mapping.values(),
        )
        return bool(homeless)

    def rename(self) -> bool:
        """Rename the phase chosen in ``rename_phase`` to ``new_name``."""
        self.rename_error.value = ""
        if not self.rename_phase.value:
            return False
        try:
            self.wb.rename_phase(self.rename_phase.value, self.new_name.value)
        except CJMError as exc:
            return self._fail(self.rename_error, exc)
        self.status.ok(t("widgets.phases.renamed", name=self.new_name.value.strip()))
        self.new_name.value = ""
        return True

    def _fail(self, slot: w.HTML, exc: CJMError) -> bool:
        slot.value = STYLE + f'<div class="cjm-error">⚠ {esc(exc.message)}</div>'
        self.error = exc.message
        self.status.fail(t("widgets.phases.not_applied"))
        return False


class EmotionEditor(w.VBox):
    """Set the emotion (−2 … +2) of each touchpoint; the curve across phases follows live.

    Choose a touchpoint in ``touchpoint`` and move ``emotion`` (saved at once).
    ``persona.value`` limits the curve and list to one persona (``""`` = all).
    """

    selected_id = tl.Unicode("")
    error = tl.Unicode("")

    def __init__(self, workbook: Workbook, **kwargs: Any) -> None:
        self.wb = workbook
        self._loading = False
        self._tps: list[Any] = []
        self.persona = w.Dropdown(
            description=t("model.persona"),
            style={"description_width": "initial"},
            layout=w.Layout(width="auto", min_width="240px"),
        )
        self.touchpoint = w.Dropdown(
            description=t("model.touchpoint"),
            style={"description_width": "initial"},
            layout=w.Layout(width="auto", min_width="360px"),
        )
        self.emotion = w.IntSlider(
            min=-2,
            max=2,
            value=0,
            readout=False,
            description=t("widgets.emotion.label"),
            style={"description_width": "initial"},
            layout=w.Layout(width="360px"),
        )
        self.emotion_word = w.Label()
        self.table = w.HTML()
        self.chart = LiveChart()
        self.status = StatusLine()
        self.persona.observe(self._on_persona, "value")
        self.touchpoint.observe(lambda c: setattr(self, "selected_id", c["new"] or ""), "value")
        self.emotion.observe(self._on_emotion, "value")
        row = w.Layout(flex_flow="row wrap", align_items="center")
        super().__init__(
            [
                w.HTML(f"<h3>{esc(t('widgets.emotion.title'))}</h3>"),
                w.HBox([self.persona, self.touchpoint], layout=row),
                w.HBox([self.emotion, self.emotion_word, self.status], layout=row),
                self.chart,
                self.table,
            ],
            **kwargs,
        )
        self._refresh()
        listen(workbook, self._on_workbook_change)

    def _on_workbook_change(self, _wb: Workbook, _note: str) -> None:
        self._refresh()

    def _on_persona(self, _change: Any) -> None:
        self._refresh()

    def _visible(self) -> list[Any]:
        wanted = self.persona.value
        order = {pid: i for i, pid in enumerate(self.wb.phase_model.ids)}
        tps = [
            tp
            for tp in self.wb.touchpoints
            if not wanted or not tp.persona_ids or wanted in tp.persona_ids
        ]
        return sorted(tps, key=lambda tp: order.get(tp.phase, 99))

    def _refresh(self) -> None:
        self._loading = True
        try:
            personas = [(t("widgets.common.all"), NONE)] + [
                (p.name, p.id) for p in self.wb.personas
            ]
            keep = self.persona.value
            self.persona.options = personas
            self.persona.value = keep if keep in {o[1] for o in personas} else NONE
            pm = self.wb.phase_model
            tps = self._visible()
            options = [(f"{pm.name_of(tp.phase)}: {tp.name}", tp.id) for tp in tps]
            keep = self.selected_id
            self.touchpoint.options = options
            ids = {o[1] for o in options}
            self.touchpoint.value = keep if keep in ids else (options[0][1] if options else None)
            self.selected_id = self.touchpoint.value or ""
            self._load_emotion()
            self._tps = tps
            self._draw_table()
        finally:
            self._loading = False
        persona = self.persona.value or None
        key = (
            persona,
            tuple(pm.names),
            tuple((tp.phase, tp.emotion, tuple(tp.persona_ids)) for tp in tps),
        )
        self.chart.show(
            "emotion_curve_chart",
            (self.wb,),
            {"persona": persona},
            lambda: self._curve_html(tps),
            key=key,
        )

    @tl.observe("selected_id")
    def _on_selected(self, change: Any) -> None:
        if self.touchpoint.value != change["new"] and change["new"] in {
            o[1] for o in self.touchpoint.options
        }:
            self.touchpoint.value = change["new"]
        was = self._loading
        self._loading = True
        try:
            self._load_emotion()
            self._draw_table()
        finally:
            self._loading = was

    def _draw_table(self) -> None:
        """The touchpoints of the chosen touchpoint's phase with their emotions."""
        pm = self.wb.phase_model
        current = next((tp for tp in self._tps if tp.id == self.selected_id), None)
        shown = [tp for tp in self._tps if current is not None and tp.phase == current.phase]
        rows = [
            (
                pm.name_of(tp.phase),
                ("▶ " if tp.id == self.selected_id else "") + tp.name,
                f"{tp.emotion:+d}",
                t(f"widgets.emotion.{EMOTION_WORDS[tp.emotion]}"),
            )
            for tp in shown
        ]
        headers = [
            t("model.phase"),
            t("model.touchpoint"),
            t("widgets.emotion.label"),
            t("widgets.emotion.meaning"),
        ]
        self.table.value = STYLE + html_table(headers, rows, empty=t("widgets.touchpoints.empty"))

    def _load_emotion(self) -> None:
        tp = self.wb.touchpoints.get(self.selected_id) if self.selected_id else None
        self.emotion.disabled = tp is None
        if tp is not None:
            self.emotion.value = tp.emotion
        self.emotion_word.value = t(f"widgets.emotion.{EMOTION_WORDS[self.emotion.value]}")

    def _on_emotion(self, change: Any) -> None:
        self.emotion_word.value = t(f"widgets.emotion.{EMOTION_WORDS[change['new']]}")
        if self._loading or not self.selected_id:
            return
        try:
            tp = self.wb.touchpoints.update(self.selected_id, emotion=change["new"])
        except CJMError as exc:
            self.error = exc.message
            self.status.fail(exc.message)
            return
        self.error = ""
        self.status.ok(t("widgets.emotion.saved", name=tp.name))

    def _curve_html(self, tps: list[Any]) -> str:
        """Mean emotion per phase as a small text curve (until the chart is available)."""
        pm = self.wb.phase_model
        rows = []
        for phase in pm.phases:
            values = [tp.emotion for tp in tps if tp.phase == phase.id]
            if values:
                mean = sum(values) / len(values)
                bar = "▲" * round(max(mean, 0) * 2) + "▼" * round(max(-mean, 0) * 2)
                rows.append((phase.name, f"{mean:+.1f}", bar or "●", len(values)))
            else:
                rows.append((phase.name, "–", "", 0))
        return html_table(
            [t("model.phase"), t("widgets.emotion.mean"), "", t("widgets.emotion.count")], rows
        )
