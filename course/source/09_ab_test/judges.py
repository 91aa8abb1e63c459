"""Übung 9 · A/B-Test: what each task expects (instructor only: never released)."""

import math
from typing import Any

from cjmlib.grading.answers import Answers
from cjmlib.grading.checks import fail, same_mapping, same_number

Data = dict[str, Any]


def p_value(data: Data) -> float:
    """Two-sided p-value of the two-proportion z-test (pooled), as ``proportions_ztest``."""
    ab = data["ab_test"]
    k, n = ab["kaeufe"].to_numpy(), ab["besucher"].to_numpy()
    p = k.sum() / n.sum()
    z = (k[0] / n[0] - k[1] / n[1]) / math.sqrt(p * (1 - p) * (1 / n[0] + 1 / n[1]))
    return math.erfc(abs(z) / math.sqrt(2))


def judge_a1(answers: Answers, data: Data) -> None:
    value = answers["raten"]
    want = {r.variante: r.kaeufe / r.besucher * 100 for r in data["ab_test"].itertuples()}
    if all(isinstance(v, int | float) and v < 1 for v in value.values()):
        fail("percent_not_fraction", name="raten")
    same_mapping(value, want, "raten", tol=0.006)


def judge_a2(answers: Answers, data: Data) -> None:
    same_number(answers["p_wert"], p_value(data), "p_wert", tol=1e-4)


def judge_a3(answers: Answers, data: Data) -> None:
    if answers["entscheidung"] != "B":
        fail("decision_off", name="entscheidung")
    hypotheses = list(answers.workbook.hypotheses)
    if len(hypotheses) != 1:
        fail("count_off", name="wb.hypotheses", given=len(hypotheses), expected=1)
    h = hypotheses[0]
    if h.test_method != "A/B-Test" or h.result != "bestätigt" or not h.metric:
        fail("hypothesis_off", name="wb.hypotheses")


JUDGES = {"a1": judge_a1, "a2": judge_a2, "a3": judge_a3}
