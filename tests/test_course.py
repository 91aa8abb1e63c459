"""Does a chapter always open the trainee's own workbook, and say plainly what is missing?"""

from __future__ import annotations

from cjmlib import course
from cjmlib.course import my_workbook, workbook_path


def test_a_late_start_still_opens_the_own_workbook(capsys):
    """Chapter 8 without pain points: the trainee's own file, never a copy of the sample."""
    wb = my_workbook(8)
    assert wb.path == workbook_path()
    assert not list(workbook_path().parent.glob("beispiel_*.cjm.json"))
    shown = capsys.readouterr().out
    assert "Pain Points (Kapitel 7)" in shown
    assert str(workbook_path()) in shown
    wb.solutions.add(title="Express-Checkout")
    assert [s.title for s in my_workbook(9, quiet=True).solutions] == ["Express-Checkout"]


def test_the_notice_names_every_missing_step_in_order(capsys):
    my_workbook(6)
    shown = capsys.readouterr().out
    assert shown.index("Personas (Kapitel 2)") < shown.index("Touchpoints (Kapitel 4)")


def test_complete_prerequisites_give_no_warning(capsys):
    wb = my_workbook(2, quiet=True)
    wb.personas.add(name="Lena")
    my_workbook(3)
    shown = capsys.readouterr().out
    assert "fehlen" not in shown and str(workbook_path()) in shown


def test_start_page_names_no_chapter_dash(capsys):
    """The start page says "Dein Arbeitsbuch: …", not "Kapitel –: …"."""
    my_workbook(0)
    shown = capsys.readouterr().out
    assert "Kapitel –" not in shown and "Dein Arbeitsbuch" in shown


def test_reload_tip_is_in_the_setup_output(capsys):
    """After a page reload the widgets need a re-run: the setup cell's output says so."""
    my_workbook(4)
    shown = capsys.readouterr().out
    assert "Error displaying widget" in shown and "Run All Cells" in shown


def test_prerequisites_name_a_chapter_for_every_collection():
    for needed in course.PREREQUISITES.values():
        for collection in needed:
            assert collection in course.FILLED_IN
