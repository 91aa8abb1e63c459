"""Übung 9 · A/B-Test: what each task fills in, its visible checks and hints (released).

Common wrong answers the visible checks catch: rates as fractions (0.13) instead of
percent, or visitors divided by purchases (task 1); the p-value typed with a comma as a
text, or the 5 % limit typed instead of the p-value (task 2); a non-significant small test
recorded as "widerlegt" – "not significant" does not mean "no effect" (task 3).
"""

from typing import Any

from cjmlib.grading import Task
from cjmlib.grading.answers import Answers
from cjmlib.grading.checks import expect
from cjmlib.model import Hypothesis

Data = dict[str, Any]


def check_a1(answers: Answers, data: Data) -> None:
    value = answers["raten"]
    expect(
        isinstance(value, dict) and set(value) == {"A", "B"},
        "`raten` braucht die Schlüssel A und B.",
    )
    expect(
        all(isinstance(v, int | float) and not isinstance(v, bool) for v in value.values()),
        "Die Raten sind Zahlen, ohne Anführungszeichen.",
    )
    expect(
        not all(v < 1 for v in value.values()),
        "Das sind Anteile, keine Prozente: Multipliziere mit 100.",
    )
    expect(
        all(v <= 100 for v in value.values()),
        "Eine Rate über 100 % – hast du Besucher durch Käufe geteilt? Es heißt Käufe ÷ Besucher.",
    )


def check_a2(answers: Answers, data: Data) -> None:
    p, significant = answers["p_wert"], answers["signifikant"]
    expect(
        isinstance(p, int | float) and not isinstance(p, bool),
        "`p_wert` soll eine Zahl sein, mit Punkt statt Komma und ohne Anführungszeichen: `0.5`.",
    )
    expect(0 <= p <= 1, "Ein p-Wert liegt zwischen 0 und 1.")
    expect(p != data["alpha"], "0,05 ist die Grenze (`alpha`), nicht der p-Wert des Tests.")
    expect(
        isinstance(significant, bool),
        "`signifikant` ist `True` oder `False` (ohne Anführungszeichen).",
    )
    expect(
        significant == (p < data["alpha"]),
        "`signifikant` passt nicht zu deinem p-Wert: Signifikant heißt p-Wert unter 0,05.",
    )


def check_a3(answers: Answers, data: Data) -> None:
    value = answers["test_versand_hypothese"]
    expect(
        isinstance(value, Hypothesis),
        "`test_versand_hypothese` soll die Hypothese sein, die `wb.hypotheses.add(...)` "
        "zurückgibt.",
    )
    expect(
        value.result != "widerlegt",
        "Der Test ist nicht signifikant – aber das heißt nicht „kein Effekt“. Widerlegt wäre die "
        "Hypothese erst, wenn die Daten zeigen, dass B nicht besser ist.",
    )
    expect(value.result != "offen", "Trage das Ergebnis des Tests ein, nicht „offen“.")


TASKS = {
    "a1": Task(
        answers=("raten",),
        check=check_a1,
        hints=('`{"A": 312 / 2400 * 100, "B": ...}` – für B die Zahlen aus der Zeile B.',),
    ),
    "a2": Task(
        answers=("p_wert", "signifikant"),
        check=check_a2,
        hints=("Im Text steht „p = 0,0…“. Schreibe die Zahl mit Punkt: `0.0…`.",),
    ),
    "a3": Task(
        answers=("test_versand_hypothese",),
        check=check_a3,
        hints=(
            "Lies den Text unter der Tabelle: Ist der Unterschied signifikant? Was sagt der Text "
            "über die Größe des Tests?",
        ),
    ),
}
