"""Übung 3 · Bedürfnisse: what each task fills in, its visible checks and hints (released).

Common wrong answers the visible checks catch: scores typed as text ("12"), only the gap
(importance − satisfaction) instead of importance + gap, importance and satisfaction
added, a negative gap kept where satisfaction is above importance; names spelt
differently from the table, a score of exactly 10 counted as underserved ("über 10");
a statement not taken from the interview or taken twice, the need added a second time
instead of completed. (Which statement answers which guiding question is left to the
judge: a visible check for it would give the answer away.)
"""

from typing import Any

from cjmlib.grading import Task
from cjmlib.grading.answers import Answers
from cjmlib.grading.checks import expect, same_text
from cjmlib.model import Need

Data = dict[str, Any]


def _scores(data: Data) -> dict[str, tuple[int, int]]:
    return {r.need: (r.importance, r.satisfaction) for r in data["beduerfnisse"].itertuples()}


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def check_a1(answers: Answers, data: Data) -> None:
    value, rows = answers["chancen"], _scores(data)
    expect(
        isinstance(value, dict),
        "`chancen` soll ein Dictionary sein: Bedürfnis → Score, wie in der Zelle vorgegeben.",
    )
    missing = [n for n in rows if n not in value]
    extra = [n for n in value if n not in rows]
    expect(
        not missing and not extra,
        f"Lass die Namen der Bedürfnisse so stehen, wie sie vorgegeben sind. Es fehlen: "
        f"{missing or 'keine'}; nicht in der Tabelle: {extra or 'keine'}.",
    )
    texts = [n for n, v in value.items() if not _number(v)]
    expect(
        not texts,
        f'Die Scores sind Zahlen, ohne Anführungszeichen (`12`, nicht `"12"`): {texts}.',
    )

    def most(pattern: dict[str, int]) -> bool:
        return sum(value[n] == v for n, v in pattern.items()) > len(rows) // 2

    expect(
        not most({n: i - s for n, (i, s) in rows.items()}),
        "Das ist nur die Lücke (Wichtigkeit − Zufriedenheit). Der Opportunity-Score ist "
        "Wichtigkeit **plus** Lücke: 9 und 4 ergeben 9 + 5 = 14.",
    )
    expect(
        not most({n: i + s for n, (i, s) in rows.items()}),
        "Du hast Wichtigkeit und Zufriedenheit addiert. Der Opportunity-Score ist "
        "Wichtigkeit plus Lücke (Wichtigkeit − Zufriedenheit).",
    )
    for need, (importance, satisfaction) in rows.items():
        expect(
            satisfaction <= importance or value[need] >= importance,
            f"Bei „{need}“ ist die Zufriedenheit höher als die Wichtigkeit: Die Lücke ist dann "
            "0, nicht negativ – der Score bleibt bei der Wichtigkeit.",
        )


def check_a2(answers: Answers, data: Data) -> None:
    value, rows = answers["unterversorgt"], _scores(data)
    expect(
        isinstance(value, list),
        '`unterversorgt` soll eine Liste von Namen sein, z. B. `["Klare Preise"]`.',
    )
    unknown = [v for v in value if v not in rows]
    expect(
        not unknown,
        f"Diese Namen stehen nicht in der Tabelle: {unknown}. Schreibe sie genau so, wie sie "
        "in der Tabelle stehen.",
    )
    expect(len(set(value)) == len(value), "In `unterversorgt` steht ein Name doppelt.")
    ten = [n for n in value if rows[n][0] + max(rows[n][0] - rows[n][1], 0) == 10]
    expect(
        not ten,
        f"„{', '.join(ten)}“ hat einen Score von genau 10. Unterversorgt heißt **über** 10.",
    )


def check_a3(answers: Answers, data: Data) -> None:
    value = answers["verfuegbarkeit"]
    expect(
        isinstance(value, Need),
        "`verfuegbarkeit` soll das Bedürfnis sein, das `wb.needs.update(...)` zurückgibt. "
        "Fülle alle `____` in der Zelle aus und führe sie aus.",
    )
    count, want = len(answers.workbook.needs), len(data["beduerfnisse"])
    expect(
        count == want,
        f"Im Arbeitsbuch stehen {count} Bedürfnisse, die Umfrage hat {want}. Ergänze das "
        "vorhandene Bedürfnis mit `wb.needs.update(...)`, statt ein neues anzulegen.",
    )
    labels, picked = Need.labels(), []
    for field in ("expectation", "exceed", "related_products"):
        said = [i for i, s in enumerate(data["aussagen"]) if same_text(getattr(value, field), s)]
        expect(
            bool(said),
            f"Im Feld „{labels[field]}“ (`{field}`) steht keine der Aussagen aus dem Interview. "
            "Schreibe die Aussage genau ab oder nimm sie aus `aussagen`, z. B. `aussagen[3]`.",
        )
        picked += said
    expect(len(set(picked)) == len(picked), "Nimm für jedes Feld eine andere Aussage.")


TASKS = {
    "a1": Task(
        answers=("chancen",),
        check=check_a1,
        hints=(
            "Zuerst die Lücke: Wichtigkeit − Zufriedenheit, aber nie unter 0. Dann Wichtigkeit + "
            "Lücke. Wichtigkeit 7, Zufriedenheit 6: 7 + 1 = 8. Wichtigkeit 6, Zufriedenheit 8: "
            "Lücke 0, Score 6.",
        ),
    ),
    "a2": Task(
        answers=("unterversorgt",),
        check=check_a2,
        hints=(
            "Geh dein Dictionary `chancen` durch: Jedes Bedürfnis mit einem Score von 11 oder "
            "mehr gehört in die Liste.",
        ),
    ),
    "a3": Task(
        answers=("verfuegbarkeit",),
        check=check_a3,
        hints=(
            "Erwartung: was Lena als selbstverständlich voraussetzt. Übertreffen: was sie "
            "positiv überraschen würde. Weitere Produkte: was sie zusätzlich kaufen würde. "
            "`aussagen[1]` ist die erste Aussage der Tabelle.",
        ),
    ),
}
