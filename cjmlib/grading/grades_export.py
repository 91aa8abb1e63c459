"""Grades as instructors hand them on: German Excel CSV, an ``.xlsx`` workbook, a chart.

Three exporters for nbgrader's own ``nbgrader export`` (run in the course folder)::

    nbgrader export --exporter=cjmlib.grading.grades_export.GermanCsvExport --to=noten.csv
    nbgrader export --exporter=cjmlib.grading.grades_export.ExcelExport --to=noten.xlsx
    nbgrader export --exporter=cjmlib.grading.grades_export.ChartExport --to=noten.png

All three show one row per student and one column per assignment (points after the late
penalty, as nbgrader's own export counts them), a total, and which assignments still
wait for hand grading (a reflection nobody has scored yet): in the CSV as a column, in
the ``.xlsx`` also as a yellow cell with a note. The CSV is German Excel's dialect
(``;``, decimal comma, UTF-8 with BOM; :func:`cjmlib.io.table_export.export_table`).
Plain ``nbgrader export`` still writes nbgrader's ``grades.csv`` as before.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import altair as alt
import pandas as pd
from nbgrader.api import Gradebook, MissingEntry  # type: ignore[import-untyped]
from nbgrader.plugins import ExportPlugin  # type: ignore[import-untyped]

from cjmlib.charts.theme import COLORS
from cjmlib.io.images import save_chart
from cjmlib.io.table_export import export_table
from cjmlib.messages import t

__all__ = [
    "ChartExport",
    "ExcelExport",
    "GermanCsvExport",
    "Grade",
    "overview",
    "overview_chart",
    "read_grades",
    "write_csv",
    "write_xlsx",
]

Status = Literal["graded", "pending", "missing"]
PENDING_FILL = "FFF2CC"  # pale yellow: waits for hand grading
MISSING_FILL = "E7E6E6"  # grey: nothing handed in


@dataclass(frozen=True)
class Grade:
    """One student's result in one assignment."""

    student: str
    last_name: str
    first_name: str
    assignment: str
    score: float  # after the late penalty, never below 0 (as ``nbgrader export``)
    max_score: float
    penalty: float
    status: Status


def read_grades(
    gradebook: Gradebook, assignments: Iterable[str] = (), students: Iterable[str] = ()
) -> list[Grade]:
    """Every student x assignment of the gradebook (optionally only the named ones)."""
    wanted_a, wanted_s = set(assignments), set(students)
    grades = []
    for assignment in gradebook.assignments:
        if wanted_a and assignment.name not in wanted_a:
            continue
        for student in gradebook.students:
            if wanted_s and student.id not in wanted_s:
                continue
            status: Status
            try:
                submission = gradebook.find_submission(assignment.name, student.id)
            except MissingEntry:
                score, penalty, status = 0.0, 0.0, "missing"
            else:
                penalty = float(submission.late_submission_penalty or 0.0)
                score = max(0.0, float(submission.score) - penalty)
                status = "pending" if submission.needs_manual_grade else "graded"
            grades.append(
                Grade(
                    student=student.id,
                    last_name=student.last_name or "",
                    first_name=student.first_name or "",
                    assignment=assignment.name,
                    score=score,
                    max_score=float(assignment.max_score),
                    penalty=penalty,
                    status=status,
                )
            )
    return grades


def _points(value: float) -> str:
    return f"{value:g}".replace(".", ",")


def _column(assignment: str, max_score: float) -> str:
    return t("classroom.grades.column", assignment=assignment, max=_points(max_score))


def overview(grades: list[Grade]) -> pd.DataFrame:
    """One row per student, one column per assignment, total and open hand grading."""
    assignments: dict[str, float] = {}
    for grade in grades:
        assignments.setdefault(grade.assignment, grade.max_score)
    people: dict[str, dict[str, Any]] = {}
    for grade in grades:
        row = people.setdefault(
            grade.student,
            {
                t("classroom.grades.student"): grade.student,
                t("classroom.grades.last_name"): grade.last_name,
                t("classroom.grades.first_name"): grade.first_name,
                "_pending": [],
                "_total": 0.0,
            },
        )
        row[_column(grade.assignment, grade.max_score)] = grade.score
        row["_total"] += grade.score
        if grade.status == "pending":
            row["_pending"].append(grade.assignment)
    maximum = sum(assignments.values())
    total = t("classroom.grades.total", max=_points(maximum))
    pending = t("classroom.grades.pending_column")
    rows = []
    for row in people.values():
        row[total] = round(row.pop("_total"), 4)
        row[pending] = ", ".join(row.pop("_pending"))
        rows.append(row)
    columns = [
        t("classroom.grades.student"),
        t("classroom.grades.last_name"),
        t("classroom.grades.first_name"),
        *(_column(a, m) for a, m in assignments.items()),
        total,
        pending,
    ]
    frame = pd.DataFrame(rows, columns=columns)
    order = [t("classroom.grades.last_name"), t("classroom.grades.first_name")]
    return frame.sort_values([*order, t("classroom.grades.student")], kind="stable").reset_index(
        drop=True
    )


def write_csv(grades: list[Grade], path: str | os.PathLike[str]) -> Path:
    """The overview as CSV for German Excel: ``;``, decimal comma, UTF-8 with BOM."""
    return export_table(overview(grades), path)


def write_xlsx(grades: list[Grade], path: str | os.PathLike[str]) -> Path:
    """The overview as ``.xlsx``: open hand grading yellow with a note, missing work grey."""
    from openpyxl import load_workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill
    from openpyxl.worksheet.properties import PageSetupProperties

    frame = overview(grades)
    target = export_table(frame, path, sheet_name=t("classroom.grades.sheet"))
    book = load_workbook(target)
    sheet = book[t("classroom.grades.sheet")]
    header = [cell.value for cell in sheet[1]]
    row_of = {sheet.cell(row=r, column=1).value: r for r in range(2, sheet.max_row + 1)}
    notes = {
        "pending": (PENDING_FILL, t("classroom.grades.pending_note")),
        "missing": (MISSING_FILL, t("classroom.grades.missing_note")),
    }
    for grade in grades:
        if grade.status not in notes:
            continue
        fill, note = notes[grade.status]
        cell = sheet.cell(
            row=row_of[grade.student],
            column=header.index(_column(grade.assignment, grade.max_score)) + 1,
        )
        cell.fill = PatternFill("solid", start_color=fill, end_color=fill)
        cell.comment = Comment(note, t("classroom.grades.author"))
    # Printed (or as PDF): landscape, all columns on one page wide.
    sheet.page_setup.orientation = "landscape"
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    legend = book.create_sheet(t("classroom.grades.legend_sheet"))
    legend.append([t("classroom.grades.legend_title")])
    legend.append([t("classroom.grades.pending_note")])
    legend["A2"].fill = PatternFill("solid", start_color=PENDING_FILL, end_color=PENDING_FILL)
    legend.append([t("classroom.grades.missing_note")])
    legend["A3"].fill = PatternFill("solid", start_color=MISSING_FILL, end_color=MISSING_FILL)
    legend.append([t("classroom.grades.score_note")])
    legend.column_dimensions["A"].width = 90
    tmp = target.with_name(target.name + ".tmp.xlsx")
    book.save(tmp)
    os.replace(tmp, target)
    return target


def overview_chart(grades: list[Grade]) -> alt.FacetChart:
    """How many students reached how many points, one panel per assignment."""
    status_label = {
        "graded": t("classroom.grades.status_graded"),
        "pending": t("classroom.grades.status_pending"),
        "missing": t("classroom.grades.status_missing"),
    }
    data = pd.DataFrame(
        {
            "assignment": [g.assignment for g in grades],
            "score": [g.score for g in grades],
            "max": [g.max_score for g in grades],
            "status": [status_label[g.status] for g in grades],
            "student": [g.student for g in grades],
        }
    )
    # Whole numbers of students on the y axis (Vega would put a tick at 0.5 for a class of one).
    most = int(data.groupby(["assignment", data["score"] // 1]).size().max()) if len(data) else 1
    step = max(1, -(-most // 5))
    points = t("classroom.grades.axis_points")
    count = t("classroom.grades.axis_students")
    status = t("classroom.grades.legend_status")
    bars = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X("score:Q", bin=alt.Bin(step=1, extent=[0, float(data["max"].max()) + 1]))
            .title(points)
            .axis(format="d", tickMinStep=1),
            y=alt.Y("count():Q")
            .title(count)
            .axis(format="d", values=list(range(0, most + step, step))),
            color=alt.Color("status:N")
            .title(status)
            .scale(
                domain=list(status_label.values()),
                range=[COLORS["main"], COLORS["highlight"], COLORS["neutral"]],
            ),
            tooltip=[
                alt.Tooltip("count():Q", title=count),
                alt.Tooltip("status:N", title=status),
            ],
        )
        .properties(width=420, height=110)
    )
    chart: alt.FacetChart = bars.facet(
        row=alt.Row("assignment:N").title(t("classroom.grades.axis_assignment"))
    ).properties(title=t("classroom.grades.chart_title"))
    return chart


# -- nbgrader export plugins --------------------------------------------------------------


class _OverviewExport(ExportPlugin):  # type: ignore[misc]  # nbgrader ships no types
    default_name = "noten.csv"

    def grades(self, gradebook: Gradebook) -> list[Grade]:
        return read_grades(gradebook, self.assignment, self.student)

    def destination(self) -> str:
        return str(self.to or self.default_name)

    def export(self, gradebook: Gradebook) -> None:
        target = self.write(self.grades(gradebook), self.destination())
        self.log.info(t("classroom.grades.written", path=target))

    def write(self, grades: list[Grade], path: str) -> Path:
        raise NotImplementedError


class GermanCsvExport(_OverviewExport):
    """``nbgrader export`` as CSV for German Excel (default ``noten.csv``)."""

    default_name = "noten.csv"

    def write(self, grades: list[Grade], path: str) -> Path:
        return write_csv(grades, path)


class ExcelExport(_OverviewExport):
    """``nbgrader export`` as ``.xlsx`` with open hand grading marked (default ``noten.xlsx``)."""

    default_name = "noten.xlsx"

    def write(self, grades: list[Grade], path: str) -> Path:
        return write_xlsx(grades, path)


class ChartExport(_OverviewExport):
    """``nbgrader export`` as a chart of the points per assignment (.png, .svg or .pdf)."""

    default_name = "noten.png"

    def write(self, grades: list[Grade], path: str) -> Path:
        return save_chart(overview_chart(grades), path)
