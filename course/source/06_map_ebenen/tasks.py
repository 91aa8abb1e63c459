"""Übung 6 · Map-Ebenen: what each task fills in, its visible checks and hints (released).

Common wrong answers the visible checks catch: the sum of the emotions instead of their
mean (values outside −2..+2), texts instead of numbers; the phase with the highest emotion
or a touchpoint instead of a phase as the low point; departments typed as one text instead
of a list, or departments that are not in the table.
"""

from typing import Any

from cjmlib.grading import Task
from cjmlib.grading.answers import Answers
from cjmlib.grading.checks import expect

Data = dict[str, Any]


def check_a1(answers: Answers, data: Data) -> None:
    value = answers["emotionskurve"]
    expect(isinstance(value, dict), "`emotionskurve` soll ein Dictionary sein: Phase → Zahl.")
    expect(
        all(isinstance(v, int | float) and not isinstance(v, bool) for v in value.values()),
        "Die Werte sind Zahlen, ohne Anführungszeichen, mit Punkt statt Komma: `0.5`.",
    )
    expect(
        all(-2 <= v <= 2 for v in value.values()),
        "Ein Mittelwert der Emotion liegt zwischen −2 und +2. Hast du die Summe eingetragen? "
        "Teile durch die Zahl der Touchpoints der Phase.",
    )


def check_a2(answers: Answers, data: Data) -> None:
    value, phases = answers["tiefpunkt"], list(dict.fromkeys(data["touchpoints"]["phase"]))
    expect(
        isinstance(value, str) and value in phases,
        f"`tiefpunkt` soll der Name einer Phase sein: {', '.join(phases)}.",
    )
    curve = data["touchpoints"].groupby("phase")["emotion"].mean()
    expect(
        value != curve.idxmax(),
        "Das ist der Höhepunkt der Kurve. Gesucht ist die Phase mit der niedrigsten Emotion.",
    )


def check_a3(answers: Answers, data: Data) -> None:
    value, known = answers["hinterbuehne"], set(data["touchpoints"]["department"])
    expect(isinstance(value, dict), "`hinterbuehne` soll ein Dictionary sein: Phase → Liste.")
    expect(
        all(isinstance(v, list) for v in value.values()),
        'Jeder Wert ist eine Liste, auch bei nur einer Abteilung: `["Marketing"]`.',
    )
    unknown = sorted({d for v in value.values() for d in v} - known)
    expect(not unknown, f"Diese Abteilungen stehen nicht in der Tabelle: {unknown}.")


TASKS = {
    "a1": Task(
        answers=("emotionskurve",),
        check=check_a1,
        hints=("Bewusstsein hat zwei Touchpoints mit Emotion 1 und 0: `(1 + 0) / 2`.",),
    ),
    "a2": Task(
        answers=("tiefpunkt",),
        check=check_a2,
        hints=("Nimm aus deiner `emotionskurve` die Phase mit dem kleinsten Wert.",),
    ),
    "a3": Task(
        answers=("hinterbuehne",),
        check=check_a3,
        hints=("Geh die Tabelle Phase für Phase durch und schreib jede Abteilung einmal auf.",),
    ),
}
