"""Übung 9 · A/B-Test: what each task expects (instructor only: never released)."""

from typing import Any

from cjmlib.analytics import ab_test
from cjmlib.grading.answers import Answers
from cjmlib.grading.checks import fail, same_mapping, same_number

Data = dict[str, Any]


def _test(table: Any) -> Any:
    a, b = table.iloc[0], table.iloc[1]
    return ab_test(int(a.kaeufe), int(a.besucher), int(b.kaeufe), int(b.besucher))


def judge_a1(answers: Answers, data: Data) -> None:
    want = {r.variante: r.kaeufe / r.besucher * 100 for r in data["ab_test"].itertuples()}
    same_mapping(answers["raten"], want, "raten", tol=0.006)


def judge_a2(answers: Answers, data: Data) -> None:
    result = _test(data["ab_test"])
    same_number(answers["p_wert"], result.p_value, "p_wert", tol=0.001)
    if answers["signifikant"] is not bool(result.p_value < data["alpha"]):
        fail("decision_off", name="signifikant")


def judge_a3(answers: Answers, data: Data) -> None:
    result = _test(data["ab_test_klein"])
    want = "bestätigt" if result.p_value < data["alpha"] else "unklar"
    hypotheses = list(answers.workbook.hypotheses)
    if len(hypotheses) != 1:
        fail("count_off", name="wb.hypotheses", given=len(hypotheses), expected=1)
    h = hypotheses[0]
    if h.test_method != "A/B-Test" or h.result != want:
        fail("hypothesis_off", name="wb.hypotheses")


JUDGES = {"a1": judge_a1, "a2": judge_a2, "a3": judge_a3}
