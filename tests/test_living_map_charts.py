"""The verification layer on the map, the lived-journey charts and the German report."""

from __future__ import annotations

import itertools
import re

import pytest
from living_map_data import drop_off_log, drop_rule, journeys, project
from test_living_map_lived import PATHS

from cjmlib.analytics.lived import compare_design, directly_follows, journey_variants
from cjmlib.analytics.verification import verify_map
from cjmlib.charts import journey_map_chart
from cjmlib.charts.lived import (
    design_table,
    hidden_table,
    journey_graph_chart,
    variants_chart,
    variants_table,
)
from cjmlib.charts.verification_layer import STATUS_STYLE
from cjmlib.errors import CJMError
from cjmlib.io.verification_report import save_verification_report, verification_report
from cjmlib.model import JourneyProject

EVIL = "<img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def verified() -> JourneyProject:
    """Two verifications (40 % drop-off, then 46 %): one claim turns stale, one refuted."""
    rules = [
        drop_rule(drift_tolerance=5),
        drop_rule(title=EVIL, claim="emotion", target="tp-kasse", comparison="<", threshold=45),
        drop_rule(
            title="Anzeige", claim="emotion", target="tp-warenkorb", step_from="tp-gibtsnicht"
        ),
    ]
    p = project(evidence_rules=rules)
    first = verify_map(p, events=drop_off_log(6, 4), title="Frühjahr", today="2026-04-01")
    p = p.model_copy(update={"verifications": [first]})
    second = verify_map(p, events=drop_off_log(27, 23), title=EVIL, today="2026-07-01")
    return JourneyProject.model_validate(
        {**p.model_dump(), "verifications": [first.model_dump(), second.model_dump()]}
    )


def layer_of(chart) -> dict:
    spec = chart.to_dict()
    return spec["vconcat"][-1]


def marks_of(layer: dict) -> list[dict]:
    point = next(lay for lay in layer["layer"] if lay["mark"].get("type") == "point")
    return layer_data(layer, point)


def layer_data(layer: dict, sub: dict) -> list[dict]:
    name = sub["data"]["name"]
    return layer["datasets"][name] if "datasets" in layer else []


def test_the_map_gets_a_layer_with_one_mark_per_claim(verified):
    chart = journey_map_chart(verified, verification=True)
    spec = chart.to_dict()
    assert len(spec["vconcat"]) == 4  # touchpoints, emotions, pains, evidence
    layer = spec["vconcat"][-1]
    lanes = layer["layer"][0]
    assert lanes["title"]["text"].startswith("Belege: ‹img src=x onerror=alert(1)› (01.07.2026)")
    assert lanes["title"]["subtitle"][0] == "1 widerlegt · 1 veraltet · 4 ohne Beleg · 0 bestätigt"
    assert lanes["title"]["subtitle"][1] == (
        "2 Aussagen ohne Phase (z. B. KPIs des Ziels) stehen im Prüfbericht."
    )
    point = next(lay for lay in layer["layer"] if lay.get("mark", {}).get("type") == "point")
    rows = spec["datasets"][point["data"]["name"]]
    got = {(r["lane"], r["name"]): r["status"] for r in rows}
    assert got == {
        ("Emotion", "Beratung"): "ohne Beleg",  # no rule
        ("Emotion", "Warenkorb"): "ohne Beleg",  # its rule names a step not in the data
        ("Emotion", "Kasse"): "widerlegt",  # 46 % is not below 45 %
        ("Moment der Wahrheit", "Kasse"): "ohne Beleg",
        ("Pain Point", "Kasse bricht ab"): "veraltet",  # 40 % -> 46 %, tolerance 5
        ("Hypothese", "Ein Gastzugang senkt Abbrüche"): "ohne Beleg",
    }
    kasse = next(r for r in rows if r["name"] == "Kasse" and r["lane"] == "Emotion")
    assert kasse["why"] == "Der Wert 46,0 % verfehlt die Schwelle."
    assert "‹img src=x" not in kasse["figures"]  # the rule text, not its title
    assert kasse["figures"] == "Abbruch von „Warenkorb“ bis „Kasse“ unter 45,0 %: 46,0 %"


def test_layer_encodes_status_by_colour_and_shape(verified):
    layer = layer_of(journey_map_chart(verified, verification=True))
    point = next(lay for lay in layer["layer"] if lay.get("mark", {}).get("type") == "point")
    color, shape = point["encoding"]["color"], point["encoding"]["shape"]
    assert color["scale"]["domain"] == ["widerlegt", "veraltet", "ohne Beleg", "bestätigt"]
    assert color["scale"]["range"] == [STATUS_STYLE[s][0] for s in color["scale"]["domain"]]
    assert len(set(shape["scale"]["range"])) == 4  # readable without colour
    assert color["legend"]["title"] == "Beleg" == shape["legend"]["title"]
    tooltip_titles = [tt["title"] for tt in point["encoding"]["tooltip"]]
    assert tooltip_titles == [
        "Art der Aussage",
        "Aussage",
        "Phase",
        "Status",
        "Begründung",
        "Regeln und Werte",
        "Geprüft am",
    ]


def test_layer_names_wrap_within_their_phase_column():
    """Claim names on the layer were drawn on one line and ran into the next column (seen
    in chapter 12 at 1366 px); they wrap on two lines like the map's touchpoints."""
    from cjmlib import datasets
    from cjmlib.charts._common import text_width
    from cjmlib.charts._lanes import LINE_BREAK
    from cjmlib.charts.journey_map import _column_width

    p = datasets.load("einzelhandel", "workbook")
    record = verify_map(
        p,
        **{k: datasets.load("einzelhandel", k) for k in ("events", "survey", "feedback")},
        today="2026-08-05",
    )
    p = p.model_copy(update={"verifications": [record]})
    layer = layer_of(journey_map_chart(p, verification=True))
    texts = [lay for lay in layer["layer"] if lay.get("mark", {}).get("type") == "text"]
    assert texts and all(lay["mark"].get("lineBreak") == LINE_BREAK for lay in texts)
    spec = journey_map_chart(p, verification=True).to_dict()
    rows = layer_data({"datasets": spec["datasets"]}, texts[0])
    colw = _column_width(len(p.phase_model.phases))
    long = [r["label"] for r in rows if LINE_BREAK in r["label"]]
    assert long, "some claim names need two lines at this column width"
    assert all(text_width(line, 11) <= colw for r in rows for line in r["label"].split(LINE_BREAK))


def test_map_without_a_verification_shows_every_claim_without_evidence():
    p = project(evidence_rules=[drop_rule()])
    spec = journey_map_chart(p, verification=True).to_dict()
    title = spec["vconcat"][-1]["layer"][0]["title"]
    assert title["text"] == "Belege: noch keine Prüfung"
    assert title["subtitle"][0] == "0 widerlegt · 0 veraltet · 6 ohne Beleg · 0 bestätigt"
    assert len(journey_map_chart(p).to_dict()["vconcat"]) == 3  # no layer unless asked


def test_unknown_verification_is_named(verified):
    with pytest.raises(CJMError, match="Eine Prüfung „Herbst“ gibt es in deinem Arbeitsbuch nicht"):
        journey_map_chart(verified, verification="Herbst")


def test_journey_graph_and_variants_charts():
    log = journeys(PATHS)
    dfg = directly_follows(log, by="touchpoint_id", project=project())
    spec = journey_graph_chart(dfg, top=5, project=project()).to_dict()
    assert spec["usermeta"] == {"cjm_chart": "journey_graph"}
    assert spec["title"]["text"] == "Gelebte Journey: die häufigsten Übergänge"
    inner = int((~dfg["kind"].isin(["start", "end"])).sum())
    assert spec["title"]["subtitle"][:2] == [
        f"Die 5 häufigsten von {inner} Übergängen zwischen Schritten; Breite = Häufigkeit; "
        "oben vorwärts, unten zurück, Pfeil = Richtung.",
        f"{inner - 5} seltenere sind nicht gezeichnet (mehr mit `top=`).",
    ]
    legends = [lay["encoding"].get("color", {}).get("legend") for lay in spec["layer"]]
    titles = {lg["title"] for lg in legends if lg}
    assert titles == {"Übergang", "Schritt"}
    variants = journey_variants(log, by="phase", project=project())
    vspec = variants_chart(variants).to_dict()
    assert vspec["usermeta"] == {"cjm_chart": "journey_variants"}
    rows = next(iter(vspec["datasets"].values()))
    assert rows[0]["row"] == "✗ 1. 28,6 % (2)" and rows[0]["label"] == "Bewusstsein"
    empty = journey_graph_chart(dfg.iloc[0:0])
    assert "keine Schritte" in str(empty.to_dict())


def test_a_wide_journey_graph_fits_the_notebook_column():
    """The sample's touchpoint graph (about two dozen steps) was drawn 960 px wide and cut
    off at a 1366 px screen; the graph and its labels stay within the notebook column."""
    from cjmlib import datasets
    from cjmlib.charts.theme import NOTEBOOK_WIDTH

    p = datasets.load("einzelhandel", "workbook")
    dfg = directly_follows(datasets.load("einzelhandel", "events"), project=p)
    spec = journey_graph_chart(dfg, top=20, project=p).to_dict()
    # the plot plus the labels' overhang on the left (rotated names) and the padding
    assert spec["width"] <= NOTEBOOK_WIDTH - 40
    assert journey_graph_chart(dfg, top=20, project=p, width=700).to_dict()["width"] == 700


def test_german_tables_of_the_lived_journey():
    log = journeys(PATHS)
    table = variants_table(journey_variants(log, by="phase", project=project()))
    assert list(table.columns) == [
        "Rang",
        "Verlauf",
        "Schritte",
        "Kunden",
        "Anteil",
        "Anteil kumuliert",
        "Folgt dem Design",
    ]
    assert table.iloc[0].tolist() == [1, "Bewusstsein → Kauf", 2, "2", "28,6 %", "28,6 %", "nein"]
    comparison = compare_design(log, project())
    design = design_table(comparison)
    assert design.iloc[0].tolist() == [
        "Alle",
        "7",
        "5 (71,4 %)",
        "2 (28,6 %)",
        "3 (42,9 %)",
        "2 (28,6 %)",
    ]
    hidden = hidden_table(comparison.hidden)
    assert hidden.iloc[0].tolist()[:3] == ["nur in den Daten", "Touchpoint", "tp-insta-shop"]


# -- the report --------------------------------------------------------------------------------


def test_html_report_lists_what_to_revisit_first_and_escapes(verified, tmp_path):
    html = verification_report(verified, image="none")
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    first = html.index("Zuerst ansehen")
    refuted = html.index('st-refuted">widerlegt', first)
    stale = html.index('st-stale">veraltet', first)
    assert refuted < stale  # refuted claims come first
    assert "Ergebnis: 1 Aussagen widerlegt, 1 veraltet, 6 ohne Beleg, 0 bestätigt." in html
    assert "Was sich seit der letzten Prüfung geändert hat" in html
    assert "jetzt veraltet" in html
    assert "Rocks (2016)" in html and "Wilson" in html
    path = save_verification_report(verified, tmp_path / "bericht.html", image="none")
    assert path.read_text(encoding="utf-8") == html


def test_markdown_report_escapes_and_compares(verified, tmp_path):
    md = verification_report(verified, format="markdown")
    assert "&lt;img src=x onerror=alert(1)&gt;" in md
    assert "<img" not in md
    assert md.startswith("# Prüfbericht: Testladen\n")
    assert "## Zuerst ansehen" in md and "| Aussage | Art | Belegregel | Messung |" in md
    first_md = verification_report(verified, "Frühjahr", format="markdown")
    assert "Dies ist die erste Prüfung" in first_md
    path = save_verification_report(verified, tmp_path / "bericht.md")
    assert path.read_text(encoding="utf-8").startswith("# Prüfbericht")
    with pytest.raises(CJMError, match=re.escape("nicht als „.pdf“")):
        save_verification_report(verified, tmp_path / "bericht.pdf")


def test_report_with_the_map_as_svg(verified):
    html = verification_report(verified, image="svg")
    assert "<svg" in html and "Die Karte mit ihren Belegen" in html
    assert "onerror=alert(1)>" not in html


def test_report_needs_a_verification():
    with pytest.raises(CJMError, match="Dein Arbeitsbuch enthält noch keine Prüfung"):
        verification_report(project(evidence_rules=[drop_rule()]))
    with pytest.raises(CJMError, match="`format` "):
        verification_report(project(), format="pdf")


def graph_labels(spec: dict) -> dict[str, list[str]]:
    """Step name -> the lines drawn under its node (the text layers on ``label``)."""
    layer = next(
        x for x in spec["layer"] if x.get("encoding", {}).get("text", {}).get("field") == "label"
    )
    rows = spec["datasets"][layer["data"]["name"]]
    return {row["name"]: row["label"].split("\n") for row in rows}


def chapter7_graph(industry: str):
    """Chapter 7's graph of the touchpoints (the 20 most frequent transitions)."""
    from cjmlib import datasets

    p = datasets.load(industry, "workbook")
    dfg = directly_follows(datasets.load(industry, "events"), by="touchpoint_id", project=p)
    return journey_graph_chart(dfg, top=20, project=p)


@pytest.mark.parametrize(
    "industry", ["einzelhandel", "bank", "telekommunikation", "reise", "gesundheit"]
)
def test_every_step_name_of_the_graph_is_shown_whole(industry):
    """ "Bargeld am Geldautomaten einer Partnerbank" on one or two lines, not "Bargeld am Ge…"."""
    labels = graph_labels(chapter7_graph(industry).to_dict())
    assert labels
    cut = {name: lines for name, lines in labels.items() if " ".join(lines) != name}
    assert cut == {}
    assert max(len(lines) for lines in labels.values()) <= 3


def test_the_drawn_graph_shows_every_step_name_whole():
    """What vl-convert draws (the engine of the PNG/SVG exports): every line, no "…"."""
    from test_charts_lane_labels import svg_texts

    chart = chapter7_graph("bank")  # the longest step names of the five industries
    drawn = svg_texts(chart)
    wanted = {line for lines in graph_labels(chart.to_dict()).values() for line in lines}
    assert sorted(wanted - set(drawn)) == []
    assert [x for x in drawn if x.endswith("…")] == []


def test_phase_names_over_the_graph_do_not_run_into_each_other():
    """Bank: "Erste Schritte" over one step ran into "Produktnutzung" beside it."""
    from cjmlib.charts._common import text_width

    spec = chapter7_graph("bank").to_dict()
    n = len(graph_labels(spec))  # steps, one unit of the x scale each
    unit = spec["width"] / n
    placed = []
    for layer in spec["layer"]:
        if layer.get("encoding", {}).get("text", {}).get("field") != "phase":
            continue
        for b in spec["datasets"][layer["data"]["name"]]:
            mid, half = (b["x"] + b["x2"]) / 2 * unit, text_width(b["phase"], 12, bold=True) / 2
            placed.append((layer["mark"]["dy"], mid - half, mid + half, b["phase"]))
    assert len(placed) >= 5
    placed.sort()
    clashes = [
        (a[3], b[3]) for a, b in itertools.pairwise(placed) if a[0] == b[0] and b[1] < a[2] + 4
    ]
    assert clashes == []
