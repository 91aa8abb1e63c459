"""Übung 2 · Personas: what each task fills in, its visible checks and hints (released).

Common wrong answers the visible checks catch: the persona under another name (the
"Lena Berger" of an older edition), a list of goals typed as one text, fewer goals or pain
points than the notes list, a persona added twice under different names; in task 3 areas
spelt differently from ``bereiche`` or every area listed.
"""

from typing import Any

from cjmlib.grading import Task
from cjmlib.grading.answers import Answers
from cjmlib.grading.checks import expect
from cjmlib.model import Persona

Data = dict[str, Any]


def _looks_like_notes(answers: Answers, data: Data, var: str, index: int) -> None:
    note = data["interviews"][index]
    name = note["name"]
    expect(
        isinstance(answers[var], Persona),
        f"`{var}` soll die Persona sein, die `wb.personas.add(...)` zurückgibt. Fülle alle "
        "`____` in der Zelle aus und führe sie aus.",
    )
    book = answers.workbook.personas
    expect(
        name in book,
        f"Im Arbeitsbuch fehlt die Persona „{name}“. Prüfe die Schreibweise des Namens.",
    )
    entry = book[name]
    for field, key, label in (
        ("needs_goals", "ziele", "Ziele"),
        ("pain_points", "aergernisse", "Ärgernisse"),
    ):
        expect(
            len(getattr(entry, field)) == len(note[key]),
            f"Die Notiz nennt {len(note[key])} {label}, bei {name} stehen "
            f"{len(getattr(entry, field))}. Schreibe jede Angabe als eigenen Text in die "
            'Liste: `["…", "…"]`.',
        )


def check_a1(answers: Answers, data: Data) -> None:
    _looks_like_notes(answers, data, "lena", 0)


def check_a2(answers: Answers, data: Data) -> None:
    _looks_like_notes(answers, data, "werner", 1)
    how_many = len(answers.workbook.personas)
    expect(
        how_many == 2,
        f"Im Arbeitsbuch stehen {how_many} Personas, es sollen genau zwei sein (Lena und Werner). "
        "Hast du eine Persona unter einem anderen Namen angelegt? Mit "
        '`wb.personas.remove("Name")` entfernst du sie.',
    )


def check_a3(answers: Answers, data: Data) -> None:
    value, allowed = answers["fehlende_bereiche"], data["bereiche"]
    expect(
        isinstance(value, list),
        '`fehlende_bereiche` soll eine Liste sein, z. B. `["Demografie", "Verhalten"]`.',
    )
    unknown = [v for v in value if v not in allowed]
    expect(
        not unknown,
        f"Diese Einträge sind keine Bereiche: {unknown}. Schreibe sie genau wie in "
        f"`bereiche`: {', '.join(allowed)}.",
    )
    expect(
        0 < len(value) < len(allowed),
        "Die Notiz sagt zu manchen Bereichen etwas, zu anderen nichts – es fehlen also "
        "einige, aber nicht alle und nicht keiner.",
    )


TASKS = {
    "a1": Task(
        answers=("lena",),
        check=check_a1,
        hints=(
            "Übernimm jeden Wert aus der Spalte „Lena Hofmann“: Alter ist eine Zahl (`36`), "
            'Beruf und Wohnort sind Texte (`"Augsburg"`), Ziele, Ärgernisse, Kanäle und Geräte '
            'sind Listen (`["Online-Shop", "Filiale", "E-Mail"]`).',
        ),
    ),
    "a2": Task(
        answers=("werner",),
        check=check_a2,
        hints=(
            "Wie Aufgabe 1, nur mit der Spalte „Werner Roth“. Führst du die Zelle nach einer "
            "Korrektur noch einmal aus, wird Werner ersetzt – nicht doppelt angelegt.",
        ),
    ),
    "a3": Task(
        answers=("fehlende_bereiche",),
        check=check_a3,
        hints=(
            "Alter, Beruf und Wohnort gehören zur Demografie; „leichte Ausrüstung“ ist ein Ziel. "
            "Das Zitat sagt etwas über die Person, ist aber keiner der fünf Bereiche.",
            "Gibt die Notiz an, wie und wo Sabine kauft, was sie stört, welche Kanäle sie nutzt?",
        ),
    ),
}
