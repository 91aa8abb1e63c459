"""Place items (touchpoints, pain points, ...) in the rows of a lane × phase grid.

Every lane gets as many rows as its fullest phase cell needs (at most ``max_per_cell``);
a fuller cell shows its first items and a "+k weitere" row. The y field is a sortable
slot key ``"LLL|R|lane"`` whose axis label shows the lane name on the lane's first row.
"""

from __future__ import annotations

from typing import Any, cast

import altair as alt
import pandas as pd

from cjmlib.charts._common import clean, fit_text, wrap_text
from cjmlib.charts.theme import COLORS
from cjmlib.messages import t

#: Vega expression for the y-axis labels: the lane name on the lane's first row only.
LANE_LABEL_EXPR = "split(datum.label, '|')[1] == '0' ? split(datum.label, '|')[2] : ''"


ROW_STEP = 28  # pixels per lane row (room for a label on two lines)
LANE_AXIS = 118  # pixels reserved for the lane names on the left
LINE_BREAK = "\n"  # labels on two lines are split here (Vega's ``lineBreak``)
SYMBOL_X = 12  # symbol offset from the left edge of a phase column
LABEL_X = 27  # label offset from the left edge of a phase column
LABEL_FONT = 11
INDEPENDENT = alt.Resolve(scale=alt.ScaleResolveMap(color="independent", shape="independent"))


def slot_key(lane_index: int, row: int, lane: str) -> str:
    return f"{lane_index:03d}|{row}|{lane.replace('|', '/')}"


def place(
    items: pd.DataFrame, lanes: list[str], *, max_per_cell: int = 3
) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """Give every shown item a ``slot``; return (shown items, overflow rows, slot order).

    ``items`` needs the columns ``lane``, ``phase``, ``name`` and ``order`` (lower shows
    first). Plain Python on the records: a few hundred items, many tiny groups.
    """
    max_per_cell = max(int(max_per_cell), 1)
    cells: dict[str, dict[str, list[dict[str, Any]]]] = {}
    records = cast("list[dict[str, Any]]", items.to_dict("records"))  # column names are str
    for rec in records:
        cells.setdefault(rec["lane"], {}).setdefault(rec["phase"], []).append(rec)
    shown: list[dict[str, Any]] = []
    overflow: list[dict[str, object]] = []
    slots: list[str] = []
    for li, lane in enumerate(lanes):
        by_phase = cells.get(lane)
        if not by_phase:
            continue
        rows = min(max(len(c) for c in by_phase.values()), max_per_cell)
        keys = [slot_key(li, r, lane) for r in range(rows)]
        slots.extend(keys)
        for phase, cell in by_phase.items():
            cell = sorted(cell, key=lambda r: r["order"])
            keep = len(cell) if len(cell) <= rows else rows - 1
            for r, rec in enumerate(cell[:keep]):
                shown.append({**rec, "slot": keys[r]})
            if len(cell) > keep:
                rest = cell[keep:]
                names = "; ".join(r["name"] for r in rest[:12])
                overflow.append(
                    {
                        "phase": phase,
                        "slot": keys[rows - 1],
                        "label": t("charts.map.more", count=len(rest)),
                        "name": names + (" …" if len(rest) > 12 else ""),
                    }
                )
    columns = [*items.columns, "slot"]
    return (
        pd.DataFrame(shown, columns=columns),
        pd.DataFrame(overflow, columns=["phase", "slot", "label", "name"]),
        slots,
    )


# -- drawing the grid (the journey map's lanes and the verification panel) ----------


def label(text: str, colw: int, *, bold: bool = False) -> str:
    """A label that fits its phase column, on at most two lines (cut with "…").

    Cut in Python with the font's metrics, not by Vega's ``limit``: measuring every label
    in the renderer makes a 200-touchpoint map several times slower to export.
    """
    room = colw - LABEL_X - 10
    text = clean(text, 80)
    if fit_text(text, room, LABEL_FONT, bold=bold) == text:
        return text
    lines = wrap_text(text, room * (0.92 if bold else 1.0), LABEL_FONT)
    if len(lines) <= 2:
        return LINE_BREAK.join(lines)
    rest = " ".join(lines[1:])
    return LINE_BREAK.join([lines[0], fit_text(rest + " …", room, LABEL_FONT, bold=bold)])


def label_style(**extra: Any) -> dict[str, Any]:
    """How a label sits beside its symbol: left-aligned, on up to two lines."""
    return {
        "align": "left",
        "baseline": "middle",
        "xOffset": LABEL_X,
        "fontSize": LABEL_FONT,
        "lineBreak": LINE_BREAK,
        "lineHeight": 12,
        **extra,
    }


def x_axis(*, top: bool, colw: int) -> alt.Axis:
    common: dict[str, Any] = dict(
        domain=False, ticks=False, grid=True, tickBand="extent", title=None, gridColor="#BBBBBB"
    )
    if top:
        return alt.Axis(
            orient="top",
            labelAngle=0,
            labelFontSize=13,
            labelFontWeight="bold",
            labelLimit=colw - 8,
            labelPadding=6,
            **common,
        )
    else:
        axis = alt.Axis(labels=False, **common)
    return axis


def phase_x(names: list[str], *, top: bool, colw: int) -> alt.X:
    axis = x_axis(top=top, colw=colw)
    return alt.X(
        "phase:N",
        sort=names,
        scale=alt.Scale(domain=names, paddingInner=0, paddingOuter=0),
        axis=axis,
        bandPosition=0,
    )


def y_lanes() -> alt.Y:
    return alt.Y(
        "slot:N",
        sort="ascending",
        title=None,
        axis=alt.Axis(
            labelExpr=LANE_LABEL_EXPR,
            ticks=False,
            domain=False,
            minExtent=LANE_AXIS,
            maxExtent=LANE_AXIS,
            labelLimit=LANE_AXIS - 10,
            labelFontSize=12,
            labelFontWeight="bold",
            labelBaseline="middle",
        ),
    )


def stripe_rows(slots: list[str]) -> pd.DataFrame:
    lanes = [s.split("|")[0] for s in slots]
    return pd.DataFrame({"slot": slots, "even": [int(li) % 2 == 0 for li in lanes]})


def lane_base(slots: list[str], width: int, title: str) -> alt.Chart:
    stripes = stripe_rows(slots)
    chart: alt.Chart = (
        alt.Chart(stripes[stripes["even"]][["slot"]])
        .mark_rect(fill=COLORS["lane_a"], stroke=None)
        .encode(y=y_lanes())
        .properties(
            width=width,
            height=alt.Step(ROW_STEP),
            title=alt.Title(title, fontSize=14, anchor="start", offset=6),
        )
    )
    return chart


def overflow_layer(overflow: pd.DataFrame, x: alt.X, y: alt.Y, text: dict[str, Any]) -> alt.Chart:
    """The italic "+k weitere" rows of fuller cells; their tooltip names the hidden items."""
    style = {"color": "#555555", **text, "fontStyle": "italic"}
    layer: alt.Chart = (
        alt.Chart(overflow)
        .mark_text(**style)
        .encode(
            x=x,
            y=y,
            text="label:N",
            tooltip=[alt.Tooltip("name:N", title=t("charts.map.tt_more"))],
        )
    )
    return layer
