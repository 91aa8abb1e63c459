"""Workshop worksheets as PDF: page sizes and counts, blank and filled from a workbook,
German umlauts kept in the text, and the command line."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from cjmlib import datasets
from cjmlib.io.worksheets import SHEETS, main, touchpoint_columns, write_worksheets
from cjmlib.model import JourneyProject, Persona, Touchpoint

A4_PORTRAIT = (595.3, 841.9)
A4_LANDSCAPE = (841.9, 595.3)
A3_LANDSCAPE = (1190.6, 841.9)
SIZES = {
    "persona": A4_PORTRAIT,
    "touchpoints": A4_LANDSCAPE,
    "map": A3_LANDSCAPE,
    "pains": A4_LANDSCAPE,
}


def pages(path: Path) -> list[tuple[float, float]]:
    return [
        (round(float(p.mediabox.width), 1), round(float(p.mediabox.height), 1))
        for p in PdfReader(path).pages
    ]


def text(path: Path) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(path).pages).split())


@pytest.fixture(scope="module")
def sample() -> JourneyProject:
    return datasets.load("einzelhandel", "workbook")


def test_blank_sheets_have_their_paper_size_and_one_page_each(tmp_path):
    written = write_worksheets(tmp_path)
    assert [p.name for p in written] == list(SHEETS.values())
    for key, name in SHEETS.items():
        assert pages(tmp_path / name) == [SIZES[key]], name
    assert "Persona-Canvas" in text(tmp_path / SHEETS["persona"])
    assert "Phase 1: ________" in text(tmp_path / SHEETS["map"])


def test_filled_sheets_carry_the_workbooks_names(tmp_path, sample):
    write_worksheets(tmp_path, sample)
    persona = tmp_path / SHEETS["persona"]
    assert pages(persona) == [A4_PORTRAIT] * len(sample.personas)
    persona_text = text(persona)
    for p in sample.personas:
        assert p.name in persona_text
    inventory = text(tmp_path / SHEETS["touchpoints"])
    assert all(tp.name in inventory for tp in sample.touchpoints)
    assert len(PdfReader(tmp_path / SHEETS["touchpoints"]).pages) >= 2
    assert set(pages(tmp_path / SHEETS["touchpoints"])) == {A4_LANDSCAPE}
    board = text(tmp_path / SHEETS["pains"])
    assert all(pp.title in board for pp in sample.pain_points)
    grid = text(tmp_path / SHEETS["map"])
    assert pages(tmp_path / SHEETS["map"]) == [A3_LANDSCAPE]
    for phase in sample.phase_model.names:
        assert phase in grid
    assert "Gipfelglück Outdoor" in grid
    assert sample.scenario.situation[:30] in grid


def test_the_touchpoint_sheet_explains_its_scales_on_every_page(tmp_path, sample):
    """A team filling in the paper inventory reads what 1-5, -2..+2 and "MdW" mean."""
    from cjmlib.io.worksheets import touchpoint_sheet_pdf

    path = touchpoint_sheet_pdf(tmp_path / "inventar.pdf", sample)
    reader = PdfReader(path)
    assert len(reader.pages) >= 2
    for page in reader.pages:
        page_text = " ".join(page.extract_text().split())
        assert "Relevanz: 1 (gering) bis 5 (hoch)" in page_text
        assert "Emotion: −2 (sehr negativ) bis +2 (sehr positiv)" in page_text


def test_umlauts_and_markup_survive(tmp_path):
    project = JourneyProject(
        name="Bäckerei Süß & Söhne <b>",
        personas=[Persona(name="Jürgen Öztürk", quote="Größe? Ärger! „Schön“ – 5 €")],
        touchpoints=[
            Touchpoint(
                name="Brötchen-Vorbestellung",
                phase="Kauf",
                channel="App",
                thought="Sind die Brötchen um 7 Uhr fertig?",
            )
        ],
    )
    write_worksheets(tmp_path, project)
    persona_text = text(tmp_path / SHEETS["persona"])
    assert "Jürgen Öztürk" in persona_text
    assert "Größe? Ärger! „Schön“ – 5 €" in persona_text
    assert "Bäckerei Süß & Söhne <b>" in persona_text
    assert "Sind die Brötchen um 7 Uhr fertig?" in text(tmp_path / SHEETS["touchpoints"])


def test_command_line_blank_and_from_a_workbook(tmp_path, capsys):
    assert main(["--leer", "--ordner", str(tmp_path / "leer")]) == 0
    assert "Die Arbeitsblätter liegen im Ordner" in capsys.readouterr().out
    assert len(list((tmp_path / "leer").glob("*.pdf"))) == 4
    book = tmp_path / "projekt.cjm.json"
    datasets.open_workbook("bank", book)
    assert main(["--aus", str(book), "--ordner", str(tmp_path / "voll")]) == 0
    assert "Sarah Becker" in text(tmp_path / "voll" / SHEETS["persona"])


def test_command_line_explains_a_missing_workbook_in_german(tmp_path, capsys):
    assert main(["--aus", str(tmp_path / "fehlt.cjm.json")]) == 2
    err = capsys.readouterr().err
    assert "Das Arbeitsbuch" in err and "gibt es nicht" in err and "Traceback" not in err


def test_runs_as_a_module(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "cjmlib.io.worksheets", "--leer", "--ordner", "blaetter"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""  # no RuntimeWarning from runpy about a half-imported module
    assert sorted(p.name for p in (tmp_path / "blaetter").iterdir()) == sorted(SHEETS.values())


def test_the_inventory_typed_into_excel_imports_into_the_workbook(tmp_path):
    """The sheet's headers are the ones the table import accepts (the guide relies on it)."""
    from cjmlib.io import import_touchpoints
    from cjmlib.workbook import Workbook

    headers = [label for label, _ in touchpoint_columns()]
    row = [
        "Rückruf-Service",
        "Entscheidung",
        "Hotline",
        "offline",
        "Telefon",
        "Kundenservice",
        "4",
        "-1",
        "ja",
        "Ruft mich wirklich jemand zurück?",
    ]
    csv = tmp_path / "touchpoints.csv"
    csv.write_text(";".join(headers) + "\n" + ";".join(row) + "\n", encoding="utf-8")
    wb = Workbook.open(tmp_path / "w.cjm.json")
    result = import_touchpoints(wb, csv)
    assert result.count == 1 and result.ignored_columns == []
    tp = wb.project.touchpoints[0]
    assert (tp.name, tp.online, tp.emotion, tp.moment_of_truth) == (
        "Rückruf-Service",
        False,
        -1,
        True,
    )
    assert tp.thought == "Ruft mich wirklich jemand zurück?"


def test_the_facilitator_guide_covers_agenda_roles_chapters_and_the_transfer():
    guide = (Path(__file__).resolve().parents[1] / "course" / "workshop" / "README.md").read_text(
        encoding="utf-8"
    )
    for department in ("Marketing", "Vertrieb", "Kundenservice", "Produktentwicklung", "IT"):
        assert department in guide
    for heading in ("## Vorbereitung", "## Rollen", "## Ablauf des Tages", "## Die Ergebnisse ins"):
        assert heading in guide
    assert "9:00–9:30" in guide and "16:30–17:00" in guide
    for chapter in range(1, 14):
        assert re.search(rf"\b{chapter}\b", guide.split("## Ablauf des Tages")[1]), chapter
    assert "python -m cjmlib.io.worksheets --leer" in guide and "--aus" in guide
    assert "import_touchpoints(wb," in guide and "import_personas(wb," in guide
    for label, _ in touchpoint_columns():
        assert label in guide
