"""Charts and German tables of the lived journey (from :mod:`cjmlib.analytics.lived`).

:func:`journey_graph_chart`
    The directly-follows graph as an arc diagram: the steps on one line in the designed
    order (Start left, End right), each edge an arc whose width is its frequency —
    forward moves above the line, moves back below it, so loops stand out at a glance.
    Only the most frequent edges are drawn (``top``); steps the map lacks are marked.
:func:`variants_chart`
    The most frequent journeys, one row each, their steps as coloured cells.
:func:`variants_table`, :func:`design_table`, :func:`hidden_table`
    The analytics tables with German column names and German numbers, for display.
"""

from __future__ import annotations

import math
from typing import Any

import altair as alt
import pandas as pd

from cjmlib.analytics.lived import DFG_COLUMNS
from cjmlib.charts._common import as_frame, clean, fit_text, text_width
from cjmlib.charts.empty import hint_chart
from cjmlib.charts.theme import NOTEBOOK_WIDTH, PALETTE
from cjmlib.messages import t
from cjmlib.messages.text import fmt_int, fmt_pct, wrap_words
from cjmlib.model.lookup import ProjectLike

__all__ = [
    "design_table",
    "hidden_table",
    "journey_graph_chart",
    "variants_chart",
    "variants_table",
]

#: Edge kind -> colour (Okabe-Ito). Moves back are also drawn below the line, so the
#: kind never rests on colour alone.
EDGE_STYLE: dict[str, str] = {
    "forward": "#0072B2",
    "within": "#56B4E9",
    "skip": "#E69F00",
    "back": "#D55E00",
    "start": "#999999",
    "end": "#999999",
    "unknown": "#CC79A7",
}
EDGE_ORDER = ("forward", "within", "skip", "back", "start", "unknown")
ARC_POINTS = 24
#: The columns of :func:`~cjmlib.analytics.directly_follows` the chart draws from.
DFG_NEEDED = [c for c in DFG_COLUMNS if c not in ("share", "source_phase", "target_phase")]
BAND_FILL = ("#F4F4F4", "#FFFFFF")
STEP_FONT = 11  # step names under the nodes, bold
STEP_LINE_PX = 150  # a step name's lines are at most this wide
STEP_LINE = 13  # pixels from one line of a step name to the next


def _slope(step_px: float, lines: int) -> int:
    """Degrees to turn the step names so that neighbours ``step_px`` apart do not overlap.

    Two parallel names are ``step_px · sin(angle)`` apart across their lines.
    """
    for angle in (35, 45, 60, 75):
        if step_px * math.sin(math.radians(angle)) >= STEP_LINE * lines + 4:
            return angle
    return 90


def _step_lines(label: object) -> list[str]:
    """A step's name whole, in lines of at most :data:`STEP_LINE_PX` (broken at spaces).

    Cutting with "…" hid what told two steps apart ("Vergleichsportal für Girokon…").
    """
    words = clean(label, 120).split(" ")
    return wrap_words(words, lambda line: text_width(line, STEP_FONT, bold=True) > STEP_LINE_PX)


def _is_nan(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _node_order(edges: pd.DataFrame) -> list[tuple[str, str, float]]:
    """(node, label, phase position) left to right: Start, the designed order, unknown, End."""
    nodes: dict[str, tuple[str, float, int]] = {}
    for side in ("source", "target"):
        phase_col = f"{side}_phase"
        for row in edges.to_dict("records"):
            node = str(row[side])
            label = str(row[f"{side}_label"])
            phase = float(row[phase_col]) if phase_col in edges.columns else float("nan")
            old = nodes.get(node)
            weight = int(row["transitions"]) + (old[2] if old else 0)
            nodes[node] = (label, phase, weight)

    def key(item: tuple[str, tuple[str, float, int]]) -> tuple[float, int, str]:
        node, (label, phase, weight) = item
        if node == "__start__":
            return (-2.0, 0, "")
        if node == "__end__":
            return (1e9, 0, "")
        pos = 1e6 if _is_nan(phase) else float(phase)
        return (pos, -weight, label.casefold())

    return [(n, lab, ph) for n, (lab, ph, _w) in sorted(nodes.items(), key=key)]


def _pick_edges(frame: pd.DataFrame, top: int) -> pd.DataFrame:
    """The ``top`` most frequent edges between steps, plus the main ways in and out."""
    ranked = frame.sort_values(["transitions", "source", "target"], ascending=[False, True, True])
    inner = ranked[~ranked["kind"].isin(["start", "end"])].head(top)
    shown = set(inner["source"]) | set(inner["target"])
    ends = max(3, top // 5)
    starts = ranked[ranked["kind"] == "start"]
    finishes = ranked[ranked["kind"] == "end"]
    if shown:
        starts = starts[starts["target"].isin(shown)]
        finishes = finishes[finishes["source"].isin(shown)]
    return pd.concat([inner, starts.head(ends), finishes.head(ends)])


def _phase_bands(order: list[tuple[str, str, float]], phase_names: list[str]) -> pd.DataFrame:
    """Background bands for runs of steps in the same phase (touchpoint graphs)."""
    rows: list[dict[str, Any]] = []
    run_start = 0
    for i in range(1, len(order) + 1):
        here = order[run_start][2]
        if i < len(order) and order[i][2] == here:
            continue
        if not _is_nan(here) and 0 <= here < len(phase_names):
            rows.append(
                {
                    "x": run_start - 0.5,
                    "x2": i - 1 + 0.5,
                    "phase": phase_names[int(here)],
                    "even": len(rows) % 2 == 0,
                }
            )
        run_start = i
    return pd.DataFrame(rows, columns=["x", "x2", "phase", "even"])


def journey_graph_chart(
    dfg: pd.DataFrame,
    *,
    top: int = 25,
    title: str | None = None,
    width: int | None = None,
    project: ProjectLike | None = None,
) -> alt.LayerChart | alt.Chart:
    """The directly-follows graph of :func:`~cjmlib.analytics.lived.directly_follows`.

    Parameters
    ----------
    dfg:
        The graph's table.
    top:
        Draw the ``top`` most frequent transitions between steps, and the main ways in
        (from Start) and out (to End) of the steps shown; the subtitle says how many
        transitions are left out.
    title:
        Chart title; default "Gelebte Journey: die häufigsten Übergänge".
    width:
        Width in pixels; default fits the notebook (and A4 landscape).
    project:
        Your workbook or project: the phases of a touchpoint graph are shown as bands.
    """
    frame = as_frame(dfg, arg="dfg", columns=DFG_NEEDED)
    title = title or t("living_map.graph.title")
    if frame.empty:
        return hint_chart(title, [t("living_map.graph.empty")], key="journey_graph.empty")
    edges = _pick_edges(frame, max(int(top), 1))
    order = _node_order(edges)
    pos = {node: i for i, (node, _l, _p) in enumerate(order)}
    n = len(order)
    # Step names stand upright when they fit side by side, else they are turned.
    step_lines = [_step_lines(lab) for _n, lab, _p in order]
    widest = max(text_width(x, STEP_FONT, bold=True) for lines in step_lines for x in lines)
    extra_lines = max(len(lines) for lines in step_lines) - 1
    upright = n * (widest + 16)
    # The plot, the rotated names' overhang on the left and vega's padding fit the notebook
    # column (NOTEBOOK_WIDTH); a wider graph was cut off at a 1366 px screen.
    room = NOTEBOOK_WIDTH - 40
    rotated = upright > room
    width = width or int(min(room, max(420, 64 * n if rotated else upright)))
    max_n = float(edges["transitions"].max())
    arcs: list[dict[str, Any]] = []
    heads: list[dict[str, Any]] = []
    scale = 1.0 / max(1.0, n / 6)
    for i, row in enumerate(edges.to_dict("records")):
        xa, xb = pos[row["source"]], pos[row["target"]]
        below = row["kind"] == "back"
        height = (-1.0 if below else 1.0) * (0.35 + 0.45 * abs(xb - xa)) * scale
        tip = {
            "from": clean(row["source_label"], 80),
            "to": clean(row["target_label"], 80),
            "transitions": int(row["transitions"]),
            "customers": int(row["customers"]),
            "kind": t(f"living_map.graph.kind_{row['kind']}"),
            "edge": i,
        }
        for j in range(ARC_POINTS + 1):
            theta = math.pi * j / ARC_POINTS
            arcs.append(
                {
                    **tip,
                    "x": xa + (xb - xa) * (1 - math.cos(theta)) / 2,
                    "y": height * math.sin(theta),
                    "k": j,
                }
            )
        # The arrowhead sits on the arc just before the target (a node covers the end).
        theta = math.pi * (1 - 0.13 / max(1.0, abs(xb - xa) ** 0.5))
        heads.append(
            {
                **tip,
                "x": xa + (xb - xa) * (1 - math.cos(theta)) / 2,
                "y": height * math.sin(theta),
                "up": below,
            }
        )
    arc_frame = pd.DataFrame(arcs)
    node_kind = {
        "map": t("living_map.graph.node_map"),
        "unknown": t("living_map.graph.node_unknown"),
        "start": t("living_map.graph.node_start"),
    }
    node_frame = pd.DataFrame(
        {
            "x": [float(i) for i in range(n)],
            "y": 0.0,
            "label": ["\n".join(lines) for lines in step_lines],
            "name": [clean(lab, 120) for _n, lab, _p in order],
            "kind": [
                node_kind["start"]
                if node in ("__start__", "__end__")
                else node_kind["unknown"]
                if _is_nan(ph)
                else node_kind["map"]
                for node, _l, ph in order
            ],
        }
    )
    # Room: arcs above, arcs below, and a band under the line for the step names.
    # Turned names are parallel; the steeper they stand, the more room between two
    # neighbours for a name on two lines (35° for one line, else the least that fits).
    slope = _slope(width / max(n, 1), extra_lines + 1) if rotated else 0
    if rotated:
        rad = math.radians(slope)
        lines_px = STEP_LINE * (extra_lines + 1)
        label_px = int(widest * math.sin(rad) + lines_px * math.cos(rad)) + 20
        height_px = 300 + label_px
    else:
        label_px = 34 + STEP_LINE * extra_lines
        height_px = 340 + STEP_LINE * extra_lines
    above = float(arc_frame["y"].max()) * 1.1 + 0.05
    below = max(0.0, -float(arc_frame["y"].min())) * 1.1
    unit = (above + below) / (height_px - label_px)
    lo, hi = -(below + label_px * unit), above
    x_scale = alt.Scale(domain=[-0.6, n - 0.4], nice=False)
    x = alt.X("x:Q", axis=None, scale=x_scale)
    y = alt.Y("y:Q", axis=None, scale=alt.Scale(domain=[lo, hi], nice=False))
    kinds = [k for k in EDGE_ORDER if k in set(edges["kind"]) | {"end"} and k != "end"]
    kinds = [
        k
        for k in kinds
        if k in set(edges["kind"]) or (k == "start" and "end" in set(edges["kind"]))
    ]
    kind_domain = [t(f"living_map.graph.kind_{k}") for k in kinds]
    kind_scale = alt.Scale(domain=kind_domain, range=[EDGE_STYLE[k] for k in kinds])
    tooltip = [
        alt.Tooltip("from:N", title=t("living_map.graph.tt_from")),
        alt.Tooltip("to:N", title=t("living_map.graph.tt_to")),
        alt.Tooltip("transitions:Q", title=t("living_map.graph.tt_transitions"), format=",d"),
        alt.Tooltip("customers:Q", title=t("living_map.graph.tt_customers"), format=",d"),
        alt.Tooltip("kind:N", title=t("living_map.graph.tt_kind")),
    ]
    layers: list[alt.Chart] = []
    proj = getattr(project, "project", project)
    if proj is not None and rotated and hasattr(proj, "phase_model"):
        bands = _phase_bands(order, list(proj.phase_model.names))
        if len(bands):
            band_base = alt.Chart(bands).encode(x=alt.X("x:Q", scale=x_scale, axis=None), x2="x2:Q")
            layers.append(
                band_base.mark_rect(opacity=1).encode(
                    color=alt.Color(
                        "even:N",
                        scale=alt.Scale(domain=[True, False], range=list(BAND_FILL)),
                        legend=None,
                    )
                )
            )
            # A phase name wider than its band would run into its neighbour's ("Erste
            # SchritteProduktnutzung"): then every second name stands a line lower.
            unit_px = width / max(n, 1)
            crowded = any(
                text_width(str(b["phase"]), 12, bold=True) + 6 > (b["x2"] - b["x"]) * unit_px
                for b in bands.to_dict("records")
            )
            lower = [crowded and i % 2 == 1 for i in range(len(bands))]
            for second_line in (False, True):
                part = bands[[x == second_line for x in lower]]
                if part.empty:
                    continue
                layers.append(
                    alt.Chart(part)
                    .transform_calculate(mid="(datum.x + datum.x2) / 2")
                    .mark_text(
                        baseline="top",
                        dy=19 if second_line else 4,
                        fontSize=12,
                        fontWeight="bold",
                        color="#555555",
                    )
                    .encode(
                        x=alt.X("mid:Q", scale=x_scale, axis=None), y=alt.value(0), text="phase:N"
                    )
                )
    layers.append(
        alt.Chart(arc_frame)
        .mark_line(opacity=0.7, strokeCap="round")
        .encode(
            x=x,
            y=y,
            detail="edge:N",
            order="k:Q",
            color=alt.Color(
                "kind:N",
                scale=kind_scale,
                legend=alt.Legend(title=t("living_map.graph.legend_edges"), orient="top"),
            ),
            strokeWidth=alt.StrokeWidth(
                "transitions:Q", scale=alt.Scale(domain=[0, max_n], range=[1, 14]), legend=None
            ),
            tooltip=tooltip,
        )
    )
    layers.append(
        alt.Chart(pd.DataFrame(heads))
        .mark_point(filled=True, size=60, opacity=0.95, yOffset=0)
        .encode(
            x=x,
            y=y,
            shape=alt.Shape(
                "up:N",
                scale=alt.Scale(domain=[False, True], range=["triangle-down", "triangle-up"]),
                legend=None,
            ),
            color=alt.Color("kind:N", scale=kind_scale, legend=None),
            tooltip=tooltip,
        )
    )
    colours = {"map": "#FFFFFF", "unknown": "#CC79A7", "start": "#222222"}
    shapes = {"map": "circle", "unknown": "diamond", "start": "square"}
    used = [k for k, v in node_kind.items() if v in set(node_frame["kind"])]
    node_domain = [node_kind[k] for k in used]
    node_legend = alt.Legend(title=t("living_map.graph.legend_nodes"), orient="top")
    layers.append(
        alt.Chart(node_frame)
        .mark_point(filled=True, size=230, stroke="#222222", strokeWidth=1, opacity=1)
        .encode(
            x=x,
            y=y,
            color=alt.Color(
                "kind:N",
                scale=alt.Scale(domain=node_domain, range=[colours[k] for k in used]),
                legend=node_legend,
            ),
            shape=alt.Shape(
                "kind:N",
                scale=alt.Scale(domain=node_domain, range=[shapes[k] for k in used]),
                legend=node_legend,
            ),
            tooltip=[alt.Tooltip("name:N", title=t("living_map.graph.tt_step"))],
        )
    )
    text: dict[str, Any] = dict(
        angle=360 - slope if rotated else 0,
        align="right" if rotated else "center",
        baseline="top",
        dy=13,
        dx=-4 if rotated else 0,
        fontSize=STEP_FONT,
        fontWeight="bold",
        lineBreak="\n",
        lineHeight=STEP_LINE,
    )
    label_base = alt.Chart(node_frame).encode(x=x, y=y, text="label:N")
    # A white halo under each name keeps it legible where arcs pass below the line.
    layers.append(label_base.mark_text(stroke="#FFFFFF", strokeWidth=3, **text))
    layers.append(label_base.mark_text(**text))
    inner_total = int((~frame["kind"].isin(["start", "end"])).sum())
    inner_shown = int((~edges["kind"].isin(["start", "end"])).sum())
    subtitle = [t("living_map.graph.subtitle", shown=inner_shown, total=inner_total)]
    if inner_total > inner_shown:
        subtitle.append(t("living_map.graph.left_out", count=inner_total - inner_shown))
    explanation = frame.attrs.get("explanation")
    if explanation:
        subtitle.append(clean(explanation, 200))
    return alt.LayerChart(
        layer=layers,
        width=width,
        height=height_px,
        title=alt.Title(title, subtitle=subtitle, anchor="start"),
        resolve=alt.Resolve(
            scale=alt.ScaleResolveMap(color="independent", shape="independent"),
            legend=alt.LegendResolveMap(color="independent", shape="independent"),
        ),
        view=alt.ViewBackground(stroke=None),
        usermeta={"cjm_chart": "journey_graph"},
    )


VARIANT_NEEDED = ["rank", "variant", "steps", "customers", "share"]


def variants_chart(
    variants: pd.DataFrame, *, title: str | None = None
) -> alt.Chart | alt.LayerChart:
    """The most frequent journeys of :func:`~cjmlib.analytics.lived.journey_variants`.

    One row per variant (most frequent on top, its share of customers in the row's
    name), its steps left to right as coloured cells with the step's name; a cross in
    front marks variants that leave the designed order.
    """
    frame = as_frame(variants, arg="variants", columns=VARIANT_NEEDED)
    title = title or t("living_map.variants.title")
    if frame.empty:
        return hint_chart(title, [t("living_map.graph.empty")], key="variants.empty")
    names = frame["variant"].str.split(" → ")
    longest = int(frame["steps"].map(len).max())
    # Row labels (up to 220 px) and the cells together fit the notebook column.
    cell = int(max(60, min(130, (NOTEBOOK_WIDTH - 240) // max(longest, 1))))
    rows = []
    follows = frame["follows_design"] if "follows_design" in frame.columns else None
    for i, rec in enumerate(frame.to_dict("records")):
        mark = ""
        if follows is not None:
            mark = "✓ " if bool(follows.iloc[i]) else "✗ "
        share, count = fmt_pct(float(rec["share"])), fmt_int(int(rec["customers"]))
        row_label = f"{mark}{rec['rank']}. {share} ({count})"
        for j, (step, name) in enumerate(zip(rec["steps"], names.iloc[i], strict=True)):
            rows.append(
                {
                    "row": row_label,
                    "pos": j + 1,
                    "step": str(step),
                    "name": clean(name, 80),
                    "label": fit_text(clean(name, 60), cell - 8, 10),
                }
            )
    cells = pd.DataFrame(rows)
    steps = list(dict.fromkeys(cells["step"]))
    palette = [PALETTE[i % 6] for i in range(len(steps))]
    row_order = list(dict.fromkeys(cells["row"]))
    base = alt.Chart(cells).encode(
        x=alt.X(
            "pos:O",
            title=t("living_map.variants.axis_step"),
            axis=alt.Axis(labelAngle=0, orient="top"),
        ),
        y=alt.Y(
            "row:N", sort=row_order, title=None, axis=alt.Axis(labelLimit=220, labelFontSize=12)
        ),
        tooltip=[
            alt.Tooltip("row:N", title=t("living_map.variants.tt_variant")),
            alt.Tooltip("pos:O", title=t("living_map.variants.axis_step")),
            alt.Tooltip("name:N", title=t("living_map.graph.tt_step")),
        ],
    )
    rects = base.mark_rect(stroke="#FFFFFF", strokeWidth=2, opacity=0.35).encode(
        color=alt.Color("step:N", scale=alt.Scale(domain=steps, range=palette), legend=None)
    )
    text = base.mark_text(fontSize=10, color="#222222").encode(text="label:N")
    subtitle = (
        [clean(frame.attrs.get("explanation", ""), 200)] if frame.attrs.get("explanation") else []
    )
    if follows is not None:
        subtitle.append(t("living_map.variants.marks"))
    return alt.LayerChart(
        layer=[rects, text],
        width=cell * longest,
        height=alt.Step(26),
        title=alt.Title(title, subtitle=subtitle, anchor="start"),
        usermeta={"cjm_chart": "journey_variants"},
    )


def _pct(value: Any) -> str:
    return fmt_pct(float(value)) if value is not None and not pd.isna(value) else "–"


def _yes_no(value: Any) -> str:
    return t("charts.common.yes") if bool(value) else t("charts.common.no")


def variants_table(variants: pd.DataFrame) -> pd.DataFrame:
    """The variants with German column names and numbers (for display)."""
    frame = as_frame(variants, arg="variants", columns=VARIANT_NEEDED)
    out = pd.DataFrame(
        {
            t("living_map.variants.col_rank"): frame["rank"].astype(int),
            t("living_map.variants.col_variant"): frame["variant"],
            t("living_map.variants.col_length"): frame["steps"].map(len),
            t("living_map.variants.col_customers"): [fmt_int(int(v)) for v in frame["customers"]],
            t("living_map.variants.col_share"): [_pct(v) for v in frame["share"]],
            t("living_map.variants.col_cumulative"): [
                _pct(v) for v in frame.get("cumulative", frame["share"].cumsum())
            ],
        }
    )
    if "follows_design" in frame.columns:
        out[t("living_map.variants.col_follows")] = [_yes_no(v) for v in frame["follows_design"]]
    out.attrs["explanation"] = frame.attrs.get("explanation", "")
    return out


def design_table(comparison: Any) -> pd.DataFrame:
    """The summary of :func:`~cjmlib.analytics.lived.compare_design` in German."""
    summary = comparison.summary

    def both(count: str) -> list[str]:
        return [
            f"{fmt_int(int(c))} ({_pct(s)})"
            for c, s in zip(summary[count], summary[f"{count}_share"], strict=True)
        ]

    out = pd.DataFrame(
        {
            t("living_map.design.col_group"): summary["group"],
            t("living_map.design.col_customers"): [fmt_int(int(v)) for v in summary["customers"]],
            t("living_map.design.col_in_order"): both("in_order"),
            t("living_map.design.col_follows"): both("follows_design"),
            t("living_map.design.col_skipping"): both("skipping"),
            t("living_map.design.col_looping"): both("looping"),
        }
    )
    out.attrs["explanation"] = comparison.explanation
    return out


def hidden_table(hidden: pd.DataFrame) -> pd.DataFrame:
    """What the data show that the map lacks (and the reverse), in German."""
    frame = as_frame(
        hidden, arg="hidden", columns=["finding", "kind", "id", "name", "events", "customers"]
    )
    out = pd.DataFrame(
        {
            t("living_map.hidden.col_finding"): [
                t(f"living_map.hidden.finding_{v}") for v in frame["finding"]
            ],
            t("living_map.hidden.col_kind"): [
                t(f"living_map.hidden.kind_{v}") for v in frame["kind"]
            ],
            t("living_map.hidden.col_name"): frame["name"],
            t("living_map.hidden.col_id"): frame["id"],
            t("living_map.hidden.col_channel"): frame.get(
                "channel", pd.Series(dtype=object)
            ).fillna("–"),
            t("living_map.hidden.col_phase"): frame.get("phase", pd.Series(dtype=object)).fillna(
                "–"
            ),
            t("living_map.hidden.col_events"): [fmt_int(int(v)) for v in frame["events"]],
            t("living_map.hidden.col_customers"): [fmt_int(int(v)) for v in frame["customers"]],
        }
    )
    out.attrs["explanation"] = frame.attrs.get("explanation", "")
    return out
