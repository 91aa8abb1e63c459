"""Übung 6 · Map-Ebenen: what each task fills in, its visible checks and hints (released)."""

from typing import Any

import pandas as pd

from cjmlib.grading import Task
from cjmlib.grading.answers import Answers
from cjmlib.grading.checks import expect

Data = dict[str, Any]
ROWS = ["Touchpoints", "Kanäle", "Emotion", "Abteilungen"]


def check_a1(answers: Answers, data: Data) -> None:
    value = answers["emotionskurve"]
    expect(isinstance(value, pd.Series), "`emotionskurve` soll eine Series sein.")
    expect(
        list(value.index) == answers.workbook.phase_model.names,
        "Index: die Phasennamen in der Reihenfolge des Phasenmodells.",
    )


def check_a2(answers: Answers, data: Data) -> None:
    value = answers["backstage"]
    expect(isinstance(value, dict), "`backstage` soll ein Dictionary sein.")
    expect(set(value) == set(answers.workbook.phase_model.names), "Schlüssel: alle Phasennamen.")


def check_a3(answers: Answers, data: Data) -> None:
    value = answers["karte"]
    expect(isinstance(value, pd.DataFrame), "`karte` soll eine Tabelle sein.")
    expect(
        list(value.columns) == answers.workbook.phase_model.names,
        "Spalten: die Phasennamen in der Reihenfolge des Phasenmodells.",
    )
    expect(list(value.index) == ROWS, "Zeilen: Touchpoints, Kanäle, Emotion, Abteilungen.")


TASKS = {
    "a1": Task(
        answers=("emotionskurve",),
        check=check_a1,
        hints=("Wie die mittlere Relevanz je Phase in Übung 4, nur mit der Spalte `emotion`.",),
    ),
    "a2": Task(
        answers=("backstage",),
        check=check_a2,
        hints=(
            '`frame.groupby("phase")` liefert je Phase eine Teiltabelle; '
            '`sorted(gruppe["department"].unique())` die Abteilungen.',
        ),
    ),
    "a3": Task(
        answers=("karte",),
        check=check_a3,
        hints=(
            "Baue zuerst eine Tabelle mit Phasen als Zeilen (`size`, `nunique`, `mean`) und "
            "drehe sie am Ende mit `.T`.",
        ),
    ),
}
