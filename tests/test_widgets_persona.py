"""Does the persona builder save what a trainee types, and never what is invalid?"""

from __future__ import annotations

import pytest

from cjmlib.widgets import PersonaBuilder
from cjmlib.workbook import Workbook

EVIL = "<img src=x onerror=alert(1)>"


@pytest.fixture
def wb(tmp_path):
    return Workbook.open(tmp_path / "projekt.cjm.json")


def test_typed_persona_is_saved_and_survives_reopening(wb):
    builder = PersonaBuilder(wb)
    builder.name.value = "Lena"
    builder.form["age"].value = "34"
    builder.form["occupation"].value = "Lehrerin"
    builder.form["channels"].value = "App\nWebsite"
    builder.form["gender"].value = "weiblich"
    builder.save_button.click()

    assert builder.error == ""
    again = Workbook.open(wb.path)
    (lena,) = list(again.personas)
    assert (lena.name, lena.age, lena.occupation) == ("Lena", 34, "Lehrerin")
    assert lena.channels == ["App", "Website"]
    assert builder.selected_id == lena.id
    assert "gespeichert" in builder.status.message


def test_invalid_age_is_shown_in_german_next_to_the_field_and_nothing_changes(wb):
    wb.personas.add(name="Lena", age=34)
    before = wb.path.read_bytes()
    builder = PersonaBuilder(wb)
    builder.select("Lena")
    builder.form["age"].value = "abc"
    builder.save_button.click()

    assert builder.form["age"].value == "abc"  # the typed text stays for correction
    assert "„abc“ passt hier nicht" in builder.form.errors["age"].value
    assert "14 bis 110" in builder.form.errors["age"].value
    assert builder.form.errors["name"].value == ""
    assert "Nicht gespeichert" in builder.status.message
    assert wb.path.read_bytes() == before
    assert Workbook.open(wb.path).personas["Lena"].age == 34


def test_empty_name_is_refused_with_a_hint(wb):
    builder = PersonaBuilder(wb)
    builder.form["age"].value = 30
    builder.save_button.click()
    assert "darf nicht leer sein" in builder.form.errors["name"].value
    assert builder.form["age"].value == "30"
    assert len(Workbook.open(wb.path).personas) == 0


def test_correcting_the_error_then_saves(wb):
    builder = PersonaBuilder(wb)
    builder.name.value = "Jonas"
    builder.form["age"].value = "200"
    assert builder.save() is False
    builder.form["age"].value = "41"
    assert builder.save() is True
    assert builder.form.errors["age"].value == ""
    assert Workbook.open(wb.path).personas["Jonas"].age == 41


def test_edit_duplicate_and_delete_with_confirmation(wb):
    builder = PersonaBuilder(wb)
    builder.name.value = "Lena"
    builder.save_button.click()
    builder.form["location"].value = "Köln"
    builder.save_button.click()
    assert Workbook.open(wb.path).personas["Lena"].location == "Köln"

    builder.duplicate_button.click()
    names = sorted(p.name for p in Workbook.open(wb.path).personas)
    assert names == ["Lena", "Lena (Kopie)"]
    assert builder.name.value == "Lena (Kopie)"

    builder.delete_button.click()
    assert builder.delete.pending
    assert "wirklich löschen" in builder.delete.question.value
    builder.delete.no_button.click()
    assert len(Workbook.open(wb.path).personas) == 2

    builder.delete_button.click()
    builder.delete.yes_button.click()
    assert [p.name for p in Workbook.open(wb.path).personas] == ["Lena"]
    assert builder.selected_id == ""


def test_card_is_live_and_escapes_every_value(wb):
    builder = PersonaBuilder(wb)
    builder.name.value = EVIL
    builder.form["quote"].value = "<script>alert('x')</script>"
    builder.form["pain_points"].value = "<b>fett</b>"
    # The card follows the typing before anything is saved.
    assert "&lt;img" in builder.card.value
    assert "<img src=x" not in builder.card.value
    assert "&lt;script&gt;" in builder.card.value
    assert "<b>fett</b>" not in builder.card.value
    builder.save_button.click()
    assert "&lt;img" in builder.gallery.value
    assert "<img src=x" not in builder.gallery.value
    # Dropdown labels are plain text (the front end renders them as text nodes).
    assert (EVIL, wb.personas[EVIL].id) in builder.selector.options


def test_several_personas_side_by_side(wb):
    wb.personas.add(name="Lena", age=34)
    wb.personas.add(name="Jonas", age=61)
    builder = PersonaBuilder(wb)
    assert builder.gallery.value.count('class="cjm-card"') == 2
    assert "Lena" in builder.gallery.value and "Jonas" in builder.gallery.value


def test_evidence_is_edited_and_saved(wb):
    builder = PersonaBuilder(wb)
    builder.name.value = "Lena"
    evidence = builder.form["evidence"]
    evidence.kind.value = "Interview"
    evidence.source.value = "Interview 3, März"
    evidence.add_button.click()
    evidence.kind.value = "Annahme"
    evidence.add_button.click()
    assert "1 Annahme" in builder.card.value or "2 Beleg" in builder.card.value
    builder.save_button.click()
    saved = Workbook.open(wb.path).personas["Lena"].evidence
    assert [e.kind for e in saved] == ["Interview", "Annahme"]
    evidence.remove_choice.value = 1
    evidence.remove_button.click()
    builder.save_button.click()
    assert [e.kind for e in Workbook.open(wb.path).personas["Lena"].evidence] == ["Interview"]


def test_view_follows_changes_from_elsewhere_without_losing_typing(wb):
    first, second = PersonaBuilder(wb), PersonaBuilder(wb)
    second.name.value = "halb getippt"
    first.name.value = "Lena"
    first.save_button.click()
    assert "Lena" in [label for label, _ in second.selector.options]
    assert "Lena" in second.gallery.value
    assert second.name.value == "halb getippt"


def test_segment_choice_links_the_persona(wb):
    segment = wb.segments.add(name="Junge Familien")
    builder = PersonaBuilder(wb)
    builder.name.value = "Lena"
    builder.form["segment_id"].value = segment.id
    builder.save_button.click()
    assert Workbook.open(wb.path).personas["Lena"].segment_id == segment.id
    assert "Junge Familien" in builder.card.value
