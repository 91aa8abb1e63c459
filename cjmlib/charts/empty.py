"""The chart shown instead of an empty one: a German hint on what to fill in."""

from __future__ import annotations

import altair as alt
import pandas as pd

from cjmlib.charts._common import clean, wrap_text
from cjmlib.charts.theme import COLORS, FONT
from cjmlib.messages import t


def hint_chart(title: str, lines: list[str], *, key: str = "", width: int = 760) -> alt.Chart:
    """A text-only chart with ``title`` and one hint per line.

    ``usermeta["cjm_hint"]`` carries ``key`` so code (tests, widgets) can tell a hint
    from a real chart.
    """
    rows: list[dict[str, object]] = []
    for line in lines or [t("charts.empty.generic")]:
        # Continuation lines are indented so that each hint stays one visual item.
        for k, part in enumerate(wrap_text(clean(line), width - 56, 14)):
            rows.append({"line": part, "x": 16 if k == 0 else 36})
    data = pd.DataFrame(rows, columns=["line", "x"]).assign(i=range(len(rows)))
    chart: alt.Chart = (
        alt.Chart(data)
        .mark_text(align="left", baseline="middle", fontSize=14, font=FONT, color=COLORS["text"])
        .encode(x=alt.X("x:Q", scale=None), y=alt.Y("i:O", axis=None), text="line:N")
        .properties(
            title=alt.Title(clean(title), subtitle=t("charts.empty.subtitle")),
            width=width,
            height=alt.Step(26),
            view=alt.ViewBackground(fill=COLORS["hint_fill"], stroke=COLORS["highlight"]),
            usermeta={"cjm_hint": key or "empty"},
        )
    )
    return chart


def is_hint(chart: alt.TopLevelMixin) -> bool:
    """Tell whether ``chart`` is a hint chart from :func:`hint_chart`."""
    meta = getattr(chart, "usermeta", alt.Undefined)
    return isinstance(meta, dict) and "cjm_hint" in meta
