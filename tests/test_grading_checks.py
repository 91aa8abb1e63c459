"""Instant checks, guard, sandbox limits and feedback clean-up, without nbgrader runs."""

from __future__ import annotations

import builtins
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from cjmlib.grading import ____, guard, uebung
from cjmlib.grading.build import _solution_code
from cjmlib.grading.checks import Placeholder
from cjmlib.grading.feedback import strip_hidden
from cjmlib.grading.tasks import TASKS
from cjmlib.messages import t

SOURCE = Path(__file__).resolve().parents[1] / "course" / "source"
NAMES = sorted(p.name for p in SOURCE.iterdir() if p.is_dir())


def _cells(name: str) -> tuple[str, dict[str, str]]:
    nb = nbformat.read(SOURCE / name / f"{name}.ipynb", as_version=4)
    setup, solutions = "", {}
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade_id") == "setup":
            setup = cell.source.replace("guard.arm(globals())", "")
        elif meta.get("solution") and cell.cell_type == "code":
            solutions[meta["grade_id"].removesuffix("_loesung")] = _solution_code(cell.source)
    return setup, solutions


@pytest.fixture(autouse=True)
def _not_grading(monkeypatch):
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)


@pytest.mark.parametrize("name", NAMES)
def test_does_every_task_accept_its_reference_solution_and_reject_the_starter(
    name, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    setup, solutions = _cells(name)
    assert set(solutions) == set(TASKS[name]), "every solution cell has an instant check"
    starter: dict = {}
    exec(setup, starter)
    exercise = uebung(name)
    for problem in exercise:
        assert problem.verdict(starter)[0] == "not_attempted"
    ns: dict = {}
    exec(setup, ns)
    for task, code in solutions.items():
        exec(code, ns)
        kind, message = getattr(exercise, task).verdict(ns)
        assert kind == "correct", (task, message)


def test_does_a_wrong_answer_get_german_feedback_without_crashing():
    exercise = uebung("03_beduerfnisse")
    kind, message = exercise.a2.verdict({"top3": ["Klare Preise", "Bequem bezahlen", "x"]})
    assert kind == "incorrect"
    assert "`top3`" in message
    kind, message = exercise.a2.verdict({"top3": 42})
    assert kind == "incorrect" and "Liste" in message
    kind, _ = exercise.a1.verdict({"chancen": ____})
    assert kind == "not_attempted"
    kind, message = exercise.a3.verdict({"unterversorgt": []})  # no workbook: own message
    assert kind == "incorrect" and "`wb`" in message


def test_does_check_read_the_callers_variables_and_stay_silent_while_grading(capsys, monkeypatch):
    exercise = uebung("01_zielgruppe")
    globals()["anteil_grossstadt"] = 50.0  # check() reads the caller's globals, like a notebook
    try:
        exercise.a1.check()
        assert t("grading.check.correct") in capsys.readouterr().out
        monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
        exercise.a1.check()
        assert capsys.readouterr().out == ""
    finally:
        del globals()["anteil_grossstadt"]


def test_do_hint_and_solution_show_texts_from_the_catalogue(capsys):
    exercise = uebung("08_loesungen")
    exercise.a2.hint()
    out = capsys.readouterr().out
    assert t("grading.ex08.a2.hint") in out
    exercise.a2.solution()
    assert "quick_wins =" in capsys.readouterr().out


def test_is_an_unknown_exercise_a_german_error():
    with pytest.raises(ValueError, match="Gültige Übungen: 01_zielgruppe"):
        uebung("99_gibt_es_nicht")


def test_is_the_placeholder_one_falsy_value():
    assert Placeholder() is ____ and not ____ and repr(____) == "____"


def test_does_restore_undo_shadowed_builtins_and_patched_cjmlib_functions():
    from cjmlib.model import Need

    ns: dict = {"Need": Need}
    guard.arm(ns)
    original_sum, original_prop = builtins.sum, Need.opportunity
    try:
        builtins.sum = lambda *a, **k: 0
        ns["len"] = lambda x: 3
        Need.opportunity = property(lambda self: 0)
        ns["Need"] = object
        changed = guard.restore(ns)
        assert builtins.sum is original_sum and builtins.sum([1, 2]) == 3
        assert "len" not in ns and ns["Need"] is Need
        assert Need(need="x", importance=8, satisfaction=3).opportunity == 13
        assert "builtins.sum" in changed and "Need.opportunity" in changed
        guard._put_back()  # after the test cell the trainee's own names return
        assert ns["len"]("abc") == 3 and ns["Need"] is object
        assert builtins.sum is original_sum  # the patched builtin stays repaired
    finally:
        builtins.sum = original_sum
        Need.opportunity = original_prop


def test_does_restore_silence_warnings_so_no_stderr_reaches_a_test_cell():
    code = (
        "import warnings, sys\nfrom cjmlib.grading import guard\nguard.arm({})\n"
        "warnings.simplefilter('always')\nguard.restore({})\nwarnings.warn('laut')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stderr == ""


def test_does_strip_hidden_replace_the_hidden_region_with_one_note():
    source = "x = 1\nassert x\n### BEGIN HIDDEN TESTS\nassert geheim == 42\n### END HIDDEN TESTS"
    text, found = strip_hidden(source)
    assert found and "geheim" not in text and t("grading.feedback.hidden_tests") in text
    assert strip_hidden("assert True") == ("assert True", False)
