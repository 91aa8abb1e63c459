"""What does a trainee see when a cell raises one of our errors?

A ``CJMError`` (and a pydantic validation error of a model, which the model turns into
one) reaches a notebook cell as the German message first: what happened, why, what to
do, then the line of the trainee's own cell. No traceback through ``cjmlib`` or pydantic.
The output stays an *error* output, so nbgrader still gives no points for a graded cell
that fails this way. The notebooks are executed by a real kernel (nbclient).
"""

from __future__ import annotations

import re

import nbformat
import pytest
from nbclient import NotebookClient
from nbgrader.utils import determine_grade

from cjmlib.errors import CJMError

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def run(cells: list[nbformat.NotebookNode], tmp_path) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.cells = cells
    NotebookClient(
        nb,
        timeout=120,
        kernel_name="python3",
        allow_errors=True,
        resources={"metadata": {"path": str(tmp_path)}},
    ).execute()
    return nb


def flat(text: str) -> str:
    """``text`` with every run of whitespace as one space (a message is wrapped at 90)."""
    return " ".join(text.split())


def shown(cell: nbformat.NotebookNode) -> tuple[str, str]:
    """(ename, what JupyterLab shows: the traceback lines without colours)."""
    errors = [o for o in cell.outputs if o.output_type == "error"]
    assert len(errors) == 1, cell.outputs
    return errors[0].ename, ANSI.sub("", "\n".join(errors[0].traceback))


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("fehler")
    code = nbformat.v4.new_code_cell
    return run(
        [
            code("from cjmlib.model import Touchpoint\nfrom cjmlib.workbook import Workbook"),
            code(
                'hotline = Touchpoint(\n    name="Hotline",\n    phase="kauf",\n'
                '    channel="Telefon",\n    relevance=7,\n)'
            ),
            code(f'wb = Workbook.open(r"{tmp}/projekt.cjm.json")\nwb.personas.add(alter=36)'),
            code("hotline = Touchpoint(name='Hotline', phase='kauf', channel='Telefon')\n1 / 0"),
            code('from cjmlib import Persona\nPersona(name="Lena Hofmann", alter=36)'),
        ],
        tmp,
    )


def test_a_model_error_shows_the_german_message_and_the_trainees_line(executed):
    """Does a wrong value show field, value, allowed range and the trainee's line, nothing else?"""
    ename, text = shown(executed.cells[1])
    assert ename == "CJMError"
    assert "„Relevanz“ (`relevance`) hat den Wert 7" in flat(text)
    assert "ganze Zahl von 1 bis 5" in flat(text)
    assert "→     relevance=7," in text  # the trainee's own line, marked
    for leak in ("cjmlib/", "site-packages", "pydantic", "Traceback", "File "):
        assert leak not in text, (leak, text)
    # heading, blank line, "Zeile ...", six lines of code: nothing besides the message
    message = text.split("\n\n")[0].splitlines()[1:]
    assert "Korrigiere den Wert" in message[-1]
    assert len(text.splitlines()) - len(message) <= 9, text


def test_an_error_from_a_workbook_call_names_the_field_and_the_choices(executed):
    """Does a misspelled field through ``wb.personas.add`` name the valid fields, German first?"""
    ename, text = shown(executed.cells[2])
    assert ename == "CJMError"
    first = text.splitlines()[0]
    assert "Fehler" in first or "geklappt" in first, first
    assert "Ein Feld `alter` gibt es nicht" in flat(text) and "age" in text
    assert "wb.personas.add(alter=36)" in text
    assert "cjmlib/" not in text and "site-packages" not in text


def test_other_errors_keep_pythons_traceback(executed):
    """Is only our own error type shortened (a ZeroDivisionError keeps its traceback)?"""
    ename, text = shown(executed.cells[3])
    assert ename == "ZeroDivisionError"
    assert "1 / 0" in text


def test_a_long_message_wraps_between_words(executed):
    """Does a long German message (the primer's misspelled field) reach the trainee in lines
    of at most 90 characters, broken between words only?

    JupyterLab breaks a longer line anywhere, also inside a word ("Schreib|weise").
    """
    from cjmlib import Persona

    ename, text = shown(executed.cells[4])
    assert ename == "CJMError"
    with pytest.raises(CJMError) as raised:
        Persona(name="Lena Hofmann", alter=36)
    message = raised.value.message
    assert len(message) > 150  # long enough to need wrapping
    assert [line for line in text.splitlines() if len(line) > 90] == []
    # every word whole, in order: the message is there up to line breaks
    assert flat(message) in flat(text), text


def test_a_failing_graded_cell_still_scores_zero(tmp_path):
    """Does nbgrader still see an error (0 points) when a graded cell raises a CJMError?"""
    meta = {"nbgrader": {"grade": True, "solution": False, "points": 2, "grade_id": "t1"}}
    failing = nbformat.v4.new_code_cell(
        "from cjmlib.model import Touchpoint\nTouchpoint(name='X', phase='kauf', relevance=9)",
        metadata=meta,
    )
    passing = nbformat.v4.new_code_cell(
        "ok = Touchpoint(name='X', phase='kauf', channel='Shop', relevance=3)",
        metadata={"nbgrader": {**meta["nbgrader"], "grade_id": "t2"}},
    )
    nb = run([failing, passing], tmp_path)
    assert determine_grade(nb.cells[0]) == (0, 2.0)
    assert shown(nb.cells[0])[0] == "CJMError"
    assert determine_grade(nb.cells[1]) == (2.0, 2.0)


def test_outside_a_notebook_the_message_is_unchanged():
    """Is ``str()`` still the plain message (scripts, logs, the widgets)?"""
    error = CJMError("Das Feld ist leer.", field="name")
    assert str(error) == "Das Feld ist leer."
    assert error._render_traceback_()[-1].endswith("Das Feld ist leer.")
