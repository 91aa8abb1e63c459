"""Place items (touchpoints, pain points, ...) in the rows of a lane × phase grid.

Every lane gets as many rows as its fullest phase cell needs (at most ``max_per_cell``
items; an item whose label takes three or more lines takes the rows below it too, see
:func:`row_span`); a fuller cell shows its first items and a "+k weitere" row. The y
field is a sortable slot key ``"LLL|R|lane|line 1|line 2"`` whose axis label shows the
lane name on the lane's first row, on the one or two lines the key carries
(:func:`lane_lines`). The lane-name column is as wide as the longest name needs on two
lines (:func:`lane_axis_width`), so a name such as "Produktentwicklung" or "Moment der
Wahrheit" is shown whole, not cut.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import cache
from typing import Any, cast

import altair as alt
import pandas as pd
import pyphen

from cjmlib.charts._common import clean, fit_text, text_width, wrap_text
from cjmlib.charts.theme import COLORS
from cjmlib.messages import t

#: Vega expression for the y-axis labels: on the lane's first row only, the lane name's
#: lines (an array of strings is drawn as one line each).
LANE_LABEL_EXPR = "split(datum.label, '|')[1] == '0' ? slice(split(datum.label, '|'), 3) : ''"


ROW_STEP = 28  # pixels per lane row (room for a label on two lines)
LANE_AXIS = 118  # pixels reserved for the lane names on the left, at least
LANE_AXIS_MAX = 200  # ... and at most: a longer name is cut with "…"
LANE_FONT = 12  # lane names are bold, on at most two lines
LANE_LINE = 13  # pixels from one line of a lane name to the next
LANE_PAD = 10  # pixels between a lane name and the grid
#: The theme's width estimate for bold text runs up to a few percent short of what the
#: renderer measures ("Produktentwicklung": 112 estimated, 115 drawn), and Vega cuts a
#: label that is a pixel too wide: lane names are measured with this much to spare.
LANE_SPARE = 1.08
LINE_BREAK = "\n"  # labels on several lines are split here (Vega's ``lineBreak``)
SYMBOL_X = 12  # symbol offset from the left edge of a phase column
LABEL_X = 27  # label offset from the left edge of a phase column
LABEL_FONT = 11
LABEL_LINE = 12  # pixels from one line of a label to the next
#: The first line's top, from the symbol's centre: two lines fill one row (28 px).
LABEL_DY = -10
MAX_LABEL_LINES = 5  # a longer label ends in "…" (its tooltip has it whole)
#: Labels are measured with this much to spare (the width estimate runs a little short).
LABEL_SPARE = 1.04
INDEPENDENT = alt.Resolve(scale=alt.ScaleResolveMap(color="independent", shape="independent"))


def lane_lines(lane: str, width: int = LANE_AXIS) -> list[str]:
    """The lane name on one or two lines that fit a lane-name column ``width`` pixels wide.

    Broken at spaces; what does not fit two lines ends in "…".
    """
    room = (width - LANE_PAD) / LANE_SPARE
    lines = wrap_text(lane, room, LANE_FONT, bold=True)
    if len(lines) <= 2:
        return lines
    return [lines[0], fit_text(" ".join(lines[1:]), room, LANE_FONT, bold=True)]


def lane_axis_width(lanes: Iterable[str], limit: int = LANE_AXIS_MAX) -> int:
    """Pixels for the lane-name column: the least that shows every name whole on two lines.

    At least :data:`LANE_AXIS`, at most ``limit`` (and :data:`LANE_AXIS_MAX`); the
    names that need more are cut there with "…".
    """
    names = {lane for lane in lanes if lane}
    top = max(LANE_AXIS, min(limit, LANE_AXIS_MAX))
    width = LANE_AXIS
    # The widest single word is a lower bound; grow in small steps until every name fits.
    for name in names:
        word = max(name.split(" "), key=lambda w: text_width(w, LANE_FONT, bold=True))
        needed = text_width(word, LANE_FONT, bold=True) * LANE_SPARE
        width = max(width, int(needed) + LANE_PAD + 1)
    width = min(width, top)
    while width < top and any(" ".join(lane_lines(n, width)) != n for n in names):
        width += 4
    return min(width, top)


def slot_key(lane_index: int, row: int, lane: str, lines: list[str] | None = None) -> str:
    """``"LLL|R|lane|line…"``: sorts by lane and row; the lines are the lane's axis label."""
    parts = [lane, *(lines if lines is not None else [lane])]
    return "|".join([f"{lane_index:03d}", str(row), *(p.replace("|", "/") for p in parts)])


def place(
    items: pd.DataFrame,
    lanes: list[str],
    *,
    max_per_cell: int = 3,
    lane_width: int = LANE_AXIS,
) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """Give every shown item a ``slot``; return (shown items, overflow rows, slot order).

    ``items`` needs the columns ``lane``, ``phase``, ``name`` and ``order`` (lower shows
    first); ``lane_width`` is the width of the lane-name column (:func:`lane_axis_width`).
    Plain Python on the records: a few hundred items, many tiny groups.
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
        # Each cell shows its first ``max_per_cell`` items (or one less and a "+k weitere"
        # row); an item takes as many rows as its label's lines need.
        plan: dict[str, tuple[list[dict[str, Any]], list[dict[str, Any]], int]] = {}
        for phase, cell in by_phase.items():
            cell = sorted(cell, key=lambda r: r["order"])
            keep = len(cell) if len(cell) <= max_per_cell else max_per_cell - 1
            used = sum(row_span(r.get("label", "")) for r in cell[:keep])
            plan[phase] = (cell[:keep], cell[keep:], used + (1 if len(cell) > keep else 0))
        rows = max(need for _k, _r, need in plan.values())
        lines = lane_lines(lane, lane_width)
        keys = [slot_key(li, r, lane, lines) for r in range(rows)]
        slots.extend(keys)
        for phase, (kept, rest, _need) in plan.items():
            r = 0
            for rec in kept:
                shown.append({**rec, "slot": keys[r]})
                r += row_span(rec.get("label", ""))
            if rest:
                names = "; ".join(x["name"] for x in rest[:12])
                overflow.append(
                    {
                        "phase": phase,
                        "slot": keys[r],
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
    """A label on as many lines as its phase column needs (at most :data:`MAX_LABEL_LINES`).

    Broken at spaces, after a hyphen ("Click-&-|Collect-Theke") and, for a word wider
    than the column ("Verfügbarkeitsanzeige"), at a German syllable with a hyphen
    ("Verfügbarkeits-|anzeige"), so the name is shown whole. Measured in Python with the
    font's metrics, not by Vega's ``limit``: measuring every label in the renderer makes
    a 200-touchpoint map several times slower to export.
    """
    room = (colw - LABEL_X - 10) / LABEL_SPARE
    text = clean(text, 120)

    def fits(line: str) -> bool:
        return text_width(line, LABEL_FONT, bold=bold) <= room

    lines: list[str] = []
    for word in text.split(" "):
        candidate = f"{lines[-1]} {word}" if lines else word
        if lines and fits(candidate):
            lines[-1] = candidate
            continue
        pieces = _word_pieces(word, fits)
        if lines and len(pieces) > 1 and fits(f"{lines[-1]} {pieces[0]}"):
            lines[-1] += f" {pieces.pop(0)}"  # "mit der Online-" | "Ausweisfunktion"
        lines += pieces
    if len(lines) > MAX_LABEL_LINES:
        rest = " ".join(lines[MAX_LABEL_LINES - 1 :])
        lines = [*lines[: MAX_LABEL_LINES - 1], fit_text(rest, room, LABEL_FONT, bold=bold)]
    return LINE_BREAK.join(lines)


@cache
def _hyphenator() -> pyphen.Pyphen:
    return pyphen.Pyphen(lang="de_DE")


def _word_pieces(word: str, fits: Callable[[str], bool]) -> list[str]:
    """``word`` in pieces that each fit: after its hyphens, else at a syllable ("-" added),
    else (no syllable fits) at the end of the line."""
    if fits(word):
        return [word]
    parts = re.findall(r"[^-]+-?|-", word)
    if len(parts) > 1:
        pieces: list[str] = []
        for part in parts:
            if pieces and fits(pieces[-1] + part):
                pieces[-1] += part
            else:
                pieces += _word_pieces(part, fits)
        return pieces
    for head, tail in _hyphenator().iterate(word):  # the longest head first
        if len(head) >= 3 and len(tail) >= 3 and fits(f"{head}-"):
            return [f"{head}-", *_word_pieces(tail, fits)]
    # No syllable fits (a code, a run of letters without vowels): break where the line ends.
    cut = max((i for i in range(1, len(word)) if fits(word[:i])), default=1)
    return [word[:cut], *_word_pieces(word[cut:], fits)]


def row_span(text: object) -> int:
    """Rows a label takes: its lines hang down from the symbol's row into the next ones."""
    lines = str(text).count(LINE_BREAK) + 1
    below = LABEL_LINE * lines + LABEL_DY - ROW_STEP // 2  # pixels past the row's bottom
    return 1 + max(0, -(-below // ROW_STEP))


def label_style(**extra: Any) -> dict[str, Any]:
    """How a label sits beside its symbol: left-aligned, its lines hanging down."""
    return {
        "align": "left",
        # The first line beside the symbol, further lines below it (:func:`row_span`).
        "baseline": "top",
        "dy": LABEL_DY,
        "xOffset": LABEL_X,
        "fontSize": LABEL_FONT,
        "lineBreak": LINE_BREAK,
        "lineHeight": LABEL_LINE,
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


def y_lanes(width: int = LANE_AXIS) -> alt.Y:
    """The lane axis on ``slot``: lane names in a column ``width`` pixels wide."""
    return alt.Y(
        "slot:N",
        sort="ascending",
        title=None,
        axis=alt.Axis(
            labelExpr=LANE_LABEL_EXPR,
            ticks=False,
            domain=False,
            minExtent=width,
            maxExtent=width,
            labelLimit=width - LANE_PAD,
            labelFontSize=LANE_FONT,
            labelFontWeight="bold",
            labelBaseline="middle",
            labelLineHeight=LANE_LINE,
            # A name on two lines starts half a line higher, so it stays on its row.
            labelOffset={
                "condition": {
                    "test": "length(split(datum.value, '|')) > 4",
                    "value": -LANE_LINE / 2,
                },
                "value": 0,
            },
        ),
    )


def stripe_rows(slots: list[str]) -> pd.DataFrame:
    lanes = [s.split("|")[0] for s in slots]
    return pd.DataFrame({"slot": slots, "even": [int(li) % 2 == 0 for li in lanes]})


def lane_base(slots: list[str], width: int, title: str, lane_width: int = LANE_AXIS) -> alt.Chart:
    # Every row is drawn (odd lanes' rows transparent): a row that only a label of the
    # row above reaches into holds no item, and the lane axis must still keep it.
    stripes = stripe_rows(slots)
    chart: alt.Chart = (
        alt.Chart(stripes)
        .mark_rect(stroke=None)
        .encode(
            y=y_lanes(lane_width),
            fill=alt.condition("datum.even", alt.value(COLORS["lane_a"]), alt.value("transparent")),
        )
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
