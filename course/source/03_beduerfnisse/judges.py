"""Übung 3 · Bedürfnisse: what each task expects (instructor only: never released)."""

from typing import Any

from cjmlib.grading.answers import Answers
from cjmlib.grading.checks import fail, same_items, same_mapping, same_text

Data = dict[str, Any]

#: The need that task 3 completes, and the statement of Lena's interview (1-based) that
#: answers each guiding question of chapter 3 stored in the workbook.
NEED = "Verfügbarkeit vorab sehen"
STATEMENTS = {"expectation": 1, "related_products": 2, "exceed": 4}


def opportunities(data: Data) -> dict[str, int]:
    """need -> opportunity score: importance + max(importance - satisfaction, 0)."""
    return {
        row.need: row.importance + max(row.importance - row.satisfaction, 0)
        for row in data["beduerfnisse"].itertuples()
    }


def judge_a1(answers: Answers, data: Data) -> None:
    want = {need: float(score) for need, score in opportunities(data).items()}
    same_mapping(answers["chancen"], want, "chancen", tol=0.01)


def judge_a2(answers: Answers, data: Data) -> None:
    want = [need for need, score in opportunities(data).items() if score > 10]
    same_items(answers["unterversorgt"], want, "unterversorgt")


def judge_a3(answers: Answers, data: Data) -> None:
    needs = answers.workbook.needs
    if len(needs) != len(data["beduerfnisse"]):
        fail("count_off", name="wb.needs", given=len(needs), expected=len(data["beduerfnisse"]))
    if NEED not in needs:
        fail("not_in_workbook", name="wb.needs", item=NEED)
    need = needs[NEED]
    row = data["beduerfnisse"].set_index("need").loc[NEED]
    if (need.importance, need.satisfaction) != (row["importance"], row["satisfaction"]):
        fail("field_off", name="verfuegbarkeit", field="importance/satisfaction")
    for field, number in STATEMENTS.items():
        if not same_text(getattr(need, field), data["aussagen"][number - 1]):
            fail("field_off", name="verfuegbarkeit", field=field)


JUDGES = {"a1": judge_a1, "a2": judge_a2, "a3": judge_a3}
