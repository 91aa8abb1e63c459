"""Übung 6 · Map-Ebenen: what each task expects (instructor only: never released)."""

from typing import Any

from cjmlib.grading.answers import Answers
from cjmlib.grading.checks import fail, same_series

Data = dict[str, Any]


def judge_a1(answers: Answers, data: Data) -> None:
    names = answers.workbook.phase_model.names
    want = data["touchpoints"].groupby("phase")["emotion"].mean().reindex(names)
    same_series(answers["emotionskurve"], want, "emotionskurve", tol=0.01)


def judge_a2(answers: Answers, data: Data) -> None:
    backstage = answers["backstage"]
    for phase, group in data["touchpoints"].groupby("phase"):
        if backstage.get(phase) != sorted(set(group["department"])):
            fail("value_off", name="backstage", key=phase)


def judge_a3(answers: Answers, data: Data) -> None:
    karte = answers["karte"]
    for phase, group in data["touchpoints"].groupby("phase"):
        want = {
            "Touchpoints": len(group),
            "Kanäle": group["channel"].nunique(),
            "Emotion": group["emotion"].mean(),
            "Abteilungen": group["department"].nunique(),
        }
        for row, value in want.items():
            if abs(float(karte.loc[row, phase]) - value) > 0.06:
                fail("value_off", name="karte", key=f"{row} / {phase}")


JUDGES = {"a1": judge_a1, "a2": judge_a2, "a3": judge_a3}
