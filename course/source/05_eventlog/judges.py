"""Übung 5 · Ereignisprotokoll: what each task expects (instructor only: never released)."""

from typing import Any

import pandas as pd

from cjmlib.grading.answers import Answers
from cjmlib.grading.checks import fail, same_number

Data = dict[str, Any]


def clean_events(data: Data) -> pd.DataFrame:
    """The raw export without rows lacking a customer id and without duplicates."""
    raw: pd.DataFrame = data["events_roh"]
    return raw.dropna(subset=["customer_id"]).drop_duplicates()


def judge_a1(answers: Answers, data: Data) -> None:
    value, clean = answers["events_sauber"], clean_events(data)
    if value["customer_id"].isna().any() or value.duplicated().any():
        fail("not_clean", name="events_sauber")
    if len(value) != len(clean):
        fail("rows_off", name="events_sauber", given=len(value), expected=len(clean))


def judge_a2(answers: Answers, data: Data) -> None:
    same_number(answers["anzahl_kontakte"], len(clean_events(data)), "anzahl_kontakte", tol=0)


def judge_a3(answers: Answers, data: Data) -> None:
    project = answers.workbook
    counts = clean_events(data).groupby("phase")["customer_id"].nunique()
    counts = counts.reindex(project.phase_model.ids)
    drops = (counts.shift(1) - counts).iloc[1:]
    want = {p.id: p.name for p in project.phase_model.phases}[drops.idxmax()]
    if answers["groesster_rueckgang"] != want:
        fail("items_off", name="groesster_rueckgang")


JUDGES = {"a1": judge_a1, "a2": judge_a2, "a3": judge_a3}
