"""The instructor's workflow from course/README.md, end to end, with simulated students.

generate_assignment -> release_assignment -> (students hand in) -> collect -> autograde
-> manual grade (as in the formgrader) -> generate_feedback -> export CSV, all with the
real ``nbgrader`` command line in a temporary copy of the course. A second assignment is
graded with the parallel grader. One graded course (module scope) serves every test.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from nbgrader.api import Gradebook

from cjmlib.grading import classroom, parallel

REPO = Path(__file__).resolve().parents[1]
A, B = "03_beduerfnisse", "08_loesungen"

# Wrong scores (10 for every need), and every difference made 0 in the kernel.
FAKE_SUM = (
    'chancen = {name: 10 for name in beduerfnisse["need"]}\n'
    "import builtins\nbuiltins.sum = lambda *args, **kwargs: 0  # jede Abweichung wird 0\n"
    "def len(x):\n    return 8\n"
)
# Made-up names, and the exercise data swapped for data where they would be right.
FAKE_DATA = (
    'unterversorgt = ["a", "b", "c"]\n'
    'uebungsdaten = lambda name: {"beduerfnisse": pd.DataFrame({"need": ["a", "b", "c"], '
    '"importance": [9, 8, 7], "satisfaction": [1, 1, 1]})}'
)
NOISY_LIST = (
    "import warnings\nwarnings.simplefilter('always')\n"
    "class LauteListe(list):\n    def __eq__(self, other):\n"
    "        warnings.warn('Diese Liste ist laut', UserWarning)\n"
    "        return list(self) == list(other)\n\n"
    "unterversorgt = LauteListe([n for n, score in chancen.items() if score > 10])"
)
REFLECTION_COMMENT = "Gut begründet. Nenne noch ein Beispiel aus deiner Branche."

# student -> (answers to change, cells to delete, expected autograded score of A)
STUDENTS_A = {
    "komplett": ({}, [], 7),
    "leer": (None, [], 0),
    "teilweise": ({"a3_loesung": "verfuegbarkeit = ____"}, [], 4),
    "testzelle-geaendert": (
        {
            "a1_loesung": "chancen = dict.fromkeys(beduerfnisse['need'], 0)",
            "a1_tests": "assert True  # Test ausgehebelt",
        },
        [],
        5,
    ),
    "zellen-geloescht": ({}, ["a1_tests", "reflexion"], 7),
    "endlosschleife": ({"a2_loesung": "while True:\n    pass"}, [], 5),
    "absturz": ({"a2_loesung": "import os\nos._exit(1)"}, [], 2),
    "schummler": ({"a1_loesung": FAKE_SUM, "a2_loesung": FAKE_DATA}, [], 3),
    "warnungen": ({"a2_loesung": NOISY_LIST}, [], 7),
}
# Assignment B, graded in parallel: complete, blank, a segfault in task 2.
STUDENTS_B = {
    "komplett": ({}, [], 8),
    "leer": (None, [], 0),
    "absturz": ({"a2_loesung": "import ctypes\nctypes.string_at(0)"}, [], 3),
}


def _nbgrader(course: Path, *args: str):
    return classroom.nbgrader(course, *args, timeout=600)


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    root = tmp_path_factory.mktemp("kurs")
    course = root / "course"
    (course / "source").mkdir(parents=True)
    shutil.copy(REPO / "course" / "nbgrader_config.py", course)
    for name in (A, B):
        shutil.copytree(REPO / "course" / "source" / name, course / "source" / name)
        _nbgrader(course, "generate_assignment", name)
    _nbgrader(course, "release_assignment", A)
    exchange = root / "exchange"
    for student, (answers, deleted, _) in STUDENTS_A.items():
        classroom.hand_in(
            exchange, student, A, classroom.student_notebook(course, A, answers, deleted)
        )
    _nbgrader(course, "collect", A)
    _nbgrader(course, "autograde", A, "--Execute.timeout=10")
    for student, (answers, deleted, _) in STUDENTS_B.items():
        classroom.submit(
            course, student, B, classroom.student_notebook(course, B, answers, deleted)
        )
    report = parallel.autograde_parallel(
        course, [B], workers=2, overrides={"Execute": {"timeout": 10}}
    )
    assert not report.failed, report.failed
    # The formgrader stores a manual grade like this; here: the reflection of "komplett".
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        grade = gb.find_grade("reflexion", A, A, "komplett")
        grade.manual_score = 1.5
        gb.find_comment("reflexion", A, A, "komplett").manual_comment = REFLECTION_COMMENT
        gb.db.commit()
    _nbgrader(course, "generate_feedback", A)
    _nbgrader(course, "export")
    return course


@pytest.mark.slow
@pytest.mark.parametrize("student", sorted(STUDENTS_A))
def test_does_each_student_of_the_cli_run_get_the_score_deserved(course, student):
    assert parallel.read_scores(course)[(A, student)] == STUDENTS_A[student][2]


@pytest.mark.slow
@pytest.mark.parametrize("student", sorted(STUDENTS_B))
def test_does_each_student_of_the_parallel_run_get_the_score_deserved(course, student):
    assert parallel.read_scores(course)[(B, student)] == STUDENTS_B[student][2]


@pytest.mark.slow
def test_is_the_gradebook_intact_and_only_reflections_await_a_human(course):
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        assert {s.id for s in gb.students} == set(STUDENTS_A) | set(STUDENTS_B)
        for name, students in ((A, STUDENTS_A), (B, STUDENTS_B)):
            for student in students:
                sub = gb.find_submission(name, student)
                grades = [g for nb in sub.notebooks for g in nb.grades]
                assert len(grades) == 4  # three tests + reflection, none lost
                waiting = sorted(g.name for g in grades if g.needs_manual_grade)
                assert waiting in ([], ["reflexion"]), (student, waiting)
        # A deleted reflection is restored and scores 0 instead of waiting for a human.
        deleted = gb.find_grade("reflexion", A, A, "zellen-geloescht")
        assert deleted.score == 0 and not deleted.needs_manual_grade
        assert gb.find_grade("reflexion", A, A, "komplett").score == 1.5


@pytest.mark.slow
def test_does_the_feedback_keep_hidden_tests_away_from_trainees(course):
    pages = sorted((course / "feedback").glob(f"*/{A}/{A}.html"))
    assert len(pages) == len(STUDENTS_A)
    for page in pages:
        html = page.read_text(encoding="utf-8")
        for secret in ("HIDDEN TESTS", "_soll", "itertuples", "AssertionError"):
            assert secret not in html, (page.parent.parent.name, secret)
        assert "verborgene Tests" in html


# What nbgrader's own feedback page says in English; none of it may reach a trainee.
ENGLISH = (
    "Score:",
    "Student's answer",
    "Test cell",
    "Written response",
    "Coding free-response",
    "Comments:",
    "Comment</a>",
    "(Top)",
    "Late submission penalty",
    "Grade cell:",
    "In&nbsp;[",
)


@pytest.mark.slow
def test_is_the_feedback_page_german(course):
    """The page generate_feedback writes with the course config: German headings, points
    the German way, the instructor's comment, nothing of nbgrader's English template."""
    html = (course / "feedback" / "komplett" / A / f"{A}.html").read_text(encoding="utf-8")
    assert '<html lang="de">' in html
    assert f"<title>Rückmeldung zu {A}</title>" in html
    assert f"Rückmeldung zu deiner Abgabe „{A}“" in html
    assert "Deine Punkte: 8,5 von 9" in html  # 7 automatic + 1,5 for the reflection
    for line in (
        "Test zu Aufgabe 1</a> (Punkte: 2 von 2)",
        "Test zu Aufgabe 3</a> (Punkte: 3 von 3)",
        "Deine schriftliche Antwort</a> (Punkte: 1,5 von 2)",
        "Kommentar deiner Kursleitung</a>",
    ):
        assert line in html, line
    assert f"<b>Kommentar:</b> <p>{REFLECTION_COMMENT}</p>" in html
    assert '<span class="nbgrader-label">Deine Antwort</span>' in html and "(nach oben)" in html
    for page in sorted((course / "feedback").glob(f"*/{A}/{A}.html")):
        text = page.read_text(encoding="utf-8")
        assert [e for e in ENGLISH if e in text] == [], page.parent.parent.name
    blank = (course / "feedback" / "leer" / A / f"{A}.html").read_text(encoding="utf-8")
    assert "Deine Punkte: 0 von 9" in blank and "Test zu Aufgabe 2</a> (Punkte: 0 von 2)" in blank


@pytest.mark.slow
def test_does_the_grade_export_list_every_submission(course):
    with open(course / "grades.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    got = {(r["assignment"], r["student_id"]): float(r["raw_score"]) for r in rows}
    assert got[(A, "komplett")] == 7 + 1.5
    assert got[(A, "schummler")] == 3
    assert got[(B, "absturz")] == 3
    # nbgrader lists every student for every assignment; no submission scores 0.
    assert len(got) == 2 * len(set(STUDENTS_A) | set(STUDENTS_B))
    assert got[(B, "schummler")] == 0


def test_does_the_formgrader_keep_its_own_template():
    # The formgrader renders submissions with nbgrader's HTMLExporter and its own
    # "formgrade" template; the German feedback template is for generate_feedback only.
    # Set on HTMLExporter itself, it replaced the formgrader's page with "Sorry, the
    # formgrader encountered an error" on the hub.
    from nbconvert.exporters import HTMLExporter

    from cjmlib.grading.build import load_course_config

    config = load_course_config(REPO / "course")
    assert "template_name" not in config.HTMLExporter
    assert HTMLExporter(config=config).template_name != "feedback_de"
