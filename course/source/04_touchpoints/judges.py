"""Übung 4 · Touchpoints: what each task expects (instructor only: never released)."""

from typing import Any

from cjmlib.grading.answers import Answers
from cjmlib.grading.checks import fail, same_items

Data = dict[str, Any]


def judge_a1(answers: Answers, data: Data) -> None:
    tp = answers["warteschleife"]
    if (tp.channel, tp.department) != ("Hotline", "Kundenservice"):
        fail("field_off", name="warteschleife", field="channel/department")
    if tp.emotion >= 0:
        fail("field_off", name="warteschleife", field="emotion")
    if tp.relevance < 3:
        fail("field_off", name="warteschleife", field="relevance")
    if "Warteschleife der Hotline" not in answers.workbook.touchpoints:
        fail("not_in_workbook", name="wb.touchpoints", item="Warteschleife der Hotline")


def judge_a2(answers: Answers, data: Data) -> None:
    tps = data["touchpoints"]
    want = tps.loc[(tps["relevance"] >= 4) & (tps["emotion"] < 0), "name"]
    same_items(answers["kritisch"], list(want), "kritisch")


def judge_a3(answers: Answers, data: Data) -> None:
    cmp = data["vergleich"]
    want = cmp.loc[cmp["rate_mit"] - cmp["rate_ohne"] >= data["schwelle_prozentpunkte"]]
    same_items(answers["momente"], list(want["touchpoint"]), "momente")


JUDGES = {"a1": judge_a1, "a2": judge_a2, "a3": judge_a3}
