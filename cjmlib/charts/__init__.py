"""Charts of the journey (altair). Every ``*_chart()`` returns a chart and never displays it.

Each function takes a Workbook or JourneyProject, or a DataFrame from
:mod:`cjmlib.analytics`; empty input gives a chart with a German hint on what to fill
in. Importing this package enables the altair theme ``"cjm"`` (colour-blind-safe
Okabe-Ito colours, German number and date format, sizes for A4 landscape).
"""

from cjmlib.charts import theme
from cjmlib.charts.emotion import emotion_curve_chart
from cjmlib.charts.empty import hint_chart, is_hint
from cjmlib.charts.funnel import funnel_chart
from cjmlib.charts.heatmap import touchpoint_heatmap_chart
from cjmlib.charts.impact_effort import impact_effort_chart
from cjmlib.charts.journey_map import journey_map_chart
from cjmlib.charts.lived import (
    design_table,
    hidden_table,
    journey_graph_chart,
    variants_chart,
    variants_table,
)
from cjmlib.charts.needs import needs_opportunity_chart
from cjmlib.charts.paths import path_chart
from cjmlib.charts.segments import segment_comparison_chart
from cjmlib.charts.survey import survey_distribution_chart, survey_trend_chart

theme.enable()

__all__ = [
    "design_table",
    "emotion_curve_chart",
    "funnel_chart",
    "hidden_table",
    "hint_chart",
    "impact_effort_chart",
    "is_hint",
    "journey_graph_chart",
    "journey_map_chart",
    "needs_opportunity_chart",
    "path_chart",
    "segment_comparison_chart",
    "survey_distribution_chart",
    "survey_trend_chart",
    "theme",
    "touchpoint_heatmap_chart",
    "variants_chart",
    "variants_table",
]
