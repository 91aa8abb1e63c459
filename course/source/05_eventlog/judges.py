"""Übung 5 · Ereignisprotokoll: what each task expects (instructor only: never released)."""

from typing import Any

import pandas as pd

from cjmlib.analytics import funnel
from cjmlib.grading.answers import Answers
from cjmlib.grading.checks import fail, same_items

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
    if not value["timestamp"].is_monotonic_increasing:
        fail("not_sorted", name="events_sauber", column="timestamp")
    if list(value.index) != list(range(len(value))):
        fail("index_reset", name="events_sauber")


def judge_a2(answers: Answers, data: Data) -> None:
    want = funnel(clean_events(data), data["phasen"])["customers"].tolist()
    got = answers["trichter"]["customers"].tolist()
    same_items(got, want, "trichter['customers']", ordered=True)


def judge_a3(answers: Answers, data: Data) -> None:
    rates = funnel(clean_events(data), data["phasen"]).set_index("label")["drop_off_rate"]
    if answers["groesstes_leck"] != rates.idxmax():
        fail("items_off", name="groesstes_leck")


JUDGES = {"a1": judge_a1, "a2": judge_a2, "a3": judge_a3}
