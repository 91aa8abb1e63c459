"""The emotion curve: how the customer feels along the phases (-2..+2)."""

from __future__ import annotations

import json
from typing import Any, cast

import altair as alt
import pandas as pd

from cjmlib.charts._common import (
    as_frame,
    as_project,
    clean,
    phase_names,
    resolve_persona,
    touchpoints_for,
)
from cjmlib.charts.empty import hint_chart
from cjmlib.charts.theme import (
    COLORS,
    EMOTION_DOMAIN,
    EMOTION_LABEL,
    EMOTION_RANGE,
    NOTEBOOK_WIDTH,
)
from cjmlib.messages import t
from cjmlib.model.lookup import ProjectLike


def emotion_curve_chart(
    project: ProjectLike, *, persona: Any = None, survey_emotion: pd.DataFrame | None = None
) -> alt.LayerChart | alt.Chart:
    """The mean emotion per phase as a line, each touchpoint as a dot behind it.

    Parameters
    ----------
    project:
        Workbook or JourneyProject.
    persona:
        Id or name of one persona (``None``: all).
    survey_emotion:
        Optional result of ``cjmlib.analytics.emotion_from_survey`` (columns ``phase``,
        ``emotion``, ``n``): drawn dashed as the emotion measured in the survey.
    """
    proj = as_project(project)
    who = resolve_persona(proj, persona)
    title = t("charts.emotion.title", project=clean(proj.name, 60))
    tps = touchpoints_for(proj, who)
    if not tps:
        return hint_chart(title, [t("charts.emotion.empty")], key="emotion.empty")
    names = phase_names(proj)
    pm = proj.phase_model
    points = pd.DataFrame(
        [
            {
                "phase": clean(pm.name_of(tp.phase)),
                "emotion": tp.emotion,
                "name": clean(tp.name, 80),
                "channel": clean(tp.channel),
            }
            for tp in tps
        ]
    )
    # x is the phase position (0, 1, ...); dots of the same phase and emotion are spread
    # sideways so that they do not hide each other.
    pos = {n: i for i, n in enumerate(names)}
    points = points[points["phase"].isin(names)]
    points["k"] = points.groupby(["phase", "emotion"]).cumcount()
    points["n"] = points.groupby(["phase", "emotion"])["k"].transform("size")
    points["x"] = points["phase"].map(pos) + ((points["k"] - (points["n"] - 1) / 2) * 0.06).clip(
        -0.4, 0.4
    )
    points = points.drop(columns=["k", "n"])
    series_main = t("charts.emotion.series_map")
    mean = (
        points.groupby("phase", sort=False)["emotion"]
        .agg(["mean", "size"])
        .reset_index()
        .rename(columns={"mean": "emotion", "size": "n"})
    )
    mean["emotion"] = mean["emotion"].round(2)
    mean["series"] = series_main
    domain = [series_main]
    if survey_emotion is not None and len(survey_emotion):
        survey = as_frame(survey_emotion, arg="survey_emotion", columns=["phase", "emotion"])
        survey = survey.assign(
            phase=[clean(pm.name_of(str(p))) for p in survey["phase"]],
            series=t("charts.emotion.series_survey"),
        )
        survey["n"] = survey["n"] if "n" in survey else 0
        mean = pd.concat([mean, survey[["phase", "emotion", "n", "series"]]], ignore_index=True)
        domain.append(t("charts.emotion.series_survey"))
    mean = mean[mean["phase"].isin(names)].copy()
    mean["x"] = mean["phase"].map(pos)
    mean = mean.sort_values(["series", "x"])
    # 70 px for the y axis; the legend sits below the plot.
    colw = max(80, min(170, (NOTEBOOK_WIDTH - 70) // len(names)))
    labels = "[" + ", ".join(json.dumps(n) for n in names) + "]"
    x = alt.X(
        "x:Q",
        scale=alt.Scale(domain=[-0.5, len(names) - 0.5], nice=False, zero=False),
        title=None,
        axis=alt.Axis(
            values=list(range(len(names))),
            grid=False,
            labelLimit=colw - 6,
            labelExpr=f"{labels}[datum.value]",
            labelFontSize=13,
        ),
    )
    y = alt.Y(
        "emotion:Q",
        scale=alt.Scale(domain=[-2.4, 2.4], nice=False),
        title=t("charts.common.emotion"),
        axis=alt.Axis(values=EMOTION_DOMAIN, labelExpr=EMOTION_LABEL),
    )
    dots = (
        alt.Chart(points)
        .mark_circle(size=70, opacity=0.6)
        .encode(
            x=x,
            y=y,
            fill=alt.Fill(
                "emotion:O",
                scale=alt.Scale(domain=EMOTION_DOMAIN, range=EMOTION_RANGE),
                legend=None,
            ),
            tooltip=[
                alt.Tooltip("name:N", title=t("charts.map.tt_touchpoint")),
                alt.Tooltip("phase:N", title=t("charts.common.phase")),
                alt.Tooltip("channel:N", title=t("charts.common.channel")),
                alt.Tooltip("emotion:Q", title=t("charts.common.emotion")),
            ],
        )
    )
    color = alt.Color(
        "series:N",
        scale=alt.Scale(domain=domain, range=[COLORS["main"], COLORS["compare"]]),
        legend=alt.Legend(title=None, orient="bottom"),
    )
    dash = alt.StrokeDash(
        "series:N",
        scale=alt.Scale(domain=domain, range=[[1, 0], [6, 4]]),
        legend=alt.Legend(title=None, orient="bottom"),
    )
    line_base = alt.Chart(mean).encode(x=x, y=y, color=color)
    zero = (
        alt.Chart(pd.DataFrame({"y": [0]}))
        .mark_rule(color="#888888", strokeDash=[2, 2])
        .encode(y="y:Q")
    )
    tooltip = [
        alt.Tooltip("series:N", title=t("charts.map.series_title")),
        alt.Tooltip("phase:N", title=t("charts.common.phase")),
        alt.Tooltip("emotion:Q", title=t("charts.map.tt_mean_emotion"), format="+.2f"),
        alt.Tooltip("n:Q", title=t("charts.emotion.tt_n")),
    ]
    subtitle = (
        t("charts.map.subtitle_persona", persona=clean(who.name, 60))
        if who
        else t("charts.map.subtitle_all", count=len(proj.personas))
    )
    return cast(
        "alt.LayerChart",
        alt.layer(
            zero,
            dots,
            line_base.mark_line(strokeWidth=3).encode(strokeDash=dash),
            line_base.mark_point(filled=True, size=90, opacity=1, shape="circle").encode(
                tooltip=tooltip
            ),
            line_base.transform_filter(alt.datum.series == series_main)
            .mark_text(dx=10, dy=-12, align="left", fontWeight="bold")
            .encode(text=alt.Text("emotion:Q", format="+.1f")),
        ).properties(
            width=colw * len(names),
            height=300,
            title=alt.Title(title, subtitle=[subtitle, t("charts.emotion.subtitle")]),
        ),
    )
