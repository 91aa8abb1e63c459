"""Does every assignment grade right with real nbgrader: full, zero, and in between?

One graded course (module scope) holds three submissions per assignment: the reference
solution, the untouched release, and a typical wrong answer. They are graded once with
``nbgrader autograde`` (through cjmlib.grading.parallel on two processes) in a temporary
copy of the course.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from nbgrader.api import Gradebook

from cjmlib.grading import classroom, parallel

REPO = Path(__file__).resolve().parents[1]
# The capstone (13_abschlussprojekt) grades a whole workbook: tests/test_grading_capstone.py.
CAPSTONE = "13_abschlussprojekt"
NAMES = sorted(
    p.name for p in (REPO / "course" / "source").iterdir() if p.is_dir() and p.name != CAPSTONE
)

# A typical mistake per assignment (grade_id of the solution cell -> the wrong code).
WRONG: dict[str, dict[str, str]] = {
    "01_zielgruppe": {"a1_loesung": "anteil_grossstadt = 8 / 16"},
    "02_personas": {"a1_loesung": 'lena = wb.personas.add(name="Lena Hofmann", age=63)'},
    "03_beduerfnisse": {
        "a2_loesung": 'unterversorgt = ["Verfügbarkeit vorab sehen", "Abholung ohne Wartezeit"]'
    },
    "04_touchpoints": {"a3_loesung": 'momente = ["Produktsuche im Shop", "Verfügbarkeit prüfen"]'},
    "05_eventlog": {"a1_loesung": "events_sauber = events_roh"},
    "06_map_ebenen": {"a2_loesung": 'tiefpunkt = "Bewusstsein"'},
    "07_pain_points": {"a1_loesung": 'meiste_kritik = "Nachkauf"'},
    "08_loesungen": {"a2_loesung": 'quick_wins = ["Suchfilter verbessern"]'},
    "09_ab_test": {"a2_loesung": "p_wert = 0.05\nsignifikant = False"},
    "10_nps_csat": {"a1_loesung": "nps_gesamt = 1625 / 4000 * 100"},
    "11_massnahmenplan": {"a3_loesung": 'ueberfaellig = ["Bestandsanzeige umsetzen"]'},
    "12_iterationen": {
        "a3_loesung": 'widerlegt = ["Checkout auf dem Smartphone bricht ab", '
        '"Wartezeit in der Hotline", "Fachberatung in der Filiale"]\n'
        'veraltet = ["Warenkorb und Checkout"]'
    },
}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    course = classroom.make_course(tmp_path_factory.mktemp("klasse") / "course", NAMES)
    for name in NAMES:
        release = classroom.release_notebook(course, name)
        reference = classroom.reference_answers(course, name)
        classroom.submit(course, "referenz", name, classroom.with_answers(release, reference))
        classroom.submit(course, "leer", name, release)
        wrong = {**reference, **WRONG.get(name, {})}
        classroom.submit(course, "typischer-fehler", name, classroom.with_answers(release, wrong))
    report = parallel.autograde_parallel(course, workers=2, overrides={"Execute": {"timeout": 60}})
    assert not report.failed, report.failed
    return course


def _max_code(course: Path, name: str) -> float:
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        return gb.find_assignment(name).max_code_score


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_does_each_assignment_score_full_zero_and_in_between(graded, name):
    scores = parallel.read_scores(graded)
    full = _max_code(graded, name)
    assert full >= 6
    assert scores[(name, "referenz")] == full
    assert scores[(name, "leer")] == 0
    assert WRONG.get(name), f"{name}: a typical wrong answer is defined"
    assert 0 < scores[(name, "typischer-fehler")] < full


@pytest.mark.slow
def test_does_every_assignment_have_autograded_tasks_and_one_manual_reflection(graded):
    with Gradebook(f"sqlite:///{graded / 'gradebook.db'}") as gb:
        for name in NAMES:
            cells = [c for nb in gb.find_assignment(name).notebooks for c in nb.grade_cells]
            auto = [c for c in cells if c.name.endswith("_tests")]
            manual = [c for c in cells if c.name == "reflexion"]
            assert 3 <= len(auto) <= 6 and len(manual) == 1
            assert all(c.max_score > 0 for c in cells)


@pytest.mark.slow
def test_does_the_reference_leave_only_the_reflection_to_grade_by_hand(graded):
    with Gradebook(f"sqlite:///{graded / 'gradebook.db'}") as gb:
        for name in NAMES:
            sub = gb.find_submission(name, "referenz")
            pending = [g.name for nb in sub.notebooks for g in nb.grades if g.needs_manual_grade]
            assert pending == ["reflexion"]
            blank = gb.find_submission(name, "leer")
            assert not any(g.needs_manual_grade for nb in blank.notebooks for g in nb.grades)
