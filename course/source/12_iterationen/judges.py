"""Übung 12 · Iterationen: what each task expects (instructor only: never released)."""

from typing import Any

from cjmlib.grading.answers import Answers
from cjmlib.grading.checks import fail, same_items, same_mapping, same_number

Data = dict[str, Any]


def judge_a1(answers: Answers, data: Data) -> None:
    same_items(answers["iterationen"], ["Iteration 1", "Iteration 2"], "iterationen", ordered=True)
    changes = data["aenderungen"]
    after = {
        tp.name: tp.emotion for tp in answers.workbook.snapshot_project("Iteration 2").touchpoints
    }
    if changes["entfernt"] in after:
        fail("still_there", name=changes["entfernt"])
    if after.get(changes["neu"]["name"]) != changes["neu"]["emotion"]:
        fail("not_in_workbook", name="Iteration 2", item=changes["neu"]["name"])
    for name, value in changes["emotion"].items():
        if after.get(name) != value:
            fail("field_off", name=name, field="emotion")


def judge_a2(answers: Answers, data: Data) -> None:
    changes = data["aenderungen"]
    want = {"hinzugefügt": 1, "geändert": len(changes["emotion"]), "entfernt": 1}
    same_mapping(answers["zusammenfassung"], want, "zusammenfassung")


def judge_a3(answers: Answers, data: Data) -> None:
    touchpoints, changes = data["touchpoints"], data["aenderungen"]
    after = touchpoints.set_index("name")["emotion"].copy()
    for name, value in changes["emotion"].items():
        after[name] = value
    after = after.drop(changes["entfernt"])
    after[changes["neu"]["name"]] = changes["neu"]["emotion"]
    want = after.mean() - touchpoints["emotion"].mean()
    same_number(answers["emotion_delta"], want, "emotion_delta", tol=0.006)


JUDGES = {"a1": judge_a1, "a2": judge_a2, "a3": judge_a3}
