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
    quiz.answer("phasen", 1)  # a radio choice is judged at once
    assert "Richtig" in quiz.feedback["phasen"].value
    assert "vier bis acht" in quiz.feedback["phasen"].value
    saved = Workbook.open(wb.path).progress("04")
    assert saved.quiz_answers == {"phasen": [1]} and saved.quiz_score == 0.5


def test_a_wrong_answer_gets_a_second_try_before_the_solution(wb):
    """The explanation is not given away on the first click."""
    quiz = KnowledgeCheck(wb, "04", QUESTIONS)
    quiz.answer("phasen", 0)
    first = quiz.feedback["phasen"].value
    assert "Noch nicht richtig" in first and "zweiten Versuch" in first
    assert "4 bis 8" not in first and "vier bis acht" not in first
    quiz.answer("phasen", 2)
    second = quiz.feedback["phasen"].value
    assert "4 bis 8" in second and "vier bis acht" in second
    quiz.answer("phasen", 1)
    assert "Richtig" in quiz.feedback["phasen"].value


def test_checking_the_same_wrong_answer_again_is_no_second_try(wb):
    quiz = KnowledgeCheck(wb, "04", QUESTIONS)
    quiz.answer("digital", [0])
    quiz.check_button.click()
    quiz.check_button.click()
    assert "zweiten Versuch" in quiz.feedback["digital"].value
    assert "E-Mail" not in quiz.feedback["digital"].value.split("Versuch", 1)[1]


def test_multiple_choice_needs_all_right_answers(wb):
    quiz = KnowledgeCheck(wb, "04", QUESTIONS)
    quiz.answer("digital", [0])
    quiz.check_button.click()
    assert "Noch nicht richtig" in quiz.feedback["digital"].value
    quiz.answer("digital", [0, 2])
    quiz.answer("phasen", 1)
    assert quiz.check() == 1.0
    assert "2 von 2 richtig (100 %)" in quiz.summary.value
    saved = Workbook.open(wb.path).progress("04")
    assert saved.quiz_score == 1.0 and saved.quiz_answers["digital"] == [0, 2]
    again = KnowledgeCheck(Workbook.open(wb.path), "04", QUESTIONS)
    assert again.selected("digital") == [0, 2] and again.score == 1.0
    assert "Richtig" in again.feedback["digital"].value


def test_checking_with_nothing_answered_stores_nothing(wb):
    """ "Antworten prüfen" on an untouched check must not save 0 of 2 as a result."""
    quiz = KnowledgeCheck(wb, "04", QUESTIONS)
    quiz.check_button.click()
    assert "noch keine Frage beantwortet" in quiz.status.message
    saved = Workbook.open(wb.path).progress("04")
    assert saved.quiz_score is None and saved.quiz_answers == {}


def many_questions(n: int = 8) -> list[dict]:
    return [
        {
            "id": f"q{i}",
            "text": f"Frage {i}",
            "choices": ["A", "B", "C", "D"],
            "correct": i % 4,
            "explanation": "weil",
        }
        for i in range(n)
    ]


def test_options_are_shuffled_per_workbook_and_stable(tmp_path):
    """Each trainee sees their own order; reopening shows the same order again."""
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    one = Workbook.open(tmp_path / "a" / "projekt.cjm.json")
    other = Workbook.open(tmp_path / "b" / "projekt.cjm.json")
    first = KnowledgeCheck(one, "04", many_questions()).order
    assert KnowledgeCheck(Workbook.open(one.path), "04", many_questions()).order == first
    assert KnowledgeCheck(other, "04", many_questions()).order != first
    assert any(order != [0, 1, 2, 3] for order in first.values())
    assert all(sorted(order) == [0, 1, 2, 3] for order in first.values())


def test_shuffled_display_keeps_answers_as_catalogue_indexes(wb):
    quiz = KnowledgeCheck(wb, "04", many_questions(2))
    shown = [opt for opt in quiz.inputs["q1"].options]  # (text, catalogue index) in order
    assert [i for _, i in shown] == quiz.order["q1"]
    quiz.answer("q1", 1)
    assert Workbook.open(wb.path).progress("04").quiz_answers == {"q1": [1]}


def test_a_case_and_a_table_are_shown_with_the_question(wb):
    question = {
        "id": "funnel",
        "text": "Wo ist der größte Abbruch?",
        "case": "Ein Shop zählt seine Kunden je Phase.",
        "table": [["Phase", "Kunden"], ["Info", "<b>10.000</b>"], ["Kauf", "1.000"]],
        "choices": ["Info", "Kauf"],
        "correct": 1,
        "explanation": "90 % gehen verloren.",
    }
    quiz = KnowledgeCheck(wb, "07", [question])
    html = quiz.question_html["funnel"].value
    assert "Ein Shop zählt" in html and "<table" in html
    assert "&lt;b&gt;10.000&lt;/b&gt;" in html and "<b>10.000</b>" not in html


def test_progress_overview_follows_the_workbook(wb):
    overview = ProgressOverview(wb)
    assert len(overview.rows()) == 12
    wb.personas.add(name="Lena")
    wb.set_progress("02", checklist={"a": True, "b": True}, quiz_score=0.75)
    row = overview.rows()[1]
    assert row[2:] == (2, "75 %", "1 Persona", "begonnen")
    assert "75 %" in overview.table.value and "Personas erstellen" in overview.table.value
