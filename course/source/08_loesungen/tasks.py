"""Übung 8 · Lösungen: what each task fills in, its visible checks and hints (released).

Common wrong answers the visible checks catch: a field name spelt differently from the
matrix ("Quick-Win", "Quickwin"), effort 3 taken as low; ideas that are no quick wins in the
list of quick wins; effort ÷ impact instead of impact ÷ effort (the idea with the least
effect per effort), a title not in the table.
"""

from typing import Any

from cjmlib.grading import Task
from cjmlib.grading.answers import Answers
from cjmlib.grading.checks import expect

Data = dict[str, Any]
FIELDS = ("Quick Win", "Großprojekt", "Lückenfüller", "Zeitfresser")


def check_a1(answers: Answers, data: Data) -> None:
    value = answers["quadranten"]
    expect(isinstance(value, dict), "`quadranten` soll ein Dictionary sein: Idee → Feld.")
    expect(
        set(value) == set(data["ideen"]["title"]), "Lass die Titel der Ideen so, wie sie dastehen."
    )
    odd = sorted({v for v in value.values() if v not in FIELDS}, key=str)
    expect(not odd, f"Diese Felder gibt es nicht: {odd}. Erlaubt sind: {', '.join(FIELDS)}.")
    for row in data["ideen"].itertuples(index=False):
        if row.effort == 3 and value[row.title] in ("Quick Win", "Lückenfüller"):
            expect(False, f"Bei „{row.title}“ ist der Aufwand 3 – das zählt schon als hoch.")


def check_a2(answers: Answers, data: Data) -> None:
    value, ideas = answers["quick_wins"], data["ideen"]
    expect(isinstance(value, list), '`quick_wins` soll eine Liste von Titeln sein: `["…", "…"]`.')
    rows = {row.title: row for row in ideas.itertuples(index=False)}
    unknown = [v for v in value if v not in rows]
    expect(not unknown, f"Diese Titel stehen nicht in der Tabelle: {unknown}.")
    wrong = [v for v in value if not (rows[v].impact >= 3 and rows[v].effort < 3)]
    expect(not wrong, f"Kein Quick Win (Wirkung hoch und Aufwand niedrig): {wrong}.")


def check_a3(answers: Answers, data: Data) -> None:
    value, ideas = answers["beste_idee"], data["ideen"]
    expect(
        isinstance(value, str) and value in set(ideas["title"]),
        "`beste_idee` soll der Titel einer Idee sein, genau wie in der Tabelle.",
    )
    worst = ideas.loc[(ideas["effort"] / ideas["impact"]).idxmax(), "title"]
    expect(
        value != worst,
        "Das ist die Idee mit dem meisten Aufwand je Wirkung. Gesucht ist Wirkung ÷ Aufwand – "
        "der größte Wert.",
    )


TASKS = {
    "a1": Task(
        answers=("quadranten",),
        check=check_a1,
        hints=(
            "„Filialbestand in der App anzeigen“: Wirkung 5 (hoch), Aufwand 2 (niedrig) "
            "→ Quick Win.",
        ),
    ),
    "a2": Task(
        answers=("quick_wins",),
        check=check_a2,
        hints=(
            "Nimm aus `quadranten` alle Quick Wins. Sortiere nach Wirkung (größte zuerst); bei "
            "gleicher Wirkung kommt der kleinere Aufwand zuerst.",
        ),
    ),
    "a3": Task(
        answers=("beste_idee",),
        check=check_a3,
        hints=("Wirkung 4 und Aufwand 1 ergeben 4 / 1 = 4.0 – gibt es ein besseres Verhältnis?",),
    ),
}
