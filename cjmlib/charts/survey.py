"""NPS, CSAT and CES: the distribution of the answers and the trend over time."""

from __future__ import annotations

import altair as alt
import pandas as pd

from cjmlib.charts._common import as_frame
from cjmlib.charts.empty import hint_chart
from cjmlib.charts.theme import COLORS, NPS_RANGE
from cjmlib.messages import t

SCALES = {"nps": (0, 10), "csat": (1, 5), "ces": (1, 7)}
TREND_COLUMNS = ["period", "n", "nps", "csat", "ces_mean"]


def _nps_group(score: int) -> str:
    if score <= 6:
        return t("charts.survey.detractor")
    return t("charts.survey.passive") if score <= 8 else t("charts.survey.promoter")


def _counts(survey: pd.DataFrame, metric: str) -> pd.DataFrame:
    lo, hi = SCALES[metric]
    values = pd.to_numeric(survey[metric], errors="coerce").dropna()
    values = values[(values >= lo) & (values <= hi) & (values == values.round())].astype(int)
    counts = values.value_counts().reindex(range(lo, hi + 1), fill_value=0)
    frame = pd.DataFrame({"score": counts.index.astype(int), "count": counts.to_numpy()})
    total = int(frame["count"].sum())
    frame["share"] = frame["count"] / total if total else 0.0
    if metric == "nps":
        frame["group"] = [_nps_group(s) for s in frame["score"]]
    elif metric == "csat":
        frame["group"] = [
            t("charts.survey.satisfied") if s >= 4 else t("charts.survey.other")
            for s in frame["score"]
        ]
    else:
        frame["group"] = [
            t("charts.survey.easy") if s >= 5 else t("charts.survey.other") for s in frame["score"]
        ]
    return frame


def _panel(frame: pd.DataFrame, metric: str) -> alt.LayerChart:
    if metric == "nps":
        domain = [
            t("charts.survey.detractor"),
            t("charts.survey.passive"),
            t("charts.survey.promoter"),
        ]
        colours = NPS_RANGE
    else:
        domain = [
            t("charts.survey.other"),
            t("charts.survey.satisfied") if metric == "csat" else t("charts.survey.easy"),
        ]
        colours = ["#B0B0B0", COLORS["main"]]
    total = int(frame["count"].sum())
    base = alt.Chart(frame).encode(
        x=alt.X("score:O", title=t(f"charts.survey.x_{metric}"), axis=alt.Axis(labelAngle=0))
    )
    bars = base.mark_bar().encode(
        y=alt.Y("count:Q", title=t("charts.survey.y"), axis=alt.Axis(format=",d")),
        color=alt.Color(
            "group:N",
            scale=alt.Scale(domain=domain, range=colours),
            legend=alt.Legend(orient="bottom", title=None, columns=1),
        ),
        tooltip=[
            alt.Tooltip("score:O", title=t("charts.survey.tt_score")),
            alt.Tooltip("count:Q", title=t("charts.survey.y"), format=",d"),
            alt.Tooltip("share:Q", title=t("charts.common.share"), format=".1%"),
        ],
    )
    text = base.mark_text(dy=-6, fontSize=10).encode(
        y="count:Q", text=alt.Text("share:Q", format=".0%")
    )
    chart: alt.LayerChart = (bars + text).properties(
        width=alt.Step(34 if metric == "nps" else 44),
        height=260,
        title=alt.Title(
            t(f"charts.survey.panel_{metric}"),
            subtitle=t("charts.survey.n", n=f"{total:,}".replace(",", ".")),
            fontSize=14,
        ),
    )
    return chart


def survey_distribution_chart(
    survey: pd.DataFrame,
) -> alt.VConcatChart | alt.HConcatChart | alt.LayerChart | alt.Chart:
    """Bars of the answers to NPS (0–10), CSAT (1–5) and CES (1–7), counted in pandas.

    ``survey`` is the answer table (columns ``nps``, ``csat``, ``ces``; any may be
    missing). Only counts per score go into the chart, never the answers themselves.
    """
    title = t("charts.survey.title")
    if survey is not None and not isinstance(survey, pd.DataFrame):
        as_frame(survey, arg="survey", columns=list(SCALES))
    present = [m for m in SCALES if survey is not None and m in survey.columns]
    panels: dict[str, alt.LayerChart] = {}
    for metric in present:
        frame = _counts(survey, metric)
        if frame["count"].sum():
            panels[metric] = _panel(frame, metric)
    if not panels:
        return hint_chart(title, [t("charts.survey.empty")], key="survey.empty")
    heading = alt.Title(title, subtitle=t("charts.survey.subtitle"))
    # NPS (11 bars) on a row of its own, CSAT and CES side by side below it: three
    # panels in one row would be wider than the notebook column on a laptop.
    rest = [panel for metric, panel in panels.items() if metric != "nps"]
    rows: list[alt.LayerChart | alt.HConcatChart] = [panels["nps"]] if "nps" in panels else []
    if rest:
        rows.append(alt.hconcat(*rest, spacing=30).resolve_scale(color="independent"))
    if len(rows) == 1:
        single: alt.LayerChart | alt.HConcatChart = rows[0].properties(title=heading)
        return single
    stacked: alt.VConcatChart = (
        alt.vconcat(*rows, spacing=24).resolve_scale(color="independent").properties(title=heading)
    )
    return stacked


def _ticks(data: pd.DataFrame) -> dict[str, object]:
    """One tick per period up to 12 periods, then fewer (never two labels for one month)."""
    n = max(len(data), 1)
    return {"interval": "month", "step": max(1, -(-n // 12))}


def survey_trend_chart(trend_df: pd.DataFrame) -> alt.VConcatChart | alt.Chart:
    """NPS, CSAT and CES mean per period (from ``cjmlib.analytics.survey_trend``)."""
    frame = as_frame(trend_df, arg="trend_df", columns=TREND_COLUMNS)
    title = t("charts.survey.trend_title")
    if frame.empty:
        return hint_chart(title, [t("charts.survey.trend_empty")], key="survey_trend.empty")
    data = frame[TREND_COLUMNS].copy()
    period = data["period"]
    if isinstance(period.dtype, pd.PeriodDtype):
        period = period.dt.to_timestamp()
    data["period"] = pd.to_datetime(period).dt.strftime("%Y-%m-%d")
    panels = []
    specs = [("nps", [-100, 100], ",.0f"), ("csat", [0, 100], ",.0f"), ("ces_mean", [1, 7], ",.1f")]
    for i, (metric, domain, fmt) in enumerate(specs):
        base = alt.Chart(data).encode(
            x=alt.X(
                "period:T",
                title=None,
                axis=alt.Axis(
                    format="%b %Y", labelAngle=0, labels=i == len(specs) - 1, tickCount=_ticks(data)
                ),
            ),
            y=alt.Y(
                f"{metric}:Q",
                title=t(f"charts.survey.trend_{metric}"),
                scale=alt.Scale(domain=domain),
            ),
        )
        tooltip = [
            alt.Tooltip("period:T", title=t("charts.survey.tt_period"), format="%B %Y"),
            alt.Tooltip(f"{metric}:Q", title=t(f"charts.survey.trend_{metric}"), format=fmt),
            alt.Tooltip("n:Q", title=t("charts.survey.tt_n"), format=",d"),
        ]
        panels.append(
            (
                base.mark_line(color=COLORS["main"], strokeWidth=2.5)
                + base.mark_point(color=COLORS["main"], filled=True, size=50).encode(
                    tooltip=tooltip
                )
            ).properties(width=720, height=120)
        )
    return alt.vconcat(*panels, spacing=8).properties(
        title=alt.Title(title, subtitle=t("charts.survey.trend_subtitle"))
    )
