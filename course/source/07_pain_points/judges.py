"""Übung 7 · Pain Points: what each task expects (instructor only: never released)."""

from typing import Any

from cjmlib.grading.answers import Answers
from cjmlib.grading.checks import fail, same_mapping

Data = dict[str, Any]


def judge_a1(answers: Answers, data: Data) -> None:
    feedback = data["feedback"]
    counts = feedback[feedback["sentiment"] < 0].groupby("phase").size()
    names = {p.id: p.name for p in answers.workbook.phase_model.phases}
    if answers["meiste_kritik"] != names[counts.idxmax()]:
        fail("items_off", name="meiste_kritik")


def judge_a2(answers: Answers, data: Data) -> None:
    table = data["kandidaten"]
    want = {r.title: r.severity * r.frequency for r in table.itertuples()}
    same_mapping(answers["prioritaeten"], want, "prioritaeten")


def judge_a3(answers: Answers, data: Data) -> None:
    table = data["kandidaten"]
    top = table.loc[(table["severity"] * table["frequency"]).idxmax()]
    book = answers.workbook.pain_points
    if top["title"] not in book or len(book) != 1:
        fail(
            "not_in_workbook",
            name="wb.pain_points",
            item="der Pain Point mit der höchsten Priorität",
        )
    entry = book[top["title"]]
    names = {p.id: p.name for p in answers.workbook.phase_model.phases}
    if names.get(entry.phase) != top["phase"] or entry.category != top["category"]:
        fail("field_off", name="schwachstelle", field="phase/category")
    if not entry.evidence:
        fail("evidence_missing", name="schwachstelle")


JUDGES = {"a1": judge_a1, "a2": judge_a2, "a3": judge_a3}
