"""Übung 10 · NPS und CSAT: what each task fills in, its visible checks and hints (released).

Common wrong answers the visible checks catch: the NPS as a fraction (0.14) instead of
points, the share of promoters alone, passives counted as critics; a grouping other than by
touchpoint; touchpoints with fewer than 30 answers or a non-negative NPS in the list, names
spelt differently from the table (the table shows names, never the internal ids).
"""

from typing import Any

import pandas as pd

from cjmlib.grading import Task
from cjmlib.grading.answers import Answers
from cjmlib.grading.checks import expect

Data = dict[str, Any]


def check_a1(answers: Answers, data: Data) -> None:
    value = answers["nps_gesamt"]
    expect(
        isinstance(value, int | float) and not isinstance(value, bool),
        "`nps_gesamt` soll eine Zahl sein, ohne Anführungszeichen.",
    )
    expect(-100 <= value <= 100, "Ein NPS liegt zwischen −100 und 100.")
    expect(
        not (-1 < value < 1 and value != 0),
        "Das ist ein Anteil – der NPS wird in Punkten angegeben: mal 100.",
    )
    nps = data["umfrage"]["nps"].dropna()
    expect(
        abs(value - (nps >= 9).mean() * 100) > 0.05,
        "Das ist nur der Anteil der Promotoren. Ziehe den Anteil der Kritiker ab.",
    )
    expect(
        abs(value - ((nps >= 9).mean() - (nps <= 8).mean()) * 100) > 0.05,
        "Du hast die Passiven (7–8) zu den Kritikern gezählt. Kritiker geben 0 bis 6.",
    )


def check_a2(answers: Answers, data: Data) -> None:
    value = answers["kennzahlen"]
    expect(isinstance(value, pd.DataFrame), "`kennzahlen` soll eine Tabelle sein.")
    expect(
        {"group", "nps", "csat"} <= set(value.columns),
        "Es fehlen die Spalten `group`, `nps` oder `csat`.",
    )


def check_a3(answers: Answers, data: Data) -> None:
    value = answers["kritisch"]
    expect(
        isinstance(value, list),
        '`kritisch` soll eine Liste von Touchpoint-Namen sein: `["…", "…"]`.',
    )
    from cjmlib.analytics import survey_metrics

    metrics = survey_metrics(data["umfrage"], by="touchpoint_id").set_index("group")
    ids = {tp.name: tp.id for tp in data["projekt"].touchpoints if tp.id in metrics.index}
    unknown = [v for v in value if v not in ids]
    expect(
        not unknown,
        f"Diese Touchpoints stehen nicht in der Tabelle: {unknown}. Schreibe die Namen genau "
        "so, wie sie in der Spalte „Touchpoint“ stehen.",
    )
    few = [v for v in value if metrics.loc[ids[v], "n_nps"] < 30]
    expect(not few, f"Weniger als 30 Antworten – zählt nicht: {few}.")
    positive = [v for v in value if metrics.loc[ids[v], "nps"] >= 0]
    expect(not positive, f"Der NPS ist hier nicht negativ: {positive}.")


TASKS = {
    "a1": Task(
        answers=("nps_gesamt",),
        check=check_a1,
        hints=(
            "Nimm die Zahlen aus der Tabelle: (Promotoren − Kritiker) / alle * 100. Die Passiven "
            "zählen nur bei „alle“ mit.",
        ),
    ),
    "a2": Task(
        answers=("kennzahlen",),
        check=check_a2,
        hints=('Ein Aufruf genügt: `survey_metrics(umfrage, by="touchpoint_id")`.',),
    ),
    "a3": Task(
        answers=("kritisch",),
        check=check_a3,
        hints=(
            "Die Tabelle ist nach NPS sortiert: Geh von oben nach unten, bis der NPS 0 oder mehr "
            "ist, und lass die Zeilen mit weniger als 30 Antworten weg.",
        ),
    ),
}
