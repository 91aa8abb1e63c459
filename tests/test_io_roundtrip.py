"""Export → import is the identity, and every export writes exactly what it promises.

Issue 15, item 5: text starting with ``= + - @`` kept its neutralising apostrophe after the
re-import ("+49 171 …" came back as "'+49 171 …"), and touchpoints referring to personas
whose names contain ``;``, ``|`` or a line break were rejected. Property tests check every
field of personas and touchpoints (evidence included) through CSV and Excel, every cell of
``export_table`` and ``export_project_tables``, and that image, report and Mermaid files
hold exactly the bytes the in-memory functions return.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from _charts_fixtures import small_project
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_workbook import no_fsync, projects

from cjmlib.charts import touchpoint_heatmap_chart
from cjmlib.io import (
    chart_bytes,
    export_collection,
    export_project_tables,
    export_table,
    import_personas,
    import_touchpoints,
    mermaid_journey,
    mermaid_markdown,
    project_tables,
    read_table,
    save_chart,
    save_mermaid,
    save_report,
)
from cjmlib.io.reports import html_report, markdown_report
from cjmlib.io.table_export import _sheet_name
from cjmlib.model import Evidence, JourneyProject, Persona, Touchpoint, preset, slugify
from cjmlib.workbook import Workbook

HOSTILE = [
    "+49 171 2345678",
    '=HYPERLINK("http://x";"klick")',
    "-5 Grad",
    "@Lena",
    "'Zitat mit Apostroph'",
    "''doppelt",
    "Lena; Tom",
    "A|B",
    "Zeile 1\nZeile 2",
    "Zeile 1\r\nZeile 2",
    "Wagen\rRücklauf",
    '"in Anführungszeichen"',
    'halb "zitiert',
    "Jürgen Müller – Größe ÄÖÜß €",
    "Tab\tim Text",
    "_x0041_ ist kein A",
    "Steuer\x07zeichen",
    "＝1+1",
    "sep=;",
]


def hostile_project() -> JourneyProject:
    """Every hostile text in names, quotes, lists, references and evidence."""
    personas = [
        Persona(
            id=f"per-{i}",
            name=name,
            quote=HOSTILE[(i + 1) % len(HOSTILE)],
            age=20 + i,
            occupation=HOSTILE[(i + 2) % len(HOSTILE)],
            location="Köln",
            needs_goals=[HOSTILE[(i + 3) % len(HOSTILE)], "Schnell; günstig"],
            channels=["App", "Lena | Tom"],
            devices=[HOSTILE[(i + 4) % len(HOSTILE)]],
            evidence=[
                Evidence(kind="Interview", source=HOSTILE[i], about="Zitat; Teil 2", note=""),
                Evidence(kind="Annahme", note="Zeile 1\nZeile 2"),
            ],
        )
        for i, name in enumerate(HOSTILE)
    ]
    personas.append(Persona(id="per-dup", name="Lena; Tom"))  # the same name twice
    touchpoints = [
        Touchpoint(
            id=f"tp-{i}",
            name=text,
            phase=preset().ids[i % 5],
            channel="Website",
            online=i % 2 == 0,
            device=HOSTILE[(i + 5) % len(HOSTILE)],
            relevance=1 + i % 5,
            emotion=i % 5 - 2,
            moment_of_truth=i % 3 == 0,
            hidden=i % 4 == 0,
            persona_ids=[personas[i].id, personas[(i + 6) % len(personas)].id, "per-dup"],
            notes=HOSTILE[(i + 7) % len(HOSTILE)],
            evidence=[Evidence(kind="Umfrage", source=text, about=text, note=text)],
        )
        for i, text in enumerate(HOSTILE)
    ]
    return JourneyProject(name="Feindlich", personas=personas, touchpoints=touchpoints)


def reimport(project: JourneyProject, suffix: str, folder: Path) -> JourneyProject:
    """Export personas and touchpoints, import both into a workbook that has neither."""
    export_collection(project, "personas", folder / f"personas{suffix}")
    export_collection(project, "touchpoints", folder / f"touchpoints{suffix}")
    start = JourneyProject(
        name=project.name, phase_model=project.phase_model, segments=project.segments
    )
    wb = Workbook.open(folder / "ziel.cjm.json", template=start)
    # A file with a header and no rows is refused as "no data rows": import only what is there.
    if project.personas:
        import_personas(wb, folder / f"personas{suffix}")
    if project.touchpoints:
        import_touchpoints(wb, folder / f"touchpoints{suffix}")
    return wb.project


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_hostile_texts_come_back_exactly(tmp_path, suffix):
    project = hostile_project()
    back = reimport(project, suffix, tmp_path)
    assert [p.model_dump() for p in back.personas] == [p.model_dump() for p in project.personas]
    assert [t.model_dump() for t in back.touchpoints] == [
        t.model_dump() for t in project.touchpoints
    ]


def test_the_phone_number_of_the_issue_comes_back_without_apostrophe(tmp_path):
    project = JourneyProject(personas=[Persona(name="Lena", occupation="+49 171 2345678")])
    back = reimport(project, ".csv", tmp_path)
    assert back.personas[0].occupation == "+49 171 2345678"
    raw = (tmp_path / "personas.csv").read_text(encoding="utf-8-sig")
    assert "'+49 171 2345678" in raw  # neutralised in the file


ROUND_TRIP = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.mark.slow
@ROUND_TRIP
@given(projects(), st.sampled_from([".csv", ".xlsx"]))
def test_any_project_survives_export_and_import(project, suffix):
    with tempfile.TemporaryDirectory() as folder, no_fsync():
        back = reimport(project, suffix, Path(folder))
        assert [p.model_dump() for p in back.personas] == [p.model_dump() for p in project.personas]
        assert [t.model_dump() for t in back.touchpoints] == [
            t.model_dump() for t in project.touchpoints
        ]


cell_text = st.one_of(
    st.text(max_size=20),
    st.sampled_from(HOSTILE),
    st.text(alphabet="=+-@'\"; |\n\r\t_x0A", max_size=8),
)


@ROUND_TRIP
@given(
    st.lists(st.tuples(cell_text, cell_text, st.integers(-(10**6), 10**6)), min_size=1, max_size=6),
    st.sampled_from([".csv", ".xlsx"]),
)
def test_export_table_cells_come_back_through_read_table(rows, suffix):
    frame = pd.DataFrame(rows, columns=["Text", "=Formel?", "Zahl"])
    with tempfile.TemporaryDirectory() as folder:
        path = export_table(frame, Path(folder) / f"tabelle{suffix}")
        back = read_table(path)
    assert list(back.columns) == ["Text", "=Formel?", "Zahl"]
    # blank rows are skipped on import; the others come back cell for cell
    expected = [[a, b, str(n)] for a, b, n in rows if any(str(v).strip() for v in (a, b, n))]
    assert back.values.tolist() == expected


def test_project_tables_come_back_through_read_table(tmp_path):
    project = hostile_project()
    tables = project_tables(project)
    files = export_project_tables(project, tmp_path / "projekt.csv")
    for (name, frame), path in zip(tables.items(), files, strict=True):
        if frame.empty:
            continue
        back = read_table(path)
        assert list(back.columns) == list(frame.columns), name
        assert back.values.tolist() == frame.astype(str).replace("nan", "").values.tolist(), name


def test_saved_files_hold_exactly_what_the_functions_return(tmp_path):
    project = small_project()
    chart = touchpoint_heatmap_chart(project)
    png = save_chart(chart, tmp_path / "karte.png")
    assert png.read_bytes() == chart_bytes(chart, "png")
    # vl-convert numbers gradients per call (gradient_0, gradient_1, ...)
    svg = save_chart(chart, tmp_path / "karte.svg")
    numbered = re.compile(rb"gradient_\d+")
    assert numbered.sub(b"g", svg.read_bytes()) == numbered.sub(b"g", chart_bytes(chart, "svg"))
    pdf = save_chart(chart, tmp_path / "karte.pdf")  # a PDF carries its creation time
    assert pdf.read_bytes().startswith(b"%PDF") and pdf.read_bytes().rstrip().endswith(b"%%EOF")
    html_file = save_report(project, tmp_path / "bericht.html", image="none")
    assert html_file.read_bytes() == html_report(project, image="none").encode()
    md_file = save_report(project, tmp_path / "bericht.md")
    assert md_file.read_bytes() == markdown_report(project).encode()
    mmd = save_mermaid(project, tmp_path / "journey.mmd")
    assert mmd.read_bytes() == mermaid_journey(project).encode()
    md = save_mermaid(project, tmp_path / "journey.md", persona="Lena")
    assert md.read_bytes() == mermaid_markdown(project, "Lena").encode()


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda p, f: save_report(p, f), "bericht.pdf"),
        (lambda p, f: save_mermaid(p, f), "journey.txt"),
    ],
)
def test_unknown_file_types_are_named(tmp_path, call, name):
    from cjmlib.errors import CJMError

    with pytest.raises(CJMError, match="Wähle eine Dateiendung aus"):
        call(small_project(), tmp_path / name)


@pytest.mark.slow
@settings(ROUND_TRIP, max_examples=12)
@given(projects())
def test_any_project_exports_every_table_report_and_diagram_as_promised(project):
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder)
        tables = project_tables(project)
        for suffix in (".csv", ".xlsx"):
            files = export_project_tables(project, target / f"projekt{suffix}")
            for name, frame in tables.items():
                if frame.empty:
                    continue
                if suffix == ".csv":
                    path = next(f for f in files if f.stem.endswith(slugify(name)))
                    back = read_table(path)
                else:
                    back = _read_sheet(files[0], name)
                expected = frame.astype(object).where(frame.notna(), "").astype(str)
                kept = expected[expected.apply(lambda r: any(v.strip() for v in r), axis=1)]
                assert list(back.columns) == list(frame.columns), name
                assert back.values.tolist() == kept.values.tolist(), name
        # bytes, not read_text(): that would turn a carriage return in a text into "\n"
        html_file = save_report(project, target / "bericht.html", image="none")
        assert html_file.read_bytes() == html_report(project, image="none").encode()
        md_file = save_report(project, target / "bericht.md")
        assert md_file.read_bytes() == markdown_report(project).encode()
        mmd = save_mermaid(project, target / "journey.mmd")
        assert mmd.read_bytes() == mermaid_journey(project).encode()


def _read_sheet(path: Path, name: str) -> pd.DataFrame:
    """One sheet of an exported workbook, read the way read_table reads the first one."""
    import io

    import openpyxl

    book = openpyxl.load_workbook(path)
    single = openpyxl.Workbook()
    single.remove(single.active)
    source = book[_sheet_name(name)]
    copy = single.create_sheet("x")
    for row in source.iter_rows(values_only=True):
        copy.append(list(row))
    for row in copy.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"
    buffer = io.BytesIO()
    single.save(buffer)
    return read_table(buffer.getvalue(), filename="blatt.xlsx")
