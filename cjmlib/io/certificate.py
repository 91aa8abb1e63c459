"""The completion certificate: one A4 landscape page from the trainee's progress data.

It names the trainee, the project's title, the chapters done (checklist complete and
knowledge check passed, see :mod:`cjmlib.workbook.progress`), the state of the capstone
and the date. Only when every chapter is done and the capstone is complete is it titled
a certificate ("Zertifikat"); before that it is a record of participation
("Teilnahmebestätigung") that lists exactly what has been done – never more.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

from cjmlib.errors import CJMError
from cjmlib.io.pdf import BLUE, BOLD, FONT, GREY, ITALIC, TEXT, safe, wrap_lines, write_pdf
from cjmlib.messages import t
from cjmlib.workbook.progress import TraineeProgress


def certificate_pdf(
    progress: TraineeProgress,
    path: str | os.PathLike[str],
    *,
    name: str,
    project_title: str,
    date: dt.date | None = None,
) -> Path:
    """Write the certificate of ``name`` for ``project_title`` to ``path`` (a PDF)."""
    name = " ".join(str(name or "").split())
    if not name:
        raise CJMError(t("capstone.certificate.no_name"), field="name", value=name)
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas

    done = progress.chapters_done
    complete = len(done) == len(progress.chapters) and progress.capstone_complete
    heading = t("capstone.certificate.title" if complete else "capstone.certificate.title_partial")
    when = (date or dt.date.today()).strftime("%d.%m.%Y")
    chapters = ", ".join(c.key.lstrip("0") or "0" for c in done) or t(
        "capstone.certificate.no_chapters"
    )
    parts = sum(c.passed for c in progress.capstone)

    def build(tmp: str) -> None:
        width, height = landscape(A4)
        c = Canvas(tmp, pagesize=(width, height))
        c.setTitle(safe(f"{heading}: {name}"))
        c.setAuthor("CJM-Werkstatt")
        c.setSubject(safe(project_title))
        c.setStrokeColor(BLUE)
        c.setLineWidth(3)
        c.rect(12 * mm, 12 * mm, width - 24 * mm, height - 24 * mm)
        c.setLineWidth(0.8)
        c.rect(15 * mm, 15 * mm, width - 30 * mm, height - 30 * mm)
        mid = width / 2
        y = height - 42 * mm

        def line(text: str, font: str, size: float, colour: Any = TEXT, gap: float = 0) -> None:
            nonlocal y
            c.setFont(font, size)
            c.setFillColor(colour)
            for part in wrap_lines(text, font, size, width - 70 * mm):
                c.drawCentredString(mid, y, part)
                y -= size * 1.3
            y -= gap

        line("CJM-Werkstatt", BOLD, 14, BLUE, 6 * mm)
        line(heading, BOLD, 30, TEXT, 6 * mm)
        line(t("capstone.certificate.confirms"), FONT, 13, GREY, 2 * mm)
        line(name, BOLD, 24, TEXT, 5 * mm)
        line(t("capstone.certificate.course"), FONT, 13, TEXT, 4 * mm)
        line(t("capstone.certificate.project", project=project_title), ITALIC, 14, TEXT, 5 * mm)
        line(
            t(
                "capstone.certificate.chapters",
                count=len(done),
                total=len(progress.chapters),
                chapters=chapters,
            ),
            FONT,
            11.5,
        )
        line(
            t("capstone.certificate.capstone", parts=parts, total=len(progress.capstone)),
            FONT,
            11.5,
            TEXT,
            8 * mm,
        )
        line(t("capstone.certificate.date", date=when), FONT, 11.5, GREY)
        c.showPage()
        c.save()

    return write_pdf(path, build)
