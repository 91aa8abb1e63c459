"""The capstone assignment's automatic grade: one task per completeness check.

``course/source/13_abschlussprojekt`` grades the completeness of the trainee's own
workbook (:func:`cjmlib.workbook.completeness.capstone_checks`). Each check is one task,
worth the check's points, so the autograded total equals
:func:`~cjmlib.workbook.completeness.completeness_score`. Completeness is no secret: the
visible check (``tasks.py``) and the judge (``judges.py``) ask the same question, built
here once, and a failed check says in German what is missing and which chapter does it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from cjmlib.grading.answers import Answers
from cjmlib.grading.checks import NotAttempted, expect
from cjmlib.messages import t
from cjmlib.workbook.completeness import CHECKS, IST_SNAPSHOT, IST_SOLL, capstone_checks

#: The completeness checks in the order of the report (the as-is / to-be pair last).
PARTS: tuple[str, ...] = (*CHECKS, IST_SOLL[0])
#: Points of each part (the check's weight in ``completeness_score``).
POINTS: dict[str, int] = {key: points for key, (_ch, points, _run) in CHECKS.items()} | {
    IST_SOLL[0]: IST_SOLL[2]
}


def part_check(key: str) -> Callable[[Answers, dict[str, Any]], None]:
    """The check of one part of the capstone, on the workbook the trainee hands in."""
    if key not in POINTS:
        raise KeyError(key)

    def check(answers: Answers, data: dict[str, Any]) -> None:
        if not answers.has_workbook:  # task 1 (``wb = ____``) not done yet
            raise NotAttempted(t("capstone_start.not_bound"))
        ist = data.get("ist_snapshot", IST_SNAPSHOT)
        found = {c.key: c for c in capstone_checks(answers.workbook, ist=ist)}
        expect(found[key].passed, found[key].message)

    check.__name__ = f"check_{key}"
    return check
