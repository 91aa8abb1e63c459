"""Übung 11 · Maßnahmenplan: what each task fills in, its visible checks and hints (released)."""

from typing import Any

import pandas as pd

from cjmlib.grading import Task
from cjmlib.grading.answers import Answers
from cjmlib.grading.checks import expect

Data = dict[str, Any]


def check_a1(answers: Answers, data: Data) -> None:
    expect(isinstance(answers["plan"], pd.DataFrame), "`plan` soll eine Tabelle sein.")
    expect(len(answers.workbook.actions) > 0, "Trage die Maßnahmen ins Arbeitsbuch ein.")


def check_a2(answers: Answers, data: Data) -> None:
    expect(isinstance(answers["ohne_massnahme"], list), "`ohne_massnahme` soll eine Liste sein.")


def check_a3(answers: Answers, data: Data) -> None:
    expect(isinstance(answers["ueberfaellig"], list), "`ueberfaellig` soll eine Liste sein.")


TASKS = {
    "a1": Task(
        answers=("plan",),
        check=check_a1,
        hints=(
            "In der Schleife: alle Felder außer `loesung` übernehmen, "
            '`solution_id=wb.solutions[m["loesung"]].id` ergänzen.',
        ),
    ),
    "a2": Task(
        answers=("ohne_massnahme",),
        check=check_a2,
        hints=(
            "Sammle die `solution_id` aller Maßnahmen in einer Menge und prüfe für jede Lösung "
            "`quadrant` und `id`.",
        ),
    ),
    "a3": Task(
        answers=("ueberfaellig",),
        check=check_a3,
        hints=('Vergleiche `a.due < stichtag` und `a.status != "erledigt"`.',),
    ),
}
