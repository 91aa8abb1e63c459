"""Do charts display in JupyterLab without any network access?"""

from __future__ import annotations

import json

import altair as alt

import cjmlib.charts  # noqa: F401 - importing enables the renderer
from cjmlib.charts import journey_map_chart
from cjmlib.charts.render import VEGALITE_MIME, chart_bundle
from cjmlib.datasets import load


def test_importing_charts_enables_the_offline_renderer():
    assert alt.renderers.active == "cjm"


def test_a_chart_displays_as_jupyterlabs_own_vegalite_output_with_no_script_or_url():
    bundle = journey_map_chart(load("einzelhandel", "workbook"))._repr_mimebundle_()
    if isinstance(bundle, tuple):
        bundle = bundle[0]
    assert set(bundle) == {VEGALITE_MIME, "text/plain"}
    spec = bundle[VEGALITE_MIME]
    assert spec["$schema"].endswith("/vega-lite/v5.json")
    text = json.dumps(spec)
    assert "<script" not in text and "cdn.jsdelivr" not in text
    assert bundle["text/plain"] == "Diagramm (wird in JupyterLab angezeigt)"


def test_chart_bundle_is_what_the_widgets_put_into_their_outputs():
    chart = journey_map_chart(load("einzelhandel", "workbook"))
    assert chart_bundle(chart)[VEGALITE_MIME]["vconcat"] == chart.to_dict()["vconcat"]
