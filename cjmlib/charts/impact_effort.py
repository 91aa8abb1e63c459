"""Impact/effort matrix of the solutions with the four quadrants of the course."""

from __future__ import annotations

import altair as alt
import pandas as pd

from cjmlib.charts._common import as_project, clean, fan_out, key_list
from cjmlib.charts.empty import hint_chart
from cjmlib.charts.theme import PALETTE
from cjmlib.messages import t
from cjmlib.model.lookup import ProjectLike

#: Quadrant -> (effort from, to, impact from, to, colour); the split lies between 2 and 3
#: because ``Solution.quadrant`` counts 3 as high.
QUADRANTS: dict[str, tuple[float, float, float, float, str]] = {
    "Quick Win": (0.5, 2.5, 2.5, 5.5, PALETTE[2]),
    "Großprojekt": (2.5, 5.5, 2.5, 5.5, PALETTE[0]),
    "Lückenfüller": (0.5, 2.5, 0.5, 2.5, PALETTE[5]),
    "Zeitfresser": (2.5, 5.5, 0.5, 2.5, PALETTE[3]),
}


def impact_effort_chart(project: ProjectLike) -> alt.HConcatChart | alt.Chart:
    """Each solution as a numbered dot by effort (x, 1–5) and impact (y, 1–5).

    The four quadrants are those of ``Solution.quadrant``; the list beside the plot
    names each number, quick wins first.
    """
    proj = as_project(project)
    title = t("charts.impact.title", project=clean(proj.name, 60))
    if not proj.solutions:
        return hint_chart(title, [t("charts.impact.empty")], key="impact.empty")
    names = list(QUADRANTS)
    sols = sorted(proj.solutions, key=lambda s: (names.index(s.quadrant), -s.impact, s.effort))
    frame = pd.DataFrame(
        [
            {
                "no": i + 1,
                "title": clean(s.title, 100),
                "impact": s.impact,
                "effort": s.effort,
                "quadrant": s.quadrant,
                "status": clean(s.status),
                "owner": clean(s.owner, 40) or "–",
            }
            for i, s in enumerate(sols)
        ]
    )
    # Solutions with equal scores: fan them out in rows of four around the point.
    frame = fan_out(frame, "effort", "impact", 22)
    quads = pd.DataFrame(
        [
            {"quadrant": q, "x": a, "x2": b, "y": c, "y2": d, "tx": a + 0.08, "ty": d - 0.08}
            for q, (a, b, c, d, _) in QUADRANTS.items()
        ]
    )
    colours = [v[4] for v in QUADRANTS.values()]
    scale = alt.Scale(domain=[0.5, 5.5], nice=False)
    x = alt.X(
        "effort:Q",
        scale=scale,
        title=t("charts.impact.x"),
        axis=alt.Axis(values=[1, 2, 3, 4, 5], grid=False, format="d"),
    )
    y = alt.Y(
        "impact:Q",
        scale=scale,
        title=t("charts.impact.y"),
        axis=alt.Axis(values=[1, 2, 3, 4, 5], grid=False, format="d"),
    )
    qscale = alt.Scale(domain=names, range=colours)
    offsets = {
        "xOffset": alt.XOffset("dx:Q", scale=None),
        "yOffset": alt.YOffset("dy:Q", scale=None),
    }
    tooltip = [
        alt.Tooltip("no:Q", title=t("charts.needs.tt_no")),
        alt.Tooltip("title:N", title=t("charts.impact.tt_title")),
        alt.Tooltip("quadrant:N", title=t("charts.impact.legend")),
        alt.Tooltip("impact:Q", title=t("charts.impact.y")),
        alt.Tooltip("effort:Q", title=t("charts.impact.x")),
        alt.Tooltip("status:N", title=t("charts.impact.tt_status")),
        alt.Tooltip("owner:N", title=t("charts.impact.tt_owner")),
    ]
    plot = alt.layer(
        alt.Chart(quads)
        .mark_rect(opacity=0.12)
        .encode(
            x=alt.X("x:Q", scale=scale),
            x2="x2:Q",
            y=alt.Y("y:Q", scale=scale),
            y2="y2:Q",
            color=alt.Color("quadrant:N", scale=qscale, legend=None),
        ),
        alt.Chart(quads)
        .mark_text(align="left", baseline="top", fontSize=15, fontWeight="bold")
        .encode(
            x=alt.X("tx:Q", scale=scale),
            y=alt.Y("ty:Q", scale=scale),
            text="quadrant:N",
            color=alt.Color("quadrant:N", scale=qscale, legend=None),
        ),
        alt.Chart(frame)
        .mark_circle(size=360, opacity=1, stroke="#333333", strokeWidth=0.8)
        .encode(
            x=x,
            y=y,
            color=alt.Color("quadrant:N", scale=qscale, legend=None),
            tooltip=tooltip,
            **offsets,
        ),
        alt.Chart(frame)
        .mark_text(fontSize=11, fontWeight="bold", color="white")
        .encode(x=x, y=y, text="no:Q", tooltip=tooltip, **offsets),
    ).properties(width=430, height=400)
    lines = [f"{r.no}. {r.title} ({r.quadrant})" for r in frame.itertuples()]
    listing = key_list(
        lines,
        title=t("charts.impact.list_title"),
        width=330,
        colors=[QUADRANTS[q][4] for q in frame["quadrant"]],
    )
    return alt.hconcat(plot, listing, spacing=20).properties(
        title=alt.Title(title, subtitle=t("charts.impact.subtitle"))
    )
