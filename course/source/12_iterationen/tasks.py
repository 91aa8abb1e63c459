"""Übung 12 · Das Review der Map: what each task fills in, its checks and hints (released)."""

from typing import Any

from cjmlib.grading import Task
from cjmlib.grading.answers import Answers
from cjmlib.grading.checks import expect
from cjmlib.model import EvidenceRule, Verification, claims_of

Data = dict[str, Any]


def statement_names(answers: Answers) -> dict[str, str]:
    """``target -> name`` of the map's statements, as the table `aussagen` shows them."""
    return {c.target: c.name for c in claims_of(answers.workbook.project)}


def check_a1(answers: Answers, data: Data) -> None:
    value = answers["neue_regeln"]
    expect(isinstance(value, list), "`neue_regeln` soll eine Liste sein.")
    expect(len(value) == 3, "Hefte alle drei Regeln aus `regeln_neu` an: drei Einträge.")
    expect(
        all(isinstance(r, EvidenceRule) for r in value),
        "In `neue_regeln` gehört, was `wb.evidence_rules.add(...)` zurückgibt.",
    )
    expect(
        len({r.id for r in value}) == 3,
        "In `neue_regeln` steht dieselbe Regel zweimal. Nimm je eine Zeile für "
        '`regeln_neu["hotline"]`, `regeln_neu["warenkorb"]` und `regeln_neu["verfuegbarkeit"]`.',
    )
    names = statement_names(answers)
    for i, first in enumerate(value):
        for second in value[i + 1 :]:
            expect(
                first.target != second.target,
                "Zwei Regeln in `neue_regeln` hängen an derselben Aussage "
                f"„{names.get(first.target, first.target)}“: „{first.title}“ und "
                f"„{second.title}“. Jede Regel belegt eine eigene Aussage – lies in der "
                "Tabelle oben noch einmal, was die zweite misst.",
            )


def check_a2(answers: Answers, data: Data) -> None:
    for name in ("juli", "januar"):
        expect(
            isinstance(answers[name], Verification),
            f"`{name}` soll das Ergebnis von `verify_map(...)` sein.",
        )
    expect(
        answers["januar"].title == "Export Januar 2027",
        "Gib der zweiten Prüfung den Titel „Export Januar 2027“.",
    )


def check_a3(answers: Answers, data: Data) -> None:
    for name in ("widerlegt", "veraltet"):
        expect(isinstance(answers[name], list), f"`{name}` soll eine Liste sein.")
        expect(
            all(isinstance(v, str) for v in answers[name]),
            f"In `{name}` stehen die Aussagen als Text, so wie in der Spalte „Aussage“.",
        )


def check_a4(answers: Answers, data: Data) -> None:
    expect(isinstance(answers["zuerst"], str), "`zuerst` soll der Text einer Aussage sein.")
    value = answers["geaendert"]
    expect(
        isinstance(value, int) and not isinstance(value, bool), "`geaendert` soll eine Zahl sein."
    )


TASKS = {
    "a1": Task(
        answers=("neue_regeln",),
        check=check_a1,
        hints=(
            "Die Spalte „Art der Aussage“ in der Aufgabe sagt dir, in welchen Zeilen der Tabelle "
            "`aussagen` du suchst. Dort findest du die Aussage, die zum Titel der Regel passt, "
            "und schreibst ihren Namen in Anführungszeichen: "
            '`target="Name der Aussage"`.',
            "Die Warteschleife ist nicht der Anruf selbst, und der Checkout-Aufwand steckt im "
            "Warenkorb; die offene Frage zur Verfügbarkeit ist ein Pain Point, keine Emotion.",
        ),
    ),
    "a2": Task(
        answers=("juli", "januar"),
        check=check_a2,
        hints=(
            "Wie in Kapitel 12: `verify_map(wb, events=..., survey=..., feedback=..., "
            'title="...", today="...")`.',
            "Ohne `today=` zählt der heutige Tag – dann sind die Beispieldaten zu alt.",
        ),
    ),
    "a3": Task(
        answers=("widerlegt", "veraltet"),
        check=check_a3,
        hints=("Lies die Spalten „Aussage“ und „Status“ der Tabelle zur Prüfung vom Januar.",),
    ),
    "a4": Task(
        answers=("zuerst", "geaendert"),
        check=check_a4,
        hints=(
            "Die Tabelle „Was zuerst drankommt“ ist schon sortiert; `geaendert` steht im Satz "
            "über dem Vergleich.",
        ),
    ),
}
