"""Übung 3 · Bedürfnisse: what each task fills in, its visible checks and hints (released)."""

from typing import Any

import pandas as pd

from cjmlib.grading import Task
from cjmlib.grading.answers import Answers
from cjmlib.grading.checks import expect

Data = dict[str, Any]


def check_a1(answers: Answers, data: Data) -> None:
    value = answers["chancen"]
    expect(isinstance(value, pd.DataFrame), "`chancen` soll eine Tabelle (DataFrame) sein.")
    expect("opportunity" in value.columns, "Es fehlt die Spalte `opportunity`.")


def check_a2(answers: Answers, data: Data) -> None:
    value = answers["top3"]
    expect(isinstance(value, list), "`top3` soll eine Liste sein.")
    expect(len(value) == 3, "`top3` soll genau drei Namen enthalten.")


def check_a3(answers: Answers, data: Data) -> None:
    expect(isinstance(answers["unterversorgt"], list), "`unterversorgt` soll eine Liste sein.")
    expect(len(answers.workbook.needs) > 0, "Trage die Bedürfnisse zuerst ins Arbeitsbuch ein.")


TASKS = {
    "a1": Task(
        answers=("chancen",),
        check=check_a1,
        hints=("`(wichtigkeit - zufriedenheit).clip(lower=0)` ersetzt negative Werte durch 0.",),
    ),
    "a2": Task(
        answers=("top3",),
        check=check_a2,
        hints=(
            '`sort_values("opportunity", ascending=False)`, dann die ersten drei Namen mit '
            "`.head(3)` und `.tolist()`.",
        ),
    ),
    "a3": Task(
        answers=("unterversorgt",),
        check=check_a3,
        hints=(
            '`wb.needs.add_many(beduerfnisse.to_dict("records"))` trägt alle Zeilen ein; jedes '
            "Bedürfnis kennt `underserved`.",
        ),
    ),
}
