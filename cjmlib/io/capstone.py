"""One call for chapter 13: the capstone report (HTML and PDF) and the certificate.

``export_capstone(wb, name="Vorname Nachname")`` writes into ``abschluss/`` beside the
workbook:

- ``abschlussbericht.html`` – the report as one self-contained web page,
- ``abschlussbericht.pdf`` – the same report as a PDF (fonts embedded),
- ``teilnahme.pdf`` – the certificate from the progress data.

It returns what it wrote together with the completeness checks, so the trainee sees at
once what is still missing (the report itself lists the checks too).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from cjmlib.errors import CJMError
from cjmlib.files import os_error
from cjmlib.io.capstone_report import build_report, report_html, report_pdf
from cjmlib.io.certificate import certificate_pdf
from cjmlib.messages import t
from cjmlib.model import JourneyProject
from cjmlib.workbook import Workbook
from cjmlib.workbook.completeness import (
    IST_SNAPSHOT,
    Check,
    Score,
    completeness_score,
    missing_text,
)
from cjmlib.workbook.progress import trainee_progress

FOLDER = "abschluss"
REPORT_NAME = "abschlussbericht"
CERTIFICATE_NAME = "teilnahme.pdf"


@dataclass(frozen=True)
class CapstoneExport:
    """The files of one export and the completeness checks they rest on."""

    html: Path
    pdf: Path
    certificate: Path
    checks: tuple[Check, ...]

    @property
    def score(self) -> Score:
        return completeness_score(self.checks)

    @property
    def missing(self) -> str:
        """German lines: what is still missing, or that the capstone is complete."""
        return missing_text(self.checks)

    def message(self) -> str:
        """German: which files were written, and what is still missing."""
        lines = [
            t("capstone.export.written", folder=self.pdf.parent),
            *(f"• {p.name}" for p in (self.pdf, self.html, self.certificate)),
            self.missing,
        ]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.message()


def export_capstone(
    wb: Workbook,
    folder: str | os.PathLike[str] | None = None,
    *,
    name: str,
    ist: str | JourneyProject | None = IST_SNAPSHOT,
    exercises: str | os.PathLike[str] | None = None,
) -> CapstoneExport:
    """Write report (HTML, PDF) and certificate of ``wb`` for the trainee ``name``.

    Parameters
    ----------
    wb:
        Your workbook.
    folder:
        Where the files go (created if missing); default ``abschluss/`` beside ``wb``.
    name:
        Your name as it should stand on report and certificate.
    ist:
        The as-is state: a snapshot's name (default ``"Ist-Map"``) or a project.
    exercises:
        The folder of your exercise notebooks (default: ``exercises/`` of the course).
    """
    if not isinstance(wb, Workbook):
        raise CJMError(
            t("capstone.error.not_a_workbook", given=type(wb).__name__),
            field="wb",
            value=type(wb).__name__,
            allowed="Workbook",
        )
    if not " ".join(str(name or "").split()):
        raise CJMError(t("capstone.certificate.no_name"), field="name", value=name)
    target = Path(folder) if folder is not None else wb.path.parent / FOLDER
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise os_error(exc, target, "write") from None
    report = build_report(wb, author=name, ist=ist)
    html_path = target / f"{REPORT_NAME}.html"
    try:
        tmp = html_path.with_name(f".{html_path.name}.tmp")
        tmp.write_text(report_html(report), encoding="utf-8")
        os.replace(tmp, html_path)
        pdf_path = report_pdf(report, target / f"{REPORT_NAME}.pdf")
        progress = trainee_progress(wb, exercises=exercises, ist=ist)
        cert = certificate_pdf(
            progress, target / CERTIFICATE_NAME, name=name, project_title=wb.project.name
        )
    except OSError as exc:
        raise os_error(exc, target, "write") from None
    return CapstoneExport(html_path, pdf_path, cert, tuple(report.checks))
