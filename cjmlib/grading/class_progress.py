"""Where a class stands: who handed in what, what the grader scored, what waits for you.

The instructor's progress overview (issue 17, item 4), from the gradebook and the course
folder, with one command in the course folder::

    nbgrader export --exporter=cjmlib.grading.class_progress.ProgressExport --to=fortschritt.xlsx

It writes ``fortschritt.xlsx`` (``.csv`` works too) and the chart ``fortschritt.png``
beside it. Each student x assignment is in one of five states, from the first to the last
step of nbgrader's flow:

- ``missing`` – nothing handed in;
- ``inbound`` – submitted in the Assignments tab, not yet collected (``nbgrader collect``);
- ``collected`` – collected, not yet autograded (``nbgrader autograde``);
- ``pending`` – autograded, a reflection waits for hand grading (formgrader);
- ``graded`` – fully graded.

The workbook has three sheets: "Übersicht" (one row per student, one column per
assignment with the state, coloured), "Stand je Person" (one row per student and
assignment: state, time handed in, points of the automatic tests, open hand grading,
points after the late penalty) and "Stand je Übung" (how many students are at which
step). Points are counted as in :mod:`cjmlib.grading.grades_export`, whose reading of the
gradebook this module reuses.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

import altair as alt
import pandas as pd
from nbgrader.api import Gradebook  # type: ignore[import-untyped]

from cjmlib.charts.theme import COLORS
from cjmlib.grading.grades_export import Grade, _OverviewExport, read_grades
from cjmlib.io.images import save_chart
from cjmlib.io.table_export import export_table, export_tables
from cjmlib.messages import t

__all__ = [
    "STATES",
    "Progress",
    "ProgressExport",
    "assignment_table",
    "class_table",
    "progress_chart",
    "read_progress",
    "student_table",
    "write_progress",
]

State = Literal["missing", "inbound", "collected", "pending", "graded"]
#: The states in the order of nbgrader's flow (and of the chart's colours).
STATES: tuple[State, ...] = ("missing", "inbound", "collected", "pending", "graded")
FILLS: dict[State, str] = {
    "missing": "E7E6E6",  # grey, as in the grade export
    "inbound": "DDEBF7",  # pale blue: on its way to you
    "collected": "DDEBF7",
    "pending": "FFF2CC",  # pale yellow, as in the grade export: your turn
    "graded": "E2EFDA",  # pale green: done
}


@dataclass(frozen=True)
class Progress:
    """Where one student is in one assignment."""

    grade: Grade  # points as the grade export counts them (0 while not autograded)
    state: State
    handed_in: datetime | None  # the submission's timestamp (None: nothing handed in)
    auto_score: float | None  # points of the automatic tests (None: not autograded yet)
    auto_max: float


def _label(state: State) -> str:
    return t(f"classroom.progress.state_{state}")


def _by_hand(notebook: Any) -> set[str]:
    """Grade cells a person scores: answer cells (code or text) and every text cell."""
    answers = {cell.name for cell in notebook.solution_cells}
    return answers | {c.name for c in notebook.grade_cells if c.cell_type == "markdown"}


def _auto_max(gradebook: Gradebook, assignment: str) -> float:
    """Points of the automatic tests: the grade cells nobody scores by hand."""
    total = 0.0
    for notebook in gradebook.find_assignment(assignment).notebooks:
        manual = _by_hand(notebook)
        total += sum(c.max_score for c in notebook.grade_cells if c.name not in manual)
    return float(total)


def _auto_score(gradebook: Gradebook, assignment: str, student: str) -> float:
    """Points the automatic tests gave (what a person scores is not counted)."""
    total = 0.0
    for notebook in gradebook.find_submission(assignment, student).notebooks:
        manual = _by_hand(notebook.notebook)
        total += sum(g.auto_score or 0.0 for g in notebook.grades if g.name not in manual)
    return float(total)


def _timestamp(folder: Path) -> datetime | None:
    """nbgrader's ``timestamp.txt`` of a submission folder (None if there is none)."""
    from nbgrader.utils import parse_utc  # type: ignore[import-untyped]

    try:
        return parse_utc(  # type: ignore[no-any-return]
            (folder / "timestamp.txt").read_text().strip()
        )
    except (OSError, ValueError):
        return None


def _inbound(exchange: Path | None, course_id: str) -> dict[tuple[str, str], datetime | None]:
    """Submissions waiting in the exchange: (student, assignment) -> newest timestamp."""
    found: dict[tuple[str, str], datetime | None] = {}
    if exchange is None:
        return found
    try:
        entries = sorted((exchange / course_id / "inbound").iterdir())
    except OSError:  # no exchange here (no-hub route) or not readable: nothing to show
        return found
    for entry in entries:
        parts = entry.name.split("+")
        if len(parts) >= 3:
            found[(parts[0], parts[1])] = _timestamp(entry)
    return found


def read_progress(
    gradebook: Gradebook,
    course: str | os.PathLike[str],
    *,
    exchange: str | os.PathLike[str] | None = None,
    course_id: str = "cjm-werkstatt",
    assignments: Iterable[str] = (),
    students: Iterable[str] = (),
) -> list[Progress]:
    """Every student x assignment of the gradebook, with the step each one has reached.

    ``course`` is the course folder (its ``submitted/`` holds what was collected);
    ``exchange`` the nbgrader exchange (its inbound folder holds what was submitted and
    not yet collected). Students who handed in but are not in the gradebook yet (nbgrader
    adds them when it autogrades) are included.
    """
    folder = Path(course)
    wanted_a, wanted_s = set(assignments), set(students)
    inbound = _inbound(Path(exchange) if exchange else None, course_id)
    collected: dict[tuple[str, str], datetime | None] = {}
    for path in sorted((folder / "submitted").glob("*/*")):
        if path.is_dir():
            collected[(path.parent.name, path.name)] = _timestamp(path)
    known = {s.id for s in gradebook.students}
    for student, _ in [*collected, *inbound]:
        if student not in known and (not wanted_s or student in wanted_s):
            gradebook.update_or_create_student(student)
            known.add(student)
    rows = []
    auto_max: dict[str, float] = {}
    for grade in read_grades(gradebook, wanted_a, wanted_s):
        key = (grade.student, grade.assignment)
        maximum = auto_max.setdefault(grade.assignment, _auto_max(gradebook, grade.assignment))
        auto: float | None = None
        state: State
        if grade.status != "missing":
            state = "pending" if grade.status == "pending" else "graded"
            auto = _auto_score(gradebook, grade.assignment, grade.student)
            submission = gradebook.find_submission(grade.assignment, grade.student)
            handed_in = submission.timestamp or collected.get(key)
        elif key in collected:
            state, handed_in = "collected", collected[key]
        elif key in inbound:
            state, handed_in = "inbound", inbound[key]
        else:
            state, handed_in = "missing", None
        rows.append(Progress(grade, state, handed_in, auto, maximum))
    return rows


def _points(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _when(value: datetime | None) -> str:
    return value.strftime("%d.%m.%Y %H:%M UTC") if value else ""


def _person(p: Progress) -> dict[str, Any]:
    return {
        t("classroom.grades.student"): p.grade.student,
        t("classroom.grades.last_name"): p.grade.last_name,
        t("classroom.grades.first_name"): p.grade.first_name,
    }


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    keys = [t("classroom.grades.last_name"), t("classroom.grades.first_name")]
    keys.append(t("classroom.grades.student"))
    return frame.sort_values(keys, kind="stable").reset_index(drop=True)


def student_table(progress: list[Progress]) -> pd.DataFrame:
    """One row per student and assignment: state, handed in, points, open hand grading."""
    yes, no = t("classroom.progress.yes"), t("classroom.progress.no")
    rows = []
    for p in progress:
        rows.append(
            {
                **_person(p),
                t("classroom.progress.assignment"): p.grade.assignment,
                t("classroom.progress.state"): _label(p.state),
                t("classroom.progress.handed_in"): _when(p.handed_in),
                t("classroom.progress.auto_score"): _points(p.auto_score),
                t("classroom.progress.auto_max"): _points(p.auto_max),
                t("classroom.progress.hand_open"): yes if p.state == "pending" else no,
                t("classroom.progress.score"): _points(p.grade.score)
                if p.state in ("pending", "graded")
                else None,
                t("classroom.progress.max"): _points(p.grade.max_score),
            }
        )
    frame = pd.DataFrame(rows, columns=list(rows[0]) if rows else None)
    if frame.empty:
        return frame
    keys = [t("classroom.grades.last_name"), t("classroom.grades.first_name")]
    keys += [t("classroom.grades.student"), t("classroom.progress.assignment")]
    return frame.sort_values(keys, kind="stable").reset_index(drop=True)


def class_table(progress: list[Progress]) -> pd.DataFrame:
    """One row per student, one column per assignment with its state; counts at the end."""
    people: dict[str, dict[str, Any]] = {}
    assignments: list[str] = []
    handed = t("classroom.progress.count_handed_in")
    open_ = t("classroom.progress.count_hand_open")
    for p in progress:
        if p.grade.assignment not in assignments:
            assignments.append(p.grade.assignment)
        row = people.setdefault(p.grade.student, {**_person(p), handed: 0, open_: 0})
        row[p.grade.assignment] = _label(p.state)
        row[handed] += p.state != "missing"
        row[open_] += p.state == "pending"
    columns = [*_person(progress[0]), *assignments, handed, open_] if progress else []
    return (
        _sorted(pd.DataFrame(list(people.values()), columns=columns))
        if people
        else (pd.DataFrame(columns=columns))
    )


def assignment_table(progress: list[Progress]) -> pd.DataFrame:
    """One row per assignment: how many students are at which step, and the mean points."""
    rows: dict[str, dict[str, Any]] = {}
    for p in progress:
        row = rows.setdefault(
            p.grade.assignment,
            {
                t("classroom.progress.assignment"): p.grade.assignment,
                t("classroom.progress.students"): 0,
                **{_label(s): 0 for s in STATES},
                "_scores": [],
            },
        )
        row[t("classroom.progress.students")] += 1
        row[_label(p.state)] += 1
        if p.state == "graded":
            row["_scores"].append(p.grade.score)
    mean = t("classroom.progress.mean_graded")
    for row in rows.values():
        scores = row.pop("_scores")
        row[mean] = round(sum(scores) / len(scores), 2) if scores else None
    return pd.DataFrame(list(rows.values()))


def progress_chart(progress: list[Progress]) -> alt.Chart:
    """Per assignment a bar of the class: how many students are at which step."""
    order = [_label(s) for s in STATES]
    data = pd.DataFrame(
        {
            "assignment": [p.grade.assignment for p in progress],
            "state": [_label(p.state) for p in progress],
            "order": [STATES.index(p.state) for p in progress],
        }
    )
    students = t("classroom.progress.axis_students")
    state = t("classroom.progress.state")
    class_size = int(data.groupby("assignment").size().max()) if len(data) else 1
    chart: alt.Chart = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            y=alt.Y("assignment:N").title(t("classroom.progress.assignment")),
            x=alt.X("count():Q")
            .title(students)
            .axis(format="d", values=list(range(0, class_size + 1, max(1, -(-class_size // 8))))),
            color=alt.Color("state:N")
            .title(state)
            .scale(
                domain=order,
                range=[
                    COLORS["neutral"],  # nothing handed in
                    "#56B4E9",  # sky blue (Okabe-Ito, as the theme): on its way to you
                    COLORS["main"],
                    COLORS["highlight"],  # your turn
                    COLORS["solution"],  # done: green, as in the workbook
                ],
            ),
            order=alt.Order("order:Q"),
            tooltip=[
                alt.Tooltip("assignment:N", title=t("classroom.progress.assignment")),
                alt.Tooltip("state:N", title=state),
                alt.Tooltip("count():Q", title=students),
            ],
        )
        .properties(
            title=t("classroom.progress.chart_title"),
            width=560,
            height=max(60, 28 * data["assignment"].nunique()),
        )
    )
    return chart


def write_progress(progress: list[Progress], path: str | os.PathLike[str]) -> list[Path]:
    """Write the overview (``.xlsx`` with three sheets, or ``.csv``) and the chart beside it.

    Returns the files written: the table, then ``<name>.png``.
    """
    target = Path(path)
    chart = save_chart(progress_chart(progress), target.with_suffix(".png"))
    if target.suffix.lower() == ".csv":
        return [export_table(student_table(progress), target), chart]
    sheets = {
        t("classroom.progress.sheet_class"): class_table(progress),
        t("classroom.progress.sheet_people"): student_table(progress),
        t("classroom.progress.sheet_assignments"): assignment_table(progress),
    }
    written = export_tables(sheets, target)
    _colour_states(written)
    return [written, chart]


def _colour_states(target: Path) -> None:
    """Colour each state in the overview sheet (grey, blue, yellow, green)."""
    from openpyxl import load_workbook  # type: ignore[import-untyped]
    from openpyxl.styles import PatternFill  # type: ignore[import-untyped]
    from openpyxl.worksheet.properties import PageSetupProperties  # type: ignore[import-untyped]

    book = load_workbook(target)
    sheet = book[t("classroom.progress.sheet_class")]
    fill_of = {_label(s): FILLS[s] for s in STATES}
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if cell.value in fill_of:
                colour = fill_of[cell.value]
                cell.fill = PatternFill("solid", start_color=colour, end_color=colour)
    # Printed (or as PDF): every sheet landscape, all columns on one page wide.
    for each in book.worksheets:
        each.page_setup.orientation = "landscape"
        each.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        each.page_setup.fitToWidth, each.page_setup.fitToHeight = 1, 0
    tmp = target.with_name(target.name + ".tmp.xlsx")
    book.save(tmp)
    os.replace(tmp, target)


class ProgressExport(_OverviewExport):
    """``nbgrader export`` as the class's progress overview (default ``fortschritt.xlsx``)."""

    default_name = "fortschritt.xlsx"

    def export(self, gradebook: Gradebook) -> None:
        coursedir = self.parent.coursedir
        exchange = self.config.Exchange.get("root", "/srv/nbgrader/exchange")
        progress = read_progress(
            gradebook,
            coursedir.root,
            exchange=exchange,
            course_id=coursedir.course_id or "cjm-werkstatt",
            assignments=self.assignment,
            students=self.student,
        )
        for path in write_progress(progress, self.destination()):
            self.log.info(t("classroom.progress.written", path=path))
