"""The look of every chart: colour-blind-safe colours, German number format, A4 sizes.

Importing :mod:`cjmlib.charts` registers and enables the altair theme ``"cjm"``. The
German number and date format travels inside each spec (``config.locale``), so it holds
in JupyterLab and in exported PNG/SVG/PDF files alike.
"""

from __future__ import annotations

from typing import Any

import altair as alt

#: Okabe-Ito palette (Okabe & Ito 2008), safe for the common colour-vision deficiencies.
PALETTE: list[str] = [
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#D55E00",  # vermillion
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#F0E442",  # yellow
    "#000000",  # black
]

#: Roles used across the charts.
COLORS: dict[str, str] = {
    "main": "#0072B2",
    "compare": "#E69F00",
    "pain": "#D55E00",
    "solution": "#009E73",
    "highlight": "#E69F00",
    "changed": "#CC79A7",
    "star": "#F0E442",
    "neutral": "#999999",
    "grid": "#DDDDDD",
    "lane_a": "#F4F4F4",
    "lane_b": "#FFFFFF",
    "hint_fill": "#FFF6E0",
    "text": "#222222",
}

#: Emotion -2..+2 on a diverging orange-to-blue scale (no red-green contrast).
EMOTION_DOMAIN: list[int] = [-2, -1, 0, 1, 2]
EMOTION_RANGE: list[str] = ["#D55E00", "#E69F00", "#B0B0B0", "#56B4E9", "#0072B2"]
#: Vega expression for emotion axis/legend labels: "−2", "−1", "0", "+1", "+2".
EMOTION_LABEL = (
    "datum.value > 0 ? '+' + datum.value : datum.value < 0 ? '−' + abs(datum.value) : '0'"
)

#: NPS groups (detractors, passives, promoters).
NPS_RANGE: list[str] = ["#D55E00", "#B0B0B0", "#0072B2"]

FONT = "Liberation Sans, Arial, Helvetica, DejaVu Sans, sans-serif"

#: Width in pixels of the plotting area that fits A4 landscape at 96 dpi with margins.
A4_WIDTH = 960
#: Total width in pixels (axes and legends included) that a chart may take so that it fits
#: JupyterLab's notebook column at a 1366 px wide screen with the file browser open: the
#: output area is about 926 px, and vega-embed keeps about 38 px for its action menu.
NOTEBOOK_WIDTH = 860
A4_HEIGHT = 620

# d3-format / d3-time-format definitions for de-DE (the same as d3's locale files).
NUMBER_LOCALE: dict[str, Any] = {
    "decimal": ",",
    "thousands": ".",
    "grouping": [3],
    "currency": ["", "\u00a0€"],
}
TIME_LOCALE: dict[str, Any] = {
    "dateTime": "%A, der %e. %B %Y, %X",
    "date": "%d.%m.%Y",
    "time": "%H:%M:%S",
    "periods": ["AM", "PM"],
    "days": ["Sonntag", "Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag"],
    "shortDays": ["So", "Mo", "Di", "Mi", "Do", "Fr", "Sa"],
    "months": [
        "Januar",
        "Februar",
        "März",
        "April",
        "Mai",
        "Juni",
        "Juli",
        "August",
        "September",
        "Oktober",
        "November",
        "Dezember",
    ],
    "shortMonths": [
        "Jan",
        "Feb",
        "Mrz",
        "Apr",
        "Mai",
        "Jun",
        "Jul",
        "Aug",
        "Sep",
        "Okt",
        "Nov",
        "Dez",
    ],
}


def theme_config() -> dict[str, Any]:
    """The ``config`` block of the theme (also usable as ``vl_convert(..., config=...)``)."""
    return {
        "font": FONT,
        "locale": {"number": NUMBER_LOCALE, "time": TIME_LOCALE},
        "background": "white",
        "padding": 12,
        "view": {"continuousWidth": 560, "continuousHeight": 320, "stroke": "#CCCCCC"},
        "title": {
            "fontSize": 18,
            "anchor": "start",
            "subtitleFontSize": 12,
            "subtitleColor": "#444444",
            "offset": 12,
            "color": COLORS["text"],
        },
        "axis": {
            "labelFontSize": 12,
            "titleFontSize": 13,
            "labelColor": COLORS["text"],
            "titleColor": COLORS["text"],
            "gridColor": COLORS["grid"],
            "labelLimit": 220,
        },
        "legend": {"labelFontSize": 12, "titleFontSize": 12, "symbolSize": 120, "labelLimit": 220},
        "header": {"labelFontSize": 13, "titleFontSize": 13},
        "text": {"fontSize": 12, "color": COLORS["text"]},
        "range": {"category": PALETTE},
        "concat": {"spacing": 14},
    }


def _theme() -> alt.theme.ThemeConfig:
    # theme_config() is the plain Vega-Lite config dict; altair types it as a TypedDict.
    return {"config": theme_config()}  # type: ignore[typeddict-item]


def enable() -> None:
    """Register and enable the ``"cjm"`` theme (idempotent)."""
    if "cjm" not in alt.theme.names():
        alt.theme.register("cjm", enable=False)(_theme)
    alt.theme.enable("cjm")
    # Charts must render in JupyterLab without internet (see cjmlib.charts.render).
    from cjmlib.charts.render import enable_renderer

    enable_renderer()
