"""Are checklist ticks and knowledge-check answers saved and shown again?"""

from __future__ import annotations

import pytest

from cjmlib.widgets import Checklist, KnowledgeCheck, ProgressOverview
from cjmlib.workbook import Workbook

QUESTIONS = [
    {
        "id": "phasen",
        "text": "Wie viele Phasen hat ein Phasenmodell?",
        "choices": ["2", "4 bis 8", "20"],
        "correct": 1,
        "explanation": "Je nach Modell sind es vier bis acht Phasen.",
    },
    {
        "id": "digital",
        "text": "Welche Touchpoints sind digital?",
        "choices": ["App", "Filiale", "E-Mail"],
        "correct": [0, 2],
        "explanation": "App und E-Mail sind online.",
    },
]


@pytest.fixture
def wb(tmp_path):
    return Workbook.open(tmp_path / "projekt.cjm.json")


def test_checklist_ticks_are_saved_and_restored(wb):
    checklist = Checklist(
        wb, "04", {"sammeln": "Touchpoints gesammelt", "bewerten": "Relevanz bewertet"}
    )
    checklist.boxes["sammeln"].value = True
    assert Workbook.open(wb.path).progress("04").checklist == {"sammeln": True}
    assert "1 von 2" in checklist.summary.value
    again = Checklist(
        Workbook.open(wb.path),
        "04",
        {"sammeln": "Touchpoints gesammelt", "bewerten": "Relevanz bewertet"},
    )
    assert again.boxes["sammeln"].value is True and again.boxes["bewerten"].value is False
    checklist.boxes["sammeln"].value = False
    assert Workbook.open(wb.path).progress("04").checklist == {"sammeln": False}


def test_checklist_from_plain_texts(wb):
    checklist = Checklist(wb, "02", ["Persona hat einen Namen", "Belege ergänzt"])
    assert list(checklist.boxes) == ["persona-hat-einen-namen", "belege-ergaenzt"]


def test_single_choice_gives_instant_feedback_and_saves_score(wb):
    quiz = KnowledgeCheck(wb, "04", QUESTIONS)
    quiz.answer("phasen", 0)  # a radio choice is judged at once
    assert "Noch nicht ganz" in quiz.feedback["phasen"].value
    assert "4 bis 8" in quiz.feedback["phasen"].value
    quiz.answer("phasen", 1)
    assert "Richtig" in quiz.feedback["phasen"].value
    assert "vier bis acht" in quiz.feedback["phasen"].value
    saved = Workbook.open(wb.path).progress("04")
    assert saved.quiz_answers == {"phasen": [1]} and saved.quiz_score == 0.5


def test_multiple_choice_needs_all_right_answers(wb):
    quiz = KnowledgeCheck(wb, "04", QUESTIONS)
    quiz.answer("digital", [0])
    quiz.check_button.click()
    assert "Noch nicht ganz" in quiz.feedback["digital"].value
    quiz.answer("digital", [0, 2])
    quiz.answer("phasen", 1)
    assert quiz.check() == 1.0
    assert "2 von 2 richtig (100 %)" in quiz.summary.value
    saved = Workbook.open(wb.path).progress("04")
    assert saved.quiz_score == 1.0 and saved.quiz_answers["digital"] == [0, 2]
    again = KnowledgeCheck(Workbook.open(wb.path), "04", QUESTIONS)
    assert again.selected("digital") == [0, 2] and again.score == 1.0
    assert "Richtig" in again.feedback["digital"].value


def test_progress_overview_follows_the_workbook(wb):
    overview = ProgressOverview(wb)
    assert len(overview.rows()) == 12
    wb.personas.add(name="Lena")
    wb.set_progress("02", checklist={"a": True, "b": True}, quiz_score=0.75)
    row = overview.rows()[1]
    assert row[2:] == (2, "75 %", "1 Persona", "begonnen")
    assert "75 %" in overview.table.value and "Personas erstellen" in overview.table.value
