"""Do the phase and emotion editors change the workbook only when the change is sound?"""

from __future__ import annotations

import pytest

from cjmlib.widgets import EmotionEditor, PhaseEditor
from cjmlib.workbook import Workbook


@pytest.fixture
def wb(tmp_path):
    return Workbook.open(tmp_path / "projekt.cjm.json")


def test_switch_to_a_preset_asks_where_orphaned_touchpoints_go(wb):
    wb.touchpoints.add(name="Kasse", phase="kauf", channel="Filiale")
    before = wb.path.read_bytes()
    editor = PhaseEditor(wb)
    editor.choice.value = "vier_phasen"
    editor.apply_button.click()
    assert list(editor.mapping) == ["Kauf"]
    assert "Kauf" in editor.custom_error.value
    assert wb.path.read_bytes() == before

    editor.mapping["Kauf"].value = "Aktion"
    editor.apply_button.click()
    again = Workbook.open(wb.path)
    assert again.phase_model.names == ["Aktivierung", "Information", "Aktion", "Bindung"]
    assert again.touchpoints["Kasse"].phase == "aktion"
    assert editor.error == ""


def test_own_phases_need_four_to_eight(wb):
    editor = PhaseEditor(wb)
    before = wb.path.read_bytes()
    editor.choice.value = "__eigene__"
    editor.custom.value = "Suchen\nKaufen\nNutzen"
    editor.apply_button.click()
    assert "3 Phasen" in editor.custom_error.value
    assert editor.custom.value == "Suchen\nKaufen\nNutzen"
    assert wb.path.read_bytes() == before
    editor.custom.value = "Suchen\nVergleichen\nKaufen\nNutzen\nEmpfehlen"
    editor.apply_button.click()
    assert Workbook.open(wb.path).phase_model.names[-1] == "Empfehlen"


def test_rename_keeps_touchpoints(wb):
    wb.touchpoints.add(name="Kasse", phase="kauf", channel="Filiale")
    editor = PhaseEditor(wb)
    editor.rename_phase.value = "kauf"
    editor.new_name.value = "Bezahlen"
    editor.rename_button.click()
    again = Workbook.open(wb.path)
    assert again.phase_model.name_of("kauf") == "Bezahlen"
    assert again.touchpoints["Kasse"].phase == "kauf"
    assert "Bezahlen" in editor.current.value


def test_emotion_saved_and_curve_follows(wb):
    wb.touchpoints.add(name="Kasse", phase="kauf", channel="Filiale")
    tp = wb.touchpoints.add(name="Retoure", phase="nachkauf", channel="Post")
    editor = EmotionEditor(wb)
    editor.selected_id = tp.id
    editor.emotion.value = -2
    assert Workbook.open(wb.path).touchpoints["Retoure"].emotion == -2
    assert "sehr negativ" in editor.emotion_word.value
    assert editor.chart.chart_error == ""
    assert "−2" in editor.table.value or "-2" in editor.table.value
    # Choosing another touchpoint shows its value without saving anything.
    before = wb.path.read_bytes()
    editor.touchpoint.value = wb.touchpoints["Kasse"].id
    assert editor.emotion.value == 0
    assert wb.path.read_bytes() == before


def test_a_phase_used_only_by_a_pain_point_also_gets_a_mapping_dropdown(wb):
    """The editor asks about every phase the workbook keeps (one rule with the workbook)."""
    wb.pain_points.add(title="Lange Schlange an der Kasse", phase="kauf")
    before = wb.path.read_bytes()
    editor = PhaseEditor(wb)
    editor.choice.value = "vier_phasen"
    editor.apply_button.click()
    assert list(editor.mapping) == ["Kauf"]
    assert wb.path.read_bytes() == before
    editor.mapping["Kauf"].value = "Aktion"
    editor.apply_button.click()
    assert Workbook.open(wb.path).pain_points[0].phase == "aktion"
