"""Übung 8 · Lösungen: what each task expects (instructor only: never released)."""

from typing import Any

from cjmlib.grading.answers import Answers
from cjmlib.grading.checks import fail, same_items, same_mapping
from cjmlib.model import Solution

Data = dict[str, Any]


def judge_a1(answers: Answers, data: Data) -> None:
    ideas, solutions = data["ideen"], answers.workbook.solutions
    if len(solutions) != len(ideas):
        fail("count_off", name="wb.solutions", given=len(solutions), expected=len(ideas))
    want = {
        r.title: Solution(title=r.title, impact=r.impact, effort=r.effort).quadrant
        for r in ideas.itertuples()
    }
    same_mapping(answers["quadranten"], want, "quadranten")


def judge_a2(answers: Answers, data: Data) -> None:
    ideas = data["ideen"]
    quick = ideas[(ideas["impact"] >= 3) & (ideas["effort"] < 3)]
    want = quick.sort_values(["impact", "effort"], ascending=[False, True])["title"].tolist()
    same_items(answers["quick_wins"], want, "quick_wins", ordered=True)


def judge_a3(answers: Answers, data: Data) -> None:
    ideas = data["ideen"]
    best = ideas.loc[(ideas["impact"] / ideas["effort"]).idxmax(), "title"]
    if answers["beste_idee"] != best:
        fail("items_off", name="beste_idee")


JUDGES = {"a1": judge_a1, "a2": judge_a2, "a3": judge_a3}
