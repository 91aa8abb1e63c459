"""Übung 3 · Bedürfnisse: what each task fills in, its visible checks and hints (released).

Common wrong answers the visible checks catch: only the gap (importance − satisfaction)
instead of importance + gap, a negative gap kept, importance and satisfaction added;
fewer or more than three names, names spelt differently from the table; a need with a
score of exactly 10 counted as underserved ("über 10").
"""

from typing import Any

from cjmlib.grading import Task
from cjmlib.grading.answers import Answers
from cjmlib.grading.checks import expect

Data = dict[str, Any]


def _names(value: Any, var: str, data: Data) -> None:
    known = list(data["beduerfnisse"]["need"])
    expect(isinstance(value, list), f'`{var}` soll eine Liste von Namen sein: `["…", "…"]`.')
    unknown = [v for v in value if v not in known]
    expect(
        not unknown, f"Diese Namen stehen nicht in der Tabelle: {unknown}. Schreibe sie genau ab."
    )


def check_a1(answers: Answers, data: Data) -> None:
    value, table = answers["chancen"], data["beduerfnisse"]
    expect(isinstance(value, dict), "`chancen` soll ein Dictionary sein: Bedürfnis → Score.")
    expect(set(value) == set(table["need"]), "Lass die Namen der Bedürfnisse so, wie sie dastehen.")
    rows = {r.need: r for r in table.itertuples()}
    gap_only = {n: r.importance - r.satisfaction for n, r in rows.items()}
    summed = {n: r.importance + r.satisfaction for n, r in rows.items()}
    expect(
        value != gap_only,
        "Das ist nur die Lücke. Der Score ist Wichtigkeit **plus** Lücke.",
    )
    expect(
        value != summed,
        "Du hast Wichtigkeit und Zufriedenheit addiert. Der Score ist Wichtigkeit + Lücke.",
    )
    for need, r in rows.items():
        if r.satisfaction > r.importance:
            expect(
                value[need] >= r.importance,
                f"Bei „{need}“ ist die Zufriedenheit höher als die Wichtigkeit: Die Lücke ist dann 0, "
                "nicht negativ – der Score bleibt bei der Wichtigkeit.",
            )


def check_a2(answers: Answers, data: Data) -> None:
    _names(answers["top3"], "top3", data)
    expect(len(answers["top3"]) == 3, "`top3` soll genau drei Namen enthalten.")


def check_a3(answers: Answers, data: Data) -> None:
    _names(answers["unterversorgt"], "unterversorgt", data)
    expect(len(answers.workbook.needs) > 0, "Führe zuerst die Vorbereitungszelle aus.")


TASKS = {
    "a1": Task(
        answers=("chancen",),
        check=check_a1,
        hints=(
            "Wichtigkeit 7, Zufriedenheit 6: Lücke 1, Score 7 + 1 = 8. Wichtigkeit 6, "
            "Zufriedenheit 8: Lücke 0 (nie negativ), Score 6.",
        ),
    ),
    "a2": Task(
        answers=("top3",),
        check=check_a2,
        hints=("Nimm die drei größten Zahlen aus deinem Dictionary `chancen`.",),
    ),
    "a3": Task(
        answers=("unterversorgt",),
        check=check_a3,
        hints=("Alle Bedürfnisse mit einem Score von 11 oder mehr.",),
    ),
}
