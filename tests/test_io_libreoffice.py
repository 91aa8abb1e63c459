"""Exported CSV and Excel files in a real LibreOffice: no formula runs, no value changes.

The outside review evaluated formulas in LibreOffice; this test does the same with
LibreOffice headless (installed on the course machines and in CI when available): it
opens the exported files with formula evaluation switched on, checks that no cell became
a formula, then saves them again from LibreOffice and imports the saved files: every
field of every persona and touchpoint must come back unchanged.

LibreOffice itself turns a carriage return inside a cell into a line feed, so the project
used here has none (cjmlib's own round trip keeps them, see ``test_io_roundtrip.py``).
"""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
from test_io_roundtrip import hostile_project

from cjmlib.io import export_collection, import_personas, import_touchpoints
from cjmlib.io.table_export import xlsx_unescape
from cjmlib.model import JourneyProject
from cjmlib.workbook import Workbook

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) ist nicht installiert"),
]
# Import: separator ";" (59), quote '"' (34), UTF-8 (76), from line 1, ..., token 13:
# evaluate formulas = true (the hostile setting).
CSV_IN = "Text - txt - csv (StarCalc):59,34,76,1,,0,false,true,false,false,false,-1,true"
CSV_OUT = "csv:Text - txt - csv (StarCalc):59,34,76,1,,0,true,false,false,false,false"


def project_without_carriage_returns() -> JourneyProject:
    text = json.dumps(hostile_project().model_dump(mode="json"))
    text = text.replace("\\r\\n", "\\n").replace("\\r", " ")
    return JourneyProject.model_validate(json.loads(text))


def soffice(tmp_path: Path, *args: str) -> None:
    profile = (tmp_path / "lo-profil").as_uri()
    done = subprocess.run(
        [SOFFICE, "--headless", f"-env:UserInstallation={profile}", *args],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stderr


@pytest.fixture(scope="module")
def converted(tmp_path_factory) -> tuple[Path, JourneyProject]:
    """Our exports, and LibreOffice's conversions of them (one LibreOffice run per kind)."""
    folder = tmp_path_factory.mktemp("libreoffice")
    project = project_without_carriage_returns()
    for suffix in (".csv", ".xlsx"):
        export_collection(project, "personas", folder / f"personas{suffix}")
        export_collection(project, "touchpoints", folder / f"touchpoints{suffix}")
    csv_files = [str(folder / "personas.csv"), str(folder / "touchpoints.csv")]
    xlsx_files = [str(folder / "personas.xlsx"), str(folder / "touchpoints.xlsx")]
    # opened with formula evaluation on, kept as LibreOffice read them
    soffice(
        folder,
        f"--infilter={CSV_IN}",
        "--convert-to",
        "xlsx",
        "--outdir",
        str(folder / "gelesen"),
        *csv_files,
    )
    # opened and saved again in the same format
    soffice(
        folder,
        f"--infilter={CSV_IN}",
        "--convert-to",
        CSV_OUT,
        "--outdir",
        str(folder / "neu"),
        *csv_files,
    )
    soffice(folder, "--convert-to", "xlsx", "--outdir", str(folder / "neu"), *xlsx_files)
    return folder, project


def no_formulas(path: Path) -> list[list[object]]:
    book = openpyxl.load_workbook(path)
    rows = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            assert all(c.data_type != "f" for c in row), [c.value for c in row]
            rows.append(
                [xlsx_unescape(c.value) if isinstance(c.value, str) else c.value for c in row]
            )
    return rows


@pytest.mark.parametrize("name", ["personas", "touchpoints"])
def test_libreoffice_evaluating_formulas_finds_none_in_the_csv(converted, name):
    folder, _ = converted
    cells = no_formulas(folder / "gelesen" / f"{name}.xlsx")
    with open(folder / f"{name}.csv", encoding="utf-8-sig", newline="") as fh:
        ours = list(csv.reader(fh, delimiter=";"))
    assert len(cells) == len(ours)
    for lo_row, our_row in zip(cells, ours, strict=True):
        shown = ["" if v is None else str(v) for v in lo_row][: len(our_row)]
        assert shown == our_row  # texts exactly as written, numbers as numbers
    # the dangerous cells are there, as text with their apostrophe
    flat = [v for row in cells for v in row if isinstance(v, str)]
    assert any(v.startswith("'=HYPERLINK") for v in flat)
    assert any(v.startswith("'+49 171") for v in flat)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_files_saved_again_by_libreoffice_import_unchanged(converted, suffix, tmp_path):
    folder, project = converted
    out = folder / "neu"
    if suffix == ".xlsx":
        no_formulas(out / "personas.xlsx")
        no_formulas(out / "touchpoints.xlsx")
    start = JourneyProject(name=project.name, phase_model=project.phase_model)
    wb = Workbook.open(tmp_path / "ziel.cjm.json", template=start)
    import_personas(wb, out / f"personas{suffix}")
    import_touchpoints(wb, out / f"touchpoints{suffix}")
    back = wb.project
    assert [p.model_dump() for p in back.personas] == [p.model_dump() for p in project.personas]
    assert [t.model_dump() for t in back.touchpoints] == [
        t.model_dump() for t in project.touchpoints
    ]
