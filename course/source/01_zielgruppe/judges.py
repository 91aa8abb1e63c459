"""Übung 1 · Zielgruppe: what each task expects (instructor only: never released).

The grader runs these judges on the answers a submission hands over; the self-study
checks run them too. Each raises ``Incorrect`` with a German message.
"""

from typing import Any

from cjmlib.grading.answers import Answers
from cjmlib.grading.checks import fail, same_mapping, same_number
from cjmlib.model import SEGMENT_CRITERIA

Data = dict[str, Any]

CRITERIA = {
    "demographic": ["altersgruppe", "geschlecht"],
    "geographic": ["region", "wohnort"],
    "psychographic": ["lebensstil"],
    "behavioural": ["kaeufe_pro_jahr", "lieblingskanal"],
    "technographic": ["geraet"],
}


def judge_a1(answers: Answers, data: Data) -> None:
    kunden, value = data["kunden"], answers["anteil_grossstadt"]
    if isinstance(value, int | float) and 0 < value <= 1:
        fail("percent_not_fraction", name="anteil_grossstadt")
    want = (kunden["wohnort"] == "Großstadt").mean() * 100
    same_number(value, want, "anteil_grossstadt", tol=0.06)


def judge_a2(answers: Answers, data: Data) -> None:
    same_mapping(answers["kriterien"], CRITERIA, "kriterien", as_sets=True)


def judge_a3(answers: Answers, data: Data) -> None:
    segment, kunden = answers["segment"], data["kunden"]
    empty = [c for c in SEGMENT_CRITERIA if not getattr(segment, c)]
    if empty:
        fail("criteria_empty", name="segment", criteria=", ".join(empty))
    if segment.share_percent is None:
        fail("field_missing", name="segment", field="share_percent")
    digital = (kunden["kaeufe_pro_jahr"] >= 7) & (kunden["geraet"] == "Smartphone")
    same_number(segment.share_percent, digital.mean() * 100, "segment.share_percent", tol=0.06)


JUDGES = {"a1": judge_a1, "a2": judge_a2, "a3": judge_a3}
CORRECT = {"a1": "Genau – gut die Hälfte der Kundschaft wohnt in Großstädten."}
