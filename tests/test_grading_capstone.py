"""The capstone assignment graded by real nbgrader (``course/source/13_abschlussprojekt``).

Four submissions, autograded once (through cjmlib.grading.parallel) in a temporary copy
of the course:

* ``referenz``: the reference solution (a complete copy of the sample project with an
  as-is snapshot and a to-be state) scores the full 20 automatic points;
* ``leer``: the untouched release scores 0 and leaves nothing to grade by hand;
* ``ohne-ist-map``: the reference without the "Ist-Map" snapshot loses exactly the two
  points of that check;
* ``eigenes-arbeitsbuch``: the way a trainee hands in on a hub – the own workbook file
  copied into the assignment folder and opened with ``Workbook.open`` – scores what
  ``completeness_score`` says for that workbook.

The quality part is six manual rubric cells; the reference leaves exactly them to grade.
"""

from __future__ import annotations

import pytest
from nbgrader.api import Gradebook

from cjmlib import datasets
from cjmlib.grading import classroom, parallel
from cjmlib.grading.capstone import PARTS, POINTS
from cjmlib.workbook.completeness import RUBRIC_POINTS, completeness_score

NAME = "13_abschlussprojekt"
SOLUTION = "arbeitsbuch_loesung"


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    course = classroom.make_course(tmp_path_factory.mktemp("klasse") / "course", [NAME])
    release = classroom.release_notebook(course, NAME)
    reference = classroom.reference_answers(course, NAME)
    classroom.submit(course, "referenz", NAME, classroom.with_answers(release, reference))
    classroom.submit(course, "leer", NAME, release)
    no_ist = {SOLUTION: reference[SOLUTION].replace("wb.snapshot(IST_SNAPSHOT)\n", "")}
    assert no_ist[SOLUTION] != reference[SOLUTION]
    classroom.submit(course, "ohne-ist-map", NAME, classroom.with_answers(release, no_ist))
    own = {SOLUTION: 'wb = Workbook.open("mein_projekt.cjm.json")'}
    folder = classroom.submit(
        course, "eigenes-arbeitsbuch", NAME, classroom.with_answers(release, own)
    )
    # A trainee half way through: the bank's project without tested assumptions and
    # reviews, and no as-is snapshot yet.
    trainee = datasets.open_workbook("bank", folder / "mein_projekt.cjm.json")
    with trainee.batch():
        for hypothesis in list(trainee.hypotheses):
            trainee.hypotheses.remove(hypothesis.id)
        for review in list(trainee.reviews):
            trainee.reviews.remove(review.id)
    expected = completeness_score(trainee).points
    report = parallel.autograde_parallel(course, workers=2, overrides={"Execute": {"timeout": 90}})
    assert not report.failed, report.failed
    return course, expected


@pytest.mark.slow
def test_assignment_has_one_test_per_completeness_check_and_the_rubric(graded):
    course, _ = graded
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        assignment = gb.find_assignment(NAME)
        cells = {c.name: c.max_score for nb in assignment.notebooks for c in nb.grade_cells}
        assert assignment.max_code_score == sum(POINTS.values()) == 20
        assert {k: cells[f"{k}_tests"] for k in PARTS} == POINTS
        assert {k: cells[f"rubrik_{k}"] for k in RUBRIC_POINTS} == RUBRIC_POINTS
        assert assignment.max_written_score == sum(RUBRIC_POINTS.values()) == 30


@pytest.mark.slow
def test_reference_scores_full_empty_zero_missing_snapshot_in_between(graded):
    course, expected = graded
    scores = parallel.read_scores(course)
    assert scores[(NAME, "referenz")] == 20
    assert scores[(NAME, "leer")] == 0
    assert scores[(NAME, "ohne-ist-map")] == 20 - POINTS["ist_soll"]
    assert 0 < expected < 20
    assert scores[(NAME, "eigenes-arbeitsbuch")] == expected


@pytest.mark.slow
def test_reference_leaves_only_the_rubric_to_grade_by_hand(graded):
    course, _ = graded
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        sub = gb.find_submission(NAME, "referenz")
        pending = sorted(g.name for nb in sub.notebooks for g in nb.grades if g.needs_manual_grade)
        assert pending == sorted(f"rubrik_{k}" for k in RUBRIC_POINTS)
        blank = gb.find_submission(NAME, "leer")
        assert not any(g.needs_manual_grade for nb in blank.notebooks for g in nb.grades)
