"""Übung 3 · Bedürfnisse: what each task expects (instructor only: never released)."""

from typing import Any

import pandas as pd

from cjmlib.grading.answers import Answers
from cjmlib.grading.checks import fail, same_items

Data = dict[str, Any]


def opportunities(data: Data) -> pd.DataFrame:
    """The needs with their opportunity score: importance + max(importance - satisfaction, 0)."""
    needs: pd.DataFrame = data["beduerfnisse"]
    gap = (needs["importance"] - needs["satisfaction"]).clip(lower=0)
    return needs.assign(opportunity=needs["importance"] + gap)


def judge_a1(answers: Answers, data: Data) -> None:
    value, want = answers["chancen"], opportunities(data)
    if len(value) != len(want):
        fail("rows_off", name="chancen", given=len(value), expected=len(want))
    got = value["opportunity"].tolist()
    if sum(abs(g - w) for g, w in zip(got, want["opportunity"], strict=True)) >= 0.01:
        fail("column_off", name="chancen", column="opportunity")


def judge_a2(answers: Answers, data: Data) -> None:
    want = opportunities(data).sort_values("opportunity", ascending=False)["need"].head(3)
    same_items(answers["top3"], want.tolist(), "top3", ordered=True)


def judge_a3(answers: Answers, data: Data) -> None:
    want = opportunities(data)
    count = len(answers.workbook.needs)
    if count != len(want):
        fail("count_off", name="wb.needs", given=count, expected=len(want))
    underserved = sorted(want.loc[want["opportunity"] > 10, "need"])
    same_items(answers["unterversorgt"], underserved, "unterversorgt", ordered=True)


JUDGES = {"a1": judge_a1, "a2": judge_a2, "a3": judge_a3}
