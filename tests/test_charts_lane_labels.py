"""The journey map's lane names are shown whole ("Produktentwicklung", "Moment der Wahrheit").

A lane name stands on the lane's first row, on one or two lines that the slot key carries
(``"LLL|R|lane|line 1|line 2"``). The lane-name column grows to the longest name (the
phase columns give way), so no name is cut with "…" – and the map still fits JupyterLab's
column at 1366 px (``NOTEBOOK_WIDTH``). Checked on the spec (lines against the axis's
label limit, in the theme font's metrics) and once on the drawing.
"""

from __future__ import annotations

import html
import re

import pytest
import vl_convert as vlc

from cjmlib import datasets
from cjmlib.charts import journey_map_chart
from cjmlib.charts._common import text_width
from cjmlib.charts.theme import NOTEBOOK_WIDTH
from cjmlib.model import JourneyProject, Touchpoint


def lane_axes(spec: dict) -> list[tuple[dict, list[str]]]:
    """(lane axis, slot keys) of every layer drawn on the lane axis (``slot``)."""
    found = []
    for panel in spec["vconcat"]:
        for layer in panel.get("layer", []):
            y = layer.get("encoding", {}).get("y", {})
            if y.get("field") == "slot" and "labelExpr" in y.get("axis", {}):
                data = layer.get("data") or panel["data"]  # a layer may use its panel's data
                rows = spec["datasets"][data["name"]]
                found.append((y["axis"], [r["slot"] for r in rows]))
    return found


def shown_lines(axis: dict, slot: str) -> list[str]:
    """The lines the axis label shows for ``slot`` (what its ``labelExpr`` computes)."""
    parts = slot.split("|")
    if "slice(" in axis["labelExpr"]:
        return parts[3:]
    return [parts[2]]


def cut_lane_names(spec: dict) -> list[tuple[str, list[str], float]]:
    """Lane names that are not shown whole within the axis's label limit."""
    problems = []
    for axis, slots in lane_axes(spec):
        for slot in slots:
            if slot.split("|")[1] != "0":
                continue  # the name stands on the lane's first row only
            lane, lines = slot.split("|")[2], shown_lines(axis, slot)
            bold = axis.get("labelFontWeight") == "bold"
            widths = [text_width(x, axis["labelFontSize"], bold=bold) for x in lines]
            if (
                " ".join(lines) != lane
                or len(lines) > 2
                or max(widths, default=0) > axis["labelLimit"]
            ):
                problems.append((lane, lines, axis["labelLimit"]))
    return sorted(set((lane, tuple(lines), lim) for lane, lines, lim in problems))


@pytest.mark.parametrize("industry", list(datasets.industries()))
def test_every_lane_name_of_the_sample_maps_is_shown_whole(industry):
    """Channels, departments (backstage), pain points and the verification's claim kinds."""
    workbook = datasets.load(industry, "workbook")
    spec = journey_map_chart(workbook, backstage=True, verification=True).to_dict()
    assert lane_axes(spec)
    assert cut_lane_names(spec) == []


def long_departments(phases: list[str]) -> JourneyProject:
    departments = ["Produktentwicklung", "Kundenservice und Beschwerdemanagement", "IT"]
    project = JourneyProject(phase_model={"name": "Eigene Phasen", "phases": phases})
    touchpoints = [
        Touchpoint(
            name=f"Kontakt {i}",
            phase=phase,
            channel="Online-Shop",
            department=departments[i % len(departments)],
        )
        for i, phase in enumerate(phases)
    ]
    return project.copy_with(touchpoints=[tp.model_dump() for tp in touchpoints])


def test_long_department_names_widen_the_lane_column_and_stay_whole():
    project = long_departments(["Bewusstsein", "Überlegung", "Entscheidung", "Kauf", "Nachkauf"])
    spec = journey_map_chart(project, backstage=True).to_dict()
    assert cut_lane_names(spec) == []
    extents = {axis["minExtent"] for axis, _ in lane_axes(spec)}
    assert len(extents) == 1  # every panel's lane column is equally wide
    (extent,) = extents
    assert extent > 118
    backstage = spec["vconcat"][-1]
    width = next(x["width"] for x in [backstage, *backstage["layer"]] if "width" in x)
    assert extent + width <= NOTEBOOK_WIDTH


def svg_texts(chart) -> list[str]:
    """Every text the renderer draws (vl-convert, the engine behind the PNG exports)."""
    svg = vlc.vegalite_to_svg(chart.to_dict())
    # a label on two lines is one <text> with a <tspan> per line
    return [html.unescape(x) for x in re.findall(r"<(?:text|tspan)[^>]*>([^<]+)<", svg)]


@pytest.mark.slow
def test_the_drawn_map_shows_every_lane_name_whole():
    """What the renderer draws, not only the spec: Vega cuts a label a pixel too wide."""
    workbook = datasets.load("einzelhandel", "workbook")
    project = long_departments(["Bewusstsein", "Überlegung", "Entscheidung", "Kauf", "Nachkauf"])
    for chart in (
        journey_map_chart(workbook, backstage=True, verification=True),
        journey_map_chart(project, backstage=True),
    ):
        spec = chart.to_dict()
        drawn = set(svg_texts(chart))
        wanted = {
            line
            for axis, slots in lane_axes(spec)
            for slot in slots
            if slot.split("|")[1] == "0"
            for line in shown_lines(axis, slot)
        }
        assert "Produktentwicklung" in wanted | {w for x in wanted for w in x.split()}
        assert sorted(wanted - drawn) == []


@pytest.mark.slow
def test_the_widened_map_with_eight_phases_still_fits_the_notebook_column():
    names = ["Anstoß", "Suche", "Vergleich", "Wahl", "Kauf", "Lieferung", "Nutzung", "Bindung"]
    chart = journey_map_chart(long_departments(names), backstage=True)
    svg = vlc.vegalite_to_svg(chart.to_dict())
    width = float(re.search(r'<svg[^>]*\bwidth="([\d.]+)"', svg).group(1))
    assert width <= NOTEBOOK_WIDTH + 10, f"{width:.0f} px"


# -- the labels of touchpoints, pain points and solutions are shown whole -------------------


def letters(text: str) -> str:
    """``text`` without spaces, line breaks and hyphens (a label may break a word at "-")."""
    return re.sub(r"[\s\-]", "", text)


def item_labels(spec: dict) -> list[tuple[str, str]]:
    """(name, label) of every touchpoint, pain point and solution drawn on the map."""
    found = []
    for rows in spec["datasets"].values():
        for row in rows:
            if isinstance(row, dict) and {"name", "label", "slot"} <= set(row):
                if "weitere" not in str(row["label"]):  # the "+k weitere" rows
                    found.append((str(row["name"]), str(row["label"])))
    return found


def slots_of(spec: dict, panel: str) -> list[str]:
    """The rows of the lane axis in the panel whose items are in dataset ``panel``."""
    for part in spec["vconcat"]:
        layers = part.get("layer", [])
        if any((x.get("data") or {}).get("name") == panel for x in layers):
            return [
                r["slot"]
                for x in layers
                for r in spec["datasets"][x["data"]["name"]]
                if "data" in x and x["data"].get("name") in spec["datasets"] and "slot" in r
            ]
    return []


@pytest.mark.parametrize("industry", list(datasets.industries()))
def test_every_item_label_of_the_sample_maps_is_shown_whole(industry):
    """ "Verfügbarkeitsanzeige je Filiale" was drawn as "Verfügbarkeitsa… je Filiale"."""
    workbook = datasets.load(industry, "workbook")
    spec = journey_map_chart(workbook, backstage=True).to_dict()
    labels = item_labels(spec)
    assert len(labels) > 20
    cut = sorted((name, label) for name, label in labels if letters(name) != letters(label))
    assert cut == []


def test_a_label_on_several_lines_takes_the_rows_it_needs():
    """A label of three or four lines hangs into the row below, which stays free."""
    from cjmlib.charts._lanes import LABEL_DY, LABEL_LINE, ROW_STEP, row_span

    workbook = datasets.load("telekommunikation", "workbook")
    spec = journey_map_chart(workbook).to_dict()
    items = [
        (panel, r)
        for panel, rows in spec["datasets"].items()  # one dataset per panel
        for r in rows
        if isinstance(r, dict) and {"label", "slot", "phase"} <= set(r)
    ]
    taken: dict[tuple[str, str, int, str], str] = {}
    for panel, r in items:
        lane, row = r["slot"].split("|")[0], int(r["slot"].split("|")[1])
        lines = str(r["label"]).count("\n") + 1
        span = row_span(r["label"])
        assert LABEL_DY + LABEL_LINE * lines <= ROW_STEP // 2 + ROW_STEP * (span - 1)
        for k in range(span):
            key = (panel, lane, row + k, r["phase"])
            assert key not in taken, (r["label"], taken.get(key))
            taken[key] = r["label"]
        # ... and the lane has those rows: the label does not hang into the next lane
        assert f"{lane}|{row + span - 1}|" in " ".join(slots_of(spec, panel)), r["label"]
    assert max(str(r["label"]).count("\n") + 1 for _p, r in items) >= 3


def test_the_drawn_map_shows_every_item_label_whole():
    """What vl-convert draws: every line of every label, none ending in "…"."""
    workbook = datasets.load("telekommunikation", "workbook")  # the narrowest columns
    chart = journey_map_chart(workbook)
    drawn = svg_texts(chart)
    wanted = {line for _n, label in item_labels(chart.to_dict()) for line in label.split("\n")}
    assert sorted(wanted - set(drawn)) == []
    assert [x for x in wanted if x.endswith("…")] == []
