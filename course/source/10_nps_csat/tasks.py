"""Übung 10 · NPS und CSAT: what each task fills in, its visible checks and hints (released)."""

from typing import Any

import pandas as pd

from cjmlib.grading import Task
from cjmlib.grading.answers import Answers
from cjmlib.grading.checks import expect

Data = dict[str, Any]


def check_a1(answers: Answers, data: Data) -> None:
    value = answers["nps_gesamt"]
    expect(isinstance(value, int | float), "`nps_gesamt` soll eine Zahl sein.")
    expect(-100 <= value <= 100, "Ein NPS liegt zwischen -100 und 100.")


def check_a2(answers: Answers, data: Data) -> None:
    value = answers["kennzahlen"]
    expect(isinstance(value, pd.DataFrame), "`kennzahlen` soll eine Tabelle sein.")
    expect(
        {"group", "nps", "csat"} <= set(value.columns),
        "Es fehlen die Spalten `group`, `nps` oder `csat`.",
    )


def check_a3(answers: Answers, data: Data) -> None:
    expect(isinstance(answers["kritisch"], list), "`kritisch` soll eine Liste sein.")


TASKS = {
    "a1": Task(
        answers=("nps_gesamt",),
        check=check_a1,
        hints=(
            '`umfrage["nps"].dropna()`; Promotoren `>= 9`, Kritiker `<= 6`; Mittelwerte '
            "voneinander abziehen und mal 100.",
        ),
    ),
    "a2": Task(
        answers=("kennzahlen",),
        check=check_a2,
        hints=('Ein Aufruf genügt: `survey_metrics(umfrage, by="touchpoint_id")`.',),
    ),
    "a3": Task(
        answers=("kritisch",),
        check=check_a3,
        hints=(
            'Zwei Bedingungen mit `&`: `nps < 0` und `n_nps >= 30`; dann `sort_values("nps")`.',
        ),
    ),
}
