"""A trainee without Python works through every exercise: the novice paths.

Fast part: what a test cell does with a task that is not filled in yet, and how a German
error from the library looks in a notebook. Slow part: each exercise of the self-study
edition (``exercises/``) run cell by cell in a real kernel (nbclient), as a novice does it:
Run All on the untouched notebook, a typical wrong answer, the correction re-run, the right
answer, then the score.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cjmlib.errors import CJMError
from cjmlib.grading import uebung

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
    assert lines[0].startswith("⚠️ Persona: Das Feld „Alter“ (`age`) hat den Wert 9.")
    assert not any("Traceback" in line or "cjmlib/" in line for line in lines)
