"""Übung 7 · Pain Points: what each task expects (instructor only: never released)."""

from typing import Any

from cjmlib.analytics import funnel
from cjmlib.grading.answers import Answers
from cjmlib.grading.checks import fail, same_items, same_mapping

Data = dict[str, Any]


def pain_scores(data: Data) -> dict[str, float]:
    """Per phase: drop-off rate of the funnel plus the share of negative feedback."""
    rates = funnel(data["events"], data["phasen"]).set_index("label")["drop_off_rate"]
    feedback = data["feedback"]
    share = feedback.groupby("phase")["sentiment"].apply(lambda s: float((s < 0).mean()))
    return {p: float(rates[p]) + float(share.get(p, 0.0)) for p in data["phasen"]}


def judge_a1(answers: Answers, data: Data) -> None:
    feedback = data["feedback"]
    want = feedback[feedback["sentiment"] < 0]["touchpoint_id"].value_counts()
    same_mapping(
        {str(k): int(v) for k, v in answers["negativ"].items()},
        {str(k): int(v) for k, v in want.items()},
        "negativ",
    )


def judge_a2(answers: Answers, data: Data) -> None:
    value, scores = answers["rangliste"], pain_scores(data)
    for phase, score in zip(value["phase"], value["score"], strict=True):
        if phase not in scores or abs(float(score) - scores[phase]) > 0.001:
            fail("value_off", name="rangliste", key=phase)
    order = sorted(scores, key=lambda p: -scores[p])
    same_items(value["phase"].tolist(), order, "rangliste['phase']", ordered=True)
    if list(value.index) != list(range(len(value))):
        fail("index_reset", name="rangliste")


def judge_a3(answers: Answers, data: Data) -> None:
    scores = pain_scores(data)
    pain_points = list(answers.workbook.pain_points)
    if len(pain_points) != 1:
        fail("count_off", name="wb.pain_points", given=len(pain_points), expected=1)
    pain = pain_points[0]
    if pain.phase != max(scores, key=lambda p: scores[p]):
        fail("field_off", name="schwachstelle", field="phase")
    if pain.category != "Abbruch" or pain.severity < 4:
        fail("field_off", name="schwachstelle", field="category/severity")
    if not {"Web-Analyse", "Kundenfeedback"} <= {e.kind for e in pain.evidence}:
        fail("evidence_two", name="schwachstelle")


JUDGES = {"a1": judge_a1, "a2": judge_a2, "a3": judge_a3}
