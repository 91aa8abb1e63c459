"""Übung 4 · Touchpoints: what each task expects (instructor only: never released)."""

from typing import Any

from cjmlib.grading.answers import Answers
from cjmlib.grading.checks import fail, same_items, same_number, same_series

Data = dict[str, Any]


def judge_a1(answers: Answers, data: Data) -> None:
    touchpoints, wb = data["touchpoints"], answers.workbook
    same_number(answers["anzahl"], len(touchpoints), "anzahl", tol=0)
    ids = {p.name: p.id for p in wb.phase_model.phases}
    want = sorted((r.name, ids[r.phase]) for r in touchpoints.itertuples())
    if sorted((tp.name, tp.phase) for tp in wb.touchpoints) != want:
        fail("items_off", name="wb.touchpoints")


def judge_a2(answers: Answers, data: Data) -> None:
    names = answers.workbook.phase_model.names
    want = data["touchpoints"].groupby("phase")["relevance"].mean().reindex(names)
    same_series(answers["pro_phase"], want, "pro_phase", tol=0.01)


def judge_a3(answers: Answers, data: Data) -> None:
    touchpoints = data["touchpoints"]
    want = sorted(touchpoints.loc[touchpoints["relevance"] == 5, "name"])
    same_items(answers["momente"], want, "momente", ordered=True)
    flagged = sorted(tp.name for tp in answers.workbook.touchpoints if tp.moment_of_truth)
    if flagged != want:
        fail("flags_off", name="moment_of_truth")


JUDGES = {"a1": judge_a1, "a2": judge_a2, "a3": judge_a3}
