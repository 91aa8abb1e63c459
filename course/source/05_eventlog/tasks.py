"""Übung 5 · Ereignisprotokoll: what each task fills in, its visible checks and hints (released)."""

from typing import Any

import pandas as pd

from cjmlib.grading import Task
from cjmlib.grading.answers import Answers
from cjmlib.grading.checks import expect

Data = dict[str, Any]


def check_a1(answers: Answers, data: Data) -> None:
    value = answers["events_sauber"]
    expect(isinstance(value, pd.DataFrame), "`events_sauber` soll eine Tabelle sein.")
    expect(value["customer_id"].notna().all(), "Es gibt noch Zeilen ohne `customer_id`.")


def check_a2(answers: Answers, data: Data) -> None:
    value = answers["trichter"]
    expect(
        isinstance(value, pd.DataFrame), "`trichter` soll die Tabelle sein, die `funnel` liefert."
    )
    expect(
        "drop_off_rate" in value.columns,
        "Es fehlt die Spalte `drop_off_rate` – hast du `funnel` benutzt?",
    )


def check_a3(answers: Answers, data: Data) -> None:
    phasen = data["phasen"]
    expect(
        answers["groesstes_leck"] in phasen,
        f"`groesstes_leck` soll eine dieser Phasen sein: {phasen}",
    )


TASKS = {
    "a1": Task(
        answers=("events_sauber",),
        check=check_a1,
        hints=(
            '`dropna(subset=["customer_id"])`, `drop_duplicates()`, `sort_values("timestamp")` '
            "und `reset_index(drop=True)` lassen sich verketten.",
        ),
    ),
    "a2": Task(
        answers=("trichter",),
        check=check_a2,
        hints=("`funnel(events_sauber, phasen)` – die Phasen kommen aus der Vorbereitungszelle.",),
    ),
    "a3": Task(
        answers=("groesstes_leck",),
        check=check_a3,
        hints=(
            '`trichter["drop_off_rate"].idxmax()` liefert die Zeile mit der größten '
            "Abbruchquote; daraus die Spalte `label`.",
        ),
    ),
}
