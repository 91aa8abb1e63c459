"""Does autograde stay quiet for honest students and name each tampered cell in German?

nbgrader warns "checksum has changed" for every untouched test cell with hidden tests
(nbgrader #1961: ``generate_assignment`` stores the checksum before ``ClearHiddenTests``).
Here a plain nbgrader assignment *with* a hidden test region (no judges: it runs as stock
nbgrader does) is graded with the course config through the real command line.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from cjmlib.grading import classroom, parallel

REPO = Path(__file__).resolve().parents[1]
NAME = "mit_verborgenen_tests"


def _meta(grade_id: str, *, grade: bool, solution: bool, locked: bool, points: float = 0) -> dict:
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3}
    meta["solution"] = solution
    if grade:
        meta["points"] = points
    return {"nbgrader": meta}


def _source_notebook() -> nbformat.NotebookNode:
    answer = "x = None\n### BEGIN SOLUTION\nx = 42\n### END SOLUTION"
    test = "assert x is not None\n### BEGIN HIDDEN TESTS\nassert x == 42\n### END HIDDEN TESTS"
    return new_notebook(
        cells=[
            new_markdown_cell("Eine Aufgabe mit verborgenem Test.", id="intro"),
            new_code_cell(
                answer,
                id="loesung",
                metadata=_meta("x_loesung", grade=False, solution=True, locked=False),
            ),
            new_code_cell(
                test,
                id="tests",
                metadata=_meta("x_tests", grade=True, solution=False, locked=True, points=1),
            ),
        ],
        metadata={
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}
        },
    )


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    course = tmp_path_factory.mktemp("kurs") / "course"
    (course / "source" / NAME).mkdir(parents=True)
    shutil.copy(REPO / "course" / "nbgrader_config.py", course)
    nbformat.write(_source_notebook(), course / "source" / NAME / f"{NAME}.ipynb")
    classroom.nbgrader(course, "generate_assignment", NAME)
    release = classroom.release_notebook(course, NAME)
    right = classroom.with_answers(release, {"x_loesung": "x = 42"})
    classroom.submit(course, "ehrlich-richtig", NAME, right)
    classroom.submit(course, "ehrlich-leer", NAME, release)
    tampered = classroom.with_answers(release, {"x_loesung": "x = 1", "x_tests": "pass"})
    classroom.submit(course, "manipuliert", NAME, tampered)
    deleted = classroom.with_answers(release, {"x_loesung": "x = 1"})
    deleted.cells = [c for c in deleted.cells if c.get("id") != "tests"]
    classroom.submit(course, "geloescht", NAME, deleted)
    run = classroom.nbgrader(course, "autograde", NAME)
    return course, run.stdout + run.stderr


@pytest.mark.slow
def test_do_untouched_submissions_produce_no_checksum_warning(graded):
    _, log = graded
    assert [line for line in log.splitlines() if "checksum" in line.lower()] == []
    assert "ehrlich" not in "\n".join(line for line in log.splitlines() if "WARNING" in line)


@pytest.mark.slow
def test_is_each_tampered_cell_one_german_line_and_graded_with_the_original(graded):
    course, log = graded
    lines = sorted(line for line in log.splitlines() if "Abgabe von" in line)
    assert lines == [
        f"[AutogradeApp | WARNING] Abgabe von geloescht ({NAME}): Die Zelle „x_tests“ wurde "
        "gelöscht; sie ist wiederhergestellt und wird mit der Originalfassung bewertet.",
        f"[AutogradeApp | WARNING] Abgabe von manipuliert ({NAME}): Die gesperrte Zelle "
        "„x_tests“ wurde verändert (Inhalt); bewertet wird mit der Originalfassung.",
    ]
    assert "Missing grade cell" not in log
    scores = {student: score for (_, student), score in parallel.read_scores(course).items()}
    assert scores == {"ehrlich-richtig": 1, "ehrlich-leer": 0, "manipuliert": 0, "geloescht": 0}
