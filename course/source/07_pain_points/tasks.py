"""Übung 7 · Pain Points: what each task fills in, its visible checks and hints (released).

Common wrong answers the visible checks catch: a phase id or a phase that is not in the
table (task 1); severity and frequency added instead of multiplied, or a value outside
1..25 (task 2); the pain point with the greatest severity taken instead of the one with
the highest priority, or severity and frequency that differ from the team's table (task 3).
"""

from typing import Any

from cjmlib.grading import Task
from cjmlib.grading.answers import Answers
from cjmlib.grading.checks import expect
from cjmlib.model import PainPoint

Data = dict[str, Any]


def check_a1(answers: Answers, data: Data) -> None:
    value, names = answers["meiste_kritik"], answers.workbook.phase_model.names
    expect(
        isinstance(value, str) and value in names,
        f"`meiste_kritik` soll der Name einer Phase sein, wie in der Tabelle: {', '.join(names)}.",
    )


def check_a2(answers: Answers, data: Data) -> None:
    value, table = answers["prioritaeten"], data["kandidaten"]
    expect(isinstance(value, dict), "`prioritaeten` soll ein Dictionary sein: Titel → Zahl.")
    expect(
        set(value) == set(table["title"]),
        "Die Schlüssel sollen genau die vier Titel aus der Tabelle sein (so geschrieben wie dort).",
    )
    expect(
        all(isinstance(v, int) and 1 <= v <= 25 for v in value.values()),
        "Jede Priorität ist eine ganze Zahl von 1 bis 25.",
    )
    sums = {r.title: r.severity + r.frequency for r in table.itertuples()}
    expect(
        value != sums,
        "Du hast Schwere und Häufigkeit addiert. Die Priorität ist das Produkt: Schwere × "
        "Häufigkeit.",
    )


def check_a3(answers: Answers, data: Data) -> None:
    value, table = answers["schwachstelle"], data["kandidaten"]
    expect(
        isinstance(value, PainPoint),
        "`schwachstelle` soll der Pain Point sein, den `wb.pain_points.add(...)` zurückgibt.",
    )
    rows = table[table["title"] == value.title]
    expect(len(rows) == 1, "Nimm den Titel genau so, wie er in der Tabelle steht.")
    row = rows.iloc[0]
    expect(
        (value.severity, value.frequency) == (row["severity"], row["frequency"]),
        "Übernimm Schwere und Häufigkeit aus der Tabelle des Teams.",
    )
    most_severe = table.loc[table["severity"].idxmax(), "title"]
    expect(
        value.title != most_severe or value.priority == max(table["severity"] * table["frequency"]),
        "Das ist der Pain Point mit der größten Schwere. Die Reihenfolge ergibt sich aber aus "
        "der Priorität: Schwere × Häufigkeit.",
    )


TASKS = {
    "a1": Task(
        answers=("meiste_kritik",),
        check=check_a1,
        hints=("Die Zeile mit der größten Zahl in der Tabelle nennt die Phase.",),
    ),
    "a2": Task(
        answers=("prioritaeten",),
        check=check_a2,
        hints=("Schwere 5 und Häufigkeit 3 ergeben die Priorität 5 × 3 = 15.",),
    ),
    "a3": Task(
        answers=("schwachstelle",),
        check=check_a3,
        hints=(
            "Nimm die Zeile mit der größten Priorität aus Aufgabe 2 und übernimm Titel, Phase, "
            'Kategorie, Schwere und Häufigkeit. Texte in Anführungszeichen (`"Kauf"`), Zahlen '
            "ohne.",
        ),
    ),
}
