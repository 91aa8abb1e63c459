"""Path view: the most common routes through the journey (from ``top_paths``)."""

from __future__ import annotations

import altair as alt
import pandas as pd

from cjmlib.charts._common import as_frame, clean
from cjmlib.charts.empty import hint_chart
from cjmlib.charts.theme import COLORS
from cjmlib.messages import t

PATH_COLUMNS = ["path", "customers", "share"]


def path_chart(
    paths_df: pd.DataFrame, *, n: int = 15, title: str | None = None
) -> alt.LayerChart | alt.Chart:
    """Bars of the ``n`` most common paths (share of customers), longest first.

    ``paths_df`` is the result of ``cjmlib.analytics.top_paths`` (columns ``path``,
    ``steps``, ``customers``, ``share``); only the top ``n`` rows are plotted.
    """
    frame = as_frame(paths_df, arg="paths_df", columns=PATH_COLUMNS)
    title = clean(title) if title else t("charts.paths.title")
    if frame.empty:
        return hint_chart(title, [t("charts.paths.empty")], key="paths.empty")
    data = (
        frame.sort_values("customers", ascending=False)
        .head(max(int(n), 1))[["path", "customers", "share"]]
        .reset_index(drop=True)
    )
    data["rank"] = range(1, len(data) + 1)
    data["label"] = [
        f"{r}. {clean(p, 90)}" for r, p in zip(data["rank"], data["path"], strict=True)
    ]
    data["path"] = [clean(p, 300) for p in data["path"]]
    order = list(data["label"])
    base = alt.Chart(data).encode(
        y=alt.Y("label:N", sort=order, title=None, axis=alt.Axis(labelLimit=520, labelFontSize=12))
    )
    tooltip = [
        alt.Tooltip("path:N", title=t("charts.paths.tt_path")),
        alt.Tooltip("customers:Q", title=t("charts.common.customers"), format=",d"),
        alt.Tooltip("share:Q", title=t("charts.common.share"), format=".1%"),
    ]
    bars = base.mark_bar(color=COLORS["main"], height={"band": 0.7}).encode(
        x=alt.X("share:Q", title=t("charts.paths.x"), axis=alt.Axis(format=".0%")), tooltip=tooltip
    )
    text = base.mark_text(align="left", dx=4, fontSize=11).encode(
        x="share:Q", text=alt.Text("share:Q", format=".1%")
    )
    total = frame.attrs.get("customers_total")
    subtitle = (
        t("charts.paths.subtitle", total=f"{int(total):,}".replace(",", "."))
        if total
        else t("charts.paths.subtitle_plain")
    )
    chart: alt.LayerChart | alt.Chart = (bars + text).properties(
        width=420, height=alt.Step(26), title=alt.Title(title, subtitle=subtitle)
    )
    return chart
