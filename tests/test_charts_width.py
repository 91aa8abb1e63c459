"""Does every chart the chapters show fit JupyterLab's notebook column on a laptop?

At 1366 px with the file browser open the output area is about 926 px wide and
vega-embed keeps about 38 px for its menu, so a chart's whole drawing (axes and legends
included) may take ``NOTEBOOK_WIDTH`` pixels. Measured on the SVG that vl-convert draws;
``tests/test_browser_chapter.py`` measures the same in a real JupyterLab.
"""

from __future__ import annotations

import re

import pytest
import vl_convert as vlc

from cjmlib import analytics, charts, datasets
from cjmlib.charts.theme import NOTEBOOK_WIDTH
from cjmlib.model import JourneyProject, Touchpoint

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def case():
    workbook = datasets.load("einzelhandel", "workbook")
    events = datasets.load("einzelhandel", "events")
    survey = datasets.load("einzelhandel", "survey")
    phases = workbook.phase_model
    funnel = analytics.funnel(
        events, phases.ids, by="phase", labels=dict(zip(phases.ids, phases.names, strict=True))
    )
    return {"wb": workbook, "survey": survey, "funnel": funnel}


def eight_phases() -> JourneyProject:
    names = ["Anstoß", "Suche", "Vergleich", "Wahl", "Kauf", "Lieferung", "Nutzung", "Bindung"]
    project = JourneyProject(phase_model={"name": "Acht", "phases": names})
    touchpoints = [
        Touchpoint(name=f"Sehr langer Touchpoint-Name Nummer {i}", phase=p, channel="App")
        for i, p in enumerate(names)
    ]
    return project.copy_with(touchpoints=[tp.model_dump() for tp in touchpoints])


CHARTS = {
    "journey_map": lambda c: charts.journey_map_chart(c["wb"]),
    "journey_map_backstage": lambda c: charts.journey_map_chart(c["wb"], backstage=True),
    "journey_map_compare": lambda c: charts.journey_map_chart(
        c["wb"], compare_to=c["wb"], labels=("Soll", "Ist")
    ),
    "journey_map_8_phases": lambda c: charts.journey_map_chart(eight_phases()),
    "emotion_curve": lambda c: charts.emotion_curve_chart(
        c["wb"], survey_emotion=analytics.emotion_from_survey(c["survey"], c["wb"])
    ),
    "heatmap": lambda c: charts.touchpoint_heatmap_chart(c["wb"], value="count"),
    "needs": lambda c: charts.needs_opportunity_chart(c["wb"]),
    "survey_trend": lambda c: charts.survey_trend_chart(analytics.survey_trend(c["survey"])),
    "survey_distribution": lambda c: charts.survey_distribution_chart(c["survey"]),
    "funnel": lambda c: charts.funnel_chart(c["funnel"]),
    "impact_effort": lambda c: charts.impact_effort_chart(c["wb"]),
    "dashboard": lambda c: (
        charts.funnel_chart(c["funnel"])
        & charts.survey_trend_chart(analytics.survey_trend(c["survey"]))
    ),
}


@pytest.mark.parametrize("name", CHARTS)
def test_chart_fits_the_notebook_column(case, name):
    """Is the drawn chart at most NOTEBOOK_WIDTH pixels wide?"""
    svg = vlc.vegalite_to_svg(CHARTS[name](case).to_dict())
    width = float(re.search(r'<svg[^>]*\bwidth="([\d.]+)"', svg).group(1))
    assert width <= NOTEBOOK_WIDTH + 10, f"{name}: {width:.0f} px"
