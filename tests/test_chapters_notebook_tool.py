"""tools/notebooks.py: normalise strips outputs and assigns ids; check reports what is wrong."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("cjm_tools", ROOT / "tools" / "notebooks.py")
tool = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(tool)


@pytest.fixture
def messy(tmp_path) -> Path:
    """A chapter as JupyterLab saves it after a run: outputs, counts, no ids, a lambda."""
    folder = tmp_path / "chapters"
    folder.mkdir()
    nb = nbformat.v4.new_notebook()
    nb.metadata["language_info"] = {"name": "python", "version": "3.11.9"}
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Kapitel 4: Test"),
        nbformat.v4.new_code_cell(
            "teiler = lambda x: x / 2\nteiler(4)",
            execution_count=7,
            outputs=[
                nbformat.v4.new_output(
                    "execute_result", data={"text/plain": "2.0"}, execution_count=7
                )
            ],
            metadata={"execution": {"iopub.status.busy": "2026-11-22T07:00:00Z"}},
        ),
    ]
    for cell in nb.cells:
        del cell["id"]
    nb.nbformat_minor = 4
    path = folder / "04_Test.ipynb"
    nbformat.write(nb, str(path), version=4)
    return path


def test_check_reports_every_problem(messy):
    """Does check name missing ids, outputs, counts and the lambda of a chapter?"""
    problems = "\n".join(tool.check_notebook(messy))
    for expected in ("4.5 expected", "missing id", "output(s)", "execution_count 7", "lambda"):
        assert expected in problems


def test_normalise_cleans_and_is_idempotent(messy):
    """Does normalise strip outputs and noise, give readable ids, and then leave it alone?"""
    assert tool.normalise_notebook(messy) is True
    nb = nbformat.read(str(messy), as_version=4)
    assert [c.id for c in nb.cells] == ["k04-md-01", "k04-code-01"]
    assert nb.cells[1].outputs == [] and nb.cells[1].execution_count is None
    assert nb.cells[1].metadata == {}
    assert nb.metadata.language_info == {"name": "python"} and "widgets" not in nb.metadata
    assert tool.normalise_notebook(messy) is False
    # What is left is the lambda: normalising never rewrites code.
    assert [p for p in tool.check_notebook(messy) if "lambda" not in p] == []


def test_defs_are_allowed_outside_chapters(tmp_path):
    """Is def/class only forbidden in chapters (or with --no-defs)?"""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("def helper():\n    return 1")]
    nb.cells[0].id = "ex-code-01"
    path = tmp_path / "exercise.ipynb"
    nbformat.write(nb, str(path))
    tool.normalise_notebook(path)
    assert tool.check_notebook(path) == []
    assert tool.check_notebook(path, no_defs=True) == ["cell 0 (ex-code-01): def helper (line 1)"]


def test_duplicate_ids_are_reported(tmp_path):
    """Does check catch two cells with the same id?"""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("a"), nbformat.v4.new_markdown_cell("b")]
    nb.cells[0].id = nb.cells[1].id = "k01-intro"
    path = tmp_path / "01_x.ipynb"
    # Written as plain JSON: nbformat itself would quietly replace the repeated id.
    path.write_text(json.dumps(nb), encoding="utf-8")
    assert any("repeats cell 0" in p for p in tool.check_notebook(path))
    tool.normalise_notebook(path)
    ids = [c["id"] for c in json.loads(path.read_text(encoding="utf-8"))["cells"]]
    assert ids == ["k01-intro", "k01-md-01"]


def test_cli_exit_codes(messy, capsys):
    """Does the command line fail on a messy notebook and pass once it is fixed?"""
    assert tool.main(["check", str(messy.parent)]) == 1
    assert tool.main(["normalise", str(messy)]) == 0
    messy.write_text(
        messy.read_text(encoding="utf-8").replace("lambda x: x / 2", "2"), encoding="utf-8"
    )
    assert tool.main(["check", str(messy)]) == 0
    assert "1 of 1 notebook(s) clean" in capsys.readouterr().out
