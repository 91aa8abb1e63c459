"""Helpers shared by the chart modules: input checks, persona filter, safe labels."""

from __future__ import annotations

from typing import Any

import pandas as pd

from cjmlib.errors import CJMError
from cjmlib.messages import t
from cjmlib.messages.text import clean as clean
from cjmlib.messages.text import wrap_words
from cjmlib.model import JourneyProject

# The chart modules import these from here; their home is the model layer.
from cjmlib.model.lookup import applies_to as applies_to
from cjmlib.model.lookup import as_project as as_project
from cjmlib.model.lookup import resolve_persona as resolve_persona
from cjmlib.model.lookup import touchpoints_for as touchpoints_for


def as_frame(obj: Any, *, arg: str, columns: list[str]) -> pd.DataFrame:
    """Check that ``obj`` is a DataFrame with ``columns`` (an empty frame is allowed)."""
    if obj is None:
        return pd.DataFrame(columns=columns)
    if not isinstance(obj, pd.DataFrame):
        raise CJMError(
            t(
                "charts.error.not_a_frame",
                arg=arg,
                given=type(obj).__name__,
                columns=", ".join(columns),
            ),
            field=arg,
            value=type(obj).__name__,
            allowed=", ".join(columns),
        )
    if obj.empty:
        return obj
    missing = [c for c in columns if c not in obj.columns]
    if missing:
        raise CJMError(
            t(
                "charts.error.missing_columns",
                arg=arg,
                missing=", ".join(missing),
                columns=", ".join(map(str, obj.columns)),
            ),
            field=arg,
            value=missing,
            allowed=", ".join(columns),
        )
    return obj


def phase_names(project: JourneyProject) -> list[str]:
    return [clean(n) for n in project.phase_model.names]


def yes_no(value: bool) -> str:
    return t("charts.common.yes") if value else t("charts.common.no")


def online_label(value: bool) -> str:
    return t("charts.common.online") if value else t("charts.common.offline")


def key_list(
    lines: list[str], *, title: str, width: int = 330, colors: list[str] | None = None
) -> Any:
    """A numbered list as a chart, placed beside a plot whose dots carry the numbers.

    Each line gets a small dot in ``colors`` (the colour of its mark in the plot); the
    text itself stays dark for legibility.
    """
    import altair as alt

    lines = [fit_text(clean(line), width - 24, 12) for line in lines]
    data = pd.DataFrame({"no": range(1, len(lines) + 1), "line": lines})
    data["color"] = colors if colors else "#222222"
    base = alt.Chart(data).encode(y=alt.Y("no:O", axis=None))
    dots = base.mark_circle(size=90, opacity=1).encode(
        x=alt.value(6), color=alt.Color("color:N", scale=None)
    )
    text = base.mark_text(align="left", baseline="middle", fontSize=12, color="#222222").encode(
        x=alt.value(16), text=alt.Text("line:N")
    )
    return (dots + text).properties(
        width=width,
        height=alt.Step(20),
        view=alt.ViewBackground(stroke=None),
        title=alt.Title(title, fontSize=13, anchor="start"),
    )


# Advance widths of Arial / Liberation Sans (same metrics) in 1/1000 em. Labels are cut
# to fit in Python: Vega's own ``limit`` cuts by measuring again and again, which makes
# rendering a big map in vl-convert many times slower.
_WIDTHS: dict[str, int] = {}
for _chars, _w in (
    (" ftIjil.,:;!'|/\\[]·", 278),
    ("ilj'", 222),
    ('r-()‹›„“"`', 333),
    ("cksvxyzJ", 500),
    ("abdeghnopqu0123456789äöü$#_?€L", 556),
    ("FTZß", 611),
    ("ABEKPSVXYÄ&", 667),
    ("CDHNRUwÜ", 722),
    ("GOQÖ", 778),
    ("mM", 833),
    ("W", 944),
    ("…—%@", 1000),
    ("–", 556),
    ("•★", 350),
):
    for _c in _chars:
        _WIDTHS[_c] = _w


def text_width(text: str, font_size: float = 11, *, bold: bool = False) -> float:
    """Estimated width in pixels of ``text`` in the theme's sans-serif font."""
    units = sum(_WIDTHS.get(ch, 556) for ch in text)
    return units * font_size / 1000 * (1.08 if bold else 1.0)


def fit_text(text: str, max_px: float, font_size: float = 11, *, bold: bool = False) -> str:
    """``text`` cut (with "…") so that it is at most ``max_px`` pixels wide."""
    if text_width(text, font_size, bold=bold) <= max_px:
        return text
    budget = max_px - text_width("…", font_size, bold=bold)
    used, cut = 0.0, 0
    factor = font_size / 1000 * (1.08 if bold else 1.0)
    for i, ch in enumerate(text):
        used += _WIDTHS.get(ch, 556) * factor
        if used > budget:
            cut = i
            break
    return text[:cut].rstrip() + "…"


def wrap_text(text: str, max_px: float, font_size: float = 11) -> list[str]:
    """Break ``text`` into lines of at most ``max_px`` pixels (at spaces where possible)."""
    lines = wrap_words(text.split(" "), lambda line: text_width(line, font_size) > max_px)
    return [fit_text(line, max_px, font_size) for line in lines]


def fan_out(frame: pd.DataFrame, x: str, y: str, step: int) -> pd.DataFrame:
    """``frame`` with pixel offsets ``dx``, ``dy`` that set points with equal ``x``, ``y`` apart.

    Such points would hide each other: they go side by side in rows of four, centred on
    their spot, ``step`` pixels apart (use them as ``xOffset``/``yOffset``).
    """
    groups = [frame[x], frame[y]]
    k = frame.groupby(groups).cumcount()
    widest = k.groupby(groups).transform("max").clip(upper=3)
    return frame.assign(dx=(k % 4) * step - widest * (step // 2), dy=(k // 4) * step)
