"""Segment comparison: one small bar chart per measure, one bar per group."""

from __future__ import annotations

import altair as alt
import pandas as pd

from cjmlib.charts._common import as_frame, as_project, clean
from cjmlib.charts.empty import hint_chart
from cjmlib.charts.theme import COLORS
from cjmlib.messages import has, t
from cjmlib.model.lookup import ProjectLike

#: Known measures: default order per table shape, the d3 format and the interval columns.
MEASURES: dict[str, tuple[str, str | None, str | None]] = {
    "conversion_rate": (".0%", "ci_low", "ci_high"),
    "revenue_per_customer": (",.0f", None, None),
    "events_per_customer": (",.1f", None, None),
    "customers": (",d", None, None),
    "nps": (",.0f", "nps_low", "nps_high"),
    "csat": (",.0f", "csat_low", "csat_high"),
    "ces_mean": (",.1f", "ces_mean_low", "ces_mean_high"),
    "ces_agree": (",.0f", "ces_agree_low", "ces_agree_high"),
}
DEFAULTS = (
    ["conversion_rate", "revenue_per_customer", "events_per_customer"],
    ["nps", "csat", "ces_mean"],
)


def _group_names(project: ProjectLike | None) -> dict[str, str]:
    if project is None:
        return {}
    proj = as_project(project)
    names: dict[str, str] = {}
    for coll in ("segments", "personas", "touchpoints"):
        for item in getattr(proj, coll):
            names[item.id] = item.name
    names.update({p.id: p.name for p in proj.phase_model.phases})
    return names


def segment_comparison_chart(
    df: pd.DataFrame,
    *,
    metrics: list[str] | None = None,
    group: str = "group",
    project: ProjectLike | None = None,
) -> alt.HConcatChart | alt.Chart:
    """Compare groups side by side, one panel per measure (with 95 % intervals).

    Parameters
    ----------
    df:
        ``cjmlib.analytics.compare_segments`` (conversion, revenue, activity) or
        ``survey_metrics(by="segment_id")`` (NPS, CSAT, CES), or any table with a
        group column and numeric measures.
    metrics:
        Which columns to show; default: the main measures of the table's shape.
    group:
        Column with the group names or ids.
    project:
        Optional workbook/project: segment, persona and touchpoint ids are shown by name.
    """
    title = t("charts.segments.title")
    if df is None or (isinstance(df, pd.DataFrame) and df.empty):
        return hint_chart(title, [t("charts.segments.empty")], key="segments.empty")
    frame = as_frame(df, arg="df", columns=[group])
    if metrics is None:
        metrics = next((m for m in DEFAULTS if all(c in frame for c in m)), None)
        if metrics is None:
            metrics = [
                c
                for c in frame.columns
                if c != group
                and not c.startswith("n_")
                and pd.api.types.is_numeric_dtype(frame[c])
                and not pd.api.types.is_bool_dtype(frame[c])
            ][:4]
    missing = [m for m in metrics if m not in frame.columns]
    if missing:
        as_frame(frame, arg="df", columns=[group, *metrics])
    if not metrics:
        return hint_chart(title, [t("charts.segments.empty")], key="segments.empty")
    names = _group_names(project)
    data = pd.DataFrame({"group": [clean(names.get(str(g), g), 40) for g in frame[group]]})
    data["small"] = (
        frame["small_sample"].astype(bool).to_numpy() if "small_sample" in frame else False
    )
    order = list(dict.fromkeys(data["group"]))
    panels = []
    for metric in metrics:
        fmt, low, high = MEASURES.get(metric, (",.2f", None, None))
        part = data.copy()
        part["value"] = pd.to_numeric(frame[metric], errors="coerce").to_numpy()
        label = (
            t(f"charts.segments.metric.{metric}")
            if has(f"charts.segments.metric.{metric}")
            else clean(metric)
        )
        y = alt.Y("group:N", sort=order, title=None, axis=alt.Axis(labelLimit=200))
        tooltip = [
            alt.Tooltip("group:N", title=t("charts.segments.tt_group")),
            alt.Tooltip("value:Q", title=label, format=fmt),
        ]
        layers = []
        if low and high and low in frame and high in frame:
            part["low"] = pd.to_numeric(frame[low], errors="coerce").to_numpy()
            part["high"] = pd.to_numeric(frame[high], errors="coerce").to_numpy()
            tooltip += [
                alt.Tooltip("low:Q", title=t("charts.segments.tt_low"), format=fmt),
                alt.Tooltip("high:Q", title=t("charts.segments.tt_high"), format=fmt),
            ]
        bars = (
            alt.Chart(part)
            .mark_bar(color=COLORS["main"], height={"band": 0.65})
            .encode(
                y=y,
                x=alt.X("value:Q", title=label, axis=alt.Axis(format=fmt.replace(",", ","))),
                opacity=alt.condition("datum.small", alt.value(0.4), alt.value(1.0)),
                tooltip=tooltip,
            )
        )
        layers.append(bars)
        if "low" in part:
            layers.append(
                alt.Chart(part)
                .mark_rule(color="#333333", strokeWidth=1.5)
                .encode(y=y, x="low:Q", x2="high:Q")
            )
        # The value sits right of the bar and of its interval line.
        part["text_x"] = part[["value", "high"]].max(axis=1) if "high" in part else part["value"]
        layers.append(
            alt.Chart(part)
            .mark_text(align="left", dx=5, fontSize=11)
            .encode(y=y, x="text_x:Q", text=alt.Text("value:Q", format=fmt))
        )
        panels.append(
            alt.layer(*layers).properties(
                width=240, height=alt.Step(30), title=alt.Title(label, fontSize=14)
            )
        )
    subtitle = [t("charts.segments.subtitle")]
    if data["small"].any():
        subtitle.append(t("charts.segments.small_note"))
    return alt.hconcat(*panels, spacing=24).properties(title=alt.Title(title, subtitle=subtitle))
