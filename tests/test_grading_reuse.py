"""What a grading worker keeps between submissions changes how fast it grades, not what.

- One engine per gradebook address: nbgrader's ``Gradebook`` objects share it, and a
  closed gradebook does not stop the next one from working.
- nbgrader's cell metadata check accepts and rejects exactly what stock
  ``jsonschema.validate`` does, with the same message.
- An exercise is loaded once per process, and again when one of its files changes (the
  formgrader runs for hours while an instructor may fix a judge).
- The names the worker relies on are still where nbgrader keeps them.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import jsonschema
import nbformat
import nbgrader.api
import nbgrader.nbgraderformat.common as nbformat_common
import pytest
from nbgrader.api import Gradebook
from nbgrader.nbgraderformat import MetadataValidator
from traitlets.config import Config

from cjmlib.grading import reuse
from cjmlib.grading.build import ensure_tools_on_path
from cjmlib.grading.verdicts import Verdicts

SOURCE = Path(__file__).resolve().parents[1] / "course" / "source"


@pytest.fixture
def installed():
    reuse.install()
    try:
        yield
    finally:
        reuse.uninstall()


def test_are_the_patched_names_still_in_nbgrader():
    # If nbgrader renames them, the worker would silently lose its speed-up.
    assert nbgrader.api.create_engine.__module__.startswith("sqlalchemy")
    assert nbformat_common.jsonschema is jsonschema
    assert "create_all" not in vars(nbgrader.api.Base.metadata)
    assert not reuse.installed()


def test_do_gradebooks_share_one_engine_and_keep_working_after_close(tmp_path, installed):
    assert reuse.installed()
    ensure_tools_on_path()  # a new gradebook file runs nbgrader's ``alembic``
    url = f"sqlite:///{tmp_path / 'gradebook.db'}"
    with Gradebook(url) as first:
        first.add_student("s1", first_name="Ada")
        first.db.commit()
        engine = first.engine
    with Gradebook(url) as second:
        assert second.engine is engine
        assert second.find_student("s1").first_name == "Ada"
        second.add_student("s2")
        second.db.commit()
    other = f"sqlite:///{tmp_path / 'other.db'}"
    with Gradebook(other) as third:
        assert third.engine is not engine
        assert [s.id for s in third.students] == []
    with Gradebook(url) as fourth:
        assert sorted(s.id for s in fourth.students) == ["s1", "s2"]
    # A new gradebook file on a kept engine still gets its tables.
    (tmp_path / "other.db").unlink()
    reuse.uninstall()
    reuse.install()
    with Gradebook(other) as fifth:
        assert [s.id for s in fifth.students] == []


def _cell(**nbgrader_meta):
    cell = nbformat.v4.new_code_cell("x = 1")
    cell.metadata["nbgrader"] = {"schema_version": 3, **nbgrader_meta}
    return cell


CELLS = {
    "good": _cell(grade=True, solution=False, locked=True, points=2, grade_id="a1_tests"),
    "points_text": _cell(grade=True, solution=False, locked=True, points="zwei", grade_id="a1"),
    "no_grade_id": _cell(grade=True, solution=False, locked=True, points=1),
    "extra_type": _cell(grade="ja", solution=False, locked=False, grade_id="x"),
}


def _outcome(cell) -> str:
    try:
        MetadataValidator().validate_cell(cell)
    except jsonschema.ValidationError as exc:
        return f"error: {exc.message} at {list(exc.path)}"
    return "ok"


@pytest.mark.parametrize("name", sorted(CELLS))
def test_does_the_kept_validator_judge_cells_like_stock(name):
    stock = _outcome(CELLS[name])
    reuse.install()
    try:
        assert _outcome(CELLS[name]) == stock
    finally:
        reuse.uninstall()
    assert (stock == "ok") == (name == "good")


def _config(course: Path) -> Config:
    config = Config()
    config.CourseDirectory.root = str(course)
    return config


def test_is_an_exercise_loaded_once_and_again_after_an_edit(tmp_path):
    course = tmp_path / "kurs"
    shutil.copytree(SOURCE / "03_beduerfnisse", course / "source" / "03_beduerfnisse")
    first = Verdicts.for_assignment(_config(course), "03_beduerfnisse")
    again = Verdicts.for_assignment(_config(course), "03_beduerfnisse")
    assert first is not None and again is not None
    assert again.exercise is first.exercise
    judges = course / "source" / "03_beduerfnisse" / "judges.py"
    judges.write_text(judges.read_text(encoding="utf-8") + "\nFIXED = True\n", encoding="utf-8")
    edited = Verdicts.for_assignment(_config(course), "03_beduerfnisse")
    assert edited is not None and edited.exercise is not first.exercise
