"""Do field errors appear while typing and disappear once the field is right again?"""

from __future__ import annotations

import pytest

from cjmlib.widgets import PersonaBuilder, TouchpointInventory
from cjmlib.workbook import Workbook


@pytest.fixture
def wb(tmp_path):
    return Workbook.open(tmp_path / "projekt.cjm.json")


def test_an_invalid_age_shows_at_once_and_goes_when_fixed(wb):
    """No click on "Speichern" needed: the message follows the field."""
    builder = PersonaBuilder(wb)
    builder.form["age"].value = "abc"
    assert "„abc“ passt hier nicht" in builder.form.errors["age"].value
    assert "abc" in builder.form.error
    builder.form["age"].value = "41"
    assert builder.form.errors["age"].value == ""
    assert builder.form.error == ""


def test_clearing_a_required_name_warns_at_once(wb):
    wb.personas.add(name="Lena")
    builder = PersonaBuilder(wb)
    builder.select("Lena")
    assert builder.form.errors["name"].value == ""  # loading an entry shows no errors
    builder.name.value = ""
    assert "darf nicht leer sein" in builder.form.errors["name"].value
    builder.name.value = "Lena B."
    assert builder.form.errors["name"].value == ""


def test_fixing_after_a_failed_save_clears_the_failure_note(wb):
    builder = TouchpointInventory(wb)
    builder.form["name"].value = "Kasse"
    builder.form["phase"].value = "kauf"
    builder.form["channel"].value = "Filiale"
    builder.form["relevance"].value = 7
    assert builder.save() is False
    assert "Nicht gespeichert" in builder.status.message
    builder.form["relevance"].value = 4
    assert builder.form.errors["relevance"].value == ""
    assert "Nicht gespeichert" not in builder.status.message
    assert builder.save() is True


def test_a_new_empty_form_shows_no_errors(wb):
    builder = PersonaBuilder(wb)
    builder.new()
    assert all(box.value == "" for box in builder.form.errors.values())
