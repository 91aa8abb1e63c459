"""Start page and step 12: project info and reviews are typed into forms, never pre-written."""

from __future__ import annotations

import datetime as dt

import pytest

from cjmlib.widgets import ProjectForm, ReviewLog
from cjmlib.workbook import Workbook


@pytest.fixture
def wb(tmp_path):
    return Workbook.open(tmp_path / "projekt.cjm.json", name="Mein Journey-Projekt")


def test_showing_the_project_form_writes_nothing(wb):
    """Run All on the start page must leave the workbook as it was."""
    before = wb.project.model_dump()
    form = ProjectForm(wb)
    assert form.form["name"].value == "Mein Journey-Projekt"
    assert Workbook.open(wb.path).project.model_dump() == before


def test_project_name_and_industry_are_saved(wb):
    form = ProjectForm(wb)
    form.form["name"].value = "Online-Terminbuchung Praxis Dr. Berger"
    form.form["industry"].value = "Gesundheit"
    form.save_button.click()
    again = Workbook.open(wb.path)
    assert again.project.name == "Online-Terminbuchung Praxis Dr. Berger"
    assert again.project.industry == "Gesundheit"
    assert "gespeichert" in form.status.message


def test_an_empty_project_name_is_refused_at_once(wb):
    form = ProjectForm(wb)
    form.form["name"].value = ""
    assert "darf nicht leer sein" in form.form.errors["name"].value
    assert form.save() is False
    assert Workbook.open(wb.path).project.name == "Mein Journey-Projekt"


def test_showing_the_review_log_writes_nothing(wb):
    ReviewLog(wb)
    again = Workbook.open(wb.path)
    assert again.reviews.to_frame().empty and again.snapshots() == []


def test_a_new_review_proposes_the_next_one_in_a_year(wb):
    log = ReviewLog(wb)
    log.new()
    assert log.form["next_review"].value == dt.date.today() + dt.timedelta(days=365)


def test_a_review_can_keep_the_state_as_a_snapshot(wb):
    wb.touchpoints.add(name="Kasse", phase="Kauf", channel="Filiale")
    log = ReviewLog(wb)
    log.new()
    log.form["title"].value = "Erstes Review"
    log.form["findings"].value = "Die Kasse nervt."
    log.keep_snapshot.value = True
    assert log.save() is True
    again = Workbook.open(wb.path)
    review = again.reviews["Erstes Review"]
    assert review.snapshot and review.snapshot in [s.name for s in again.snapshots()]
    assert [tp.name for tp in again.snapshot_project(review.snapshot).touchpoints] == ["Kasse"]
