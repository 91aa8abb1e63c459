"""Übung 11 · Maßnahmenplan: what each task fills in, its visible checks and hints (released).

Common wrong answers the visible checks catch: a date in German form ("01.06.2026") or
fields left out of the action; ideas with low impact (Lückenfüller, Zeitfresser) or ideas
that already have an action counted as "without action"; done actions or actions due after
the cut-off day counted as overdue; titles spelt differently from the tables.
"""

import datetime as dt
from typing import Any

from cjmlib.grading import Task
from cjmlib.grading.answers import Answers
from cjmlib.grading.checks import expect
from cjmlib.model import Action

Data = dict[str, Any]


def _titles(value: Any, var: str, known: set[str]) -> None:
    expect(isinstance(value, list), f'`{var}` soll eine Liste von Titeln sein: `["…", "…"]`.')
    unknown = [v for v in value if v not in known]
    expect(not unknown, f"Diese Titel stehen nicht in der Tabelle: {unknown}.")


def check_a1(answers: Answers, data: Data) -> None:
    value = answers["chatbot"]
    expect(
        isinstance(value, Action),
        "`chatbot` soll die Maßnahme sein, die `wb.actions.add(...)` zurückgibt.",
    )
    count = len(answers.workbook.actions)
    expect(
        count == len(data["massnahmen"]),
        f"Im Arbeitsbuch stehen {count} Maßnahmen, erwartet sind vier.",
    )


def check_a2(answers: Answers, data: Data) -> None:
    ideas = data["ideen"]
    _titles(answers["ohne_massnahme"], "ohne_massnahme", set(ideas["title"]))
    low = set(ideas.loc[ideas["impact"] < 3, "title"])
    expect(
        not low & set(answers["ohne_massnahme"]),
        "Gefragt sind nur Quick Wins und Großprojekte (Wirkung 3 oder mehr).",
    )
    planned_for = {row["loesung"] for row in data["massnahmen"]}
    expect(
        not planned_for & set(answers["ohne_massnahme"]),
        "Mindestens eine dieser Ideen hat schon eine Maßnahme (Spalte „zur Lösung“).",
    )


def check_a3(answers: Answers, data: Data) -> None:
    plan = {m["title"]: m for m in data["massnahmen"]}
    _titles(answers["ueberfaellig"], "ueberfaellig", set(plan))
    cutoff = dt.date.fromisoformat(str(data["stichtag"]))
    done = [t for t in answers["ueberfaellig"] if plan[t]["status"] == "erledigt"]
    expect(not done, f"Erledigte Maßnahmen sind nicht überfällig: {done}.")
    later = [t for t in answers["ueberfaellig"] if dt.date.fromisoformat(plan[t]["due"]) >= cutoff]
    expect(not later, f"Diese sind erst am oder nach dem Stichtag fällig: {later}.")


TASKS = {
    "a1": Task(
        answers=("chatbot",),
        check=check_a1,
        hints=(
            "Übernimm die Zeile „Chatbot-Pilot“: Texte in Anführungszeichen, das Datum als "
            '`"2026-06-01"`.',
        ),
    ),
    "a2": Task(
        answers=("ohne_massnahme",),
        check=check_a2,
        hints=(
            "Geh die Ideen mit Wirkung 3 oder mehr durch und streiche die, deren Titel in der "
            "Spalte „zur Lösung“ des Plans vorkommt.",
        ),
    ),
    "a3": Task(
        answers=("ueberfaellig",),
        check=check_a3,
        hints=("Fälligkeit vor dem 30.06.2026 **und** Stand nicht „erledigt“.",),
    ),
}
