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
    ideas, value = data["ideen"], answers["rangfolge"]
    want = ideas.assign(score=(ideas["impact"] / ideas["effort"]).round(2)).sort_values(
        ["score", "title"], ascending=[False, True]
    )
    if "title" not in value.columns:
        fail("columns_missing", name="rangfolge", columns="title")
    same_items(value["title"].tolist(), want["title"].tolist(), "rangfolge['title']", ordered=True)
    scores = zip(value["score"], want["score"], strict=True)
    if sum(abs(float(got) - wanted) for got, wanted in scores) >= 0.05:
        fail("column_off", name="rangfolge", column="score")
    if list(value.index) != list(range(len(ideas))):
        fail("index_reset", name="rangfolge")


JUDGES = {"a1": judge_a1, "a2": judge_a2, "a3": judge_a3}
