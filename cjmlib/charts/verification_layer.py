"""The verification layer of the journey map: one mark per claim, coloured by its evidence.

``journey_map_chart(wb, verification=...)`` adds this panel below the map's panels. It
shares the map's phase columns; its lanes are the kinds of claims (emotion, moment of
truth, pain point, hypothesis, KPI). Each claim is one mark whose colour *and* shape say
its status, so the layer reads without colour vision too (Okabe-Ito colours):

- *bestätigt*: bluish-green circle,
- *widerlegt*: vermillion cross,
- *veraltet*: orange triangle,
- *ohne Beleg*: grey diamond.

The tooltip names the claim, its status, why, the figure and the rules. Claims that sit in
no phase (the goal's KPIs) are counted in the panel's subtitle; the verification report
lists them.
"""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd

from cjmlib.analytics.verification import (
    claim_statuses,
    describe_rule,
    format_value,
    pick_verification,
    reason_text,
)
from cjmlib.charts import _lanes
from cjmlib.charts._common import applies_to, clean
from cjmlib.messages import t
from cjmlib.model import CLAIM_KINDS, STATUSES, JourneyProject, Persona, Verification
from cjmlib.model.evidence import STATUS_CODE

__all__ = ["STATUS_STYLE", "verification_panel"]

#: Status -> (colour, shape): colour-blind-safe colours and four distinct shapes.
STATUS_STYLE: dict[str, tuple[str, str]] = {
    "bestätigt": ("#009E73", "circle"),
    "widerlegt": ("#D55E00", "cross"),
    "veraltet": ("#E69F00", "triangle-up"),
    "ohne Beleg": ("#999999", "diamond"),
}
#: Legend order: what to look at first, first.
LEGEND_ORDER = ("widerlegt", "veraltet", "ohne Beleg", "bestätigt")
#: Order inside a full phase cell: claims with a figure before claims without one.
SHOWN_FIRST = ("widerlegt", "veraltet", "bestätigt", "ohne Beleg")


def _claim_frame(
    project: JourneyProject,
    record: Verification | None,
    persona: Persona | None,
    colw: int,
    label: Any,
) -> tuple[pd.DataFrame, int]:
    """One row per placed claim; and how many claims sit in no phase."""
    pm = project.phase_model
    tps = {tp.id: tp for tp in project.touchpoints}
    pains = {pp.id: pp for pp in project.pain_points}
    rows: list[dict[str, Any]] = []
    unplaced = 0
    checked = record.checked_on.strftime("%d.%m.%Y") if record is not None else "–"
    for entry in claim_statuses(project, record):
        claim = entry["claim"]
        if persona is not None:
            if claim.kind in ("emotion", "moment_of_truth"):
                tp = tps.get(claim.target)
                if tp is not None and not applies_to(tp.persona_ids, persona):
                    continue
            if claim.kind == "pain_point":
                pp = pains.get(claim.target)
                if pp is not None and not applies_to(pp.persona_ids, persona):
                    continue
        if claim.phase is None:
            unplaced += 1
            continue
        status = entry["status"]
        rules = entry["rules"]
        results = entry["results"]
        figures = "; ".join(
            f"{res.rule_text or describe_rule(project, rule)}: "
            f"{format_value(rule.metric, res.value)}"
            for rule, res in zip(rules, results, strict=True)
        )
        why = t("living_map.reason.no_rule")
        if results:
            worst = min(zip(rules, results, strict=True), key=lambda p: STATUSES.index(p[1].status))
            why = reason_text(worst[1], worst[0])
        rows.append(
            {
                "phase": clean(pm.name_of(claim.phase)),
                "lane": t(f"living_map.claim.{claim.kind}"),
                "name": clean(claim.name, 120),
                "label": label(claim.name, colw),
                # Evidenced claims first in a full cell: the unevidenced ones go to "+k".
                "order": f"{SHOWN_FIRST.index(status)}{CLAIM_KINDS.index(claim.kind)}",
                "status": status,
                "code": STATUS_CODE[status],
                "why": clean(why, 300),
                "figures": clean(figures, 300) or "–",
                "checked": checked,
            }
        )
    columns = ["phase", "lane", "name", "label", "order", "status", "code", "why", "figures"]
    return pd.DataFrame(rows, columns=[*columns, "checked"]), unplaced


def verification_panel(
    project: JourneyProject,
    verification: Any,
    persona: Persona | None,
    names: list[str],
    colw: int,
    max_per_cell: int,
    lane_width: int = _lanes.LANE_AXIS,
) -> alt.LayerChart:
    """The layer's panel for ``journey_map_chart`` (same phase columns as the map).

    ``verification`` is a :class:`~cjmlib.model.Verification`, its id or title, or True
    for the workbook's latest one; with none yet, every claim shows as *ohne Beleg*.
    """
    record = pick_verification(project, verification)
    frame, unplaced = _claim_frame(project, record, persona, colw, _lanes.label)
    if frame.empty:
        return _empty(colw * len(names))
    lanes = [t(f"living_map.claim.{k}") for k in CLAIM_KINDS]
    shown, overflow, slots = _lanes.place(
        frame, lanes, max_per_cell=max_per_cell, lane_width=lane_width
    )
    shown = shown.drop(columns=["order"])
    x, y = _lanes.phase_x(names, top=False, colw=colw), _lanes.y_lanes(lane_width)
    counts = {s: int((frame["status"] == s).sum()) for s in STATUSES}
    title = (
        t(
            "living_map.chart.panel",
            title=clean(record.title, 60),
            date=record.checked_on.strftime("%d.%m.%Y"),
        )
        if record is not None
        else t("living_map.chart.panel_none")
    )
    subtitle = [t("living_map.chart.counts", **{STATUS_CODE[k]: v for k, v in counts.items()})]
    if unplaced:
        subtitle.append(t("living_map.chart.unplaced", count=unplaced))
    base_lanes = _lanes.lane_base(slots, colw * len(names), title, lane_width)
    base_lanes = base_lanes.properties(
        title=alt.Title(title, subtitle=subtitle, fontSize=14, anchor="start", offset=6)
    )
    tooltip = [
        alt.Tooltip("lane:N", title=t("living_map.chart.tt_kind")),
        alt.Tooltip("name:N", title=t("living_map.chart.tt_claim")),
        alt.Tooltip("phase:N", title=t("charts.common.phase")),
        alt.Tooltip("status:N", title=t("living_map.chart.tt_status")),
        alt.Tooltip("why:N", title=t("living_map.chart.tt_why")),
        alt.Tooltip("figures:N", title=t("living_map.chart.tt_figures")),
        alt.Tooltip("checked:N", title=t("living_map.chart.tt_checked")),
    ]
    domain = list(LEGEND_ORDER)
    base = alt.Chart(shown).encode(x=x, y=y)
    # Names wrap on two lines within their phase column, as the map's touchpoints do.
    text: dict[str, Any] = _lanes.label_style()
    layers: list[alt.Chart] = [
        base_lanes,
        base.mark_point(
            filled=True,
            size=150,
            opacity=1,
            xOffset=_lanes.SYMBOL_X,
            stroke="#333333",
            strokeWidth=0.7,
        ).encode(
            color=alt.Color(
                "status:N",
                scale=alt.Scale(domain=domain, range=[STATUS_STYLE[s][0] for s in domain]),
                legend=alt.Legend(
                    title=t("living_map.chart.legend"), orient="top", direction="horizontal"
                ),
            ),
            shape=alt.Shape(
                "status:N",
                scale=alt.Scale(domain=domain, range=[STATUS_STYLE[s][1] for s in domain]),
                legend=alt.Legend(
                    title=t("living_map.chart.legend"), orient="top", direction="horizontal"
                ),
            ),
            tooltip=tooltip,
        ),
        base.mark_text(**text).encode(text="label:N", tooltip=tooltip),
    ]
    if not overflow.empty:
        layers.append(_lanes.overflow_layer(overflow, x, y, text))
    return alt.LayerChart(layer=layers, resolve=_lanes.INDEPENDENT)


def _empty(width: int) -> alt.LayerChart:
    note = (
        alt.Chart(pd.DataFrame({"text": [t("living_map.chart.no_claims")]}))
        .mark_text(
            align="left", fontSize=12, fontStyle="italic", color="#555555", dx=-width / 2 + 8
        )
        .encode(text="text:N")
        .properties(
            width=width,
            height=28,
            title=alt.Title(t("living_map.chart.panel_none"), fontSize=14, anchor="start"),
        )
    )
    return alt.LayerChart(layer=[note])
