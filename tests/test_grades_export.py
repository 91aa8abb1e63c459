"""Grades as instructors hand them on: German Excel CSV, .xlsx with open hand grading marked,
an overview chart; read back with pandas, openpyxl and LibreOffice (as Calc with German
settings would open them).

The gradebook is built with nbgrader's own API: three students, two assignments, one
reflection still waiting for hand grading, one assignment not handed in, one late penalty.
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

from cjmlib.grading import grades_export
from cjmlib.grading.build import ensure_tools_on_path

A, B = "03_beduerfnisse", "08_loesungen"
# student -> assignment -> (test points, reflection points or None = not graded yet, penalty)
RESULTS = {
    "lena.berger": {A: (7.0, 1.5, 0.0), B: (8.0, 2.0, 1.0)},
    "jonas.koch": {A: (4.0, None, 0.0)},
    "aylin.demir": {A: (0.0, 0.0, 0.0), B: (3.0, 0.5, 0.0)},
}
NAMES = {
    "lena.berger": ("Lena", "Berger"),
    "jonas.koch": ("Jonas", "Koch"),
    "aylin.demir": ("Aylin", "Demir"),
}
MAX = {A: 9.0, B: 10.0}  # tests + reflection (2)


def build_gradebook(path: Path) -> Path:
    """The gradebook of the three students above, made with nbgrader's API."""
    ensure_tools_on_path()  # nbgrader runs `alembic` when it creates a gradebook
    with Gradebook(f"sqlite:///{path}") as gb:
        for name, maximum in MAX.items():
            gb.add_assignment(name)
            gb.add_notebook(name, name)
            gb.add_grade_cell("tests", name, name, max_score=maximum - 2, cell_type="code")
            gb.add_grade_cell("reflexion", name, name, max_score=2, cell_type="markdown")
        for student, (first, last) in NAMES.items():
            gb.add_student(student, first_name=first, last_name=last)
        for student, results in RESULTS.items():
            for name, (tests, reflection, penalty) in results.items():
                gb.add_submission(name, student)
                tests_grade = gb.find_grade("tests", name, name, student)
                tests_grade.auto_score, tests_grade.needs_manual_grade = tests, False
                refl = gb.find_grade("reflexion", name, name, student)
                refl.manual_score = reflection
                refl.needs_manual_grade = reflection is None
                notebook = gb.find_submission_notebook(name, name, student)
                notebook.late_submission_penalty = penalty
                gb.db.commit()
    return path


@pytest.fixture(scope="module")
def gradebook_file(tmp_path_factory):
    """Built once (nbgrader's database set-up takes seconds); each test reads a copy."""
    return build_gradebook(tmp_path_factory.mktemp("notenbuch") / "gradebook.db")


@pytest.fixture
def gradebook(gradebook_file, tmp_path):
    shutil.copy(gradebook_file, tmp_path / "gradebook.db")
    with Gradebook(f"sqlite:///{tmp_path / 'gradebook.db'}") as gb:
        yield gb


def expected_score(student: str, assignment: str) -> float:
    tests, reflection, penalty = RESULTS[student].get(assignment, (0.0, 0.0, 0.0))
    return max(0.0, tests + (reflection or 0.0) - penalty)


def test_are_scores_penalties_and_open_hand_grading_read_as_nbgrader_counts_them(gradebook):
    grades = {(g.student, g.assignment): g for g in grades_export.read_grades(gradebook)}
    assert len(grades) == 6
    for (student, assignment), grade in grades.items():
        assert grade.score == expected_score(student, assignment), (student, assignment)
        assert grade.max_score == MAX[assignment]
    assert grades[("jonas.koch", A)].status == "pending"
    assert grades[("jonas.koch", B)].status == "missing"
    assert grades[("lena.berger", B)].penalty == 1.0
    assert {g.status for k, g in grades.items() if k[0] != "jonas.koch"} == {"graded"}


def test_does_the_csv_open_in_german_excel_with_one_row_per_student(gradebook, tmp_path):
    target = grades_export.write_csv(grades_export.read_grades(gradebook), tmp_path / "noten.csv")
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 with BOM, so Excel shows umlauts"
    text = raw.decode("utf-8-sig")
    header = text.splitlines()[0].split(";")
    assert header == [
        "Kennung",
        "Nachname",
        "Vorname",
        "03_beduerfnisse (max. 9)",
        "08_loesungen (max. 10)",
        "Summe (max. 19)",
        "Noch von Hand zu bewerten",
    ]
    assert "8,5" in text and "8.5" not in text, "decimal comma"
    frame = pd.read_csv(target, sep=";", decimal=",", encoding="utf-8-sig")
    assert list(frame["Nachname"]) == ["Berger", "Demir", "Koch"], "sorted by last name"
    rows = frame.set_index("Kennung")
    for student in RESULTS:
        assert rows.loc[student, "03_beduerfnisse (max. 9)"] == expected_score(student, A)
        assert rows.loc[student, "08_loesungen (max. 10)"] == expected_score(student, B)
        assert rows.loc[student, "Summe (max. 19)"] == pytest.approx(
            expected_score(student, A) + expected_score(student, B)
        )
    assert rows.loc["jonas.koch", "Noch von Hand zu bewerten"] == A
    assert rows["Noch von Hand zu bewerten"].isna().sum() == 2


def test_does_the_xlsx_mark_open_hand_grading_and_missing_work(gradebook, tmp_path):
    target = grades_export.write_xlsx(grades_export.read_grades(gradebook), tmp_path / "noten.xlsx")
    book = load_workbook(target)
    assert book.sheetnames == ["Noten", "Erläuterung"]
    sheet = book["Noten"]
    header = [c.value for c in sheet[1]]
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    assert set(rows) == set(RESULTS)
    col_a, col_b = header.index("03_beduerfnisse (max. 9)"), header.index("08_loesungen (max. 10)")
    total = header.index("Summe (max. 19)")
    assert rows["lena.berger"][col_a].value == 8.5
    assert rows["lena.berger"][col_b].value == 9.0  # 10 minus 1 for lateness
    assert rows["lena.berger"][total].value == 17.5
    pending = rows["jonas.koch"][col_a]
    assert pending.fill.start_color.rgb.endswith(grades_export.PENDING_FILL)
    assert "von Hand" in pending.comment.text
    missing = rows["jonas.koch"][col_b]
    assert missing.value == 0 and missing.fill.start_color.rgb.endswith(grades_export.MISSING_FILL)
    assert rows["lena.berger"][col_a].comment is None
    assert isinstance(rows["aylin.demir"][total].value, float | int), "numbers stay numbers"


@pytest.mark.slow
def test_does_nbgrader_export_run_our_exporters_and_keep_its_own(gradebook, tmp_path):
    bindir = Path(sys.executable).parent
    env = {"PATH": f"{bindir}:/usr/bin:/bin", "HOME": str(tmp_path)}
    (tmp_path / "nbgrader_config.py").write_text(
        f"c = get_config()\nc.CourseDirectory.root = {str(tmp_path)!r}\n"
    )
    outputs = {}
    for exporter, name in (
        ("", "grades.csv"),
        ("cjmlib.grading.grades_export.GermanCsvExport", "noten.csv"),
        ("cjmlib.grading.grades_export.ExcelExport", "noten.xlsx"),
        ("cjmlib.grading.grades_export.ChartExport", "noten.png"),
    ):
        args = [sys.executable, "-m", "nbgrader", "export"]
        if exporter:
            args += [f"--exporter={exporter}", f"--to={name}"]
        out = subprocess.run(args, cwd=tmp_path, env=env, capture_output=True, text=True)
        assert out.returncode == 0, out.stderr[-2000:]
        outputs[name] = tmp_path / name
    stock = outputs["grades.csv"].read_text().splitlines()
    assert stock[0].startswith("assignment,duedate,timestamp,student_id")
    assert len(stock) == 1 + 6, "nbgrader's own export: one row per student and assignment"
    assert outputs["noten.csv"].read_bytes().startswith(b"\xef\xbb\xbf")
    assert load_workbook(outputs["noten.xlsx"])["Noten"].max_row == 4
    assert outputs["noten.png"].read_bytes().startswith(b"\x89PNG")


def test_does_the_chart_show_every_assignment_with_german_labels(gradebook):
    spec = grades_export.overview_chart(grades_export.read_grades(gradebook)).to_dict()
    text = str(spec)
    for label in ("Punkte", "Teilnehmende", "Bewertung von Hand offen", "nicht abgegeben"):
        assert label in text
    assert set(pd.DataFrame(next(iter(spec["datasets"].values())))["assignment"]) == {A, B}


@pytest.mark.skipif(shutil.which("libreoffice") is None, reason="LibreOffice is not installed")
def test_does_libreoffice_read_the_csv_and_the_xlsx_as_german_calc_would(gradebook, tmp_path):
    """LibreOffice opens the CSV with German settings (`;`, decimal comma, UTF-8) and the
    .xlsx; its own re-export must hold the same numbers."""
    grades = grades_export.read_grades(gradebook)
    csv = grades_export.write_csv(grades, tmp_path / "noten.csv")
    xlsx = grades_export.write_xlsx(grades, tmp_path / "noten.xlsx")
    out = tmp_path / "lo"
    profile = tmp_path / "lo-profile"
    base = ["libreoffice", f"-env:UserInstallation=file://{profile}", "--headless"]
    # CSV filter: separator ; (59), quote " (34), UTF-8 (76), from line 1, German (1031).
    subprocess.run(
        [*base, "--infilter=CSV:59,34,76,1,,1031", "--convert-to", "xlsx", "--outdir", out, csv],
        check=True,
        capture_output=True,
        timeout=180,
    )
    subprocess.run(
        [*base, "--convert-to", "pdf", "--outdir", out, xlsx],
        check=True,
        capture_output=True,
        timeout=180,
    )
    calc = load_workbook(out / "noten.xlsx").active
    header = [c.value for c in calc[1]]
    rows = {row[0].value: row for row in calc.iter_rows(min_row=2)}
    col_a = header.index("03_beduerfnisse (max. 9)")
    assert rows["lena.berger"][col_a].value == 8.5, "8,5 read as the number 8.5"
    assert rows["lena.berger"][header.index("Summe (max. 19)")].value == 17.5
    assert header[1] == "Nachname" and rows["jonas.koch"][6].value == A
    assert (out / "noten.pdf").stat().st_size > 1000
