"""The rule builder: attach evidence rules to the map's claims, then verify them in one click.

``RuleBuilder(wb, events=..., survey=..., feedback=..., today=...)`` shows a form for one evidence
rule: which claim (kind and entry of the map), which figure (metric and its details),
the comparison and threshold, optionally a segment or persona, the drift tolerance and
the review interval. The form shows only the details the chosen metric needs. Saving
validates the rule and keeps it in the workbook; "Karte prüfen" verifies every rule
against the data given to the builder (:func:`~cjmlib.analytics.verify_map`) and shows
the results and the map with its evidence layer.

Everything is reachable from code, as a trainee would click::

    builder = RuleBuilder(wb, events=events)
    builder.claim.value = "pain_point"
    builder.target.value = "pp-checkout-mobil"
    builder.metric.value = "drop_off"
    builder.form["title"].value = "Jeder Dritte bricht im Checkout ab"
    builder.form["step_from"].value = "tp-shop-warenkorb"
    builder.form["step_to"].value = "tp-shop-bestellung"
    builder.form["threshold"].value = "30"
    builder.save_button.click()
    builder.verify_button.click()
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

import ipywidgets as w
import traitlets as tl

from cjmlib.errors import CJMError
from cjmlib.messages import t
from cjmlib.model import CLAIM_KINDS, METRICS, EvidenceRule, claims_of
from cjmlib.model.evidence import COMPARISONS, METRIC_SOURCE
from cjmlib.widgets.base import NONE, STYLE, LiveChart, RecordEditor, button, esc, html_table
from cjmlib.workbook import Workbook

__all__ = ["RuleBuilder"]

#: Which detail fields each metric shows (the rest stay hidden).
METRIC_FIELDS: dict[str, tuple[str, ...]] = {
    "drop_off": ("by", "step_from", "step_to"),
    "time_between": ("by", "step_from", "step_to"),
    "switch_share": ("switch_kind",),
    "nps": ("touchpoint_id",),
    "csat": ("touchpoint_id",),
    "ces": ("touchpoint_id",),
    "theme_share": ("theme", "touchpoint_id"),
}
DETAILS = ("by", "step_from", "step_to", "switch_kind", "touchpoint_id", "theme")
STEP_COLUMNS = ("touchpoint_id", "touchpoint", "phase", "channel")
SWITCH_KINDS = ("online", "device")
COMPARISON_WORDS = {">=": "≥", ">": ">", "<=": "≤", "<": "<"}


def _dropdown(options: list[tuple[str, str]], value: str | None = None) -> w.Dropdown:
    return w.Dropdown(
        options=options,
        value=value if value is not None else (options[0][1] if options else None),
        layout=w.Layout(width="auto", min_width="200px"),
    )


class RuleBuilder(RecordEditor):
    """Evidence rules of the map (step 10 and the review of step 12), with verification.

    Traits
    ------
    selected_id, error:
        As in every builder: the rule in the form, and the current error messages.
    verification_id:
        The id of the last verification run from this builder ("" before the first).
    verify_error:
        Why the last "Karte prüfen" did not work ("" when it did).
    """

    collection = "evidence_rules"
    fields = (
        "title",
        "step_from",
        "step_to",
        "theme",
        "threshold",
        "drift_tolerance",
        "review_days",
        "min_n",
        "note",
    )
    # Step fields are comboboxes: the map's steps are offered, any value may be typed.
    suggestions: ClassVar[dict[str, Any]] = {"step_from": ("…",), "step_to": ("…",)}
    title_key = "living_map.widget.title"
    verification_id = tl.Unicode("")
    verify_error = tl.Unicode("")

    def __init__(
        self,
        workbook: Workbook,
        *,
        events: Any = None,
        survey: Any = None,
        feedback: Any = None,
        customers: Any = None,
        today: Any = None,
        show_map: bool = True,
        **kwargs: Any,
    ) -> None:
        self.data = {"events": events, "survey": survey, "feedback": feedback}
        self.customers = customers
        # The day a verification counts for (the review interval is measured back from
        # it); a course's sample export names its own day, else today.
        self.today = today
        self.show_map = show_map
        self.claim = _dropdown([(t(f"living_map.claim.{k}"), k) for k in CLAIM_KINDS])
        self.target = _dropdown([])
        self.metric = _dropdown([(t(f"living_map.metric.{m}"), m) for m in METRICS])
        self.comparison = _dropdown([(COMPARISON_WORDS[c], c) for c in COMPARISONS])
        self.by = _dropdown([(t(f"living_map.widget.by_{c}"), c) for c in STEP_COLUMNS])
        self.switch_kind = _dropdown(
            [(t(f"living_map.widget.switch_{k}"), k) for k in SWITCH_KINDS]
        )
        self.touchpoint_id = _dropdown([])
        self.segment = _dropdown([])
        self.choices: dict[str, w.Dropdown] = {
            "claim": self.claim,
            "target": self.target,
            "metric": self.metric,
            "comparison": self.comparison,
            "by": self.by,
            "switch_kind": self.switch_kind,
            "touchpoint_id": self.touchpoint_id,
            "segment": self.segment,
        }
        self.verify_button = button("living_map.widget.verify", icon="check", style="success")
        self.verify_status = w.HTML()
        self.results = w.HTML(layout=w.Layout(width="100%", overflow="auto"))
        self.map = LiveChart()
        self.verify_button.on_click(lambda _: self.verify())
        super().__init__(workbook, **kwargs)
        labels = EvidenceRule.labels()
        self._boxes: dict[str, w.Widget] = {}
        self._wire_choices(labels)
        self.claim.observe(lambda _c: self._refresh_targets(), "value")
        self.metric.observe(lambda _c: self._show_details(), "value")
        self.by.observe(lambda _c: self._refresh_steps(), "value")
        self._refresh_targets()
        self._refresh_places()
        self._refresh_steps()
        self._show_details()

    # -- layout ---------------------------------------------------------------------------
    def _layout(self) -> list[w.Widget]:
        head = [w.HTML(f"<h3>{esc(t(self.title_key))}</h3>")]
        self.choice_box = w.VBox(layout=w.Layout(width="100%"))
        verify_row = w.HBox(
            [self.verify_button, self.verify_status], layout=w.Layout(align_items="center")
        )
        return [
            *head,
            self.toolbar,
            self.choice_box,
            self.form,
            self.actions,
            self.table,
            w.HTML(f"<h4>{esc(t('living_map.widget.verify_title'))}</h4>"),
            verify_row,
            self.results,
            self.map,
        ]

    def _wire_choices(self, labels: dict[str, str]) -> None:
        def cell(name: str) -> w.VBox:
            box = w.VBox(
                [w.Label(labels[name]), self.choices[name]],
                layout=w.Layout(flex="1 1 0", min_width="0", margin="0 12px 0 0"),
            )
            self._boxes[name] = box
            return box

        rows = [
            ("claim", "target"),
            ("metric", "comparison"),
            ("by", "switch_kind"),
            ("touchpoint_id", "segment"),
        ]
        self.choice_box.children = [
            w.HBox([cell(a), cell(b)], layout=w.Layout(width="100%")) for a, b in rows
        ]

    # -- choices that depend on the workbook ----------------------------------------------------
    def _claim_options(self, kind: str) -> list[tuple[str, str]]:
        project = self.wb.project
        if kind in ("emotion", "moment_of_truth"):
            # Any touchpoint may get a rule; a rule makes a neutral emotion a claim.
            return [(f"{tp.name} ({tp.id})", tp.id) for tp in project.touchpoints]
        return [
            (f"{c.name} ({c.target})" if c.target != c.name else c.name, c.target)
            for c in claims_of(project)
            if c.kind == kind
        ]

    def _refresh_targets(self) -> None:
        keep = self.target.value
        options = self._claim_options(self.claim.value)
        self.target.options = options or [(t("widgets.common.none_choice"), NONE)]
        values = [v for _l, v in self.target.options]
        self.target.value = keep if keep in values else values[0]

    def _refresh_places(self) -> None:
        project = self.wb.project
        none = t("widgets.common.none_choice")
        keep = self.touchpoint_id.value
        places = [(none, NONE)] + [(f"{tp.name} ({tp.id})", tp.id) for tp in project.touchpoints]
        self.touchpoint_id.options = places
        self.touchpoint_id.value = keep if keep in {v for _l, v in places} else NONE
        keep = self.segment.value
        everyone = t("living_map.widget.everyone")
        groups = [(everyone, NONE)]
        groups += [(t("living_map.widget.segment", name=s.name), s.id) for s in project.segments]
        groups += [(t("living_map.widget.persona", name=p.name), p.id) for p in project.personas]
        self.segment.options = groups
        self.segment.value = keep if keep in {v for _l, v in groups} else NONE

    def _step_values(self) -> list[str]:
        project = self.wb.project
        by = self.by.value
        if by == "touchpoint_id":
            return [tp.id for tp in project.touchpoints]
        if by == "touchpoint":
            return [tp.name for tp in project.touchpoints]
        if by == "phase":
            return list(project.phase_model.ids)
        return sorted({tp.channel for tp in project.touchpoints})

    def _refresh_steps(self) -> None:
        values = self._step_values()
        for name in ("step_from", "step_to"):
            widget = self.form[name]
            if isinstance(widget, w.Combobox):
                widget.options = values

    def _show_details(self) -> None:
        wanted = METRIC_FIELDS.get(self.metric.value, ())
        for name in DETAILS:
            box = self._boxes.get(name)
            target = box if box is not None else self._form_cell(name)
            if target is not None:
                target.layout.display = "flex" if name in wanted else "none"

    def _form_cell(self, name: str) -> w.Widget | None:
        widget = self.form.fields.get(name)
        if widget is None:
            return None
        for row in self.form.children[0].children:
            for cell in row.children:
                if widget in getattr(cell, "children", ()):
                    return cell
        return None

    def _on_workbook_change(self, wb: Workbook, note: str) -> None:
        super()._on_workbook_change(wb, note)
        if hasattr(self, "claim"):
            self._refresh_targets()
            self._refresh_places()

    # -- the form and the choices ---------------------------------------------------------------
    @tl.observe("selected_id")
    def _load_choices(self, change: Any) -> None:
        if not change["new"] or not hasattr(self, "claim"):
            return
        rule = self.items.get(change["new"])
        if rule is None:
            return
        self.claim.value = rule.claim
        self._refresh_targets()
        for name in ("target", "metric", "comparison", "by", "switch_kind"):
            widget = self.choices[name]
            if getattr(rule, name) in {v for _l, v in widget.options}:
                widget.value = getattr(rule, name)
        self._refresh_places()
        self.touchpoint_id.value = rule.touchpoint_id or NONE
        self.segment.value = rule.segment or NONE
        self._show_details()

    def _after_new(self) -> None:
        self.claim.value = CLAIM_KINDS[0]
        self.metric.value = METRICS[0]
        self.comparison.value = ">="
        self.by.value = STEP_COLUMNS[0]
        self.switch_kind.value = SWITCH_KINDS[0]
        self.touchpoint_id.value = NONE
        self.segment.value = NONE
        self._refresh_targets()
        self._show_details()

    def _extra_values(self) -> dict[str, Any]:
        values = {name: widget.value for name, widget in self.choices.items()}
        values["touchpoint_id"] = values["touchpoint_id"] or ""
        values["segment"] = values["segment"] or ""
        return values

    def _label(self, item: Any) -> str:
        return f"{item.title} – {t(f'living_map.metric.{item.metric}')}"

    def columns(self) -> list[tuple[str, Callable[[Any], Any]]]:
        from cjmlib.analytics.verification import describe_rule

        labels = EvidenceRule.labels()
        project = self.wb.project
        return [
            (labels["title"], lambda r: r.title),
            (labels["claim"], lambda r: t(f"living_map.claim.{r.claim}")),
            (t("living_map.table.rule"), lambda r: describe_rule(project, r)),
            (
                t("living_map.widget.data"),
                lambda r: t(f"living_map.widget.source_{METRIC_SOURCE[r.metric]}"),
            ),
        ]

    # -- verification -------------------------------------------------------------------------
    def verify(self) -> Any:
        """Verify every rule against the builder's data; show the results and the map."""
        from cjmlib.analytics.verification import verification_table, verify_map

        try:
            record = verify_map(self.wb, customers=self.customers, today=self.today, **self.data)
        except CJMError as exc:
            self.verify_error = exc.message
            self.verify_status.value = STYLE + f'<div class="cjm-fail">⚠ {esc(exc.message)}</div>'
            return None
        self.verify_error = ""
        self.verification_id = record.id
        table = verification_table(self.wb, record)
        self.verify_status.value = STYLE + (
            f'<div class="cjm-ok">✓ {esc(table.attrs["explanation"])}</div>'
        )
        self.results.value = STYLE + html_table(
            list(table.columns),
            table.itertuples(index=False),
            empty=t("widgets.common.empty_table"),
        )
        if self.show_map:
            self.map.show(
                "journey_map_chart",
                (self.wb,),
                {"verification": record.id},
                lambda: "",
                key=record.id,
            )
        return record
