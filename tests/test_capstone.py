"""The capstone (chapter 13): completeness checks and their score, the trainee's progress,
the report as HTML and PDF, the certificate, and the extension point for the verification
status. The PDFs are real files, read back with pypdf and rendered with pdftoppm."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from cjmlib import datasets
from cjmlib.errors import CJMError
from cjmlib.io.capstone import export_capstone
from cjmlib.io.capstone_report import build_report, report_html, report_pdf
from cjmlib.model import (
    Evidence,
    EvidenceRule,
    Goal,
    JourneyProject,
    Persona,
    RuleResult,
    Touchpoint,
    Verification,
)
from cjmlib.workbook import Workbook
from cjmlib.workbook.completeness import (
    IST_SNAPSHOT,
    capstone_checks,
    completeness_score,
    missing_text,
)
from cjmlib.workbook.progress import CHAPTERS, checklist_size, read_exercise, trainee_progress

XSS = "<img src=x onerror=alert(1)>"
A4 = (595.3, 841.9)


def reference_workbook(path: Path) -> Workbook:
    """The capstone's reference: the running case with an as-is snapshot and a to-be state."""
    wb = datasets.open_workbook("einzelhandel", path)
    wb.snapshot(IST_SNAPSHOT)
    with wb.batch():
        wb.touchpoints.update("tp-verfuegbarkeit", emotion=1, notes="Bestand in Echtzeit")
        wb.touchpoints.update("tp-hotline-warten", emotion=0)
    return wb


def tick_chapters(wb: Workbook, keys: list[str], score: float = 0.8) -> None:
    for key in keys:
        items = {f"c{i:02d}": True for i in range(1, checklist_size(key) + 1)}
        wb.set_progress(key, checklist=items, quiz_score=score)


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    folder = tmp_path_factory.mktemp("abschluss")
    wb = reference_workbook(folder / "ref.cjm.json")
    tick_chapters(wb, ["00", "01", "02"])
    result = export_capstone(wb, folder / "out", name="Jürgen Größmann", exercises=folder)
    return wb, result


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def sizes(path: Path) -> list[tuple[float, float]]:
    return [
        (round(float(p.mediabox.width), 1), round(float(p.mediabox.height), 1))
        for p in PdfReader(path).pages
    ]


# -- completeness -----------------------------------------------------------------------------


def test_an_empty_workbook_fails_every_check_and_scores_zero(tmp_path):
    wb = Workbook.open(tmp_path / "leer.cjm.json")
    checks = capstone_checks(wb)
    assert [c.passed for c in checks] == [False] * len(checks)
    assert completeness_score(checks).points == 0
    text = missing_text(checks)
    assert text.startswith("Es fehlen noch 12 Teile.")
    for chapter in (1, 2, 3, 4, 6, 7, 8, 9, 10, 11, 12, 13):
        assert f"• Kapitel {chapter}, " in text
    assert '`wb.snapshot("Ist-Map")`' in text


def test_the_reference_workbook_scores_full_marks(tmp_path):
    wb = reference_workbook(tmp_path / "ref.cjm.json")
    score = completeness_score(wb)
    assert (score.points, score.total) == (20, 20)
    assert missing_text(capstone_checks(wb)).startswith("Dein Abschlussprojekt ist vollständig")


def test_the_sample_without_a_to_be_state_names_what_is_missing(tmp_path):
    wb = datasets.open_workbook("einzelhandel", tmp_path / "b.cjm.json")
    failed = {c.key: c for c in capstone_checks(wb) if not c.passed}
    assert list(failed) == ["ist_soll"]
    assert failed["ist_soll"].chapter == 13
    assert missing_text(capstone_checks(wb)).startswith("Es fehlt noch ein Teil.")
    wb.snapshot(IST_SNAPSHOT)
    failed = {c.key: c for c in capstone_checks(wb) if not c.passed}
    assert "gleicht noch dem Snapshot „Ist-Map“" in failed["ist_soll"].message


def test_failed_checks_name_the_entries_concerned():
    project = JourneyProject(
        personas=[
            Persona(name="Nur-Annahme", evidence=[Evidence(kind="Annahme")]),
            Persona(name="Belegt", evidence=[Evidence(kind="Interview", source="3 Gespräche")]),
        ],
        touchpoints=[Touchpoint(name="Shop", phase="Kauf", channel="Website")],
    )
    checks = {c.key: c for c in capstone_checks(project)}
    assert "„Nur-Annahme“" in checks["personas"].message
    assert "„Belegt“" not in checks["personas"].message
    assert "„Bewusstsein“, „Überlegung“, „Entscheidung“, „Nachkauf“" in (
        checks["touchpoints"].message
    )


def test_only_a_workbook_or_a_project_is_accepted():
    with pytest.raises(CJMError, match=r"`wb` muss dein Arbeitsbuch sein, .*\(`dict`\)"):
        capstone_checks({"name": "x"})  # type: ignore[arg-type]


# -- progress ---------------------------------------------------------------------------------


def exercise_notebook(path: Path, verdicts: dict[str, str | None]) -> None:
    heads = {"correct": "✅ Richtig!", "incorrect": "❌ Noch nicht richtig: Prüfe die Summe."}
    cells = [{"cell_type": "markdown", "source": "# Übung 9 · A/B-Test\n\nText", "metadata": {}}]
    for task, verdict in verdicts.items():
        outputs = []
        if verdict:
            outputs = [{"output_type": "display_data", "data": {"text/markdown": heads[verdict]}}]
        cells.append(
            {
                "cell_type": "code",
                "source": f"pruefe.{task}.check()",
                "outputs": outputs,
                "metadata": {},
            }
        )
    path.write_text(json.dumps({"cells": cells, "metadata": {}}), encoding="utf-8")


def test_exercise_progress_comes_from_the_saved_notebooks(tmp_path):
    exercise_notebook(
        tmp_path / "09_ab_test.ipynb", {"a1": "correct", "a2": "incorrect", "a3": None}
    )
    exercise_notebook(tmp_path / "10_nps.ipynb", {"a1": "correct"})
    exercise_notebook(tmp_path / "11_plan.ipynb", {"a1": None})
    (tmp_path / "12_kaputt.ipynb").write_text("{nicht json", encoding="utf-8")
    states = {p.stem: read_exercise(p) for p in sorted(tmp_path.glob("*.ipynb"))}
    ab = states["09_ab_test"]
    assert (ab.title, ab.tasks, ab.correct, ab.failed, ab.state) == (
        "Übung 9 · A/B-Test",
        3,
        1,
        ("a2",),
        "started",
    )
    assert states["10_nps"].state == "done"
    assert states["11_plan"].state == "open"
    assert states["12_kaputt"].state == "unreadable"


def test_chapters_count_as_done_with_full_checklist_and_passed_quiz(tmp_path):
    wb = Workbook.open(tmp_path / "p.cjm.json")
    tick_chapters(wb, ["01"])
    tick_chapters(wb, ["02"], score=0.4)
    wb.set_progress("03", checklist={"c01": True})
    progress = trainee_progress(wb, exercises=tmp_path / "gibt-es-nicht")
    by_key = {c.key: c for c in progress.chapters}
    assert [c.key for c in progress.chapters] == list(CHAPTERS)
    assert by_key["01"].done and by_key["01"].missing == ()
    assert by_key["02"].state == "started"
    assert by_key["02"].missing == ("Wissenscheck mit 40 % noch nicht bestanden (ab 60 %)",)
    assert by_key["03"].missing[1] == "Wissenscheck noch nicht gemacht"
    assert by_key["13"].title == "Dein Abschlussprojekt"
    assert progress.exercises == () and "keine Übungen" in progress.notes[0]
    assert progress.summary().startswith("1 von 14 Kapiteln abgeschlossen")


# -- the report -------------------------------------------------------------------------------


def test_html_escapes_every_trainee_value():
    project = JourneyProject(
        name=XSS,
        description=XSS,
        personas=[Persona(name=XSS, quote=XSS, evidence=[Evidence(kind="Interview", source=XSS)])],
    )
    project.scenario.situation = XSS
    page = report_html(build_report(project, author=XSS))
    assert "<img" not in page
    assert page.count("&lt;img src=x onerror=alert(1)&gt;") >= 6
    assert "<script" not in page


def test_pdf_keeps_markup_as_text(tmp_path):
    project = JourneyProject(name="Café <b>Grün</b> & Söhne", personas=[Persona(name="Zoë 🙂")])
    path = report_pdf(build_report(project, author="Ärger <i>"), tmp_path / "r.pdf")
    text = pdf_text(path)
    assert "Café <b>Grün</b> & Söhne" in text
    assert "Zoë ?" in text  # a glyph the embedded font lacks becomes "?"
    assert "Ärger <i>" in text


def test_verification_extension_point_adds_its_section_only_when_there_are_results():
    """The living map (issue 16) keeps ``verifications`` and ``evidence_rules`` in the project."""
    plain = build_report(JourneyProject())
    assert "verification" not in [s.key for s in plain.sections]
    rule = dict(claim="kpi", target="Abbruchquote", metric="drop_off", step_from="a", step_to="b")
    old = Verification(
        title="Erste Prüfung",
        checked_on=dt.date(2026, 1, 31),
        results=[RuleResult(rule_id="r1", status="bestätigt", reason="holds", value=40.0, n=120)],
    )
    new = Verification(
        title="Zweite Prüfung",
        checked_on=dt.date(2026, 3, 31),
        results=[
            RuleResult(
                rule_id="r1",
                status="widerlegt",
                reason="fails",
                value=61.5,
                n=140,
                data_until=dt.date(2026, 3, 30),
            ),
            RuleResult(rule_id="r2", status="ohne Beleg", reason="problem", n=3, problem=XSS),
        ],
    )
    project = JourneyProject(
        goal=Goal(kpis=["Abbruchquote"]),
        evidence_rules=[
            EvidenceRule(id="r1", title="Abbruch beim VideoIdent unter 50 %", threshold=50, **rule),
            EvidenceRule(id="r2", title=XSS, threshold=50, **rule),
        ],
        verifications=[new, old],
    )
    report = build_report(project)
    keys = [s.key for s in report.sections]
    assert keys[-2:] == ["verification", "checks"]
    page = report_html(report)
    assert "<h2>Stand der Verifikation</h2>" in page
    assert "„Zweite Prüfung“ vom 31.03.2026. Ergebnis: 1 ohne Beleg, 1 widerlegt." in page
    assert "Abbruch beim VideoIdent unter 50 %" in page and "61,5 (n = 140)" in page
    assert "Erste Prüfung" not in page  # only the latest run
    assert "&lt;img" in page and "<img src=x" not in page


# -- export: report and certificate as real PDFs -------------------------------------------------


def test_export_writes_report_and_certificate(exported):
    _wb, result = exported
    assert result.score.points == result.score.total == 20
    assert {p.name for p in result.pdf.parent.iterdir()} == {
        "abschlussbericht.html",
        "abschlussbericht.pdf",
        "teilnahme.pdf",
    }
    text = pdf_text(result.pdf)
    for expected in (
        "Abschlussbericht: Gipfelglück Outdoor",
        "von Jürgen Größmann",
        "Ziel und Zielgruppe",
        "Lena Hofmann",
        "Ist-Map (Snapshot „Ist-Map“)",
        "Soll-Map im Vergleich zum Ist",
        "Getestete Annahmen",
        "Feedback-Plan",
        "Review-Plan",
        "Automatische Vollständigkeitsprüfung: 20 von 20 Punkten.",
    ):
        assert expected in text, expected
    pages = sizes(result.pdf)
    assert pages[0] == A4
    assert A4[::-1] in pages  # the maps stand on landscape pages
    html_page = result.html.read_text(encoding="utf-8")
    assert html_page.count('src="data:image/png;base64,') == 2
    assert "http" not in html_page.replace("http-equiv", "")


def test_certificate_names_trainee_project_chapters_and_date(exported):
    _wb, result = exported
    assert sizes(result.certificate) == [A4[::-1]]
    text = " ".join(pdf_text(result.certificate).split())
    assert "Teilnahmebestätigung" in text  # not every chapter is done yet
    assert "Jürgen Größmann" in text
    assert "„Gipfelglück Outdoor: vom Online-Shop in die Filiale“" in text
    assert "Abgeschlossene Kapitel: 3 von 14 (0, 1, 2)" in text
    assert dt.date.today().strftime("%d.%m.%Y") in text


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (poppler-utils) missing")
def test_pdfs_render_as_pages(exported, tmp_path):
    _wb, result = exported
    for pdf in (result.pdf, result.certificate):
        subprocess.run(
            ["pdftoppm", "-png", "-r", "20", str(pdf), str(tmp_path / pdf.stem)], check=True
        )
    pngs = sorted(tmp_path.glob("*.png"))
    assert len(pngs) == len(PdfReader(result.pdf).pages) + 1
    assert all(p.stat().st_size > 1000 for p in pngs)


def test_a_complete_trainee_gets_a_certificate(tmp_path):
    from cjmlib.io.certificate import certificate_pdf

    wb = reference_workbook(tmp_path / "ref.cjm.json")
    tick_chapters(wb, list(CHAPTERS))
    progress = trainee_progress(wb, exercises=tmp_path)
    path = certificate_pdf(progress, tmp_path / "z.pdf", name="Alex", project_title="Projekt")
    text = " ".join(pdf_text(path).split())
    assert "Zertifikat" in text and "Teilnahmebestätigung" not in text
    assert "14 von 14" in text


def test_export_needs_a_name_and_a_workbook(tmp_path):
    wb = Workbook.open(tmp_path / "w.cjm.json")
    with pytest.raises(CJMError, match=re.escape("fehlt dein Name")):
        export_capstone(wb, name="  ")
    with pytest.raises(CJMError, match="Erwartet wird dein Arbeitsbuch"):
        export_capstone(wb.project, name="Alex")  # type: ignore[arg-type]
    assert not (tmp_path / "abschluss").exists()


def test_export_of_an_empty_workbook_still_opens_and_lists_what_is_missing(tmp_path):
    wb = Workbook.open(tmp_path / "w.cjm.json")
    result = export_capstone(wb, name="Alex", exercises=tmp_path)
    assert result.pdf.parent == tmp_path / "abschluss"
    assert "Es fehlen noch 12 Teile." in result.message()
    text = pdf_text(result.pdf)
    assert "0 von 20 Punkten" in text and "fehlt" in text
    assert len(PdfReader(result.certificate).pages) == 1
