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
    "01_zielgruppe": {
        "a1_loesung": 'anteil_grossstadt = round((kunden["wohnort"] == "Großstadt").mean(), 3)'
    },
    "02_personas": {
        "a1_loesung": 'i = interviews[0]\nlena = wb.personas.add(name=i["name"], '
        'age=i["alter"], channels=i["kanaele"])'
    },
    "03_beduerfnisse": {
        "a1_loesung": 'chancen = beduerfnisse.copy()\nchancen["opportunity"] = '
        'chancen["importance"] - chancen["satisfaction"]'
    },
    "04_touchpoints": {
        "a3_loesung": "momente = sorted(tp.name for tp in wb.touchpoints if tp.relevance == 5)"
    },
    "05_eventlog": {
        "a1_loesung": "events_sauber = events_roh.drop_duplicates()"
        '.sort_values("timestamp").reset_index(drop=True)'
    },
    "06_map_ebenen": {
        "a1_loesung": 'emotionskurve = wb.touchpoints.to_frame().groupby("phase")["emotion"].mean()'
    },
    "07_pain_points": {
        "a1_loesung": 'negativ = feedback.groupby("touchpoint_id").size()'
        ".sort_values(ascending=False)"
    },
    "08_loesungen": {
        "a2_loesung": 'qw = ideen[(ideen["impact"] >= 3) & (ideen["effort"] < 3)]\n'
        'quick_wins = qw.sort_values("impact", ascending=False, '
        'kind="stable")["title"].tolist()'
    },
    "09_ab_test": {
        "a2_loesung": "from scipy.stats import chi2_contingency\n"
        "p_wert = float(chi2_contingency([[312, 2088], [369, 2011]])[1])"
    },
    "10_nps_csat": {
        "a1_loesung": 'nps = umfrage["nps"].dropna()\nnps_gesamt = round(((nps >= 9)'
        ".mean() - (nps <= 7).mean()) * 100, 1)"
    },
    "11_massnahmenplan": {
        "a3_loesung": "ueberfaellig = sorted(a.title for a in wb.actions "
        "if a.due and a.due < stichtag)"
    },
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
