"""Re-running a cell that adds an entry: one name, one entry; the old one stays in the history."""

from __future__ import annotations

from pathlib import Path

import pytest

from cjmlib.errors import CJMError
from cjmlib.messages import set_language
from cjmlib.workbook import Workbook


@pytest.fixture(autouse=True)
def german():
    set_language("de")
    yield
    set_language("de")


@pytest.fixture
def wb(tmp_path: Path) -> Workbook:
    return Workbook.open(tmp_path / "projekt.cjm.json")


def test_adding_the_same_persona_again_replaces_it(wb, capsys):
    first = wb.personas.add(name="Lena Berger", age=43)  # typo in the age
    assert capsys.readouterr().out == ""
    second = wb.personas.add(name="Lena Berger", age=34)  # corrected and re-run
    assert len(wb.personas) == 1
    assert wb.personas["Lena Berger"].age == 34
    assert second.id == first.id  # references to her stay valid
    out = capsys.readouterr().out
    assert "„Lena Berger“" in out and "ersetzt" in out and "Personas" in out
    # nothing is lost: the earlier version is in the history
    assert wb.version(wb.revision - 1).personas[0].age == 43


def test_replacing_matches_names_like_lookup_does(wb, capsys):
    wb.personas.add(name="Lena Berger", age=43)
    wb.personas.add(name="  lena berger ", age=34)
    assert len(wb.personas) == 1
    assert wb.personas[0].age == 34


def test_replacing_keeps_position_and_references(wb):
    wb.personas.add(name="Lena Berger", age=34)
    werner = wb.personas.add(name="Werner Roth", age=67)
    need = wb.needs.add(need="persönliche Beratung", persona_id=werner.id)
    again = wb.personas.add(name="Werner Roth", age=68)
    assert [p.name for p in wb.personas] == ["Lena Berger", "Werner Roth"]
    assert again.id == werner.id
    assert wb.needs[need.id].persona_id == werner.id


@pytest.mark.parametrize(
    ("collection", "fields"),
    [
        ("segments", {"name": "Familien"}),
        ("needs", {"need": "schnell bestellen"}),
        ("touchpoints", {"name": "Kasse", "phase": "Kauf", "channel": "Filiale"}),
        ("pain_points", {"title": "Lange Wartezeit"}),
        ("solutions", {"title": "Online-Termin"}),
        ("hypotheses", {"assumption": "Online-Termine senken die Abbrüche"}),
        ("actions", {"title": "Terminbuchung einführen", "owner": "Service"}),
    ],
)
def test_every_named_collection_replaces_on_rerun(wb, collection, fields):
    items = getattr(wb, collection)
    items.add(**fields)
    items.add(**fields)
    assert len(items) == 1


def test_an_invalid_rerun_keeps_the_earlier_entry(wb):
    wb.personas.add(name="Lena Berger", age=34)
    with pytest.raises(CJMError):
        wb.personas.add(name="Lena Berger", age=9)
    assert wb.personas["Lena Berger"].age == 34


def test_feedback_is_a_log_and_keeps_equal_texts(wb):
    wb.feedback.add(text="Zu lange Wartezeit")
    wb.feedback.add(text="Zu lange Wartezeit")
    assert len(wb.feedback) == 2


def test_a_touchpoint_is_the_same_only_in_the_same_phase(wb):
    wb.touchpoints.add(name="Kasse", phase="Kauf", channel="Filiale")
    wb.touchpoints.add(name="Kasse", phase="Nachkauf", channel="Filiale")
    wb.touchpoints.add(name="Kasse", phase="Kauf", channel="Filiale", relevance=5)
    assert [(tp.phase, tp.relevance) for tp in wb.touchpoints] == [("kauf", 5), ("nachkauf", 3)]


def test_a_blank_left_in_an_add_is_reported_and_nothing_is_saved(wb, capsys):
    from cjmlib.placeholder import ____

    revision = wb.revision
    lena = wb.personas.add(
        name="Lena Hofmann", age=____, evidence=[{"kind": "Interview", "source": ____}]
    )
    assert lena is ____  # the answer variable stays "not filled in"
    assert len(wb.personas) == 0 and wb.revision == revision
    out = capsys.readouterr().out
    assert "Noch nicht ausgefüllt" in out and "`age`" in out and "`evidence`" in out


def test_a_blank_left_in_an_update_is_reported_and_nothing_changes(wb, capsys):
    from cjmlib.placeholder import ____

    wb.touchpoints.add(name="Kasse", phase="Kauf", channel="Filiale")
    assert wb.touchpoints.update("Kasse", moment_of_truth=____) is ____
    assert wb.touchpoints["Kasse"].moment_of_truth is False
    assert "`moment_of_truth`" in capsys.readouterr().out
