"""Needs opportunity chart: importance against satisfaction (opportunity score)."""

from __future__ import annotations

from typing import cast

import altair as alt
import pandas as pd

from cjmlib.charts._common import as_project, clean, fan_out, key_list
from cjmlib.charts.empty import hint_chart
from cjmlib.charts.theme import COLORS, PALETTE
from cjmlib.messages import t
from cjmlib.model.lookup import ProjectLike


def needs_opportunity_chart(project: ProjectLike) -> alt.HConcatChart | alt.Chart:
    """Each need as a numbered dot: satisfaction (x, 1–10) against importance (y, 1–10).

    Above the dashed line the opportunity score (importance + max(importance −
    satisfaction, 0)) exceeds 10: the need is underserved and worth acting on. The list
    beside the plot names each number, highest opportunity first.
    """
    proj = as_project(project)
    title = t("charts.needs.title", project=clean(proj.name, 60))
    if not proj.needs:
        return hint_chart(title, [t("charts.needs.empty")], key="needs.empty")
    persona_names = {p.id: clean(p.name, 40) for p in proj.personas}
    everyone = t("charts.map.all_personas")
    needs = sorted(proj.needs, key=lambda n: -n.opportunity)
    frame = pd.DataFrame(
        [
            {
                "no": i + 1,
                "need": clean(n.need, 100),
                "persona": persona_names.get(n.persona_id or "", everyone),
                "importance": n.importance,
                "satisfaction": n.satisfaction,
                "opportunity": n.opportunity,
                "underserved": t("charts.common.yes") if n.underserved else t("charts.common.no"),
            }
            for i, n in enumerate(needs)
        ]
    )
    # Needs with equal scores would hide each other: fan them out sideways.
    frame = fan_out(frame, "satisfaction", "importance", 20)
    scale = alt.Scale(domain=[0.5, 10.5], nice=False)
    boundary = pd.DataFrame({"satisfaction": [0.5, 10.5], "importance": [5.25, 10.25]})
    area = pd.DataFrame({"satisfaction": [0.5, 10.5], "low": [5.25, 10.25], "high": [10.5, 10.5]})
    personas = list(dict.fromkeys(frame["persona"]))
    colours = (PALETTE * 3)[: len(personas)]
    x = alt.X(
        "satisfaction:Q",
        scale=scale,
        title=t("charts.needs.x"),
        axis=alt.Axis(values=list(range(1, 11)), format="d"),
    )
    y = alt.Y(
        "importance:Q",
        scale=scale,
        title=t("charts.needs.y"),
        axis=alt.Axis(values=list(range(1, 11)), format="d"),
    )
    offsets = {
        "xOffset": alt.XOffset("dx:Q", scale=None),
        "yOffset": alt.YOffset("dy:Q", scale=None),
    }
    tooltip = [
        alt.Tooltip("no:Q", title=t("charts.needs.tt_no")),
        alt.Tooltip("need:N", title=t("charts.needs.tt_need")),
        alt.Tooltip("persona:N", title=t("charts.needs.tt_persona")),
        alt.Tooltip("importance:Q", title=t("charts.needs.y")),
        alt.Tooltip("satisfaction:Q", title=t("charts.needs.x")),
        alt.Tooltip("opportunity:Q", title=t("charts.needs.tt_opportunity"), format=",.1f"),
        alt.Tooltip("underserved:N", title=t("charts.needs.tt_underserved")),
    ]
    plot = alt.layer(
        alt.Chart(area)
        .mark_area(color=COLORS["pain"], opacity=0.08)
        .encode(x=x, y=alt.Y("low:Q", scale=scale), y2="high:Q"),
        alt.Chart(boundary).mark_line(color=COLORS["pain"], strokeDash=[6, 4]).encode(x=x, y=y),
        alt.Chart(
            pd.DataFrame(
                {"satisfaction": [0.7], "importance": [10.15], "text": [t("charts.needs.zone")]}
            )
        )
        .mark_text(align="left", color=COLORS["pain"], fontStyle="italic")
        .encode(x=x, y=y, text="text:N"),
        alt.Chart(frame)
        .mark_circle(size=320, opacity=1, stroke="#333333", strokeWidth=0.6)
        .encode(
            x=x,
            y=y,
            color=alt.Color(
                "persona:N",
                scale=alt.Scale(domain=personas, range=colours),
                title=t("charts.needs.tt_persona"),
                legend=alt.Legend(orient="bottom"),
            ),
            tooltip=tooltip,
            **offsets,
        ),
        alt.Chart(frame)
        .mark_text(fontSize=10, fontWeight="bold", color="white")
        .encode(x=x, y=y, text="no:Q", tooltip=tooltip, **offsets),
    ).properties(width=440, height=400)
    colour_of = dict(zip(personas, colours, strict=True))
    lines = [
        t(
            "charts.needs.list_line",
            no=r.no,
            need=r.need,
            persona=r.persona,
            score=str(round(cast(float, r.opportunity), 1)).replace(".", ","),
        )
        for r in frame.itertuples()
    ]
    listing = key_list(
        lines,
        title=t("charts.needs.list_title"),
        width=330,
        colors=[colour_of[p] for p in frame["persona"]],
    )
    return alt.hconcat(plot, listing, spacing=20).properties(
        title=alt.Title(title, subtitle=t("charts.needs.subtitle"))
    )
