"""Touchpoint heatmap: phases × channels, coloured by count or mean relevance.

Everything is aggregated in pandas first; the spec holds one row per filled cell,
however many touchpoints (or events) there are.
"""

from __future__ import annotations

from typing import Literal

import altair as alt
import pandas as pd

from cjmlib.charts._common import as_frame, as_project, clean, phase_names
from cjmlib.charts.empty import hint_chart
from cjmlib.charts.theme import NOTEBOOK_WIDTH
from cjmlib.messages import t
from cjmlib.messages.choices import unknown_choice
from cjmlib.model import CHANNELS, JourneyProject
from cjmlib.model.lookup import ProjectLike

VALUES = ("count", "relevance", "events")


def _cells_from_project(project: JourneyProject, value: str) -> pd.DataFrame:
    pm = project.phase_model
    rows = [
        {
            "phase": clean(pm.name_of(tp.phase)),
            "channel": clean(tp.channel),
            "relevance": tp.relevance,
        }
        for tp in project.touchpoints
    ]
    frame = pd.DataFrame(rows, columns=["phase", "channel", "relevance"])
    agg = frame.groupby(["phase", "channel"]).agg(
        count=("relevance", "size"), relevance=("relevance", "mean")
    )
    agg = agg.reset_index()
    agg["value"] = agg[value].round(2)
    agg["count"] = agg["count"].astype(int)
    return agg


def _cells_from_events(project: JourneyProject, events: pd.DataFrame) -> pd.DataFrame:
    events = as_frame(events, arg="events", columns=["phase", "channel", "customer_id"])
    pm = project.phase_model
    agg = (
        events.groupby(["phase", "channel"], observed=True)
        .agg(count=("customer_id", "size"), customers=("customer_id", "nunique"))
        .reset_index()
    )
    agg["phase"] = [clean(pm.name_of(str(p))) for p in agg["phase"]]
    agg["channel"] = [clean(c) for c in agg["channel"]]
    agg["value"] = agg["count"].astype(int)
    agg["relevance"] = float("nan")
    return agg


def touchpoint_heatmap_chart(
    project: ProjectLike,
    *,
    value: Literal["count", "relevance", "events"] = "count",
    events: pd.DataFrame | None = None,
) -> alt.Chart:
    """Heatmap of the touchpoints: phases as columns, channels as rows.

    Parameters
    ----------
    project:
        Workbook or JourneyProject (gives the phase order and the touchpoints).
    value:
        ``"count"`` – number of touchpoints per cell; ``"relevance"`` – their mean
        relevance (1–5); ``"events"`` – interactions per cell from ``events`` (an event
        log with the columns ``phase``, ``channel``, ``customer_id``).
    """
    proj = as_project(project)
    if value not in VALUES:
        raise unknown_choice(
            "charts.error.unknown_value", allowed=VALUES, value=value, field="value", arg="value"
        )
    title = t(f"charts.heatmap.title_{value}")
    if value == "events":
        cells = _cells_from_events(proj, events) if events is not None and len(events) else None
        if cells is None or cells.empty:
            return hint_chart(title, [t("charts.heatmap.empty_events")], key="heatmap.events")
    else:
        if not proj.touchpoints:
            return hint_chart(title, [t("charts.heatmap.empty")], key="heatmap.empty")
        cells = _cells_from_project(proj, value)
    names = phase_names(proj)
    cells = cells[cells["phase"].isin(names)]
    known = {c: i for i, c in enumerate(CHANNELS)}
    channels = sorted(set(cells["channel"]), key=lambda c: (known.get(c, len(known)), c.casefold()))
    # 160 px for the channel names on the left; the colour legend sits below the grid.
    colw = max(80, min(170, (NOTEBOOK_WIDTH - 160) // len(names)))
    legend_title = t(f"charts.heatmap.legend_{value}")
    scale = (
        alt.Scale(scheme="blues", domain=[1, 5])
        if value == "relevance"
        else alt.Scale(scheme="blues", domainMin=0)
    )
    fmt = ",.1f" if value == "relevance" else ",d"
    base = alt.Chart(cells).encode(
        x=alt.X(
            "phase:N",
            sort=names,
            scale=alt.Scale(domain=names),
            axis=alt.Axis(orient="top", labelAngle=0, title=None, labelLimit=colw - 6),
        ),
        y=alt.Y("channel:N", sort=channels, title=t("charts.common.channel")),
    )
    tooltip = [
        alt.Tooltip("phase:N", title=t("charts.common.phase")),
        alt.Tooltip("channel:N", title=t("charts.common.channel")),
        alt.Tooltip("value:Q", title=legend_title, format=fmt),
    ]
    rect = base.mark_rect(stroke="white", strokeWidth=2).encode(
        color=alt.Color(
            "value:Q",
            scale=scale,
            title=legend_title,
            legend=alt.Legend(orient="bottom", direction="horizontal"),
        ),
        tooltip=tooltip,
    )
    # Dark cells get white numbers: the threshold is the middle of the colour scale.
    middle = 3 if value == "relevance" else float(cells["value"].max()) / 2
    text = base.mark_text(fontSize=13).encode(
        text=alt.Text("value:Q", format=fmt),
        color=alt.condition(f"datum.value > {middle}", alt.value("white"), alt.value("#222222")),
    )
    chart: alt.Chart = (rect + text).properties(
        width=colw * len(names),
        height=alt.Step(30),
        title=alt.Title(
            title,
            subtitle=t(
                "charts.heatmap.subtitle", project=clean(proj.name, 60), count=len(proj.touchpoints)
            ),
        ),
    )
    return chart
