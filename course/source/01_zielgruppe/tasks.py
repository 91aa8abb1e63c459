"""Übung 1 · Zielgruppe: what each task fills in, its visible checks and hints (released)."""

from typing import Any

from cjmlib.grading import Task
from cjmlib.grading.answers import Answers
from cjmlib.grading.checks import expect
from cjmlib.model import SEGMENT_CRITERIA, Segment

Data = dict[str, Any]


def check_a1(answers: Answers, data: Data) -> None:
    value = answers["anteil_grossstadt"]
    expect(isinstance(value, int | float), "`anteil_grossstadt` soll eine Zahl sein.")
    expect(0 <= value <= 100, "Gib den Anteil in Prozent an (0 bis 100).")


def check_a2(answers: Answers, data: Data) -> None:
    value = answers["kriterien"]
    expect(isinstance(value, dict), "`kriterien` soll ein Dictionary sein.")
    expect(
        set(value) == set(SEGMENT_CRITERIA),
        f"Die Schlüssel sollen genau {SEGMENT_CRITERIA} sein.",
    )


def check_a3(answers: Answers, data: Data) -> None:
    value = answers["segment"]
    expect(isinstance(value, Segment), "`segment` soll ein `Segment` sein.")
    expect(bool(value.name), "Gib der Zielgruppe einen Namen.")


TASKS = {
    "a1": Task(
        answers=("anteil_grossstadt",),
        check=check_a1,
        hints=(
            'Ein Vergleich wie `kunden["wohnort"] == "Großstadt"` ergibt True/False; der '
            "Mittelwert davon ist der Anteil. Mal 100 und `round(..., 1)`.",
        ),
    ),
    "a2": Task(
        answers=("kriterien",),
        check=check_a2,
        hints=(
            "Demografisch: wer jemand ist; geografisch: wo; psychografisch: wie jemand denkt; "
            "verhaltensbezogen: was jemand tut; technografisch: womit.",
        ),
    ),
    "a3": Task(
        answers=("segment",),
        check=check_a3,
        hints=(
            "Filtere mit zwei Bedingungen, verbunden durch `&` und jeweils in Klammern; "
            "`len(gefiltert) / len(kunden) * 100` ist der Anteil.",
        ),
    ),
}
