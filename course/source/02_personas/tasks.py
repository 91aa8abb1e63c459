"""Übung 2 · Personas: what each task fills in, its visible checks and hints (released)."""

from typing import Any

from cjmlib.grading import Task
from cjmlib.grading.answers import Answers
from cjmlib.grading.checks import expect
from cjmlib.model import Persona

Data = dict[str, Any]


def check_a1(answers: Answers, data: Data) -> None:
    expect(
        isinstance(answers["lena"], Persona),
        "`lena` soll die Persona sein, die `wb.personas.add(...)` zurückgibt.",
    )
    expect(
        "Lena Berger" in answers.workbook.personas,
        "Im Arbeitsbuch fehlt die Persona „Lena Berger“.",
    )


def check_a2(answers: Answers, data: Data) -> None:
    expect(isinstance(answers["werner"], Persona), "`werner` soll eine Persona sein.")
    expect(len(answers.workbook.personas) == 2, "Im Arbeitsbuch sollen genau zwei Personas stehen.")


def check_a3(answers: Answers, data: Data) -> None:
    expect(
        isinstance(answers["fehlermeldung"], str),
        "`fehlermeldung` soll der Text des Fehlers sein.",
    )


TASKS = {
    "a1": Task(
        answers=("lena",),
        check=check_a1,
        hints=(
            "Übernimm die Felder aus `interviews[0]` in `wb.personas.add(name=..., age=..., ...)`; "
            "Listen wie `ziele` kannst du direkt übergeben.",
        ),
    ),
    "a2": Task(
        answers=("werner",),
        check=check_a2,
        hints=(
            "Wie Aufgabe 1, nur mit `interviews[1]`. Lege Werner nur einmal an – sonst stehen zu "
            "viele Personas im Arbeitsbuch.",
        ),
    ),
    "a3": Task(
        answers=("fehlermeldung",),
        check=check_a3,
        hints=(
            "`try:` mit dem `add`-Aufruf, darunter `except CJMError as fehler:` und "
            "`fehlermeldung = str(fehler)`.",
        ),
    ),
}
