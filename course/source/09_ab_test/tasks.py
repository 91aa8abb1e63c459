"""Übung 9 · A/B-Test: what each task fills in, its visible checks and hints (released)."""

from typing import Any

from cjmlib.grading import Task
from cjmlib.grading.answers import Answers
from cjmlib.grading.checks import expect

Data = dict[str, Any]


def check_a1(answers: Answers, data: Data) -> None:
    value = answers["raten"]
    expect(isinstance(value, dict), "`raten` soll ein Dictionary sein.")
    expect(set(value) == {"A", "B"}, 'Schlüssel: "A" und "B".')


def check_a2(answers: Answers, data: Data) -> None:
    value = answers["p_wert"]
    expect(isinstance(value, float), "`p_wert` soll eine Kommazahl sein.")
    expect(0 <= value <= 1, "Ein p-Wert liegt zwischen 0 und 1.")


def check_a3(answers: Answers, data: Data) -> None:
    expect(answers["entscheidung"] in ("A", "B"), '`entscheidung` soll "A" oder "B" sein.')
    expect(
        len(answers.workbook.hypotheses) >= 1,
        "Halte den Test als Hypothese im Arbeitsbuch fest.",
    )


TASKS = {
    "a1": Task(
        answers=("raten",),
        check=check_a1,
        hints=(
            "Gehe mit `ab_test.itertuples()` durch die Zeilen: "
            "`zeile.kaeufe / zeile.besucher * 100`.",
        ),
    ),
    "a2": Task(
        answers=("p_wert",),
        check=check_a2,
        hints=(
            "`proportions_ztest` bekommt zwei Listen: die Käufe und die Besucher beider "
            "Varianten; es liefert (z, p).",
        ),
    ),
    "a3": Task(
        answers=("entscheidung",),
        check=check_a3,
        hints=('Beide Bedingungen müssen gelten: `p_wert < alpha` und `raten["B"] > raten["A"]`.',),
    ),
}
