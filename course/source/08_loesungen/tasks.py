"""Übung 8 · Lösungen: what each task fills in, its visible checks and hints (released)."""

from typing import Any

import pandas as pd

from cjmlib.grading import Task
from cjmlib.grading.answers import Answers
from cjmlib.grading.checks import expect

Data = dict[str, Any]


def check_a1(answers: Answers, data: Data) -> None:
    expect(isinstance(answers["quadranten"], dict), "`quadranten` soll ein Dictionary sein.")
    expect(len(answers.workbook.solutions) > 0, "Trage die Ideen zuerst ins Arbeitsbuch ein.")


def check_a2(answers: Answers, data: Data) -> None:
    expect(isinstance(answers["quick_wins"], list), "`quick_wins` soll eine Liste sein.")


def check_a3(answers: Answers, data: Data) -> None:
    value = answers["rangfolge"]
    expect(isinstance(value, pd.DataFrame), "`rangfolge` soll eine Tabelle sein.")
    expect("score" in value.columns, "Es fehlt die Spalte `score`.")


TASKS = {
    "a1": Task(
        answers=("quadranten",),
        check=check_a1,
        hints=(
            '`wb.solutions.add_many(ideen.to_dict("records"))`, danach '
            "`{s.title: s.quadrant for s in wb.solutions}`.",
        ),
    ),
    "a2": Task(
        answers=("quick_wins",),
        check=check_a2,
        hints=(
            "Quick Wins: Wirkung mindestens 3, Aufwand unter 3. Sortiere mit zwei Spalten und "
            "`ascending=[False, True]`.",
        ),
    ),
    "a3": Task(
        answers=("rangfolge",),
        check=check_a3,
        hints=(
            '`ideen.assign(score=...)`, dann `sort_values(["score", "title"], '
            "ascending=[False, True])` und `reset_index(drop=True)`.",
        ),
    ),
}
