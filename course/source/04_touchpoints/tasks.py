"""Übung 4 · Touchpoints: what each task fills in, its visible checks and hints (released).

Common wrong answers the visible checks catch: the hidden touchpoint not marked hidden or
in another phase than the return; a touchpoint with emotion 0 counted as negative; the
touchpoints with relevance 5 taken as the moments of truth (chapter 4 defines them by
their effect on the purchase, not by relevance); names spelt differently from the table.
"""

from typing import Any

from cjmlib.grading import Task
from cjmlib.grading.answers import Answers
from cjmlib.grading.checks import expect
from cjmlib.model import Touchpoint

Data = dict[str, Any]


def _names(value: Any, var: str, known: list[str]) -> None:
    expect(
        isinstance(value, list),
        f'`{var}` soll eine Liste von Namen sein, z. B. `["Checkout im Shop"]`.',
    )
    unknown = [v for v in value if v not in known]
    expect(
        not unknown,
        f"Diese Namen stehen nicht in der Tabelle: {unknown}. Kopiere die Namen genau so, "
        "wie sie in der Tabelle stehen.",
    )


def check_a1(answers: Answers, data: Data) -> None:
    value = answers["warteschleife"]
    expect(
        isinstance(value, Touchpoint),
        "`warteschleife` soll der Touchpoint sein, den `wb.touchpoints.add(...)` zurückgibt.",
    )
    expect(value.hidden, "Markiere den Touchpoint als versteckt: `hidden=True`.")
    expect(
        value.phase == "nachkauf",
        'Die Warteschleife gehört zur Rücksendung – in dieselbe Phase (`"Nachkauf"`).',
    )
    count = len(answers.workbook.touchpoints)
    expect(
        count == len(data["touchpoints"]) + 1,
        f"Im Arbeitsbuch stehen {count} Touchpoints; erwartet sind die "
        f"{len(data['touchpoints'])} der Inventur und die Warteschleife.",
    )


def check_a2(answers: Answers, data: Data) -> None:
    tps = data["touchpoints"]
    _names(answers["kritisch"], "kritisch", list(tps["name"]))
    neutral = set(tps.loc[tps["emotion"] == 0, "name"])
    expect(
        not neutral & set(answers["kritisch"]),
        "Eine Emotion von 0 ist neutral, nicht negativ: Nimm nur Touchpoints mit Emotion unter 0.",
    )


def check_a3(answers: Answers, data: Data) -> None:
    tps = data["touchpoints"]
    _names(answers["momente"], "momente", list(data["vergleich"]["touchpoint"]))
    relevance5 = set(tps.loc[tps["relevance"] == 5, "name"]) & set(data["vergleich"]["touchpoint"])
    expect(
        set(answers["momente"]) != relevance5,
        "Das sind die Touchpoints mit Relevanz 5. Ein Moment der Wahrheit entscheidet über den "
        "Kauf: Vergleiche die Conversion-Raten mit und ohne Touchpoint.",
    )


TASKS = {
    "a1": Task(
        answers=("warteschleife",),
        check=check_a1,
        hints=(
            'Texte in Anführungszeichen (`"Hotline"`), Zahlen ohne (`4`, `-2`), und `True` '
            "ohne Anführungszeichen. Die Kollegin sagt „richtig verärgert“ – welche Emotion "
            "passt dazu?",
        ),
    ),
    "a2": Task(
        answers=("kritisch",),
        check=check_a2,
        hints=(
            "Gehe die Tabelle Zeile für Zeile durch: Relevanz 4 oder 5 **und** Emotion −1 oder −2.",
        ),
    ),
    "a3": Task(
        answers=("momente",),
        check=check_a3,
        hints=(
            "Rechne je Zeile „Conversion-Rate mit“ minus „Conversion-Rate ohne“. Nimm die "
            "Touchpoints, bei denen der Unterschied 10 oder mehr ist.",
        ),
    ),
}
