"""Step 6: the journey map – phases as columns, lanes for touchpoints, emotions, pains.

The map is a vertical stack of panels that share one x scale (the phases, in the order
of the phase model):

1. touchpoints in lanes by channel (circle = online, square = offline, colour =
   emotion, a star behind moments of truth, a dashed ring for changes against
   ``compare_to``),
2. the emotion curve (mean emotion per phase, -2..+2; dashed: the compared state),
3. pain points and solutions (solutions sit in the phase of their pain point),
4. optionally the backstage: the departments owning each touchpoint (service blueprint).

All data are aggregated or one row per shown item; labels are cleaned and cut to the
width of their phase column (estimated with the font's metrics) so that neighbouring
columns never overlap.
"""

from __future__ import annotations

from typing import Any, cast

import altair as alt
import pandas as pd

from cjmlib.charts import _lanes, thoughts
from cjmlib.charts._common import (
    applies_to,
    as_project,
    clean,
    online_label,
    phase_names,
    resolve_persona,
    touchpoints_for,
    yes_no,
)
from cjmlib.charts._lanes import (
    INDEPENDENT,
    LANE_AXIS,
    SYMBOL_X,
    overflow_layer,
)
from cjmlib.charts._lanes import label as _label
from cjmlib.charts._lanes import label_style as _label_style
from cjmlib.charts._lanes import lane_base as _lane_base
from cjmlib.charts._lanes import phase_x as _x
from cjmlib.charts._lanes import x_axis as _x_axis
from cjmlib.charts._lanes import y_lanes as _y_lanes
from cjmlib.charts.empty import hint_chart
from cjmlib.charts.theme import (
    COLORS,
    EMOTION_DOMAIN,
    EMOTION_LABEL,
    EMOTION_RANGE,
    NOTEBOOK_WIDTH,
)
from cjmlib.errors import CJMError
from cjmlib.messages import t
from cjmlib.model import CHANNELS, CLAIM_KINDS, DEPARTMENTS, JourneyProject, Persona, Touchpoint
from cjmlib.model.lookup import ProjectLike

#: Five-pointed star as an SVG path in the unit square (Vega scales it by ``size``).
STAR = (
    "M0,-1L0.2245,-0.309L0.9511,-0.309L0.3633,0.118L0.5878,0.809L0,0.382"
    "L-0.5878,0.809L-0.3633,0.118L-0.9511,-0.309L-0.2245,-0.309Z"
)

MIN_COLUMN = 88  # narrowest phase column (8 phases still fit the notebook column)
COMPARED_FIELDS = (
    "name",
    "channel",
    "online",
    "emotion",
    "moment_of_truth",
    "relevance",
    "department",
)


def _column_width(n_phases: int, lane_width: int = LANE_AXIS) -> int:
    """Phase columns share what the notebook column leaves beside the lane names."""
    room = NOTEBOOK_WIDTH - lane_width - 32
    return int(max(MIN_COLUMN, min(200, room // max(n_phases, 1))))


def _lane_width(tps: list[Touchpoint], *, backstage: bool, verification: bool, n: int) -> int:
    """The lane-name column of the whole map: every panel's lane names shown whole.

    The columns give way to long names, but never below ``MIN_COLUMN``: the map stays
    within the notebook column (``NOTEBOOK_WIDTH``) with up to eight phases.
    """
    lanes = [
        *_lane_order(tps),
        t("charts.map.lane_pain"),
        t("charts.map.lane_solution"),
        t("charts.map.lane_thoughts"),
    ]
    if verification:
        lanes += [t(f"living_map.claim.{kind}") for kind in CLAIM_KINDS]
    if backstage:
        lanes += [clean(tp.department, 60) or t("charts.map.no_department") for tp in tps]
    return _lanes.lane_axis_width(lanes, limit=NOTEBOOK_WIDTH - 32 - n * MIN_COLUMN)


def _series_labels(
    project: JourneyProject, other: JourneyProject | None, labels: tuple[str, str] | None
) -> tuple[str, str]:
    if labels:
        return clean(labels[0], 40), clean(labels[1], 40)
    if other is not None and other.name != project.name:
        return clean(project.name, 40), clean(other.name, 40)
    return t("charts.map.series_main"), t("charts.map.series_compare")


def _changes(project: JourneyProject, other: JourneyProject) -> tuple[dict[str, str], int]:
    """Map touchpoint id -> "neu"/"geändert" against ``other``; count removed ones."""
    before = {tp.id: tp for tp in other.touchpoints}
    result: dict[str, str] = {}
    for tp in project.touchpoints:
        old = before.get(tp.id)
        if old is None:
            result[tp.id] = t("charts.map.change_new")
            continue
        moved = project.phase_model.name_of(tp.phase) != other.phase_model.name_of(old.phase)
        if moved or any(getattr(tp, f) != getattr(old, f) for f in COMPARED_FIELDS):
            result[tp.id] = t("charts.map.change_changed")
    now = {tp.id for tp in project.touchpoints}
    return result, sum(1 for i in before if i not in now)


def _lane_order(tps: list[Touchpoint]) -> list[str]:
    """Channels ordered: online first, then by the course's channel list, then by name."""
    online_share: dict[str, list[bool]] = {}
    for tp in tps:
        online_share.setdefault(clean(tp.channel), []).append(tp.online)
    known = {c: i for i, c in enumerate(CHANNELS)}

    def key(ch: str) -> tuple[int, int, str]:
        flags = online_share[ch]
        mostly_online = sum(flags) * 2 >= len(flags)
        return (0 if mostly_online else 1, known.get(ch, len(known)), ch.casefold())

    return sorted(online_share, key=key)


def _touchpoint_frame(
    project: JourneyProject, tps: list[Touchpoint], changes: dict[str, str], colw: int
) -> pd.DataFrame:
    pm = project.phase_model
    persona_names = {p.id: p.name for p in project.personas}
    everyone = t("charts.map.all_personas")
    rows = []
    for tp in tps:
        name = clean(tp.name, 120)
        rows.append(
            {
                "phase": clean(pm.name_of(tp.phase)),
                "lane": clean(tp.channel),
                "name": name,
                "label": _label(tp.name, colw, bold=tp.moment_of_truth),
                "order": (0 if tp.moment_of_truth else 1, -tp.relevance),
                "kind": online_label(tp.online),
                "emotion": int(tp.emotion),
                "relevance": int(tp.relevance),
                "mot": bool(tp.moment_of_truth),
                "mot_text": yes_no(tp.moment_of_truth),
                "hidden": bool(tp.hidden),
                "hidden_text": yes_no(tp.hidden),
                "department": clean(tp.department, 60) or "–",
                "device": clean(tp.device, 40) or "–",
                "personas": clean(
                    ", ".join(persona_names.get(i, i) for i in tp.persona_ids) or everyone, 120
                ),
                "change": changes.get(tp.id, ""),
            }
        )
    frame = pd.DataFrame(rows)
    # Sort keys as a plain string, so that the frame stays JSON-friendly.
    frame["order"] = frame["order"].map(lambda o: f"{o[0]}{9 - o[1]:02d}")
    return frame


def _touchpoint_panel(
    frame: pd.DataFrame,
    names: list[str],
    colw: int,
    *,
    top: bool,
    compare: bool,
    max_per_cell: int,
    title: str,
    lane_width: int = LANE_AXIS,
) -> alt.LayerChart:
    lanes = _lane_order_from_frame(frame)
    shown, overflow, slots = _lanes.place(
        frame, lanes, max_per_cell=max_per_cell, lane_width=lane_width
    )
    shown = shown.drop(columns=["order", "lane"])
    x = _x(names, top=top, colw=colw)
    y = _y_lanes(lane_width)
    tooltip = [
        alt.Tooltip("name:N", title=t("charts.map.tt_touchpoint")),
        alt.Tooltip("phase:N", title=t("charts.common.phase")),
        alt.Tooltip("channel:N", title=t("charts.common.channel")),
        alt.Tooltip("kind:N", title=t("charts.map.tt_kind")),
        alt.Tooltip("device:N", title=t("charts.map.tt_device")),
        alt.Tooltip("emotion:Q", title=t("charts.common.emotion"), format="+d"),
        alt.Tooltip("relevance:Q", title=t("charts.map.tt_relevance")),
        alt.Tooltip("mot_text:N", title=t("charts.map.tt_mot")),
        alt.Tooltip("hidden_text:N", title=t("charts.map.tt_hidden")),
        alt.Tooltip("department:N", title=t("charts.map.tt_department")),
        alt.Tooltip("personas:N", title=t("charts.map.tt_personas")),
    ]
    if compare:
        tooltip.append(alt.Tooltip("change:N", title=t("charts.map.tt_change")))
    shown = shown.assign(channel=shown["slot"].str.split("|").str[2])
    base = alt.Chart(shown).encode(x=x, y=y)
    layers: list[alt.Chart] = [_lane_base(slots, colw * len(names), title, lane_width)]
    layers.append(
        base.transform_filter("datum.mot")
        .mark_point(
            shape=STAR,
            size=470,
            filled=True,
            fill=COLORS["star"],
            stroke="#000000",
            strokeWidth=1,
            opacity=1,
            xOffset=SYMBOL_X,
        )
        .encode(tooltip=tooltip)
    )
    layers.append(
        base.mark_point(
            filled=True, size=120, stroke="#333333", strokeWidth=0.8, opacity=1, xOffset=SYMBOL_X
        ).encode(
            color=alt.Color(
                "emotion:O",
                scale=alt.Scale(domain=EMOTION_DOMAIN, range=EMOTION_RANGE),
                # Legends above the map, not beside it: the map takes the whole width.
                legend=alt.Legend(
                    title=t("charts.common.emotion"),
                    labelExpr=EMOTION_LABEL,
                    orient="top",
                    direction="horizontal",
                    symbolType="circle",
                ),
            ),
            shape=alt.Shape(
                "kind:N",
                scale=alt.Scale(
                    domain=[t("charts.common.online"), t("charts.common.offline")],
                    range=["circle", "square"],
                ),
                legend=alt.Legend(
                    title=t("charts.map.tt_kind"), orient="top", direction="horizontal"
                ),
            ),
            tooltip=tooltip,
        )
    )
    if compare:
        layers.append(
            base.transform_filter("datum.change != ''")
            .mark_point(
                filled=False,
                size=400,
                strokeWidth=2.2,
                strokeDash=[3, 2],
                color=COLORS["changed"],
                opacity=1,
                xOffset=SYMBOL_X,
            )
            .encode(tooltip=tooltip)
        )
    text = _label_style()
    layers.append(
        base.transform_filter("!datum.mot && !datum.hidden")
        .mark_text(**text)
        .encode(text="label:N", tooltip=tooltip)
    )
    # Hidden touchpoints (e.g. waiting in the hotline queue) are set in italics.
    layers.append(
        base.transform_filter("!datum.mot && datum.hidden")
        .mark_text(fontStyle="italic", **text)
        .encode(text="label:N", tooltip=tooltip)
    )
    layers.append(
        base.transform_filter("datum.mot")
        .mark_text(fontWeight="bold", **text)
        .encode(text="label:N", tooltip=tooltip)
    )
    if not overflow.empty:
        layers.append(overflow_layer(overflow, x, y, text))
    return alt.LayerChart(layer=layers, resolve=INDEPENDENT)


def _lane_order_from_frame(frame: pd.DataFrame) -> list[str]:
    return list(dict.fromkeys(frame["lane"]))


def _emotion_frame(
    project: JourneyProject, persona: Persona | None, series: str, names: list[str]
) -> pd.DataFrame:
    pm = project.phase_model
    rows = [
        {"phase": clean(pm.name_of(tp.phase)), "emotion": tp.emotion}
        for tp in touchpoints_for(project, persona)
    ]
    if not rows:
        return pd.DataFrame(columns=["phase", "emotion", "n", "series"])
    frame = pd.DataFrame(rows)
    frame = frame[frame["phase"].isin(names)]
    agg = frame.groupby("phase", sort=False)["emotion"].agg(["mean", "size"]).reset_index()
    agg.columns = ["phase", "emotion", "n"]
    agg["emotion"] = agg["emotion"].round(2)
    agg["series"] = series
    agg["_pos"] = agg["phase"].map(names.index)
    return agg.sort_values("_pos").drop(columns="_pos")


def _emotion_panel(
    project: JourneyProject,
    persona: Persona | None,
    other: JourneyProject | None,
    other_persona: Persona | None,
    series: tuple[str, str],
    names: list[str],
    colw: int,
    *,
    top: bool,
    lane_width: int = LANE_AXIS,
) -> alt.LayerChart:
    frame = _emotion_frame(project, persona, series[0], names)
    if other is not None:
        frame = pd.concat(
            [frame, _emotion_frame(other, other_persona, series[1], names)], ignore_index=True
        )
    x = alt.X(
        "phase:N",
        sort=names,
        scale=alt.Scale(domain=names, paddingInner=0, paddingOuter=0),
        axis=_x_axis(top=top, colw=colw),
    )
    y = alt.Y(
        "emotion:Q",
        scale=alt.Scale(domain=[-2.4, 2.4], nice=False),
        title=None,  # the panel title names the curve; an axis title would widen the map
        axis=alt.Axis(
            values=EMOTION_DOMAIN,
            labelExpr=EMOTION_LABEL,
            minExtent=lane_width,
            maxExtent=lane_width,
            titleFontSize=12,
            grid=True,
        ),
    )
    domain = list(series) if other is not None else [series[0]]
    color = alt.Color(
        "series:N",
        scale=alt.Scale(domain=domain, range=[COLORS["main"], COLORS["compare"]]),
        legend=alt.Legend(title=t("charts.map.series_title"), orient="top", direction="horizontal")
        if other is not None
        else None,
    )
    dash = alt.StrokeDash(
        "series:N", scale=alt.Scale(domain=domain, range=[[1, 0], [6, 4]]), legend=None
    )
    tooltip = [
        alt.Tooltip("series:N", title=t("charts.map.series_title")),
        alt.Tooltip("phase:N", title=t("charts.common.phase")),
        alt.Tooltip("emotion:Q", title=t("charts.map.tt_mean_emotion"), format="+.2f"),
        alt.Tooltip("n:Q", title=t("charts.map.tt_count")),
    ]
    zero = (
        alt.Chart(pd.DataFrame({"y": [0]}))
        .mark_rule(color="#888888", strokeDash=[2, 2])
        .encode(y="y:Q")
    )
    base = alt.Chart(frame).encode(x=x, y=y, color=color)
    layers = [
        zero,
        base.mark_line(strokeWidth=3, point=False).encode(strokeDash=dash),
        base.mark_point(filled=True, size=90, opacity=1).encode(tooltip=tooltip),
        base.transform_filter(alt.datum.series == series[0])
        .mark_text(dy=-14, fontSize=11, fontWeight="bold")
        .encode(text=alt.Text("emotion:Q", format="+.1f")),
    ]
    return alt.LayerChart(
        layer=layers,
        width=colw * len(names),
        height=150,
        title=alt.Title(t("charts.map.panel_emotion"), fontSize=14, anchor="start", offset=6),
    )


def _pain_frame(
    project: JourneyProject, persona: Persona | None, visible: set[str], colw: int
) -> tuple[pd.DataFrame, int]:
    pm = project.phase_model
    tp_phase = {tp.id: tp.phase for tp in project.touchpoints}
    order = {pid: i for i, pid in enumerate(pm.ids)}
    lane_pain, lane_sol = t("charts.map.lane_pain"), t("charts.map.lane_solution")
    rows: list[dict[str, Any]] = []
    pain_phase: dict[str, str] = {}
    skipped = 0
    for pp in project.pain_points:
        if not applies_to(pp.persona_ids, persona):
            continue
        if pp.touchpoint_ids and persona is not None and not set(pp.touchpoint_ids) & visible:
            continue
        phases = (
            [pp.phase]
            if pp.phase
            else sorted(
                {tp_phase[i] for i in pp.touchpoint_ids if i in tp_phase},
                key=lambda name: order.get(name, len(order)),
            )
        )
        if not phases:
            skipped += 1
            continue
        pain_phase[pp.id] = phases[0]
        rows.append(
            {
                "phase": clean(pm.name_of(phases[0])),
                "lane": lane_pain,
                "name": clean(pp.title, 120),
                "label": _label(pp.title, colw),
                "order": f"{25 - pp.priority:02d}",
                "detail": t(
                    "charts.map.pain_detail",
                    category=clean(pp.category),
                    priority=pp.priority,
                    severity=pp.severity,
                    frequency=pp.frequency,
                ),
            }
        )
    for sol in project.solutions:
        phases = [pain_phase[i] for i in sol.pain_point_ids if i in pain_phase]
        if not phases:
            if not sol.pain_point_ids or persona is None:
                skipped += 1
            continue
        first = min(phases, key=lambda name: order.get(name, len(order)))
        rows.append(
            {
                "phase": clean(pm.name_of(first)),
                "lane": lane_sol,
                "name": clean(sol.title, 120),
                "label": _label(sol.title, colw),
                "order": f"{5 - sol.impact}{sol.effort}",
                "detail": t(
                    "charts.map.solution_detail",
                    quadrant=sol.quadrant,
                    impact=sol.impact,
                    effort=sol.effort,
                    status=clean(sol.status),
                ),
            }
        )
    frame = pd.DataFrame(rows, columns=["phase", "lane", "name", "label", "order", "detail"])
    return frame, skipped


def _pain_panel(
    frame: pd.DataFrame,
    names: list[str],
    colw: int,
    max_per_cell: int,
    *,
    top: bool,
    lane_width: int = LANE_AXIS,
) -> alt.LayerChart:
    lanes = [t("charts.map.lane_pain"), t("charts.map.lane_solution")]
    shown, overflow, slots = _lanes.place(
        frame, lanes, max_per_cell=max_per_cell, lane_width=lane_width
    )
    shown = shown.drop(columns=["order"])
    x, y = _x(names, top=top, colw=colw), _y_lanes(lane_width)
    tooltip = [
        alt.Tooltip("lane:N", title=t("charts.map.tt_kind_item")),
        alt.Tooltip("name:N", title=t("charts.map.tt_title")),
        alt.Tooltip("phase:N", title=t("charts.common.phase")),
        alt.Tooltip("detail:N", title=t("charts.map.tt_detail")),
    ]
    base = alt.Chart(shown).encode(x=x, y=y)
    text = _label_style()
    layers: list[alt.Chart] = [
        _lane_base(slots, colw * len(names), t("charts.map.panel_pains"), lane_width),
        base.mark_point(
            filled=True, size=130, opacity=1, xOffset=SYMBOL_X, stroke="#333333", strokeWidth=0.6
        ).encode(
            shape=alt.Shape(
                "lane:N",
                scale=alt.Scale(domain=lanes, range=["triangle-down", "diamond"]),
                legend=None,
            ),
            color=alt.Color(
                "lane:N",
                scale=alt.Scale(domain=lanes, range=[COLORS["pain"], COLORS["solution"]]),
                legend=None,
            ),
            tooltip=tooltip,
        ),
        base.mark_text(**text).encode(text="label:N", tooltip=tooltip),
    ]
    if not overflow.empty:
        layers.append(overflow_layer(overflow, x, y, text))
    return alt.LayerChart(layer=layers, resolve=INDEPENDENT)


def _note_panel(text: str, width: int) -> alt.Chart:
    chart: alt.Chart = (
        alt.Chart(pd.DataFrame({"text": [clean(text)]}))
        .mark_text(
            align="left",
            fontSize=12,
            fontStyle="italic",
            color="#555555",
            dx=-width / 2 + 8,
            limit=width - 16,
        )
        .encode(text="text:N")
        .properties(
            width=width,
            height=28,
            title=alt.Title(t("charts.map.panel_pains"), fontSize=14, anchor="start", offset=6),
        )
    )
    return chart


def _backstage_frame(
    project: JourneyProject, tps: list[Touchpoint], colw: int
) -> tuple[pd.DataFrame, list[str]]:
    pm = project.phase_model
    none = t("charts.map.no_department")
    rows = [
        {
            "phase": clean(pm.name_of(tp.phase)),
            "lane": clean(tp.department, 60) or none,
            "name": clean(tp.name, 120),
            "label": _label(tp.name, colw),
            "order": f"{5 - tp.relevance}",
            "channel": clean(tp.channel),
        }
        for tp in tps
    ]
    frame = pd.DataFrame(rows, columns=["phase", "lane", "name", "label", "order", "channel"])
    known = {d: i for i, d in enumerate(DEPARTMENTS)}
    lanes = sorted(
        set(frame["lane"]), key=lambda d: (d == none, known.get(d, len(known)), d.casefold())
    )
    return frame, lanes


def _backstage_panel(
    frame: pd.DataFrame,
    lanes: list[str],
    names: list[str],
    colw: int,
    max_per_cell: int,
    lane_width: int = LANE_AXIS,
) -> alt.LayerChart:
    shown, overflow, slots = _lanes.place(
        frame, lanes, max_per_cell=max_per_cell, lane_width=lane_width
    )
    shown = shown.drop(columns=["order"])
    x, y = _x(names, top=False, colw=colw), _y_lanes(lane_width)
    tooltip = [
        alt.Tooltip("lane:N", title=t("charts.map.tt_department")),
        alt.Tooltip("name:N", title=t("charts.map.tt_touchpoint")),
        alt.Tooltip("channel:N", title=t("charts.common.channel")),
        alt.Tooltip("phase:N", title=t("charts.common.phase")),
    ]
    base = alt.Chart(shown).encode(x=x, y=y)
    text = _label_style(color="#333333")
    layers: list[alt.Chart] = [
        _lane_base(slots, colw * len(names), t("charts.map.panel_backstage"), lane_width),
        base.mark_square(
            size=90, color="#56B4E9", opacity=1, xOffset=SYMBOL_X, stroke="#333333", strokeWidth=0.6
        ).encode(tooltip=tooltip),
        base.mark_text(**text).encode(text="label:N", tooltip=tooltip),
    ]
    if not overflow.empty:
        layers.append(overflow_layer(overflow, x, y, text))
    return cast("alt.LayerChart", alt.layer(*layers))


def _empty_hint(project: JourneyProject, persona: Persona | None) -> alt.Chart:
    title = t("charts.map.title", project=clean(project.name, 80))
    if persona is not None and project.touchpoints:
        return hint_chart(
            title,
            [
                t("charts.map.empty_persona", persona=clean(persona.name, 60)),
                t("charts.map.empty_persona_fix"),
            ],
            key="journey_map.persona",
        )
    lines = [t("charts.map.empty_intro")]
    if not project.personas:
        lines.append(t("charts.map.empty_personas"))
    lines.append(t("charts.map.empty_touchpoints"))
    lines.append(t("charts.map.empty_emotions"))
    if not project.pain_points:
        lines.append(t("charts.map.empty_pains"))
    return hint_chart(title, lines, key="journey_map.empty")


def journey_map_chart(
    project: ProjectLike,
    *,
    persona: Any = None,
    compare_to: Any = None,
    backstage: bool = False,
    labels: tuple[str, str] | None = None,
    max_per_cell: int = 4,
    verification: Any = None,
) -> alt.VConcatChart | alt.Chart:
    """The journey map of ``project`` (a Workbook or JourneyProject).

    Parameters
    ----------
    project:
        The workbook or project to draw.
    persona:
        Id or name of one persona: only touchpoints and pain points for this persona
        (entries without personas apply to everyone). ``None`` shows all.
    compare_to:
        Another state (workbook, project, e.g. ``wb.snapshot_project("Iteration 1")``):
        its emotion curve is drawn dashed, and touchpoints that are new or changed
        compared with it get a dashed ring.
    backstage:
        Add the backstage lane: which department owns which touchpoint (service
        blueprint view).
    labels:
        Legend names of the two states, e.g. ``("Soll", "Ist")``.
    max_per_cell:
        Rows per phase and lane; further entries are summarised as "+k weitere".
    verification:
        Add the verification layer (:mod:`cjmlib.charts.verification_layer`): a mark per
        claim, confirmed, refuted, stale or without evidence. A verification, its id or
        title, or True for the latest one.

    Returns
    -------
    alt.VConcatChart, or a hint chart when there are no touchpoints to draw yet.
    """
    proj = as_project(project)
    who = resolve_persona(proj, persona)
    other = as_project(compare_to, arg="compare_to") if compare_to is not None else None
    other_who = None
    if other is not None and who is not None:
        try:
            other_who = resolve_persona(other, who.id)
        except CJMError:
            try:
                other_who = resolve_persona(other, who.name)
            except CJMError:
                other_who = None
    tps = touchpoints_for(proj, who)
    if not tps:
        return _empty_hint(proj, who)

    names = phase_names(proj)
    verify = verification is not None and verification is not False
    lane_w = _lane_width(tps, backstage=backstage, verification=verify, n=len(names))
    colw = _column_width(len(names), lane_w)
    width = colw * len(names)
    changes, removed = _changes(proj, other) if other is not None else ({}, 0)
    frame = _touchpoint_frame(proj, tps, changes, colw)
    lanes = _lane_order(tps)
    frame["_lane_pos"] = frame["lane"].map(lanes.index)
    frame = frame.sort_values("_lane_pos", kind="stable").drop(columns="_lane_pos")

    series = _series_labels(proj, other, labels)
    # Scenario line and thoughts lane live in cjmlib.charts.thoughts (NN/g map elements).
    panels: list[alt.LayerChart | alt.Chart] = [
        # As wide as the phase columns: vconcat aligns the panels at the plot area.
        *thoughts.scenario_panels(proj, width),
        _touchpoint_panel(
            frame,
            names,
            colw,
            top=True,
            compare=other is not None,
            max_per_cell=max_per_cell,
            title=t("charts.map.panel_touchpoints"),
            lane_width=lane_w,
        ),
        *thoughts.thought_panels(
            proj, tps, _x(names, top=False, colw=colw), _y_lanes(lane_w), colw, len(names)
        ),
        _emotion_panel(
            proj, who, other, other_who, series, names, colw, top=False, lane_width=lane_w
        ),
    ]
    visible = {tp.id for tp in tps}
    pains, skipped = _pain_frame(proj, who, visible, colw)
    if pains.empty:
        panels.append(_note_panel(t("charts.map.no_pains"), width))
    else:
        panels.append(_pain_panel(pains, names, colw, max_per_cell, top=False, lane_width=lane_w))
    if backstage:
        back, back_lanes = _backstage_frame(proj, tps, colw)
        panels.append(_backstage_panel(back, back_lanes, names, colw, max_per_cell, lane_w))
    if verify:
        from cjmlib.charts.verification_layer import verification_panel

        panels.append(
            verification_panel(
                proj, verification, who, names, colw, max_per_cell, lane_width=lane_w
            )
        )

    subtitle = [
        t("charts.map.subtitle_persona", persona=clean(who.name, 60))
        if who
        else t("charts.map.subtitle_all", count=len(proj.personas)),
        t("charts.map.legend_hint"),
    ]
    if other is not None:
        subtitle.append(
            t(
                "charts.map.subtitle_compare",
                main=series[0],
                other=series[1],
                changed=len([c for c in changes if c in visible]),
                removed=removed,
            )
        )
    if skipped:
        subtitle.append(t("charts.map.subtitle_skipped", count=skipped))
    # One constructor call: every chained .resolve_*()/.properties() deep-copies the tree.
    return alt.VConcatChart(
        vconcat=panels,
        spacing=10,
        resolve=alt.Resolve(
            scale=alt.ScaleResolveMap(
                x="shared", color="independent", shape="independent", strokeDash="independent"
            ),
            legend=alt.LegendResolveMap(color="independent", shape="independent"),
        ),
        title=alt.Title(t("charts.map.title", project=clean(proj.name, 80)), subtitle=subtitle),
        usermeta={"cjm_chart": "journey_map"},
    )
