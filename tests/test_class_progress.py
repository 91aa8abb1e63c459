"""The instructor's progress overview of a class (issue 17, item 4), from a real gradebook.

The class of ``tests/test_grades_export.py`` (three students, two assignments, one
reflection waiting for hand grading, one assignment not handed in) plus a fourth student,
Mara, whose first assignment is collected but not yet autograded and whose second still
waits in the exchange: every step of nbgrader's flow appears once.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from nbgrader.api import Gradebook
from openpyxl import load_workbook

from cjmlib.errors import CJMError
from cjmlib.grading import class_progress
from cjmlib.io.table_export import export_tables
from tests.test_grades_export import A, B, build_gradebook

STAMP = "2026-11-27 09:15:00.000000 UTC"
EXPECTED = {  # (student, assignment) -> state
    ("lena.berger", A): "graded",
    ("lena.berger", B): "graded",
    ("jonas.koch", A): "pending",
    ("jonas.koch", B): "missing",
    ("aylin.demir", A): "graded",
    ("aylin.demir", B): "graded",
    ("mara.vogel", A): "collected",
    ("mara.vogel", B): "inbound",
}


@pytest.fixture(scope="module")
def class_folder(tmp_path_factory) -> Path:
    """Course folder with gradebook and ``submitted/``, and an exchange beside it."""
    root = tmp_path_factory.mktemp("klasse")
    course = root / "kurs"
    course.mkdir()
    build_gradebook(course / "gradebook.db")
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for name in (A, B):  # the reflection is an answer cell, as in the course
            gb.add_solution_cell("reflexion", name, name)
    for student, assignment in [*(k for k, v in EXPECTED.items() if v != "missing")]:
        if EXPECTED[(student, assignment)] == "inbound":
            folder = root / "exchange" / "cjm-werkstatt" / "inbound"
            folder = folder / f"{student}+{assignment}+{STAMP}+x7Qa"
        else:
            folder = course / "submitted" / student / assignment
        folder.mkdir(parents=True)
        (folder / "timestamp.txt").write_text(STAMP)
    return root


@pytest.fixture
def progress(class_folder, tmp_path):
    shutil.copytree(class_folder, tmp_path, dirs_exist_ok=True)
    with Gradebook(f"sqlite:///{tmp_path / 'kurs' / 'gradebook.db'}") as gb:
        yield class_progress.read_progress(
            gb, tmp_path / "kurs", exchange=tmp_path / "exchange", course_id="cjm-werkstatt"
        )


def test_is_every_student_at_the_step_of_nbgraders_flow_they_reached(progress):
    states = {(p.grade.student, p.grade.assignment): p.state for p in progress}
    assert states == EXPECTED
    by_key = {(p.grade.student, p.grade.assignment): p for p in progress}
    jonas = by_key[("jonas.koch", A)]
    assert (jonas.auto_score, jonas.auto_max) == (4.0, 7.0), "tests only, not the reflection"
    assert by_key[("lena.berger", B)].grade.score == 9.0, "10 minus 1 for lateness"
    assert by_key[("mara.vogel", A)].handed_in is not None
    assert by_key[("mara.vogel", A)].auto_score is None, "not autograded yet"
    assert by_key[("jonas.koch", B)].handed_in is None


def test_do_the_tables_say_per_student_and_per_assignment_where_the_class_stands(progress):
    people = class_progress.student_table(progress)
    assert list(people.columns[:5]) == ["Kennung", "Nachname", "Vorname", "Übung", "Stand"]
    row = people[(people["Kennung"] == "jonas.koch") & (people["Übung"] == A)].iloc[0]
    assert row["Stand"] == "Bewertung von Hand offen" and row["Von Hand offen"] == "ja"
    assert row["Punkte automatisch"] == 4.0 and row["Abgegeben am"] == "27.11.2026 09:15 UTC"
    overview = class_progress.class_table(progress).set_index("Kennung")
    assert overview.loc["mara.vogel", A] == "eingesammelt, noch nicht bewertet"
    assert overview.loc["mara.vogel", B] == "abgegeben, noch nicht eingesammelt"
    assert overview.loc["jonas.koch", "Abgegeben (Anzahl)"] == 1
    assert overview.loc["jonas.koch", "Von Hand offen (Anzahl)"] == 1
    per_assignment = class_progress.assignment_table(progress).set_index("Übung")
    assert per_assignment.loc[A, "Teilnehmende"] == 4
    assert per_assignment.loc[A, "fertig bewertet"] == 2
    assert per_assignment.loc[A, "Bewertung von Hand offen"] == 1
    assert per_assignment.loc[B, "nicht abgegeben"] == 1
    assert per_assignment.loc[B, "abgegeben, noch nicht eingesammelt"] == 1
    assert per_assignment.loc[B, "Mittel der fertig bewerteten Punkte"] == pytest.approx(
        (9.0 + 3.5) / 2
    )


def test_does_the_chart_count_the_class_per_assignment_with_german_labels(progress):
    spec = class_progress.progress_chart(progress).to_dict()
    text = str(spec)
    for label in ("Stand der Klasse je Übung", "Teilnehmende", "Übung", "fertig bewertet"):
        assert label in text
    data = pd.DataFrame(next(iter(spec["datasets"].values())))
    assert len(data) == len(EXPECTED)
    assert data.groupby("assignment").size().to_dict() == {A: 4, B: 4}


def test_does_the_xlsx_hold_three_german_sheets_with_coloured_states(progress, tmp_path):
    table, chart = class_progress.write_progress(progress, tmp_path / "fortschritt.xlsx")
    assert chart == tmp_path / "fortschritt.png" and chart.read_bytes().startswith(b"\x89PNG")
    book = load_workbook(table)
    assert book.sheetnames == ["Übersicht", "Stand je Person", "Stand je Übung"]
    sheet = book["Übersicht"]
    header = [c.value for c in sheet[1]]
    rows = {r[0].value: r for r in sheet.iter_rows(min_row=2)}
    pending = rows["jonas.koch"][header.index(A)]
    assert pending.value == "Bewertung von Hand offen"
    assert pending.fill.start_color.rgb.endswith(class_progress.FILLS["pending"])
    assert rows["lena.berger"][header.index(B)].fill.start_color.rgb.endswith(
        class_progress.FILLS["graded"]
    )
    assert book["Stand je Person"].max_row == 1 + len(EXPECTED)
    for each in book.worksheets:  # printed: landscape, one page wide
        assert each.page_setup.orientation == "landscape" and each.page_setup.fitToWidth == 1
    csv_table, _ = class_progress.write_progress(progress, tmp_path / "fortschritt.csv")
    assert csv_table.read_bytes().startswith(b"\xef\xbb\xbf")
    frame = pd.read_csv(csv_table, sep=";", decimal=",", encoding="utf-8-sig")
    assert frame["Punkte automatisch"].dropna().tolist() == [7.0, 8.0, 0.0, 3.0, 4.0]  # by name


def test_do_several_tables_only_go_into_an_xlsx(tmp_path):
    with pytest.raises(CJMError, match=r"\.xlsx"):
        export_tables({"a": pd.DataFrame({"x": [1]})}, tmp_path / "zwei.csv")


@pytest.mark.slow
def test_does_the_guides_one_command_write_the_overview_in_the_course_folder(
    class_folder, tmp_path
):
    """`nbgrader export --exporter=…ProgressExport --to=fortschritt.xlsx`, as course/README.md
    says, in a course folder whose config names the exchange; then LibreOffice opens it."""
    shutil.copytree(class_folder, tmp_path, dirs_exist_ok=True)
    course = tmp_path / "kurs"
    (course / "nbgrader_config.py").write_text(
        "c = get_config()\n"
        f"c.CourseDirectory.root = {str(course)!r}\n"
        "c.CourseDirectory.course_id = 'cjm-werkstatt'\n"
        f"c.Exchange.root = {str(tmp_path / 'exchange')!r}\n"
    )
    bindir = Path(sys.executable).parent
    env = {"PATH": f"{bindir}:/usr/bin:/bin", "HOME": str(tmp_path)}
    exporter = "--exporter=cjmlib.grading.class_progress.ProgressExport"
    out = subprocess.run(
        [sys.executable, "-m", "nbgrader", "export", exporter, "--to=fortschritt.xlsx"],
        cwd=course,
        env=env,
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert "Fortschritt der Klasse geschrieben nach" in out.stderr
    assert (course / "fortschritt.png").read_bytes().startswith(b"\x89PNG")
    people = pd.read_excel(course / "fortschritt.xlsx", sheet_name="Stand je Person")
    assert set(zip(people["Kennung"], people["Übung"], strict=True)) == set(EXPECTED)
    if shutil.which("libreoffice") is None:
        return
    lo = tmp_path / "lo"
    base = ["libreoffice", f"-env:UserInstallation=file://{tmp_path / 'lo-profil'}"]
    subprocess.run(
        [*base, "--headless", "--convert-to", "csv", "--outdir", lo, course / "fortschritt.xlsx"],
        check=True,
        capture_output=True,
        timeout=180,
    )
    calc = (lo / "fortschritt.csv").read_text(encoding="utf-8", errors="replace")
    assert "Bewertung von Hand offen" in calc and "mara.vogel" in calc, calc[:500]
