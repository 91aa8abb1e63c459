"""Can code in an answer cell turn a wrong answer into points? Graded end to end.

One class hands in ``03_beduerfnisse`` (tasks worth 2, 2 and 3 points): honest students
and one hostile submission per attack class on the verdicts. All are graded in one run of
the real ``nbgrader autograde`` with the course's ``nbgrader_config.py``. Every hostile
submission has at least one wrong answer; each test asserts the exact score, and that
every other student of the same run got exactly their points. A second assignment
(``08_loesungen``: 3, 2, 3 points) is graded with ``python -m cjmlib.grading.parallel``.

The verdicts are made in the grader from the values the kernel hands over
(``cjmlib/grading/verdicts.py``), so the attacks below change nothing but the trainee's
own kernel.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from cjmlib.grading import classroom, parallel

A, B = "03_beduerfnisse", "08_loesungen"

# Wrong, but task 2 (the top three by opportunity) still comes out right from it.
WRONG_A1 = (
    "chancen = beduerfnisse.copy()\n"
    'chancen["opportunity"] = 0.5 + chancen["importance"] + (\n'
    '    chancen["importance"] - chancen["satisfaction"]\n'
    ").clip(lower=0)\n"
)
WRONG_A2 = 'top3 = ["Klare Preise", "Bequem bezahlen", "Schnelle Lieferung"]\n'
WRONG_A3 = "wb.needs.add_many(beduerfnisse.to_dict('records'))\nunterversorgt = ['Klare Preise']\n"

PATCH_BUILTINS = (
    "import builtins\n"
    "builtins.sum = lambda *args, **kwargs: 0  # every difference becomes 0\n"
    "builtins.abs = lambda x: 0\n"
    "def len(x):\n    return 3\n"
)
PATCH_PANDAS = (
    "import numpy as np\n"
    "pd.DataFrame.equals = lambda self, other: True\n"
    "pd.Series.equals = lambda self, other: True\n"
    "pd.Series.sum = lambda self, *args, **kwargs: 0.0\n"
    "np.isclose = lambda *args, **kwargs: True\n"
    "np.allclose = lambda *args, **kwargs: True\n"
    "pd.testing.assert_frame_equal = lambda *args, **kwargs: None\n"
)
REPLACE_CHECKER = (
    "import sys, types\n"
    "import cjmlib.grading\n"
    "import cjmlib.grading.exercise as ex\n"
    "nichts = lambda *args, **kwargs: None\n"
    "guard = types.SimpleNamespace(arm=nichts, restore=nichts)\n"
    "sys.modules['cjmlib.grading.guard'] = guard\n"
    "cjmlib.grading.guard = guard\n"
    "ex.TaskCheck.test = nichts\n"
    "ex.judge = lambda *args, **kwargs: ex.Verdict('correct', '')\n"
    "class Immer:\n"
    "    def __getattr__(self, name):\n"
    "        return types.SimpleNamespace(test=nichts, check=nichts)\n"
    "pruefe = Immer()\n"
)
# Swap the hand-over module for one that claims a made-up `top3` (other tasks pass through).
SYS_MODULES = (
    "import sys, types, json\n"
    "import cjmlib.grading.answers as echt\n"
    "from IPython.display import display\n"
    "fake = types.ModuleType('cjmlib.grading.answers')\n"
    "def emit(namespace, names, limit=0):\n"
    "    if 'top3' not in names:\n"
    "        return echt.emit(namespace, names, limit=limit)\n"
    "    text = json.dumps({'format': 'cjmlib-answers/1', 'workbook': None,\n"
    "                       'values': {'top3': ['richtig', 'richtig', 'richtig']}})\n"
    "    display({'application/x-cjmlib-answers': text, 'text/plain': 'bestanden'}, raw=True)\n"
    "fake.emit = emit\n"
    "sys.modules['cjmlib.grading.answers'] = fake\n"
    "sys.modules['cjmlib.grading.checks'] = types.ModuleType('cjmlib.grading.checks')\n"
)
CUSTOM_EXC = (
    "ip = get_ipython()\n"
    "ip.set_custom_exc((BaseException,), lambda *args, **kwargs: None)  # swallow every error\n"
    "ip.events.register('post_run_cell', lambda result: ip.displayhook(2))  # fake partial credit\n"
)
# Break off the hand-over of the wrong task with a KeyboardInterrupt, as a time-out would,
# and swallow it: the cell ends without an error (which once counted as passed).
SWALLOW_INTERRUPT = (
    "import cjmlib.grading.answers as uebergabe\n"
    "echt = uebergabe.collect\n"
    "def abbrechen(namespace, names):\n"
    "    if 'chancen' in names:\n"
    "        raise KeyboardInterrupt\n"
    "    return echt(namespace, names)\n"
    "uebergabe.collect = abbrechen\n"
    "get_ipython().set_custom_exc((KeyboardInterrupt,), lambda *args, **kwargs: None)\n"
)
# A beginner's retry loop: the bare except also swallows the time-out's KeyboardInterrupt,
# so the kernel never stops on its own.
RETRY_LOOP = (
    "import time\n"
    "while True:\n"
    "    try:\n"
    "        time.sleep(0.01)\n"
    "        top3 = chancen.sort_values('opportunitty')['need'].head(3).tolist()\n"
    "        break\n"
    "    except:\n"
    "        pass\n"
)

# student -> (answer cells to change, cells to delete, expected score of A)
STUDENTS_A: dict[str, tuple[dict[str, str] | None, list[str], float]] = {
    "referenz": ({}, [], 7),
    "leer": (None, [], 0),
    "teilweise": ({"a3_loesung": "unterversorgt = ____"}, [], 4),
    "builtins": ({"a1_loesung": WRONG_A1 + PATCH_BUILTINS}, [], 5),
    "pandas-numpy": ({"a1_loesung": WRONG_A1 + PATCH_PANDAS}, [], 5),
    "pruefer-ersetzt": ({"a2_loesung": WRONG_A2 + REPLACE_CHECKER}, [], 5),
    "sys-modules": ({"a1_loesung": WRONG_A1, "a2_loesung": WRONG_A2 + SYS_MODULES}, [], 3),
    "custom-exc": ({"a1_loesung": CUSTOM_EXC + WRONG_A1, "a3_loesung": WRONG_A3}, [], 2),
    "interrupt-geschluckt": ({"a1_loesung": WRONG_A1 + SWALLOW_INTERRUPT}, [], 5),
    "testzelle-pass": ({"a1_loesung": WRONG_A1, "a1_tests": "pass"}, [], 5),
    "testzelle-geloescht": ({"a2_loesung": WRONG_A2}, ["a2_tests"], 5),
    "geloescht-aber-richtig": ({}, ["a3_tests"], 7),
}
# Graded in a run of its own until the sandbox kills kernels that ignore interrupts
# (issue 11, item 5): today the loop makes nbgrader give up on the whole submission.
RETRY = {"retry-schleife": ({"a2_loesung": RETRY_LOOP}, [], 2)}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    course = classroom.make_course(tmp_path_factory.mktemp("angriffe") / "course", [A, B])
    for student, (answers, deleted, _) in STUDENTS_A.items():
        classroom.submit(
            course, student, A, classroom.student_notebook(course, A, answers, deleted)
        )
    log = classroom.nbgrader(course, "autograde", A, "--Execute.timeout=10")
    for student, (answers, _, _) in STUDENTS_B.items():
        classroom.submit(course, student, B, classroom.student_notebook(course, B, answers, []))
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    env.pop("NBGRADER_EXECUTION", None)
    parallel_run = subprocess.run(
        [sys.executable, "-m", "cjmlib.grading.parallel", B, "--workers", "2"],
        cwd=course,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert parallel_run.returncode == 0, parallel_run.stdout + parallel_run.stderr
    return course, log.stdout + log.stderr


@pytest.mark.slow
@pytest.mark.parametrize("student", sorted(STUDENTS_A))
def test_does_each_student_get_exactly_the_points_of_their_answers(graded, student):
    course, _ = graded
    scores = parallel.read_scores(course)
    got = {s: scores[(A, s)] for s in STUDENTS_A}
    assert got[student] == STUDENTS_A[student][2], got
    # ... and the same run graded everybody else exactly as well.
    assert got == {s: spec[2] for s, spec in STUDENTS_A.items()}


@pytest.mark.slow
def test_does_the_log_name_each_tampered_cell_once_in_german_and_honest_students_not_at_all(
    graded,
):
    _, log = graded
    lines = sorted(line for line in log.splitlines() if "Abgabe von" in line)
    deleted = "wurde gelöscht; sie ist wiederhergestellt und wird mit der Originalfassung bewertet."
    assert lines == [
        "[AutogradeApp | WARNING] Abgabe von geloescht-aber-richtig (03_beduerfnisse): Die Zelle "
        f"„a3_tests“ {deleted}",
        "[AutogradeApp | WARNING] Abgabe von testzelle-geloescht (03_beduerfnisse): Die Zelle "
        f"„a2_tests“ {deleted}",
        "[AutogradeApp | WARNING] Abgabe von testzelle-pass (03_beduerfnisse): Die gesperrte "
        "Zelle „a1_tests“ wurde verändert (Inhalt); bewertet wird mit der Originalfassung.",
    ]
    assert "checksum" not in log.lower(), [x for x in log.splitlines() if "checksum" in x.lower()]
    assert "Missing grade cell" not in log


@pytest.mark.slow
def test_does_a_retry_loop_cost_only_the_cells_from_the_loop_on(graded):
    course, _ = graded
    ((student, (answers, deleted, score)),) = RETRY.items()
    classroom.submit(course, student, A, classroom.student_notebook(course, A, answers, deleted))
    classroom.nbgrader(course, "autograde", A, "--student", student, "--Execute.timeout=10")
    assert parallel.read_scores(course)[(A, student)] == score


@pytest.mark.slow
def test_does_no_autograded_folder_hold_the_judges(graded):
    course, _ = graded
    folders = list((course / "autograded").glob("*/*"))
    assert len(folders) >= len(STUDENTS_A) + len(STUDENTS_B)
    for folder in folders:
        assert not (folder / "judges.py").exists()
        assert (folder / "tasks.py").read_bytes() == (
            course / "source" / folder.name / "tasks.py"
        ).read_bytes()


# Assignment B through the parallel grader: 08_loesungen, tasks worth 3, 2 and 3 points.
WRONG_B2 = "quick_wins = sorted(ideen['title'])[:3]\n"
STUDENTS_B: dict[str, tuple[dict[str, str] | None, list[str], float]] = {
    "referenz": ({}, [], 8),
    "builtins": ({"a2_loesung": WRONG_B2 + PATCH_BUILTINS}, [], 6),
    "custom-exc": ({"a2_loesung": CUSTOM_EXC + WRONG_B2}, [], 6),
}


@pytest.mark.slow
def test_does_the_parallel_grader_judge_the_same_way(graded):
    course, _ = graded
    scores = parallel.read_scores(course)
    assert {s: scores[(B, s)] for s in STUDENTS_B} == {s: v[2] for s, v in STUDENTS_B.items()}
