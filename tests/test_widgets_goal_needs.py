"""Do the goal, segment and needs builders save valid input and refuse the rest?"""

from __future__ import annotations

import pytest

from cjmlib.widgets import GoalBuilder, NeedsMatrix
from cjmlib.workbook import Workbook


@pytest.fixture
def wb(tmp_path):
    return Workbook.open(tmp_path / "projekt.cjm.json")


def test_goal_is_saved(wb):
    builder = GoalBuilder(wb)
    builder.form["business_goal"].value = "Mehr Online-Bestellungen"
    builder.form["customer_goal"].value = "Schnell das passende Rad finden"
    builder.form["kpis"].value = "Conversion-Rate\nNPS"
    builder.save_button.click()
    goal = Workbook.open(wb.path).goal
    assert goal.business_goal == "Mehr Online-Bestellungen"
    assert goal.kpis == ["Conversion-Rate", "NPS"]
    assert builder.value["customer_goal"] == "Schnell das passende Rad finden"


def test_goal_view_follows_a_change_from_code(wb):
    builder = GoalBuilder(wb)
    wb.set_goal(business_goal="Weniger Retouren")
    assert builder.form["business_goal"].value == "Weniger Retouren"


def test_segment_along_five_criteria(wb):
    editor = GoalBuilder(wb).segments
    editor.form["name"].value = "Junge Familien"
    editor.form["demographic"].value = "25–40 Jahre\nKinder im Haushalt"
    editor.form["geographic"].value = "Großstadt"
    editor.form["psychographic"].value = "nachhaltig"
    editor.form["behavioural"].value = "kauft online"
    editor.form["technographic"].value = "Smartphone zuerst"
    editor.form["share_percent"].value = "12,5"
    editor.save_button.click()
    seg = Workbook.open(wb.path).segments["Junge Familien"]
    assert seg.demographic == ["25–40 Jahre", "Kinder im Haushalt"]
    assert seg.technographic == ["Smartphone zuerst"]
    assert seg.share_percent == 12.5
    assert "Kinder im Haushalt" in editor.table.value


def test_segment_share_out_of_range_keeps_text_and_file(wb):
    editor = GoalBuilder(wb).segments
    before = wb.path.read_bytes()
    editor.form["name"].value = "Alle"
    editor.form["share_percent"].value = "viel"
    editor.save_button.click()
    assert editor.form["share_percent"].value == "viel"
    assert "„viel“ passt hier nicht" in editor.form.errors["share_percent"].value
    assert wb.path.read_bytes() == before


def test_needs_sorted_by_opportunity_and_filtered_by_persona(wb):
    lena = wb.personas.add(name="Lena")
    jonas = wb.personas.add(name="Jonas")
    matrix = NeedsMatrix(wb)
    for persona, need, imp, sat in (
        (lena, "Beratung", 6, 6),
        (lena, "Lieferung", 9, 2),
        (jonas, "Preis", 8, 5),
    ):
        matrix.new_button.click()
        matrix.form["persona_id"].value = persona.id
        matrix.form["need"].value = need
        matrix.form["importance"].value = imp
        matrix.form["satisfaction"].value = sat
        matrix.save_button.click()
        assert matrix.error == ""
    assert [n.need for n in matrix._entries()] == ["Lieferung", "Preis", "Beratung"]
    assert "16" in matrix.table.value and "unterversorgt" in matrix.table.value
    matrix.persona_filter.value = jonas.id
    assert [n.need for n in matrix._entries()] == ["Preis"]
    matrix.new_button.click()
    assert matrix.form["persona_id"].value == jonas.id
    saved = {n.need: n.opportunity for n in Workbook.open(wb.path).needs}
    assert saved == {"Beratung": 6, "Lieferung": 16, "Preis": 11}


def test_needs_importance_out_of_range(wb):
    matrix = NeedsMatrix(wb)
    matrix.form["need"].value = "Ruhe"
    matrix.form["importance"].value = 11
    matrix.save_button.click()
    assert "1 bis 10" in matrix.form.errors["importance"].value
    assert len(Workbook.open(wb.path).needs) == 0
