"""Übung 4 · Touchpoints: what each task fills in, its visible checks and hints (released)."""

from typing import Any

import pandas as pd

from cjmlib.grading import Task
from cjmlib.grading.answers import Answers
from cjmlib.grading.checks import expect

Data = dict[str, Any]


def check_a1(answers: Answers, data: Data) -> None:
    value = answers["anzahl"]
    expect(isinstance(value, int), "`anzahl` soll eine ganze Zahl sein.")
    expect(
        value == len(answers.workbook.touchpoints),
        "`anzahl` soll die Zahl der Touchpoints im Arbeitsbuch sein.",
    )


def check_a2(answers: Answers, data: Data) -> None:
    value = answers["pro_phase"]
    expect(isinstance(value, pd.Series), "`pro_phase` soll eine Series sein.")
    expect(
        list(value.index) == answers.workbook.phase_model.names,
        "Der Index soll die Phasennamen in der Reihenfolge des Phasenmodells enthalten.",
    )


def check_a3(answers: Answers, data: Data) -> None:
    expect(isinstance(answers["momente"], list), "`momente` soll eine Liste sein.")


TASKS = {
    "a1": Task(
        answers=("anzahl",),
        check=check_a1,
        hints=(
            '`touchpoints.to_dict("records")` macht aus der Tabelle eine Liste von '
            "Dictionaries für `add_many`.",
        ),
    ),
    "a2": Task(
        answers=("pro_phase",),
        check=check_a2,
        hints=(
            "`wb.touchpoints.to_frame()` liefert eine Tabelle mit Phasen-Kennungen; gruppiere "
            "nach `phase`, ordne mit `reindex(wb.phase_model.ids)` und benenne die Kennungen "
            "in Namen um.",
        ),
    ),
    "a3": Task(
        answers=("momente",),
        check=check_a3,
        hints=(
            "Suche die Touchpoints mit `relevance == 5` und setze bei jedem "
            "`wb.touchpoints.update(name, moment_of_truth=True)`.",
        ),
    ),
}
