"""Übung 7 · Pain Points: what each task fills in, its visible checks and hints (released)."""

from typing import Any

import pandas as pd

from cjmlib.grading import Task
from cjmlib.grading.answers import Answers
from cjmlib.grading.checks import expect

Data = dict[str, Any]
COLUMNS = {"phase", "abbruchquote", "negativ_anteil", "score"}


def check_a1(answers: Answers, data: Data) -> None:
    value = answers["negativ"]
    expect(isinstance(value, pd.Series), "`negativ` soll eine Series sein.")
    expect(value.is_monotonic_decreasing, "Sortiere absteigend: die meisten Nennungen zuerst.")


def check_a2(answers: Answers, data: Data) -> None:
    value = answers["rangliste"]
    expect(isinstance(value, pd.DataFrame), "`rangliste` soll eine Tabelle sein.")
    expect(COLUMNS <= set(value.columns), "Es fehlen Spalten.")
    expect(
        sorted(value["phase"]) == sorted(data["phasen"]), "Jede Phase soll genau einmal vorkommen."
    )


def check_a3(answers: Answers, data: Data) -> None:
    expect(len(answers.workbook.pain_points) >= 1, "Lege den Pain Point im Arbeitsbuch an.")


TASKS = {
    "a1": Task(
        answers=("negativ",),
        check=check_a1,
        hints=(
            'Filtere `feedback["sentiment"] < 0`, gruppiere nach `touchpoint_id`, zähle mit '
            "`size()` und sortiere absteigend.",
        ),
    ),
    "a2": Task(
        answers=("rangliste",),
        check=check_a2,
        hints=(
            'Die Abbruchquote holst du aus `funnel(...).set_index("label")`, den Anteil mit '
            '`groupby("phase")["sentiment"].apply(lambda s: (s < 0).mean())`.',
        ),
    ),
    "a3": Task(
        answers=("schwachstelle",),
        check=check_a3,
        hints=(
            "Die erste Zeile von `rangliste` ist die wichtigste Phase; übergib beide Belege als "
            "Liste an `evidence`.",
        ),
    ),
}
