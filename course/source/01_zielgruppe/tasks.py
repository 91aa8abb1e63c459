"""Übung 1 · Zielgruppe: what each task fills in, its visible checks and hints (released).

Common wrong answers the visible checks catch: a fraction (0.5) instead of percent, a
count instead of a share, the criteria under other keys, an empty criterion, the share of
the segment as a fraction.
"""

from typing import Any

from cjmlib.grading import Task
from cjmlib.grading.answers import Answers
from cjmlib.grading.checks import expect
from cjmlib.model import SEGMENT_CRITERIA, Segment

Data = dict[str, Any]


def check_a1(answers: Answers, data: Data) -> None:
    value = answers["anteil_grossstadt"]
    expect(
        isinstance(value, int | float) and not isinstance(value, bool),
        "`anteil_grossstadt` soll eine Zahl sein, ohne Anführungszeichen und ohne %-Zeichen.",
    )
    expect(0 <= value <= 100, "Gib den Anteil in Prozent an (0 bis 100).")
    expect(
        not 0 < value < 1,
        "Das ist ein Anteil zwischen 0 und 1 – multipliziere mit 100, um Prozent zu erhalten.",
    )
    expect(
        not (isinstance(value, int) and 1 <= value <= 16),
        "Das sieht nach einer Anzahl aus, nicht nach Prozent: Teile durch 16 und nimm mal 100.",
    )


def check_a2(answers: Answers, data: Data) -> None:
    value = answers["kriterien"]
    expect(isinstance(value, dict), "`kriterien` soll ein Dictionary sein.")
    expect(
        set(value) == set(SEGMENT_CRITERIA),
        f"Die Schlüssel sollen genau {SEGMENT_CRITERIA} sein.",
    )


def check_a3(answers: Answers, data: Data) -> None:
    value = answers["segment"]
    expect(
        isinstance(value, Segment),
        "`segment` soll die Zielgruppe sein, die `wb.segments.add(...)` zurückgibt.",
    )
    expect(bool(value.name), "Gib der Zielgruppe einen Namen.")
    empty = [c for c in SEGMENT_CRITERIA if not getattr(value, c)]
    expect(not empty, f"Diese Kriterien sind noch leer: {', '.join(empty)}.")
    share = value.share_percent
    expect(
        share is None or not 0 < share < 1,
        "`share_percent` ist in Prozent (0 bis 100), nicht als Anteil zwischen 0 und 1.",
    )


TASKS = {
    "a1": Task(
        answers=("anteil_grossstadt",),
        check=check_a1,
        hints=(
            "Zähle die Zeilen mit „Großstadt“ in der Spalte Wohnort. Teile durch 16 (alle) und "
            "nimm mal 100: `anzahl / 16 * 100`.",
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
            "Zähle die Zeilen, in denen beides gilt: Käufe pro Jahr 7 oder mehr **und** Gerät "
            "„Smartphone“. Der Anteil ist `anzahl / 16 * 100`.",
        ),
    ),
}
