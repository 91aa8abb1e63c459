"""Übung 10 · NPS und CSAT: what each task expects (instructor only: never released)."""

from typing import Any

import pandas as pd

from cjmlib.grading.answers import Answers
from cjmlib.grading.checks import fail, same_items, same_number

Data = dict[str, Any]


def nps(values: pd.Series) -> float:
    """Net Promoter Score: share of 9-10 minus share of 0-6, in points (-100..100)."""
    v = values.dropna()
    return float(((v >= 9).mean() - (v <= 6).mean()) * 100)


def csat(values: pd.Series) -> float:
    """Share of satisfied answers (4 or 5), in percent."""
    return float((values.dropna() >= 4).mean() * 100)


def judge_a1(answers: Answers, data: Data) -> None:
    same_number(answers["nps_gesamt"], nps(data["umfrage"]["nps"]), "nps_gesamt", tol=0.06)


def judge_a2(answers: Answers, data: Data) -> None:
    value, survey = answers["kennzahlen"], data["umfrage"]
    groups = survey.groupby("touchpoint_id")
    if len(value) != len(groups):
        fail("rows_off", name="kennzahlen", given=len(value), expected=len(groups))
    rows = value.set_index("group")
    for group, answers_of_group in groups:
        if group not in rows.index:
            fail("value_off", name="kennzahlen", key=group)
        for column, metric in (("nps", nps), ("csat", csat)):
            if abs(float(rows.loc[group, column]) - metric(answers_of_group[column])) >= 0.01:
                fail("value_off", name=f"kennzahlen['{column}']", key=group)


def judge_a3(answers: Answers, data: Data) -> None:
    scores = {
        group: nps(x["nps"])
        for group, x in data["umfrage"].groupby("touchpoint_id")
        if x["nps"].notna().sum() >= 30
    }
    names = {tp.id: tp.name for tp in data["projekt"].touchpoints}
    want = sorted(names[g] for g, v in scores.items() if v < 0)
    same_items(answers["kritisch"], want, "kritisch")


JUDGES = {"a1": judge_a1, "a2": judge_a2, "a3": judge_a3}
