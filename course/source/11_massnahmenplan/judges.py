"""Übung 11 · Maßnahmenplan: what each task expects (instructor only: never released)."""

import datetime as dt
from typing import Any

from cjmlib.grading.answers import Answers
from cjmlib.grading.checks import fail, same_items

Data = dict[str, Any]


def judge_a1(answers: Answers, data: Data) -> None:
    wb, planned = answers.workbook, data["massnahmen"]
    if len(wb.actions) != len(planned):
        fail("count_off", name="wb.actions", given=len(wb.actions), expected=len(planned))
    for m in planned:
        action = wb.actions.get(m["title"])
        if action is None:
            fail("not_in_workbook", name="wb.actions", item=m["title"])
        if not action.owner or not action.kpi or not action.target or action.due is None:
            fail("action_incomplete", name=m["title"])
        for field in ("owner", "kpi", "target", "status"):
            if getattr(action, field) != m[field]:
                fail("field_off", name=m["title"], field=field)
        if action.due != dt.date.fromisoformat(m["due"]):
            fail("field_off", name=m["title"], field="due")
        if action.solution_id != wb.solutions[m["loesung"]].id:
            fail("field_off", name=m["title"], field="solution_id")


def judge_a2(answers: Answers, data: Data) -> None:
    linked = {m["loesung"] for m in data["massnahmen"]}
    want = sorted(
        r.title for r in data["ideen"].itertuples() if r.impact >= 3 and r.title not in linked
    )
    same_items(answers["ohne_massnahme"], want, "ohne_massnahme")


def judge_a3(answers: Answers, data: Data) -> None:
    day = dt.date.fromisoformat(data["stichtag"])
    want = sorted(
        m["title"]
        for m in data["massnahmen"]
        if dt.date.fromisoformat(m["due"]) < day and m["status"] != "erledigt"
    )
    same_items(answers["ueberfaellig"], want, "ueberfaellig")


JUDGES = {"a1": judge_a1, "a2": judge_a2, "a3": judge_a3}
