"""Übung 6 · Map-Ebenen: what each task expects (instructor only: never released)."""

from typing import Any

from cjmlib.grading.answers import Answers
from cjmlib.grading.checks import fail, same_mapping

Data = dict[str, Any]


def _curve(data: Data) -> dict[str, float]:
    return {k: float(v) for k, v in data["touchpoints"].groupby("phase")["emotion"].mean().items()}


def judge_a1(answers: Answers, data: Data) -> None:
    same_mapping(answers["emotionskurve"], _curve(data), "emotionskurve", tol=0.01)


def judge_a2(answers: Answers, data: Data) -> None:
    curve = _curve(data)
    if answers["tiefpunkt"] != min(curve, key=curve.__getitem__):
        fail("items_off", name="tiefpunkt")


def judge_a3(answers: Answers, data: Data) -> None:
    want = {p: sorted(set(g["department"])) for p, g in data["touchpoints"].groupby("phase")}
    same_mapping(answers["hinterbuehne"], want, "hinterbuehne", as_sets=True)


JUDGES = {"a1": judge_a1, "a2": judge_a2, "a3": judge_a3}
