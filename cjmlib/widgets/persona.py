"""Step 2: the persona builder with a live persona card and all personas side by side."""

from __future__ import annotations

from typing import Any, ClassVar

import ipywidgets as w

from cjmlib.messages import t
from cjmlib.model import Persona
from cjmlib.widgets.base import STYLE, RecordEditor, esc
from cjmlib.workbook import Workbook

PERSONA_FIELDS: tuple[str, ...] = tuple(f for f in Persona.model_fields if f != "id")


def persona_card_html(data: dict[str, Any], *, segment_name: str = "") -> str:
    """Render one persona as an HTML card; every value is escaped."""
    labels = Persona.labels()
    name = data.get("name") or t("widgets.persona.unnamed")
    parts = [f"<h4>{esc(name)}</h4>"]
    if data.get("quote"):
        parts.append(f"<q>{esc(data['quote'])}</q>")
    facts = []
    age = str(data.get("age") or "").strip()
    if age.isdigit():  # while a wrong age is being corrected, the card leaves it out
        facts.append(t("widgets.persona.age_years", age=age))
    for key in ("gender", "income_band"):
        if data.get(key) and data[key] != "keine Angabe":
            facts.append(str(data[key]))
    for key in ("occupation", "location"):
        if data.get(key):
            facts.append(str(data[key]))
    if facts:
        parts.append(f'<div class="cjm-muted">{esc(" · ".join(facts))}</div>')
    rows = []
    if segment_name:
        rows.append((labels["segment_id"], segment_name))
    for key in ("buying_habits", "online_activity"):
        if data.get(key):
            rows.append((labels[key], data[key]))
    for key in ("needs_goals", "pain_points", "channels", "devices"):
        values = data.get(key) or []
        if isinstance(values, str):
            values = [values]
        if values:
            rows.append((labels[key], ", ".join(map(str, values))))
    evidence = data.get("evidence") or []
    if evidence:
        assumptions = sum(
            1 for e in evidence if (e.get("kind") if isinstance(e, dict) else e.kind) == "Annahme"
        )
        rows.append(
            (
                labels["evidence"],
                t("widgets.persona.evidence_summary", count=len(evidence), assumptions=assumptions),
            )
        )
    else:
        rows.append((labels["evidence"], t("widgets.persona.no_evidence")))
    facts_html = "".join(
        f'<div class="cjm-k">{esc(k)}</div><div class="cjm-v">{esc(v)}</div>' for k, v in rows
    )
    parts.append(f'<div class="cjm-facts">{facts_html}</div>')
    return f'<div class="cjm-card">{"".join(parts)}</div>'


class PersonaBuilder(RecordEditor):
    """Create, edit, duplicate and delete personas; the card updates while you type.

    Examples
    --------
    >>> builder = PersonaBuilder(wb)                         # doctest: +SKIP
    >>> builder.form["name"].value = "Lena"                   # doctest: +SKIP
    >>> builder.save_button.click()                           # doctest: +SKIP
    """

    collection = "personas"
    fields = PERSONA_FIELDS
    refs: ClassVar[dict[str, tuple[str, bool]]] = {"segment_id": ("segments", False)}

    def __init__(self, workbook: Workbook, **kwargs: Any) -> None:
        self.card = w.HTML(layout=w.Layout(width="auto"))
        self.gallery = w.HTML(layout=w.Layout(width="100%"))
        self.card.add_class("cjm-card-preview")
        self.gallery.add_class("cjm-gallery")
        super().__init__(workbook, **kwargs)
        for widget in self.form.fields.values():
            widget.observe(self._draw_card, "value")
        self._draw_card()

    @property
    def name(self) -> w.Widget:
        """The name field (``builder.name.value = "Lena"``)."""
        return self.form["name"]

    def _layout(self) -> list[w.Widget]:
        self.form.layout.flex = "2 1 420px"
        card_box = w.VBox(
            [w.HTML(f"<b>{esc(t('widgets.persona.card_title'))}</b>"), self.card],
            layout=w.Layout(flex="1 1 260px", min_width="240px"),
        )
        return [
            w.HTML(f"<h3>{esc(t('widgets.persona.title'))}</h3>"),
            self.toolbar,
            w.HBox(
                [self.form, card_box],
                layout=w.Layout(flex_flow="row wrap", align_items="flex-start"),
            ),
            self.actions,
            w.HTML(f"<b>{esc(t('widgets.persona.all_title'))}</b>"),
            self.gallery,
        ]

    def _segment_name(self, segment_id: str | None) -> str:
        if not segment_id:
            return ""
        segment = self.wb.segments.get(segment_id)
        return segment.name if segment is not None else ""

    def _draw_card(self, _change: Any = None) -> None:
        data = {name: self.form.fields[name].value for name in self.form.names}
        for key in ("needs_goals", "pain_points", "channels", "devices"):
            data[key] = self.form.value_of(key)
        self.card.value = STYLE + persona_card_html(
            data, segment_name=self._segment_name(self.form.value_of("segment_id"))
        )

    def _update_state(self) -> None:
        super()._update_state()
        personas = list(self.items)
        if personas:
            cards = "".join(
                persona_card_html(p.model_dump(), segment_name=self._segment_name(p.segment_id))
                for p in personas
            )
        else:
            cards = f'<div class="cjm-muted">{esc(t("widgets.persona.none_yet"))}</div>'
        self.gallery.value = STYLE + f'<div class="cjm-cards">{cards}</div>'
