"""Printable worksheets for a mapping workshop, blank or filled from a workbook (PDF).

Four sheets, as the facilitator guide in ``course/workshop/`` uses them:

- ``persona_canvas.pdf`` (A4 portrait): one page per persona (blank: one empty canvas),
- ``touchpoint_inventar.pdf`` (A4 landscape): the touchpoint inventory as a table,
- ``journey_map_vorlage.pdf`` (A3 landscape): phases as columns, lanes for touchpoints,
  thoughts, emotions, pain points, solutions and the owning department,
- ``pain_point_board.pdf`` (A4 landscape): pain points with severity, frequency and the
  solution ideas, owners and KPIs.

From the command line::

    python -m cjmlib.io.worksheets --leer                       # blank sheets
    python -m cjmlib.io.worksheets --aus arbeitsbuch.cjm.json   # filled from a workbook
    python -m cjmlib.io.worksheets --leer --ordner druck/       # into another folder

The command is a thin layer over :func:`write_worksheets`.
"""

from __future__ import annotations

import argparse
import itertools
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from cjmlib.errors import CJMError
from cjmlib.files import os_error
from cjmlib.io.pdf import (
    BLUE,
    BOLD,
    FONT,
    GREY,
    ITALIC,
    LIGHT,
    LINE,
    TEXT,
    fit_line,
    safe,
    wrap_lines,
    write_pdf,
)
from cjmlib.messages import t
from cjmlib.model import JourneyProject, Persona, Solution, field_label
from cjmlib.workbook import Workbook
from cjmlib.workbook.completeness import project_of

SHEETS = {
    "persona": "persona_canvas.pdf",
    "touchpoints": "touchpoint_inventar.pdf",
    "map": "journey_map_vorlage.pdf",
    "pains": "pain_point_board.pdf",
}
BLANK_ROWS = 14  # empty table rows on a blank sheet (and at least this many lines to write)
BLANK_PHASES = 6


def _mm(value: float) -> float:
    from reportlab.lib.units import mm

    return float(value * mm)


class _Sheet:
    """A canvas with the sheet's header (title, project, date field) on every page."""

    def __init__(self, path: str, size: tuple[float, float], title: str, project: str) -> None:
        from reportlab.pdfgen.canvas import Canvas

        self.c = Canvas(path, pagesize=size)
        self.c.setTitle(safe(title))
        self.c.setAuthor("CJM-Werkstatt")
        self.c.setSubject(safe(project or t("capstone.sheet.blank")))
        self.width, self.height = size
        self.title, self.project = title, project
        self.margin = _mm(12)
        self.page = 0

    def new_page(self) -> float:
        """Start a page; return the y below the header."""
        if self.page:
            self.c.showPage()
        self.page += 1
        c, m = self.c, self.margin
        c.setFillColor(BLUE)
        c.setFont(BOLD, 16)
        c.drawString(m, self.height - m - 12, safe(self.title))
        c.setFont(FONT, 9)
        c.setFillColor(TEXT)
        from reportlab.pdfbase.pdfmetrics import stringWidth

        team = safe(t("capstone.sheet.team_date", page=self.page))
        room = self.width - 2 * m - stringWidth(team, FONT, 9) - 12
        project = t("capstone.sheet.project", project=self.project or "_" * 40)
        c.drawString(m, self.height - m - 28, fit_line(project, FONT, 9, room))
        c.drawRightString(self.width - m, self.height - m - 28, team)
        c.setFillColor(GREY)
        c.setFont(FONT, 7)
        c.drawString(m, m - _mm(5), safe(t("capstone.sheet.footer")))
        return self.height - m - 40

    def box(
        self, x: float, y: float, w: float, h: float, label: str, text: str = "", size: float = 9
    ) -> None:
        """A labelled box (y is its top edge); ``text`` is written inside, wrapped."""
        c = self.c
        c.setStrokeColor(LINE)
        c.setLineWidth(0.7)
        c.rect(x, y - h, w, h)
        c.setFillColor(BLUE)
        c.setFont(BOLD, 8)
        c.drawString(x + 4, y - 10, fit_line(label, BOLD, 8, w - 8))
        if text:
            c.setFillColor(TEXT)
            c.setFont(FONT, size)
            lines = wrap_lines(text, FONT, size, w - 8, max(int((h - 16) // (size * 1.25)), 1))
            for i, line in enumerate(lines):
                c.drawString(x + 4, y - 22 - i * size * 1.25, line)

    def table(
        self,
        y: float,
        columns: Sequence[tuple[str, float]],
        rows: Sequence[Sequence[str]],
        row_height: float,
    ) -> None:
        """Header and rows below ``y``; widths are shares of the usable width."""
        c, m = self.c, self.margin
        usable = self.width - 2 * m
        total = sum(share for _, share in columns)
        widths = [usable * share / total for _, share in columns]
        head = 24.0
        c.setFillColor(LIGHT)
        c.rect(m, y - head, usable, head, stroke=0, fill=1)
        c.setFillColor(TEXT)
        c.setFont(BOLD, 7.5)
        x = m
        for (label, _), w in zip(columns, widths, strict=True):
            for i, line in enumerate(wrap_lines(label, BOLD, 7.5, w - 6, 2)):
                c.drawString(x + 3, y - 10 - i * 9, line)
            x += w
        c.setStrokeColor(LINE)
        c.setLineWidth(0.6)
        bottom = y - head - row_height * len(rows)
        x = m
        for w in [*widths, 0.0]:
            c.line(x, y, x, bottom)
            x += w
        c.line(m, y, m + usable, y)
        for r in range(len(rows) + 1):
            yy = y - head - r * row_height
            c.line(m, yy, m + usable, yy)
        c.setFont(FONT, 8)
        for r, row in enumerate(rows):
            x = m
            top = y - head - r * row_height
            for value, w in zip(row, widths, strict=True):
                lines = wrap_lines(value, FONT, 8, w - 6, max(int((row_height - 4) // 10), 1))
                for i, line in enumerate(lines):
                    c.drawString(x + 3, top - 10 - i * 10, line)
                x += w

    def save(self) -> None:
        self.c.showPage()
        self.c.save()


def _project(source: Workbook | JourneyProject | None) -> JourneyProject | None:
    return None if source is None else project_of(source)


# -- the four sheets ----------------------------------------------------------------------------


def _persona_fields(p: Persona | None) -> list[tuple[str, str, float, float]]:
    """(label, text, width share, height in mm) of the canvas boxes, row by row."""

    def v(name: str) -> str:
        if p is None:
            return ""
        value = getattr(p, name)
        if isinstance(value, list):
            return "; ".join(map(str, value))
        if value in (None, "keine Angabe"):
            return ""
        return str(value)

    evidence = "; ".join(f"{e.kind}: {e.source}".rstrip(": ") for e in p.evidence) if p else ""
    return [
        (field_label(Persona, "name"), v("name"), 0.5, 18),
        (field_label(Persona, "quote"), v("quote"), 0.5, 18),
        (field_label(Persona, "age"), v("age"), 0.25, 16),
        (field_label(Persona, "gender"), v("gender"), 0.25, 16),
        (field_label(Persona, "income_band"), v("income_band"), 0.25, 16),
        (field_label(Persona, "occupation"), v("occupation"), 0.25, 16),
        (field_label(Persona, "location"), v("location"), 0.5, 16),
        (field_label(Persona, "online_activity"), v("online_activity"), 0.5, 16),
        (field_label(Persona, "buying_habits"), v("buying_habits"), 1.0, 26),
        (field_label(Persona, "needs_goals"), v("needs_goals"), 0.5, 42),
        (field_label(Persona, "pain_points"), v("pain_points"), 0.5, 42),
        (field_label(Persona, "channels"), v("channels"), 0.5, 22),
        (field_label(Persona, "devices"), v("devices"), 0.5, 22),
        (t("capstone.sheet.persona_evidence"), evidence, 1.0, 34),
    ]


def persona_canvas_pdf(
    path: str | os.PathLike[str], source: Workbook | JourneyProject | None = None
) -> Path:
    """The persona canvas (A4 portrait): one page per persona, or one blank page."""
    from reportlab.lib.pagesizes import A4

    project = _project(source)
    personas: list[Persona | None] = list(project.personas) if project else []
    if not personas:
        personas = [None]

    def build(tmp: str) -> None:
        sheet = _Sheet(tmp, A4, t("capstone.sheet.persona_title"), project.name if project else "")
        usable = sheet.width - 2 * sheet.margin
        for persona in personas:
            fields = _persona_fields(persona)
            y = sheet.new_page() - 6
            # Stretch the boxes so that the canvas fills the page down to the footer.
            rows, width_used, tallest = [], 0.0, 0.0
            for _, _, share, height in fields:
                if width_used + share > 1.001:
                    rows.append(tallest)
                    width_used, tallest = 0.0, 0.0
                width_used += share
                tallest = max(tallest, _mm(height))
            rows.append(tallest)
            stretch = (y - sheet.margin - 4 * len(rows)) / sum(rows)
            x, width_used, row_height = sheet.margin, 0.0, 0.0
            for label, text, share, height in fields:
                if width_used + share > 1.001:
                    x, y = sheet.margin, y - row_height - 4
                    width_used, row_height = 0.0, 0.0
                w = usable * share
                sheet.box(x, y, w - 4, _mm(height) * stretch, label, text)
                x += w
                width_used += share
                row_height = max(row_height, _mm(height) * stretch)
        sheet.save()

    return write_pdf(path, build)


def touchpoint_columns() -> list[tuple[str, float]]:
    """The inventory's column headers (width shares): the labels the table import accepts.

    A team that types the filled-in sheet into Excel with these headers can import it
    with :func:`cjmlib.io.import_touchpoints`.
    """
    from cjmlib.model import Touchpoint

    return [
        (field_label(Touchpoint, "name"), 3.2),
        (field_label(Touchpoint, "phase"), 1.6),
        (field_label(Touchpoint, "channel"), 1.5),
        (t("capstone.sheet.online_offline"), 1.1),
        (field_label(Touchpoint, "device"), 1.3),
        (field_label(Touchpoint, "department"), 1.6),
        (field_label(Touchpoint, "relevance"), 1.0),
        (field_label(Touchpoint, "emotion"), 1.0),
        (field_label(Touchpoint, "moment_of_truth"), 1.0),
        (field_label(Touchpoint, "thought"), 3.0),
    ]


def touchpoint_sheet_pdf(
    path: str | os.PathLike[str], source: Workbook | JourneyProject | None = None
) -> Path:
    """The touchpoint inventory (A4 landscape), with the workbook's touchpoints if given."""
    from reportlab.lib.pagesizes import A4, landscape

    project = _project(source)
    columns = touchpoint_columns()
    rows: list[list[str]] = []
    if project:
        pm = project.phase_model
        for tp in project.touchpoints:
            rows.append(
                [
                    tp.name,
                    pm.name_of(tp.phase),
                    tp.channel,
                    t("charts.common.online") if tp.online else t("charts.common.offline"),
                    tp.device,
                    tp.department,
                    str(tp.relevance),
                    f"{tp.emotion:+d}".replace("+0", "0"),
                    t("charts.common.yes") if tp.moment_of_truth else "",
                    tp.thought,
                ]
            )
    rows += [[""] * len(columns) for _ in range(max(BLANK_ROWS - len(rows), 4))]
    return _table_pdf(
        path,
        landscape(A4),
        t("capstone.sheet.touchpoint_title"),
        project,
        columns,
        rows,
        note=t("capstone.sheet.touchpoint_note"),
    )


def pain_board_pdf(
    path: str | os.PathLike[str], source: Workbook | JourneyProject | None = None
) -> Path:
    """The pain-point/solution board (A4 landscape), with the workbook's entries if given."""
    from reportlab.lib.pagesizes import A4, landscape

    project = _project(source)
    columns = [
        (t("model.painpoint"), 3.0),
        (t("capstone.sheet.where"), 2.0),
        (t("capstone.sheet.severity"), 0.9),
        (t("capstone.sheet.frequency"), 0.9),
        (t("capstone.sheet.solution_idea"), 3.2),
        (t("capstone.sheet.impact"), 0.9),
        (t("capstone.sheet.effort"), 0.9),
        (t("capstone.sheet.owner"), 1.6),
        (t("capstone.sheet.kpi"), 2.0),
    ]
    rows: list[list[str]] = []
    if project:
        pm = project.phase_model
        tp_names = {tp.id: tp.name for tp in project.touchpoints}
        for pp in sorted(project.pain_points, key=lambda x: -x.priority):
            where = "; ".join(
                [pm.name_of(pp.phase)]
                if pp.phase
                else [] + [tp_names.get(i, i) for i in pp.touchpoint_ids]
            )
            sols: list[Solution | None] = [
                s for s in project.solutions if pp.id in s.pain_point_ids
            ] or [None]
            for i, s in enumerate(sols):
                rows.append(
                    [
                        pp.title if i == 0 else "",
                        where if i == 0 else "",
                        str(pp.severity) if i == 0 else "",
                        str(pp.frequency) if i == 0 else "",
                        s.title if s else "",
                        str(s.impact) if s else "",
                        str(s.effort) if s else "",
                        s.owner if s else "",
                        s.kpi if s else "",
                    ]
                )
    rows += [[""] * len(columns) for _ in range(max(BLANK_ROWS - len(rows), 4))]
    return _table_pdf(path, landscape(A4), t("capstone.sheet.pain_title"), project, columns, rows)


def _table_pdf(
    path: str | os.PathLike[str],
    size: tuple[float, float],
    title: str,
    project: JourneyProject | None,
    columns: list[tuple[str, float]],
    rows: list[list[str]],
    *,
    note: str = "",
) -> Path:
    row_height = 26.0

    def build(tmp: str) -> None:
        sheet = _Sheet(tmp, size, title, project.name if project else "")
        per_page = int((sheet.height - 2 * sheet.margin - 76) // row_height)
        for start in range(0, len(rows), per_page):
            y = sheet.new_page() - 4
            if note:
                sheet.c.setFont(ITALIC, 8)
                sheet.c.setFillColor(GREY)
                sheet.c.drawString(sheet.margin, y - 6, fit_line(note, ITALIC, 8, sheet.width))
                y -= 14
            sheet.table(y, columns, rows[start : start + per_page], row_height)
        sheet.save()

    return write_pdf(path, build)


def map_template_pdf(
    path: str | os.PathLike[str], source: Workbook | JourneyProject | None = None
) -> Path:
    """The journey map template (A3 landscape): phases × lanes, filled if a workbook is given."""
    from reportlab.lib.pagesizes import A3, landscape

    project = _project(source)
    phases = project.phase_model.phases if project else []
    n = len(phases) or BLANK_PHASES
    lanes = [
        ("touchpoints", 0.26),
        ("thoughts", 0.17),
        ("emotion", 0.16),
        ("pains", 0.15),
        ("solutions", 0.14),
        ("backstage", 0.12),
    ]
    cells: dict[tuple[str, int], list[str]] = {}
    emotions: dict[int, float] = {}
    if project:
        index = {ph.id: i for i, ph in enumerate(phases)}
        tp_phase = {tp.id: tp.phase for tp in project.touchpoints}
        pain_phase: dict[str, int] = {}
        for tp in project.touchpoints:
            i = index[tp.phase]
            star = "* " if tp.moment_of_truth else ""
            cells.setdefault(("touchpoints", i), []).append(f"{star}{tp.name} ({tp.channel})")
            if tp.thought:
                cells.setdefault(("thoughts", i), []).append(f"„{tp.thought}“")
            if tp.department:
                dep = cells.setdefault(("backstage", i), [])
                if tp.department not in dep:
                    dep.append(tp.department)
        for i in range(n):
            values = [tp.emotion for tp in project.touchpoints if index[tp.phase] == i]
            if values:
                emotions[i] = sum(values) / len(values)
        for pp in project.pain_points:
            phase = pp.phase or next(
                (tp_phase[x] for x in pp.touchpoint_ids if x in tp_phase), None
            )
            if phase in index:
                pain_phase[pp.id] = index[phase]
                cells.setdefault(("pains", index[phase]), []).append(pp.title)
        for s in project.solutions:
            where = sorted({pain_phase[x] for x in s.pain_point_ids if x in pain_phase})
            if where:
                cells.setdefault(("solutions", where[0]), []).append(s.title)

    def build(tmp: str) -> None:
        sheet = _Sheet(
            tmp, landscape(A3), t("capstone.sheet.map_title"), project.name if project else ""
        )
        c, m = sheet.c, sheet.margin
        top = sheet.new_page() - 4
        scenario = project.scenario if project else None
        persona = ", ".join(p.name for p in project.personas) if project else ""
        sheet.box(m, top, _mm(95), _mm(16), t("capstone.sheet.map_persona"), persona)
        sheet.box(
            m + _mm(97),
            top,
            sheet.width - 2 * m - _mm(97),
            _mm(16),
            t("capstone.sheet.map_scenario"),
            " – ".join(x for x in (scenario.situation, scenario.expectation) if x)
            if scenario
            else "",
        )
        top -= _mm(20)
        label_w = _mm(34)
        grid_w = sheet.width - 2 * m - label_w
        colw = grid_w / n
        head = _mm(9)
        c.setFillColor(LIGHT)
        c.rect(m + label_w, top - head, grid_w, head, stroke=0, fill=1)
        c.setFillColor(TEXT)
        c.setFont(BOLD, 10)
        for i in range(n):
            name = phases[i].name if phases else t("capstone.sheet.phase_blank", n=i + 1)
            c.drawCentredString(
                m + label_w + colw * (i + 0.5), top - head + 8, fit_line(name, BOLD, 10, colw - 6)
            )
        available = top - head - m - _mm(4)
        y = top - head
        c.setStrokeColor(LINE)
        for key, share in lanes:
            h = available * share
            c.setFillColor(BLUE)
            c.setFont(BOLD, 9)
            room = label_w - (26 if key == "emotion" else 8)  # the emotion scale needs room
            for j, line in enumerate(wrap_lines(t(f"capstone.sheet.lane_{key}"), BOLD, 9, room, 4)):
                c.drawString(m + 2, y - 14 - j * 11, line)
            c.setStrokeColor(LINE)
            c.rect(m + label_w, y - h, grid_w, h)
            for i in range(1, n):
                c.line(m + label_w + colw * i, y, m + label_w + colw * i, y - h)
            if key == "emotion":
                c.setFont(FONT, 7)
                c.setFillColor(GREY)
                for level in (-2, -1, 0, 1, 2):
                    yy = y - h / 2 + level * (h / 5.5)
                    c.setDash(1, 2) if level else c.setDash()
                    c.line(m + label_w, yy, m + label_w + grid_w, yy)
                    c.drawRightString(m + label_w - 3, yy - 2, f"{level:+d}".replace("+0", "0"))
                c.setDash()
                c.setFillColor(BLUE)
                points = [
                    (m + label_w + colw * (i + 0.5), y - h / 2 + value * (h / 5.5))
                    for i, value in sorted(emotions.items())
                ]
                for (x1, y1), (x2, y2) in itertools.pairwise(points):
                    c.setStrokeColor(BLUE)
                    c.setLineWidth(1.5)
                    c.line(x1, y1, x2, y2)
                for x1, y1 in points:
                    c.circle(x1, y1, 3, stroke=0, fill=1)
                c.setLineWidth(1)
            else:
                size = 8.0
                font = ITALIC if key == "thoughts" else FONT
                for i in range(n):
                    texts = cells.get((key, i), [])
                    lines: list[str] = []
                    for text in texts:
                        lines += wrap_lines(text, font, size, colw - 8, 2)
                    fit = int((h - 8) // (size * 1.25))
                    if len(lines) > fit:
                        lines = [*lines[: fit - 1], t("charts.map.more", count=len(texts))]
                    c.setFillColor(TEXT)
                    c.setFont(font, size)
                    for j, line in enumerate(lines):
                        c.drawString(m + label_w + colw * i + 4, y - 10 - j * size * 1.25, line)
            y -= h
        sheet.save()

    return write_pdf(path, build)


def write_worksheets(
    folder: str | os.PathLike[str], source: Workbook | JourneyProject | None = None
) -> list[Path]:
    """Write all four worksheets into ``folder`` (blank, or filled from ``source``)."""
    target = Path(folder)
    try:
        target.mkdir(parents=True, exist_ok=True)
        return [
            persona_canvas_pdf(target / SHEETS["persona"], source),
            touchpoint_sheet_pdf(target / SHEETS["touchpoints"], source),
            map_template_pdf(target / SHEETS["map"], source),
            pain_board_pdf(target / SHEETS["pains"], source),
        ]
    except OSError as exc:
        raise os_error(exc, target, "write") from None


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m cjmlib.io.worksheets", description=t("capstone.sheet.cli_description")
    )
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--leer", action="store_true", help=t("capstone.sheet.cli_blank"))
    which.add_argument("--aus", metavar="ARBEITSBUCH", help=t("capstone.sheet.cli_from"))
    parser.add_argument("--ordner", default="arbeitsblaetter", help=t("capstone.sheet.cli_folder"))
    args = parser.parse_args(argv)
    try:
        source: Any = None
        if args.aus:
            path = Path(args.aus)
            if not path.is_file():
                raise CJMError(t("capstone.sheet.no_workbook", path=path), field="aus")
            source = Workbook.open(path)
        written = write_worksheets(args.ordner, source)
    except CJMError as exc:
        print(exc.message, file=sys.stderr)
        return 2
    print(t("capstone.sheet.written", folder=Path(args.ordner)))
    for p in written:
        print(f"  {p}")
    return 0
