"""Übung 12 · Iterationen: what each task fills in, its visible checks and hints (released)."""

from typing import Any

from cjmlib.grading import Task
from cjmlib.grading.answers import Answers
from cjmlib.grading.checks import expect

Data = dict[str, Any]


def check_a1(answers: Answers, data: Data) -> None:
    value = answers["iterationen"]
    expect(isinstance(value, list), "`iterationen` soll eine Liste sein.")
    expect("Iteration 2" in value, "Speichere den neuen Stand als Snapshot „Iteration 2“.")


def check_a2(answers: Answers, data: Data) -> None:
    value = answers["zusammenfassung"]
    expect(isinstance(value, dict), "`zusammenfassung` soll ein Dictionary sein.")
    expect(
        set(value) == {"hinzugefügt", "geändert", "entfernt"},
        "Schlüssel: hinzugefügt, geändert, entfernt.",
    )


def check_a3(answers: Answers, data: Data) -> None:
    expect(
        isinstance(answers["emotion_delta"], int | float), "`emotion_delta` soll eine Zahl sein."
    )


TASKS = {
    "a1": Task(
        answers=("iterationen",),
        check=check_a1,
        hints=(
            "`wb.touchpoints.update(name, emotion=wert)`, "
            '`wb.touchpoints.add(**aenderungen["neu"])`, `wb.touchpoints.remove(...)`, dann '
            '`wb.snapshot("Iteration 2")`.',
        ),
    ),
    "a2": Task(
        answers=("zusammenfassung",),
        check=check_a2,
        hints=(
            "Der Vergleich hat die Listen `added`, `changed` und `removed`; zähle sie mit `len`.",
        ),
    ),
    "a3": Task(
        answers=("emotion_delta",),
        check=check_a3,
        hints=(
            '`wb.snapshot_project("Iteration 1").touchpoints` liefert die Touchpoints eines '
            "Stands; bilde jeweils den Mittelwert der Emotion.",
        ),
    ),
}
