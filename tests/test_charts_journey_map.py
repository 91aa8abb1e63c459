"""The journey map: structure of the spec, persona filter, as-is/to-be overlay, empty
projects, large projects and escaping of what trainees type."""

from __future__ import annotations

import json
import re

import altair as alt
import pytest
from _charts_fixtures import XSS, big_project, small_project

from cjmlib.charts import is_hint, journey_map_chart
from cjmlib.charts._common import text_width
from cjmlib.charts._lanes import LABEL_X, MAX_LABEL_LINES
from cjmlib.charts.journey_map import STAR
from cjmlib.errors import CJMError
from cjmlib.model import JourneyProject, Persona, Touchpoint

PHASES = ["Bewusstsein", "Überlegung", "Entscheidung", "Kauf", "Nachkauf"]


def panels(spec: dict) -> list[dict]:
    return spec["vconcat"]


def datasets_of(spec: dict) -> dict[str, list[dict]]:
    return spec.get("datasets", {})


def layer_data(spec: dict, layer: dict) -> list[dict]:
    return datasets_of(spec)[layer["data"]["name"]]


def touchpoint_rows(spec: dict) -> list[dict]:
    """Rows of the touchpoint symbols layer (the one with the emotion colour)."""
    for layer in panels(spec)[0]["layer"]:
        if layer.get("encoding", {}).get("color", {}).get("field") == "emotion":
            return layer_data(spec, layer)
    raise AssertionError("no touchpoint layer")


def test_map_has_touchpoint_emotion_and_pain_panels_with_shared_phase_axis():
    spec = journey_map_chart(small_project()).to_dict()
    assert len(panels(spec)) == 3
    assert spec["resolve"]["scale"]["x"] == "shared"
    tp_panel, emo_panel, pain_panel = panels(spec)
    marks = [layer["mark"]["type"] for layer in tp_panel["layer"]]
    assert marks[:3] == ["rect", "point", "point"] and marks.count("text") >= 2
    for panel in (tp_panel, emo_panel, pain_panel):
        x = next(
            layer["encoding"]["x"] for layer in panel["layer"] if "x" in layer.get("encoding", {})
        )
        assert x["field"] == "phase"
        assert x["scale"]["domain"] == PHASES
    assert tp_panel["layer"][2]["encoding"]["x"]["axis"]["orient"] == "top"
    assert spec["title"]["text"] == "Customer Journey Map: Testprojekt"


def test_touchpoint_symbols_encode_emotion_colour_and_online_shape():
    spec = journey_map_chart(small_project()).to_dict()
    layer = next(
        la
        for la in panels(spec)[0]["layer"]
        if la.get("encoding", {}).get("color", {}).get("field") == "emotion"
    )
    enc = layer["encoding"]
    assert enc["color"]["scale"]["domain"] == [-2, -1, 0, 1, 2]
    assert enc["shape"]["field"] == "kind"
    assert enc["shape"]["scale"] == {"domain": ["online", "offline"], "range": ["circle", "square"]}
    rows = {r["name"]: r for r in layer_data(spec, layer)}
    assert rows["Beratung in der Filiale"]["kind"] == "offline"
    assert rows["Produktsuche"]["emotion"] == -1
    assert {t["title"] for t in enc["tooltip"]} >= {
        "Touchpoint",
        "Kanal",
        "Emotion",
        "Moment der Wahrheit",
    }


def test_moments_of_truth_get_a_star_and_bold_label():
    spec = journey_map_chart(small_project()).to_dict()
    layers = panels(spec)[0]["layer"]
    star = next(la for la in layers if la["mark"].get("shape") == STAR)
    assert star["transform"] == [{"filter": "datum.mot"}]
    bold = [la for la in layers if la["mark"].get("fontWeight") == "bold"]
    assert bold and bold[0]["transform"] == [{"filter": "datum.mot"}]
    mot = {r["name"] for r in touchpoint_rows(spec) if r["mot"]}
    assert mot == {"Beratung in der Filiale", "Checkout"}


def test_hidden_touchpoints_are_set_in_italics():
    spec = journey_map_chart(small_project()).to_dict()
    italic = next(
        la
        for la in panels(spec)[0]["layer"]
        if la["mark"].get("fontStyle") == "italic" and "color" not in la["mark"]
    )
    assert italic["transform"] == [{"filter": "!datum.mot && datum.hidden"}]
    hidden = {r["name"] for r in touchpoint_rows(spec) if r["hidden"]}
    assert hidden == {"Hotline"}


def test_lanes_group_touchpoints_by_channel_online_first():
    spec = journey_map_chart(small_project()).to_dict()
    rows = touchpoint_rows(spec)
    lanes = sorted({r["slot"] for r in rows})
    channels = [s.split("|")[2] for s in lanes]
    assert channels.index("Website") < channels.index("Filiale")
    assert channels.index("Online-Shop") < channels.index("Post")
    assert {r["slot"].split("|")[2] for r in rows} == {r["channel"] for r in rows}


def test_emotion_curve_is_the_mean_per_phase_in_phase_order():
    spec = journey_map_chart(small_project()).to_dict()
    line = next(la for la in panels(spec)[1]["layer"] if la["mark"]["type"] == "line")
    rows = layer_data(spec, line)
    assert [r["phase"] for r in rows] == PHASES
    means = {r["phase"]: r["emotion"] for r in rows}
    assert means["Entscheidung"] == 0.0  # +2 (Filiale) and −2 (Hotline)
    assert means["Bewusstsein"] == 1.0
    y = line["encoding"]["y"]
    assert y["field"] == "emotion" and y["scale"]["domain"] == [-2.4, 2.4]


def test_persona_filter_keeps_touchpoints_for_everyone():
    project = small_project()
    spec = journey_map_chart(project, persona="Max").to_dict()
    names = {r["name"] for r in touchpoint_rows(spec)}
    expected = {
        tp.name for tp in project.touchpoints if not tp.persona_ids or "per-max" in tp.persona_ids
    }
    assert names == expected
    assert "Produktsuche" not in names  # only Lena's
    assert "Persona: Max" in spec["title"]["subtitle"][0]
    # Lena's own pain point is not on Max's map; the one for everyone is.
    pain_rows = next(
        layer_data(spec, la) for la in panels(spec)[2]["layer"] if la["mark"]["type"] == "point"
    )
    assert {r["name"] for r in pain_rows} == {"Lange Wartezeit", "Rückrufservice"}


def test_persona_by_id_or_object_gives_the_same_map():
    project = small_project()
    by_name = journey_map_chart(project, persona="lena").to_dict()
    by_id = journey_map_chart(project, persona="per-lena").to_dict()
    by_obj = journey_map_chart(project, persona=project.personas[0]).to_dict()
    assert touchpoint_rows(by_name) == touchpoint_rows(by_id) == touchpoint_rows(by_obj)


def test_unknown_persona_lists_the_valid_ones():
    with pytest.raises(CJMError, match=r"„Erika“.*Lena \(per-lena\), Max \(per-max\)"):
        journey_map_chart(small_project(), persona="Erika")


def test_workbook_is_accepted(workbook):
    project = small_project()
    workbook.personas.add_many(project.personas)
    workbook.touchpoints.add_many(project.touchpoints)
    spec = journey_map_chart(workbook).to_dict()
    assert len(touchpoint_rows(spec)) == len(project.touchpoints)


def test_wrong_input_type_is_a_german_error():
    with pytest.raises(CJMError, match="`project` muss dein Arbeitsbuch"):
        journey_map_chart({"touchpoints": []})


def test_compare_overlays_a_dashed_curve_and_rings_changed_touchpoints():
    before = small_project("Ist")
    after = small_project("Soll")
    after.touchpoints[3] = after.touchpoints[3].copy_with(emotion=1)  # hotline improved
    after.touchpoints.append(
        Touchpoint(
            id="tp-new",
            name="Rückruf-Termin",
            phase="kauf",
            channel="Hotline",
            online=False,
            emotion=1,
        )
    )
    after.touchpoints.pop(5)  # return dropped
    after = JourneyProject.model_validate(after.model_dump())
    spec = journey_map_chart(after, compare_to=before).to_dict()
    emo = panels(spec)[1]
    line = next(la for la in emo["layer"] if la["mark"]["type"] == "line")
    assert line["encoding"]["strokeDash"]["scale"]["range"] == [[1, 0], [6, 4]]
    series = {r["series"] for r in layer_data(spec, line)}
    assert series == {"Soll", "Ist"}
    changed = {r["name"]: r["change"] for r in touchpoint_rows(spec) if r["change"]}
    assert changed == {"Hotline": "geändert", "Rückruf-Termin": "neu"}
    ring = next(la for la in panels(spec)[0]["layer"] if la["mark"].get("strokeDash") == [3, 2])
    assert ring["transform"] == [{"filter": "datum.change != ''"}]
    assert any("entfallen: 1" in s for s in spec["title"]["subtitle"])


def test_compare_with_own_labels():
    spec = journey_map_chart(
        small_project(), compare_to=small_project(), labels=("Soll", "Ist")
    ).to_dict()
    line = next(la for la in panels(spec)[1]["layer"] if la["mark"]["type"] == "line")
    assert line["encoding"]["color"]["scale"]["domain"] == ["Soll", "Ist"]


def test_backstage_lane_shows_the_owning_departments():
    spec = journey_map_chart(small_project(), backstage=True).to_dict()
    assert len(panels(spec)) == 4
    back = panels(spec)[3]
    assert "Hinterbühne" in back["layer"][0]["title"]["text"]
    rows = next(layer_data(spec, la) for la in back["layer"] if la["mark"]["type"] == "square")
    assert {r["lane"] for r in rows} == {"Marketing", "IT", "Vertrieb", "Kundenservice", "Logistik"}


def test_solutions_sit_in_the_phase_of_their_pain_point():
    spec = journey_map_chart(small_project()).to_dict()
    rows = next(
        layer_data(spec, la) for la in panels(spec)[2]["layer"] if la["mark"]["type"] == "point"
    )
    where = {r["name"]: r["phase"] for r in rows}
    assert where == {
        "Lange Wartezeit": "Entscheidung",
        "Rückrufservice": "Entscheidung",
        "Suche findet nichts": "Überlegung",
        "Bessere Filter": "Überlegung",
    }


def test_full_cells_are_summarised():
    tps = [
        Touchpoint(id=f"tp-{i}", name=f"Schritt {i}", phase="kauf", channel="Website")
        for i in range(10)
    ]
    spec = journey_map_chart(JourneyProject(touchpoints=tps), max_per_cell=3).to_dict()
    assert len(touchpoint_rows(spec)) == 2
    more = [la for la in panels(spec)[0]["layer"] if la["mark"].get("color") == "#555555"]
    assert [r["label"] for r in layer_data(spec, more[0])] == ["+8 weitere …"]


def test_empty_project_gives_a_german_hint_instead_of_an_error():
    chart = journey_map_chart(JourneyProject())
    assert is_hint(chart)
    text = json.dumps(chart.to_dict(), ensure_ascii=False)
    assert "Deine Journey Map ist noch leer" in text
    assert "Kapitel 4" in text and "Kapitel 2" in text


def test_persona_without_touchpoints_gives_a_hint():
    project = small_project()
    project.personas.append(Persona(id="per-new", name="Neu"))
    project = JourneyProject.model_validate(project.model_dump())
    project = project.model_copy(
        update={"touchpoints": [tp for tp in project.touchpoints if tp.persona_ids]}
    )
    chart = journey_map_chart(project, persona="Neu")
    assert is_hint(chart)
    assert "„Neu“" in json.dumps(chart.to_dict(), ensure_ascii=False)


def test_half_filled_project_draws_the_map_and_says_what_is_missing():
    project = JourneyProject(
        touchpoints=[Touchpoint(name="Website", phase="kauf", channel="Website")]
    )
    chart = journey_map_chart(project)
    assert not is_hint(chart)
    spec = chart.to_dict()
    note = panels(spec)[2]
    assert note["mark"]["type"] == "text"
    assert "Kapitel 7" in layer_data(spec, note)[0]["text"]


def test_labels_are_escaped_and_cut():
    project = small_project()
    project.touchpoints[0] = project.touchpoints[0].copy_with(name=XSS + " " + "x" * 200)
    project.pain_points[0] = project.pain_points[0].copy_with(title=XSS)
    project = JourneyProject.model_validate(project.model_dump())
    spec = journey_map_chart(project, backstage=True).to_dict()
    text = json.dumps(spec, ensure_ascii=False)
    assert "<img" not in text and "‹img src=x onerror=alert(1)›" in text
    for row in touchpoint_rows(spec):
        assert len(row["label"].replace("\n", "")) <= 121 and len(row["name"]) <= 120
    colw = panels(spec)[0]["width"] / len(PHASES)
    # A label takes at most MAX_LABEL_LINES lines (the rest cut with "…"), each within its
    # phase column: a 200-character run without spaces is broken, never drawn across.
    for r in touchpoint_rows(spec):
        lines = r["label"].split("\n")
        assert len(lines) <= MAX_LABEL_LINES
        assert all(text_width(line, bold=r["mot"]) <= colw - LABEL_X for line in lines)
    assert any(r["label"].endswith("…") for r in touchpoint_rows(spec))


@pytest.mark.parametrize("n", [500])
def test_large_project_spec_stays_small_and_below_row_limit(n):
    project = big_project(n)
    with alt.data_transformers.enable("default", max_rows=1000):
        spec = journey_map_chart(project, backstage=True).to_dict()
    size = len(json.dumps(spec))
    assert size < 500_000
    assert max(len(rows) for rows in datasets_of(spec).values()) <= n
    assert "Notiz" not in json.dumps(spec)  # notes never go into the spec


def test_phase_order_follows_the_phase_model():
    project = JourneyProject(
        phase_model={"name": "Eigen", "phases": ["Finden", "Prüfen", "Kaufen", "Nutzen"]},
        touchpoints=[
            Touchpoint(name="A", phase="nutzen", channel="App"),
            Touchpoint(name="B", phase="finden", channel="App"),
        ],
    )
    spec = journey_map_chart(project).to_dict()
    x = panels(spec)[0]["layer"][1]["encoding"]["x"]
    assert x["scale"]["domain"] == x["sort"] == ["Finden", "Prüfen", "Kaufen", "Nutzen"]


def test_german_titles_on_every_panel():
    spec = journey_map_chart(small_project(), backstage=True).to_dict()
    titles = [
        p.get("title", {}).get("text") or p["layer"][0]["title"]["text"] for p in panels(spec)
    ]
    assert titles[0] == "Touchpoints nach Kanal"
    assert titles[1].startswith("Emotionskurve")
    assert re.match(r"Pain Points und Lösungen", titles[2])
    assert titles[3].startswith("Hinterbühne")


def test_compare_with_a_snapshot_of_the_workbook(workbook):
    project = small_project()
    workbook.personas.add_many(project.personas)
    workbook.touchpoints.add_many(project.touchpoints)
    workbook.snapshot("Iteration 1")
    workbook.touchpoints.update("tp-hotline", emotion=0)
    chart = journey_map_chart(
        workbook,
        compare_to=workbook.snapshot_project("Iteration 1"),
        labels=("Jetzt", "Iteration 1"),
    )
    spec = chart.to_dict()
    assert {r["name"]: r["change"] for r in touchpoint_rows(spec) if r["change"]} == {
        "Hotline": "geändert"
    }


def test_compare_with_another_phase_model_matches_phases_by_name():
    before = JourneyProject(
        phase_model={"name": "Vier", "phases": ["Bewusstsein", "Kauf", "Nachkauf", "Bindung"]},
        touchpoints=[
            Touchpoint(id="tp-1", name="Shop", phase="Kauf", channel="Website", emotion=-2)
        ],
    )
    after = JourneyProject(
        touchpoints=[Touchpoint(id="tp-1", name="Shop", phase="kauf", channel="Website", emotion=1)]
    )
    spec = journey_map_chart(after, compare_to=before).to_dict()
    line = next(la for la in panels(spec)[1]["layer"] if la["mark"]["type"] == "line")
    rows = {(r["series"], r["phase"]): r["emotion"] for r in layer_data(spec, line)}
    assert rows == {("Diese Karte", "Kauf"): 1.0, ("Vergleichsstand", "Kauf"): -2.0}
