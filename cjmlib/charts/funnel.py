"""Funnel chart: customers per step, the drop-off between steps, the biggest leak marked."""

from __future__ import annotations

from typing import cast

import altair as alt
import pandas as pd

from cjmlib.analytics.funnels import FUNNEL_COLUMNS
from cjmlib.charts._common import as_frame, clean
from cjmlib.charts.empty import hint_chart
from cjmlib.charts.theme import COLORS
from cjmlib.messages import t


def _leak_step(funnel_df: pd.DataFrame) -> int | None:
    leak = funnel_df.attrs.get("biggest_leak")
    if isinstance(leak, dict) and "step" in leak:
        return int(leak["step"])
    rest = funnel_df.iloc[1:]
    rest = rest[rest["drop_off"] > 0]
    if rest.empty:
        return None
    worst = int(rest["drop_off_rate"].to_numpy().argmax())
    return int(rest["step"].iloc[worst])


def funnel_chart(
    funnel_df: pd.DataFrame, *, title: str | None = None
) -> alt.LayerChart | alt.Chart:
    """Horizontal funnel from ``cjmlib.analytics.funnel``: bars of customers per step,
    the conversion from the start as a label and the drop-off to the previous step; the
    step with the biggest leak is drawn in orange-red."""
    frame = as_frame(funnel_df, arg="funnel_df", columns=FUNNEL_COLUMNS)
    title = clean(title) if title else t("charts.funnel.title")
    if frame.empty:
        return hint_chart(title, [t("charts.funnel.empty")], key="funnel.empty")
    leak = _leak_step(frame)
    data = frame[FUNNEL_COLUMNS].copy()
    data["label"] = [
        f"{int(s)}. {clean(lbl, 40)}" for s, lbl in zip(data["step"], data["label"], strict=True)
    ]
    data["leak"] = data["step"] == leak if leak is not None else False
    data["lost"] = data["drop_off"].where(data["step"] > data["step"].min(), 0)
    first = float(data["customers"].iloc[0]) or 1.0
    data["text_main"] = [
        t(
            "charts.funnel.bar_text",
            customers=f"{int(c):,}".replace(",", "."),
            share=f"{(c / first) * 100:.1f}".replace(".", ","),
        )
        for c in data["customers"]
    ]
    data["text_drop"] = [
        ""
        if pd.isna(r) or step == data["step"].min()
        else t(
            "charts.funnel.drop_text",
            lost=f"{int(lost):,}".replace(",", "."),
            rate=f"{r * 100:.1f}".replace(".", ","),
        )
        for step, lost, r in zip(data["step"], data["lost"], data["drop_off_rate"], strict=True)
    ]
    order = list(data["label"])
    y = alt.Y("label:N", sort=order, title=None, axis=alt.Axis(labelLimit=260, labelFontSize=13))
    tooltip = [
        alt.Tooltip("label:N", title=t("charts.funnel.tt_step")),
        alt.Tooltip("customers:Q", title=t("charts.common.customers"), format=",d"),
        alt.Tooltip(
            "conversion_from_start:Q", title=t("charts.funnel.tt_from_start"), format=".1%"
        ),
        alt.Tooltip(
            "conversion_from_previous:Q", title=t("charts.funnel.tt_from_prev"), format=".1%"
        ),
        alt.Tooltip("drop_off:Q", title=t("charts.funnel.tt_drop"), format=",d"),
        alt.Tooltip("drop_off_rate:Q", title=t("charts.funnel.tt_drop_rate"), format=".1%"),
    ]
    base = alt.Chart(data).encode(y=y)
    bars = base.mark_bar(height={"band": 0.7}).encode(
        x=alt.X("customers:Q", title=t("charts.common.customers"), axis=alt.Axis(format=",d")),
        color=alt.Color(
            "leak:N",
            scale=alt.Scale(domain=[False, True], range=[COLORS["main"], COLORS["pain"]]),
            legend=None,
        ),
        tooltip=tooltip,
    )
    lost = (
        base.mark_bar(height={"band": 0.7}, color="#DDDDDD")
        .encode(x=alt.X("customers:Q"), x2=alt.X2("end:Q"), tooltip=tooltip)
        .transform_calculate(end="datum.customers + datum.lost")
    )
    main_text = (
        base.mark_text(align="left", dx=6, fontSize=12)
        .encode(x=alt.X("end:Q"), text="text_main:N")
        .transform_calculate(end="datum.customers + datum.lost")
    )
    drop_text = (
        base.mark_text(align="left", dx=6, dy=14, fontSize=11, color=COLORS["pain"])
        .encode(x=alt.X("end:Q"), text="text_drop:N")
        .transform_calculate(end="datum.customers + datum.lost")
    )
    subtitle = [t("charts.funnel.subtitle")]
    leak_info = frame.attrs.get("biggest_leak")
    if isinstance(leak_info, dict) and leak_info.get("label"):
        subtitle.append(
            t(
                "charts.funnel.subtitle_leak",
                frm=clean(leak_info.get("from_label"), 40),
                to=clean(leak_info["label"], 40),
                rate=f"{float(leak_info['drop_off_rate']) * 100:.1f}".replace(".", ","),
            )
        )
    return cast(
        "alt.LayerChart",
        alt.layer(lost, bars, main_text, drop_text).properties(
            width=620, height=alt.Step(52), title=alt.Title(title, subtitle=subtitle)
        ),
    )
