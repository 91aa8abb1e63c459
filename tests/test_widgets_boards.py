"""Do the boards of steps 7 to 11 save their entries and show names as text?"""

from __future__ import annotations

import datetime as dt

import pytest

from cjmlib.widgets import (
    ActionPlan,
    FeedbackLog,
    HypothesisRegister,
    PainPointBoard,
    SolutionBoard,
)
from cjmlib.workbook import Workbook

EVIL = "<img src=x onerror=alert(1)>"


@pytest.fixture
def wb(tmp_path):
    book = Workbook.open(tmp_path / "projekt.cjm.json")
    book.touchpoints.add(name="Hotline", phase="nachkauf", channel="Hotline")
    return book


def test_pain_points_ranked_by_priority_with_evidence(wb):
    board = PainPointBoard(wb)
    for title, sev, freq in (("Selten", 2, 1), ("Wartezeit", 5, 4)):
        board.new_button.click()
        board.form["title"].value = title
        board.form["severity"].value = sev
        board.form["frequency"].value = freq
        board.form["touchpoint_ids"].value = (wb.touchpoints["Hotline"].id,)
        board.save_button.click()
    board.form["evidence"].source.value = "Beschwerden Q1"
    board.form["evidence"].add_button.click()
    board.save_button.click()
    assert [p.title for p in board._entries()] == ["Wartezeit", "Selten"]
    saved = Workbook.open(wb.path).pain_points["Wartezeit"]
    assert saved.priority == 20 and saved.evidence[0].source == "Beschwerden Q1"


def test_solution_grid_and_link(wb):
    pain = wb.pain_points.add(title=EVIL)
    board = SolutionBoard(wb)
    board.form["title"].value = EVIL
    board.form["impact"].value = 5
    board.form["effort"].value = 1
    board.form["pain_point_ids"].value = (pain.id,)
    board.save_button.click()
    saved = Workbook.open(wb.path).solutions[EVIL]
    assert saved.quadrant == "Quick Win" and saved.pain_point_ids == [pain.id]
    for html in (board.grid.value, board.table.value):
        assert "&lt;img" in html and "<img src=x" not in html
    assert board.chart.chart_error == ""


def test_solution_effort_out_of_range(wb):
    board = SolutionBoard(wb)
    board.form["title"].value = "Chatbot"
    board.form["effort"].value = 0
    board.save_button.click()
    assert "1 bis 5" in board.form.errors["effort"].value
    assert len(Workbook.open(wb.path).solutions) == 0


def test_hypothesis_register(wb):
    board = HypothesisRegister(wb)
    board.form["assumption"].value = "Ein Rückruf-Service senkt Beschwerden"
    board.form["test_method"].value = "A/B-Test"
    board.form["metric"].value = "Beschwerden je Woche"
    board.save_button.click()
    board.form["result"].value = "bestätigt"
    board.save_button.click()
    hyp = next(iter(Workbook.open(wb.path).hypotheses))
    assert (hyp.test_method, hyp.result) == ("A/B-Test", "bestätigt")


def test_feedback_log_checks_score(wb):
    log = FeedbackLog(wb)
    log.form["text"].value = "Warteschleife zu lang"
    log.form["touchpoint_id"].value = wb.touchpoints["Hotline"].id
    log.form["score"].value = "12"
    log.save_button.click()
    assert "0 bis 10" in log.form.errors["score"].value
    log.form["score"].value = "3"
    log.form["sentiment"].value = -2
    log.save_button.click()
    item = next(iter(Workbook.open(wb.path).feedback))
    assert (item.score, item.sentiment) == (3, -2)
    assert "Hotline" in log.table.value


def test_action_plan(wb):
    plan = ActionPlan(wb)
    plan.form["title"].value = "Rückruf-Service einführen"
    plan.save_button.click()
    assert "darf nicht leer sein" in plan.form.errors["owner"].value
    plan.form["owner"].value = "Frau Demir"
    plan.form["department"].value = "Kundenservice"
    plan.form["due"].value = dt.date(2026, 6, 30)
    plan.form["kpi"].value = "Wartezeit"
    plan.form["status"].value = "in Arbeit"
    plan.save_button.click()
    act = next(iter(Workbook.open(wb.path).actions))
    assert (act.owner, act.due, act.status) == ("Frau Demir", dt.date(2026, 6, 30), "in Arbeit")
    assert "30.06.2026" in plan.table.value
