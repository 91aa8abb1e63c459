"""A trainee without Python works through every exercise: the novice paths.

Fast part: what a test cell does with a task that is not filled in yet, and how a German
error from the library looks in a notebook. Slow part: each exercise of the self-study
edition (``exercises/``) run cell by cell in a real kernel (nbclient), as a novice does it:
Run All on the untouched notebook, a typical wrong answer, the correction re-run, the right
answer, then the score.
"""

from __future__ import annotations

import re
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest
from _pool import selected, two_at_a_time
from nbclient import NotebookClient

from cjmlib.errors import CJMError
from cjmlib.grading import uebung
from cjmlib.messages import t

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "course" / "source"


@pytest.fixture
def not_grading(monkeypatch):
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)


def _bound(monkeypatch, tmp_path) -> tuple[dict, object]:
    folder = tmp_path / "course" / "source" / "03_beduerfnisse"
    shutil.copytree(SOURCE / "03_beduerfnisse", folder)
    (tmp_path / "exercises").mkdir()
    monkeypatch.chdir(tmp_path / "exercises")
    ns: dict = {}
    return ns, uebung("03_beduerfnisse", ns)


def test_a_test_cell_of_an_untouched_task_says_so_and_lets_run_all_go_on(
    not_grading, monkeypatch, tmp_path, capsys
):
    from cjmlib.grading import ____

    ns, pruefe = _bound(monkeypatch, tmp_path)
    ns["chancen"] = ____
    pruefe.a1.test()  # no AssertionError: Run All continues with the next task
    out = capsys.readouterr().out
    assert "noch nicht ausgefüllt" in out and "`chancen`" in out


def test_while_grading_an_untouched_task_still_fails_its_test(monkeypatch, tmp_path):
    from cjmlib.grading import ____

    monkeypatch.setenv("NBGRADER_EXECUTION", "validate")
    ns, pruefe = _bound(monkeypatch, tmp_path)
    ns["chancen"] = ____
    with pytest.raises(AssertionError):
        pruefe.a1.test()


def test_a_library_error_shows_the_german_message_first_not_a_traceback():
    def trainee_cell():
        raise CJMError("Persona: Das Feld „Alter“ (`age`) hat den Wert 9.")

    try:
        trainee_cell()
    except CJMError as exc:
        lines = exc._render_traceback_()
    plain = [re.sub(r"\x1b\[[0-9;]*m", "", line) for line in lines]
    assert plain[0] == t("errors.shown.heading")
    assert plain[1].startswith("Persona: Das Feld „Alter“ (`age`) hat den Wert 9.")
    assert not any("Traceback" in line or "cjmlib/" in line for line in lines)


# -- the novice paths, through the real self-study notebooks ----------------------------------
#
# Per exercise: the task a novice gets wrong first, what they type, and what the notebook
# must then say (a fragment of the German message). ``raises`` marks a wrong answer that
# the library refuses at once (the cell shows a German error, nothing is saved).


@dataclass(frozen=True)
class Novice:
    """``wrong`` is the code typed, or ``(old, new)``: the right answer with one slip."""

    task: str
    wrong: str | tuple[str, str]
    says: str
    raises: bool = False


NOVICES: dict[str, Novice] = {
    "01_zielgruppe": Novice(
        "a1",
        "anteil_grossstadt = 8 / 16",
        "Das ist ein Anteil zwischen 0 und 1 – multipliziere mit 100",
    ),
    "02_personas": Novice(
        "a1",
        ("age=36", "age=63"),
        "Bei `lena` stimmt das Feld `age` noch nicht mit den Interviewnotizen",
    ),
    "03_beduerfnisse": Novice(
        "a1",
        ('"Bequem bezahlen": 7', '"Bequem bezahlen": 7 + (7 - 9)'),
        "Bei „Bequem bezahlen“ ist die Zufriedenheit höher als die Wichtigkeit: Die Lücke ist "
        "dann 0, nicht negativ",
    ),
    "04_touchpoints": Novice(
        "a3",
        'momente = ["Produktsuche im Shop", "Verfügbarkeit prüfen"]',
        "Das sind die Touchpoints mit Relevanz 5. Ein Moment der Wahrheit entscheidet",
    ),
    "05_eventlog": Novice(
        "a1",
        "events_sauber = events_roh",
        "Das ist noch der Rohexport",
    ),
    "06_map_ebenen": Novice(
        "a1",
        ('"Bewusstsein": (1 + 0) / 2', '"Bewusstsein": "0,5"'),
        "Die Werte sind Zahlen, ohne Anführungszeichen, mit Punkt statt Komma",
    ),
    "07_pain_points": Novice(
        "a2",
        "prioritaeten = {\n"
        '    "Verfügbarkeitsanzeige stimmt nicht": 8,\n'
        '    "Checkout auf dem Smartphone bricht ab": 9,\n'
        '    "Lange Schlange an der Click-&-Collect-Theke": 7,\n'
        '    "Retourenlabel schwer zu finden": 5,\n'
        "}",
        "Du hast Schwere und Häufigkeit addiert",
    ),
    "08_loesungen": Novice(
        "a1",
        (
            '"Chatbot für Standardfragen": "Großprojekt"',
            '"Chatbot für Standardfragen": "Quick Win"',
        ),
        "ist der Aufwand 3 – das zählt schon als hoch",
    ),
    "09_ab_test": Novice(
        "a3",
        ('result="unklar"', 'result="widerlegt"'),
        "Der Test ist nicht signifikant – aber das heißt nicht „kein Effekt“",
    ),
    "10_nps_csat": Novice(
        "a1",
        "nps_gesamt = 1625 / 4000 * 100",
        "Das ist nur der Anteil der Promotoren",
    ),
    "11_massnahmenplan": Novice(
        "a1",
        ('due="2026-06-01"', 'due="01.06.2026"'),
        "Erlaubt ist ein Datum im Format JJJJ-MM-TT",
        raises=True,
    ),
}


def _outputs(cell: nbformat.NotebookNode) -> str:
    parts = []
    for out in cell.get("outputs", []):
        parts.append(str(out.get("text", "")))
        parts.append(str(out.get("data", {}).get("text/markdown", "")))
        parts.append(str(out.get("data", {}).get("text/plain", "")))
        parts.extend(str(line) for line in out.get("traceback", []))
    return "\n".join(parts)


def _errors(cell: nbformat.NotebookNode) -> list[str]:
    return [o.get("ename", "") for o in cell.get("outputs", []) if o.output_type == "error"]


class Session:
    """One kernel on one copy of a self-study notebook; cells are run as a trainee does."""

    def __init__(self, name: str, tmp: Path) -> None:
        shutil.copytree(SOURCE / name, tmp / "course" / "source" / name)
        (tmp / "exercises").mkdir()
        shutil.copy(ROOT / "exercises" / f"{name}.ipynb", tmp / "exercises")
        self.nb = nbformat.read(tmp / "exercises" / f"{name}.ipynb", as_version=4)
        solved = nbformat.read(ROOT / "solutions" / f"{name}.ipynb", as_version=4)
        # solutions/ drops the nbgrader metadata but keeps the cells in the same order
        assert len(solved.cells) == len(self.nb.cells)
        self.solutions = {
            _grade_id(c): s.source
            for c, s in zip(self.nb.cells, solved.cells, strict=True)
            if _grade_id(c)
        }
        self.client = NotebookClient(
            self.nb,
            timeout=120,
            kernel_name="python3",
            allow_errors=True,
            resources={"metadata": {"path": str(tmp / "exercises")}},
        )

    def cell(self, grade_id: str) -> int:
        return next(i for i, c in enumerate(self.nb.cells) if _grade_id(c) == grade_id)

    def after(self, grade_id: str) -> int:
        """The instant-check cell right after an answer cell."""
        return self.cell(grade_id) + 1

    def run(self, index: int, source: str | None = None) -> nbformat.NotebookNode:
        cell = self.nb.cells[index]
        if source is not None:
            cell.source = source
        self.client.execute_cell(cell, index)
        return cell

    def run_all(self) -> list[nbformat.NotebookNode]:
        return [self.run(i) for i, c in enumerate(self.nb.cells) if c.cell_type == "code"]

    def tasks(self) -> list[str]:
        return [
            _grade_id(c).removesuffix("_tests")
            for c in self.nb.cells
            if _grade_id(c).endswith("_tests")
        ]

    def points(self) -> dict[str, float]:
        return {
            _grade_id(c).removesuffix("_tests"): float(c.metadata["nbgrader"]["points"])
            for c in self.nb.cells
            if _grade_id(c).endswith("_tests")
        }


def _grade_id(cell: nbformat.NotebookNode) -> str:
    return str(cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", ""))


def walk(name: str) -> dict:
    """A novice's path through exercise ``name``, in a worker process of the ``paths``
    fixture: every cell as it looked right after it ran (the test judges them).

    1. Run All on the untouched notebook; 2. a typical wrong answer and the instant check
    after it; 3. the correction, run twice, and the check again; 4. every task answered
    and tested, and the score.
    """
    import copy
    import os
    import tempfile

    os.environ.pop("NBGRADER_EXECUTION", None)
    novice = NOVICES[name]
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="cjm-novize-") as tmp:
        os.environ["TMPDIR"] = tmp
        # a workbook of its own, as each test had (two paths run at the same time)
        os.environ["CJM_WORKBOOK"] = str(Path(tmp) / "arbeitsbuch" / "mein_projekt.cjm.json")
        session = Session(name, Path(tmp))
        seen: dict = {"tasks": session.tasks(), "points": session.points()}

        def run(index: int, source: str | None = None) -> nbformat.NotebookNode:
            return copy.deepcopy(session.run(index, source))

        with session.client.setup_kernel():
            seen["run_all"] = [copy.deepcopy(c) for c in session.run_all()]
            answer = session.cell(f"{novice.task}_loesung")
            right = session.solutions[f"{novice.task}_loesung"]
            if isinstance(novice.wrong, tuple):
                seen["right"] = right
                wrong = right.replace(*novice.wrong)
            else:
                wrong = novice.wrong
            seen["typed"] = run(answer, wrong)
            seen["checked_wrong"] = run(session.after(f"{novice.task}_loesung"))
            seen["fixed"] = [run(answer, right) for _ in range(2)]
            seen["checked_right"] = run(session.after(f"{novice.task}_loesung"))
            seen["done"] = {}
            for task in session.tasks():
                done = run(session.cell(f"{task}_loesung"), session.solutions[f"{task}_loesung"])
                seen["done"][task] = (done, run(session.cell(f"{task}_tests")))
            session.nb.cells.append(
                nbformat.v4.new_code_cell("{t._task_id: t.verdict().kind for t in pruefe}")
            )
            seen["score"] = run(len(session.nb.cells) - 1)
    seen["seconds"] = time.perf_counter() - started
    return seen


@pytest.fixture(scope="module")
def paths(request) -> dict[str, dict]:
    """The novice paths tested here, two at a time (one kernel per core)."""
    return two_at_a_time(walk, selected(request, TEST, "name"))


TEST = "test_a_novice_gets_through_the_exercise_to_full_marks"


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(NOVICES))
def test_a_novice_gets_through_the_exercise_to_full_marks(name, paths, request):
    novice = NOVICES[name]
    seen = paths[name]
    # 1. Run All on the untouched notebook: no red error, one German line per task
    cells = seen["run_all"]
    assert [(c.get("id"), _errors(c)) for c in cells if _errors(c)] == []
    shown = "\n".join(_outputs(c) for c in cells)
    for task in seen["tasks"]:
        assert f"Aufgabe {task[1:]} ist noch nicht ausgefüllt" in shown
    assert shown.count(t("grading.check.not_attempted")) == len(seen["tasks"])
    # Each instant check says so, each test cell lets Run All go on (the only run of
    # these exercises/ notebooks: tests/test_grading_editions.py runs the others).
    for cell in cells:
        if cell.source.startswith("# Sofort-Check"):
            assert t("grading.check.not_attempted") in _outputs(cell), _outputs(cell)[:500]
        elif cell.source.startswith("# Tests zu"):
            assert "noch nicht ausgefüllt" in _outputs(cell), _outputs(cell)[:500]
    # ... and shows names, never internal ids (the rules of the self-study editions' test)
    from test_grading_editions import shown_ids

    assert shown_ids(nbformat.v4.new_notebook(cells=cells)) == []

    # 2. a typical wrong answer, and what the trainee is told
    if isinstance(novice.wrong, tuple):
        assert novice.wrong[0] in seen["right"]
    typed, checked = seen["typed"], seen["checked_wrong"]
    if novice.raises:
        assert _errors(typed), "the library should refuse this answer"
        text = re.sub(r"\x1b\[[0-9;]*m", "", _outputs(typed))
        assert text.lstrip().startswith(t("errors.shown.heading")), text[:300]
        assert "Traceback" not in text and "site-packages" not in text
        # the message comes in lines of at most 90 characters (broken between words)
        assert " ".join(novice.says.split()) in " ".join(text.split()), text[:800]
        assert "Zeile" in text  # where in the cell
        assert t("grading.check.not_attempted") in _outputs(checked)  # nothing was saved
    else:
        assert _errors(typed) == [], _outputs(typed)[:500]
        assert novice.says in _outputs(checked), _outputs(checked)[:800]

    # 3. the correction, run twice (re-running a cell is safe), then the check says so
    for fixed in seen["fixed"]:
        assert _errors(fixed) == [], _outputs(fixed)[:800]
    checked = seen["checked_right"]
    assert t("grading.check.correct") in _outputs(checked), _outputs(checked)[:800]

    # 4. every other task answered, test cells green, and the score
    for task, (done, tested) in seen["done"].items():
        assert _errors(done) == [], (task, _outputs(done)[:800])
        assert _errors(tested) == [], (task, _outputs(tested)[:800])
    verdicts = eval(seen["score"].outputs[0]["data"]["text/plain"])  # a dict literal of str
    points = seen["points"]
    got = sum(points[task] for task, kind in verdicts.items() if kind == "correct")
    assert got == sum(points.values()), verdicts
    request.node.user_properties.append(("novice_path_s", round(seen["seconds"], 1)))
    print(f"{name}: {seen['seconds']:.1f} s")


def test_each_exercise_states_its_measured_time():
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "exercise_times.py"), "check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout
