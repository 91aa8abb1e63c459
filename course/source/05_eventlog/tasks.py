"""Übung 5 · Ereignisprotokoll: what each task fills in, its visible checks and hints (released).

Common wrong answers the visible checks catch: the raw export used as if it were clean
(task 1), the number of rows of the raw export or the number of excluded rows instead of
the rows left (task 2), a phase id instead of its name, or the first phase, which has no
phase before it (task 3).
"""

from typing import Any

import pandas as pd

from cjmlib.grading import Task
from cjmlib.grading.answers import Answers
from cjmlib.grading.checks import expect

Data = dict[str, Any]


def check_a1(answers: Answers, data: Data) -> None:
    value = answers["events_sauber"]
    expect(
        isinstance(value, pd.DataFrame),
        "`events_sauber` soll eine Tabelle sein: das Ergebnis von `analytics.load_events(...)`.",
    )
    expect(
        not value["customer_id"].isna().any() and len(value) < len(data["events_roh"]),
        "Das ist noch der Rohexport: Er hat Zeilen ohne Kunden-ID und doppelte Zeilen. Setze "
        "`events_roh` in `analytics.load_events(...)` ein.",
    )


def check_a2(answers: Answers, data: Data) -> None:
    value, raw = answers["anzahl_kontakte"], len(data["events_roh"])
    expect(
        isinstance(value, int) and not isinstance(value, bool),
        "`anzahl_kontakte` soll eine ganze Zahl sein, ohne Anführungszeichen und ohne "
        "Tausenderpunkt (`12345`).",
    )
    expect(
        value != raw,
        f"{raw} ist die Zahl der Zeilen im Rohexport. Gefragt ist, wie viele nach der "
        "Bereinigung übrig sind.",
    )
    expect(
        value > raw / 2,
        "Das sind die ausgeschlossenen Zeilen. Gefragt ist, wie viele für die Auswertung "
        "bereitstehen.",
    )


def check_a3(answers: Answers, data: Data) -> None:
    value, names = answers["groesster_rueckgang"], answers.workbook.phase_model.names
    expect(
        isinstance(value, str) and value in names,
        f"`groesster_rueckgang` soll der Name einer Phase sein: {', '.join(names)}.",
    )
    expect(
        value != names[0],
        f"Vor „{names[0]}“ gibt es keine Phase – der Rückgang beginnt frühestens in der zweiten.",
    )


TASKS = {
    "a1": Task(
        answers=("events_sauber",),
        check=check_a1,
        hints=("Ersetze `____` durch `events_roh` – den Namen der Tabelle mit dem Rohexport.",),
    ),
    "a2": Task(
        answers=("anzahl_kontakte",),
        check=check_a2,
        hints=("Der Bericht sagt: „… stehen für die Auswertung bereit“ – das ist die Zahl.",),
    ),
    "a3": Task(
        answers=("groesster_rueckgang",),
        check=check_a3,
        hints=(
            "Rechne für jede Phase: Kunden der Phase davor minus Kunden dieser Phase. Wo ist "
            "die Differenz am größten?",
        ),
    ),
}
