"""Are exercises/ and solutions/ generated from course/source and up to date?

``exercises/`` is the self-study edition; what nbgrader releases is checked in
``tests/test_grading_editions.py``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pytest

from cjmlib.grading import build
from cjmlib.grading.exercise import reference_solutions, solution_code

REPO = Path(__file__).resolve().parents[1]
NAMES = sorted(p.name for p in (REPO / "course" / "source").iterdir() if p.is_dir())


@pytest.fixture(scope="module")
def fresh(tmp_path_factory):
    out = tmp_path_factory.mktemp("build")
    build.build(out)
    return out


def _comparable(path: Path) -> dict:
    """The notebook without volatile metadata (kernel and language details)."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    nb["metadata"] = {}
    return nb


@pytest.mark.parametrize("folder", ["exercises", "solutions"])
def test_are_the_generated_notebooks_current(fresh, folder):
    generated = sorted(p.name for p in (fresh / folder).glob("*.ipynb"))
    committed = sorted(p.name for p in (REPO / folder).glob("*.ipynb"))
    assert generated == committed == [f"{n}.ipynb" for n in NAMES]
    for name in generated:
        assert _comparable(fresh / folder / name) == _comparable(REPO / folder / name), (
            f"{folder}/{name} is stale: run `make exercises`"
        )


def _tells_something(line: str) -> bool:
    """A hidden-test line that could give a test away: not a lone ``)`` or ``assert (``."""
    return bool(re.search(r"\w", re.sub(r"\b(assert|and|or|not|in|if|for|else)\b", "", line)))


@pytest.mark.parametrize("name", NAMES)
def test_do_the_exercises_hide_solutions_and_hidden_tests(name):
    nb = nbformat.read(REPO / "exercises" / f"{name}.ipynb", as_version=4)
    text = "\n".join(c.source for c in nb.cells)
    assert "BEGIN SOLUTION" not in text and "HIDDEN TESTS" not in text
    source = nbformat.read(REPO / "course" / "source" / name / f"{name}.ipynb", as_version=4)
    for cell in source.cells:
        hidden = cell.source.partition("### BEGIN HIDDEN TESTS")[2].partition("### END")[0]
        for line in filter(_tells_something, (x.strip() for x in hidden.splitlines())):
            assert line not in text, line
        if cell.metadata.get("nbgrader", {}).get("solution") and cell.cell_type == "code":
            assert solution_code(cell.source) not in text
    starters = [
        c
        for c in nb.cells
        if c.metadata.get("nbgrader", {}).get("solution") and c.cell_type == "code"
    ]
    assert starters and all("____" in c.source for c in starters)  # a blank to fill in
    assert all(c.cell_type != "code" or not c.outputs for c in nb.cells)


@pytest.mark.parametrize("name", NAMES)
def test_do_the_solutions_show_code_but_no_hidden_tests(name):
    nb = nbformat.read(REPO / "solutions" / f"{name}.ipynb", as_version=4)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert "HIDDEN TESTS" not in code and "= ____" not in code and "BEGIN SOLUTION" not in code
    text = "\n".join(c.source for c in nb.cells)
    for code in reference_solutions(REPO / "course" / "source" / name / f"{name}.ipynb").values():
        assert code in text
    assert all("nbgrader" not in c.metadata for c in nb.cells)
    assert "bewertet" not in str([c.metadata.get("tags") for c in nb.cells])
