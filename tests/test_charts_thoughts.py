"""The journey map's scenario line and thoughts lane (NN/g map elements): model fields with
German labels and checks, data for every industry, and what the map shows."""

from __future__ import annotations

import json

import pytest
from _charts_fixtures import XSS, small_project

from cjmlib import datasets
from cjmlib.charts import journey_map_chart
from cjmlib.charts._common import text_width
from cjmlib.charts.thoughts import TEXT_X, thoughts_frame
from cjmlib.errors import CJMError
from cjmlib.model import JourneyProject, Scenario, Touchpoint, field_label

INDUSTRIES = ["einzelhandel", "bank", "telekommunikation", "reise", "gesundheit"]


def panel_titles(spec: dict) -> list[str]:
    titles = []
    for panel in spec["vconcat"]:
        title = panel.get("title") or panel.get("layer", [{}])[0].get("title") or {}
        titles.append(title.get("text", "") if isinstance(title, dict) else str(title))
    return titles


def with_thoughts() -> JourneyProject:
    project = small_project()
    thoughts = {
        "tp-ads": "Schöne Bilder, aber brauche ich das?",
        "tp-search": "Warum finde ich nichts in meiner Größe?",
        "tp-store": "Endlich jemand, der sich auskennt.",
    }
    for tp in project.touchpoints:
        if tp.id in thoughts:
            tp.thought = thoughts[tp.id]
    project.scenario = Scenario(
        situation="Am Wochenende geht es in die Berge, die Schuhe sind durch.",
        expectation="Bis Freitag passende Schuhe in der Hand halten.",
    )
    return project


def test_fields_have_german_labels_and_defaults():
    assert field_label(Touchpoint, "thought") == "Gedanke der Persona"
    assert field_label(Scenario, "situation") == "Ausgangssituation"
    assert field_label(Scenario, "expectation") == "Erwartung der Persona"
    assert field_label(JourneyProject, "scenario") == "Szenario"
    project = JourneyProject()
    assert project.scenario.is_empty
    assert Touchpoint(name="Kasse", phase="Kauf", channel="Filiale").thought == ""


def test_a_too_long_thought_is_refused_in_german():
    with pytest.raises(CJMError, match="„Gedanke der Persona“ \\(`thought`\\)") as info:
        Touchpoint(name="Kasse", phase="Kauf", channel="Filiale", thought="x" * 301)
    assert info.value.field == "thought"


def test_an_unknown_scenario_key_lists_the_allowed_ones():
    with pytest.raises(CJMError, match="situation, expectation"):
        Scenario(situation="a", mood="b")


def test_old_workbooks_without_the_fields_still_load(tmp_path):
    from cjmlib.workbook import Workbook

    path = tmp_path / "alt.cjm.json"
    wb = Workbook.open(path, template=small_project())
    doc = json.loads(path.read_text(encoding="utf-8"))
    del doc["project"]["scenario"]
    for tp in doc["project"]["touchpoints"]:
        del tp["thought"]
    path.write_text(json.dumps(doc), encoding="utf-8")
    wb = Workbook.open(path)
    assert wb.project.scenario.is_empty
    wb.set_scenario(situation="Neu", expectation="Schnell")
    assert Workbook.open(path).project.scenario.situation == "Neu"


@pytest.mark.parametrize("industry", INDUSTRIES)
def test_every_industry_has_a_scenario_and_thoughts_in_every_phase(industry):
    project = datasets.load(industry, "workbook")
    assert project.scenario.situation and project.scenario.expectation
    phases_with_thoughts = {tp.phase for tp in project.touchpoints if tp.thought}
    assert phases_with_thoughts == set(project.phase_model.ids)
    # Every moment of truth says what the persona thinks there.
    assert all(tp.thought for tp in project.touchpoints if tp.moment_of_truth)


def test_map_without_scenario_and_thoughts_keeps_its_three_panels():
    spec = journey_map_chart(small_project()).to_dict()
    assert len(spec["vconcat"]) == 3


def test_map_shows_scenario_on_top_and_thoughts_below_the_touchpoints():
    spec = journey_map_chart(with_thoughts()).to_dict()
    titles = panel_titles(spec)
    assert titles[:3] == ["Szenario", "Touchpoints nach Kanal", "Was die Persona denkt"]
    assert titles[3].startswith("Emotionskurve")
    text = json.dumps(spec, ensure_ascii=False)
    assert "Am Wochenende geht es in die Berge" in text
    assert '"thought": "Endlich jemand, der sich auskennt."' in text  # the full tooltip
    assert '"text": "„Endlich jemand,' in text  # the first line, in German quotes
    # The thoughts lane shares the map's phase axis.
    lane = spec["vconcat"][2]
    x = lane["layer"][0]["encoding"]["x"]
    assert x["field"] == "phase" and x["scale"]["domain"][0] == "Bewusstsein"


def test_persona_filter_applies_to_the_thoughts_lane():
    spec = journey_map_chart(with_thoughts(), persona="Max").to_dict()
    text = json.dumps(spec, ensure_ascii=False)
    assert "Endlich jemand" in text  # tp-store belongs to Max
    assert "nichts in meiner Größe" not in text  # tp-search belongs to Lena only


def test_thoughts_wrap_inside_their_phase_column_and_a_full_cell_says_how_many_more():
    project = with_thoughts()
    long = "Ich frage mich wirklich, ob das alles so stimmt, was hier über die Größen steht"
    for i in range(5):
        project.touchpoints.append(
            Touchpoint(
                name=f"Seite {i}", phase="ueberlegung", channel="Website", thought=f"{long} {i}"
            )
        )
    colw = 180
    frame = thoughts_frame(project, project.touchpoints, colw)
    assert (frame["text"].map(text_width) <= colw - TEXT_X).all()
    cell = frame[frame["phase"] == "Überlegung"]
    assert cell["text"].iloc[-1] == "+4 weitere …"
    # No thought takes more than three lines.
    assert cell["first"].sum() == 3


def test_trainee_text_cannot_become_markup():
    project = with_thoughts()
    project.touchpoints[0].thought = XSS
    project.scenario = Scenario(situation=XSS)
    text = json.dumps(journey_map_chart(project).to_dict(), ensure_ascii=False)
    assert "<img" not in text
    assert "‹img" in text
