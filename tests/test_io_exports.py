"""Exports: chart images (PNG/SVG/PDF), Mermaid journey text, HTML and Markdown reports,
CSV/Excel tables with neutralised formulas – and escaping of what trainees type."""

from __future__ import annotations

import base64
import re
import struct
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import mistune
import openpyxl
import pandas as pd
import pytest
from _charts_fixtures import XSS, small_project
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from cjmlib.charts import hint_chart, journey_map_chart, touchpoint_heatmap_chart
from cjmlib.errors import CJMError
from cjmlib.io.images import chart_bytes, save_chart
from cjmlib.io.mermaid import mermaid_journey, mermaid_markdown
from cjmlib.io.reports import html_report, markdown_report, md_escape
from cjmlib.io.table_export import (
    export_project_tables,
    export_table,
    neutralise,
    xlsx_escape,
    xlsx_unescape,
)
from cjmlib.model import JourneyProject, Persona, Touchpoint

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from the IHDR chunk, after checking the signature."""
    assert data[:8] == PNG_SIGNATURE
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def xss_project() -> JourneyProject:
    p = small_project(name=XSS)
    data = p.model_dump()
    data["personas"][0]["name"] = XSS
    data["personas"][0]["quote"] = XSS
    data["touchpoints"][0]["name"] = XSS
    data["pain_points"][0]["title"] = XSS
    data["solutions"][0]["title"] = XSS
    data["actions"][0]["title"] = XSS
    data["description"] = "# Überschrift? [Link](javascript:alert(1)) $x$ | " + XSS
    return JourneyProject.model_validate(data)


# -- images ---------------------------------------------------------------------------------


def test_save_png_svg_pdf_of_a_chart(tmp_path):
    chart = touchpoint_heatmap_chart(small_project())
    png = save_chart(chart, tmp_path / "heatmap.png")
    width, height = png_size(png.read_bytes())
    assert width > 600 and height > 200
    svg = save_chart(chart, tmp_path / "heatmap.svg")
    root = ET.fromstring(svg.read_text(encoding="utf-8"))
    assert root.tag.endswith("svg")
    assert "Überlegung" in svg.read_text(encoding="utf-8")
    pdf = save_chart(chart, tmp_path / "heatmap.pdf")
    reader = PdfReader(pdf)
    assert len(reader.pages) == 1
    assert float(reader.pages[0].mediabox.width) > 100


def test_journey_map_png_is_large_enough_for_a4(tmp_path):
    out = save_chart(journey_map_chart(small_project(), backstage=True), tmp_path / "karte.png")
    width, height = png_size(out.read_bytes())
    assert width >= 2000  # scale 2: sharp when printed across A4 landscape
    assert width > height * 0.8


def test_save_chart_refuses_unknown_formats_and_folders(tmp_path):
    chart = hint_chart("Titel", ["Zeile"])
    with pytest.raises(CJMError, match=r"„\.jpg“.*\.png, \.svg, \.pdf"):
        save_chart(chart, tmp_path / "bild.jpg")
    with pytest.raises(CJMError, match=r"Den Ordner .* gibt es nicht"):
        save_chart(chart, tmp_path / "fehlt" / "bild.png")
    with pytest.raises(CJMError, match="altair-Diagramm"):
        chart_bytes("kein Diagramm")
    assert not list(tmp_path.iterdir())


def test_chart_bytes_accepts_a_spec_dict():
    spec = hint_chart("Titel", ["Zeile"]).to_dict()
    assert chart_bytes(spec, "svg").startswith(b"<svg")


def test_svg_of_the_map_keeps_user_text_as_text():
    svg = chart_bytes(journey_map_chart(xss_project()), "svg").decode("utf-8")
    root = ET.fromstring(svg)
    assert not [el for el in root.iter() if el.tag.split("}")[-1] in ("img", "image", "script")]
    assert "onerror=alert(1)" in svg  # still there, but only as text


# -- Mermaid --------------------------------------------------------------------------------

# Lexical rules of Mermaid's journey grammar (packages/mermaid/src/diagrams/user-journey/
# parser/journey.jison), re-stated here; the lexer is case-insensitive and takes the first
# rule that matches.
LEX_RULES = [
    ("comment", r"%%(?!\{)[^\n]*"),
    ("comment", r"[^\}]%%[^\n]*"),
    ("newline", r"\n+"),
    ("space", r"\s+"),
    ("comment", r"#[^\n]*"),
    ("journey", r"journey"),
    ("title", r"title\s[^#\n;]+"),
    ("acc_title", r"accTitle\s*:\s*"),
    ("acc_descr", r"accDescr\s*:\s*"),
    ("acc_descr_multiline", r"accDescr\s*\{\s*"),
    ("section", r"section\s[^#:\n;]+"),
    ("task_name", r"[^#:\n;]+"),
    ("task_data", r":[^#\n;]+"),
    ("colon", r":"),
    ("invalid", r"."),
]
LEX = [(name, re.compile(rx, re.IGNORECASE)) for name, rx in LEX_RULES]


def lex(text: str) -> list[tuple[str, str]]:
    pos, tokens = 0, []
    while pos < len(text):
        for name, rx in LEX:
            m = rx.match(text, pos)
            if m and m.end() > pos:
                if name not in ("comment", "space"):
                    tokens.append((name, m.group(0)))
                pos = m.end()
                break
    return tokens


def parse_journey(text: str) -> dict:
    """Check ``text`` against the grammar; return title, sections and tasks as Mermaid sees
    them (score and actors split as journeyDb.addTask does)."""
    tokens = lex(text)
    assert tokens and tokens[0][0] == "journey", tokens[:2]
    result: dict = {"title": None, "sections": [], "tasks": []}
    i = 1
    while i < len(tokens):
        kind, value = tokens[i]
        if kind == "newline":
            i += 1
        elif kind == "title":
            result["title"] = value[6:]
            i += 1
        elif kind == "section":
            result["sections"].append(value[8:])
            i += 1
        elif kind == "task_name":
            assert i + 1 < len(tokens) and tokens[i + 1][0] == "task_data", (value, tokens[i + 1])
            pieces = tokens[i + 1][1][1:].split(":")
            assert len(pieces) <= 2, f"task data splits into {pieces}"
            score = float(pieces[0])
            actors = [a.strip() for a in pieces[1].split(",")] if len(pieces) == 2 else []
            result["tasks"].append((value.strip(), score, actors, result["sections"][-1]))
            i += 2
        else:
            raise AssertionError(f"unexpected token {kind}: {value!r}")
    return result


def test_grammar_checker_rejects_what_mermaid_cannot_read():
    for bad in [
        "journey\n  section A\n    Kasse: Zahlung: 3: Lena\n",  # extra colon
        "journey\n  section A\n    Nur ein Name\n",  # no score
        "Reise\n  section A\n    Name: 3\n",
    ]:  # no header
        with pytest.raises(AssertionError):
            parse_journey(bad)
    good = parse_journey("journey\n  title T\n  section A\n    Tee kochen: 5: Ich, Du\n")
    assert good["tasks"] == [("Tee kochen", 5.0, ["Ich", "Du"], "A")]


def test_mermaid_sections_are_phases_and_scores_map_emotion():
    project = small_project()
    parsed = parse_journey(mermaid_journey(project))
    assert parsed["title"] == "Testprojekt"
    assert parsed["sections"] == ["Bewusstsein", "Überlegung", "Entscheidung", "Kauf", "Nachkauf"]
    tasks = {name: (score, actors, section) for name, score, actors, section in parsed["tasks"]}
    assert tasks["Instagram-Anzeige"] == (4.0, ["Lena", "Max"], "Bewusstsein")  # all
    assert tasks["Produktsuche"] == (2.0, ["Lena"], "Überlegung")
    assert tasks["Beratung in der Filiale"] == (5.0, ["Max"], "Entscheidung")
    assert tasks["Hotline"][0] == 1.0
    assert all(1 <= s <= 5 for s, _, _ in tasks.values())
    assert len(tasks) == len(project.touchpoints)


def test_mermaid_replaces_characters_the_grammar_cannot_take():
    nasty = [
        "Termin: 10 Uhr; bitte #2",
        "journey planen",
        "title Seite",
        "Rabatt 50 %% heute",
        "section B",
        "Zeile\neins",
        XSS,
        "accDescr: x",
        "accTitle {y}",
    ]
    personas = [
        Persona(id="per-a", name="Müller, Anna: Chefin #1"),
        Persona(id="per-b", name="B; c"),
    ]
    tps = [
        Touchpoint(
            id=f"tp-{i}",
            name=name,
            phase="kauf",
            channel="App",
            emotion=-2,
            persona_ids=["per-a", "per-b"] if i % 2 else [],
        )
        for i, name in enumerate(nasty)
    ]
    project = JourneyProject(name="Projekt: #1; Test", personas=personas, touchpoints=tps)
    text = mermaid_journey(project)
    parsed = parse_journey(text)
    assert len(parsed["tasks"]) == len(nasty)
    for name, score, actors, section in parsed["tasks"]:
        assert section == "Kauf" and score == 1.0
        assert not set(name) & set(":#;\n") and "%%" not in name
        assert len(actors) == 2 and all(a and not set(a) & set(",:#;") for a in actors)
    names = [n for n, *_ in parsed["tasks"]]
    assert names[0] == "Termin – 10 Uhr, bitte Nr. 2"
    assert "<" not in text and ">" not in text
    assert parsed["title"].startswith("Projekt: Nr. 1")


def test_mermaid_for_one_persona_and_for_an_empty_project():
    parsed = parse_journey(mermaid_journey(small_project(), persona="Max"))
    assert {a for _, _, actors, _ in parsed["tasks"] for a in actors} == {"Max"}
    assert "Produktsuche" not in [n for n, *_ in parsed["tasks"]]
    empty = parse_journey(mermaid_journey(JourneyProject()))
    assert empty["sections"] == ["Noch keine Touchpoints"]


def test_mermaid_renders_as_fenced_block_in_markdown():
    block = mermaid_markdown(small_project())
    assert block.startswith("```mermaid\njourney\n") and block.endswith("\n```\n")
    rendered = mistune.html(block)
    assert 'class="language-mermaid"' in rendered
    parse_journey(block.removeprefix("```mermaid\n").removesuffix("```\n"))


# -- reports --------------------------------------------------------------------------------


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def tags_of(html_text: str) -> list[tuple[str, dict]]:
    parser = Tags()
    parser.feed(html_text)
    return parser.tags


def test_html_report_is_self_contained_with_inline_svg_map():
    report = html_report(small_project())
    tags = [t for t, _ in tags_of(report)]
    assert "svg" in tags and "script" not in tags and "link" not in tags
    for heading in (
        "Personas",
        "Journey Map",
        "Touchpoint-Inventar",
        "Pain Points",
        "Lösungen",
        "Maßnahmenplan",
    ):
        assert f"<h2>{heading}" in report
    assert 'lang="de"' in report and "Beratung in der Filiale" in report
    assert "http://" not in report.replace("http://www.w3.org", "")


def test_html_report_escapes_every_user_value():
    report = html_report(xss_project())
    assert "<img" not in report
    assert not any(t in ("img", "script") for t, _ in tags_of(report))
    assert "&lt;img src=x onerror=alert(1)&gt;" in report
    assert not any("onerror" in attrs for _, attrs in tags_of(report))


def test_html_report_with_png_map():
    report = html_report(small_project(), image="png")
    imgs = [a for t, a in tags_of(report) if t == "img"]
    assert len(imgs) == 1 and imgs[0]["src"].startswith("data:image/png;base64,")
    width, _ = png_size(base64.b64decode(imgs[0]["src"].split(",", 1)[1]))
    assert width > 800
    with pytest.raises(CJMError, match="svg, png, none"):
        html_report(small_project(), image="gif")


def test_markdown_report_escapes_and_renders():
    text = markdown_report(xss_project(), map_image="karte.png")
    assert "<img" not in text
    rendered = mistune.html(text)
    img_tags = re.findall(r"<img[^>]*>", rendered)
    assert img_tags == [
        '<img src="karte.png" alt="Customer Journey Map von &lt;img src=x onerror=alert(1)&gt;" />'
    ]
    assert "javascript:" not in re.sub(r"[^<]*", "", rendered)  # no link was created
    assert "<a " not in rendered
    assert "```mermaid" in text and "| Phase | Name | Kanal |" in text


def test_md_escape_neutralises_markdown_syntax():
    assert md_escape("*fett* _kursiv_ [x](y) `code` $a$ |") == (
        "\\*fett\\* \\_kursiv\\_ \\[x\\](y) \\`code\\` \\$a\\$ \\|"
    )
    assert md_escape("# Titel") == "\\# Titel"
    assert md_escape("1. Punkt") == "1\\. Punkt"
    assert md_escape("a\nb") == "a b"


def test_reports_of_an_empty_project_do_not_fail():
    empty = JourneyProject()
    assert "Noch keine Einträge." in html_report(empty)
    assert "Noch keine Einträge." in markdown_report(empty)


# -- tables ---------------------------------------------------------------------------------

DANGEROUS = ["=1+1", "+49 30 123", "-2+3", "@SUMME(A1)", "\t=1", "\r=1", "harmlos"]


def test_neutralise_prefixes_formula_starts_only():
    assert [neutralise(v) for v in DANGEROUS] == [
        "'=1+1",
        "'+49 30 123",
        "'-2+3",
        "'@SUMME(A1)",
        "'\t=1",
        "'\r=1",
        "harmlos",
    ]
    assert neutralise(-3) == -3 and neutralise(["=a", "b"]) == "'=a; b"


def test_csv_export_is_german_excel_and_neutralised(tmp_path):
    df = pd.DataFrame({"Name": DANGEROUS, "Emotion": [-2, -1, 0, 1, 2, 1, 0], "Wert": [1.5] * 7})
    path = export_table(df, tmp_path / "inventar.csv")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel shows umlauts right
    back = pd.read_csv(path, sep=";", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert list(back["Name"]) == [neutralise(v) for v in DANGEROUS]
    assert list(back["Emotion"]) == ["-2", "-1", "0", "1", "2", "1", "0"]  # numbers untouched
    assert set(back["Wert"]) == {"1,5"}


def test_xlsx_export_reloads_with_text_instead_of_formulas(tmp_path):
    df = pd.DataFrame({"=Spalte": DANGEROUS, "Emotion": [-2, -1, 0, 1, 2, 1, 0]})
    path = export_table(df, tmp_path / "inventar.xlsx")
    ws = openpyxl.load_workbook(path).active
    assert ws["A1"].value == "'=Spalte"
    values = [ws.cell(row=r, column=1) for r in range(2, 9)]
    # XML would turn a carriage return into a line feed: it is kept as Excel's _x000D_.
    assert [c.value for c in values] == [xlsx_escape(neutralise(v)) for v in DANGEROUS]
    assert [xlsx_unescape(c.value) for c in values] == [neutralise(v) for v in DANGEROUS]
    assert all(c.data_type == "s" for c in values)  # no formula cell ("f")
    assert [ws.cell(row=r, column=2).value for r in range(2, 9)] == [-2, -1, 0, 1, 2, 1, 0]


def test_project_tables_to_excel_with_german_sheets_and_columns(tmp_path):
    project = small_project()
    data = project.model_dump()
    data["touchpoints"][0]["name"] = '=HYPERLINK("http://x")'
    project = JourneyProject.model_validate(data)
    [path] = export_project_tables(project, tmp_path / "projekt.xlsx")
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == [
        "Personas",
        "Bedürfnisse",
        "Touchpoints",
        "Pain Points",
        "Lösungen",
        "Maßnahmen",
    ]
    ws = book["Touchpoints"]
    header = [c.value for c in ws[1]]
    assert header[:4] == ["Phase", "Name", "Kanal", "Online"]
    names = [ws.cell(row=r, column=2).value for r in range(2, ws.max_row + 1)]
    assert '\'=HYPERLINK("http://x")' in names
    pains = book["Pain Points"]
    assert [c.value for c in pains[1]][:2] == ["Titel", "Phase"]
    assert pains.cell(row=2, column=1).value == "Lange Wartezeit"  # highest priority first


def test_project_tables_to_csv_files(tmp_path):
    paths = export_project_tables(small_project(), tmp_path / "projekt.csv")
    assert [p.name for p in paths] == [
        "projekt_personas.csv",
        "projekt_beduerfnisse.csv",
        "projekt_touchpoints.csv",
        "projekt_pain-points.csv",
        "projekt_loesungen.csv",
        "projekt_massnahmen.csv",
    ]
    inventory = pd.read_csv(paths[2], sep=";", encoding="utf-8-sig")
    assert len(inventory) == 6


def test_table_export_refuses_bad_input(tmp_path):
    with pytest.raises(CJMError, match=r"„\.json“.*\.csv, \.xlsx"):
        export_table(pd.DataFrame({"a": [1]}), tmp_path / "x.json")
    with pytest.raises(CJMError, match="pandas `DataFrame`"):
        export_table([1, 2], tmp_path / "x.csv")
    with pytest.raises(CJMError, match="gibt es nicht"):
        export_table(pd.DataFrame({"a": [1]}), tmp_path / "nein" / "x.csv")


@settings(max_examples=60, deadline=None)
@given(
    names=st.lists(st.text(min_size=1, max_size=40).filter(str.strip), min_size=1, max_size=6),
    persona=st.text(min_size=1, max_size=20).filter(str.strip),
)
def test_mermaid_text_always_follows_the_grammar(names, persona):
    project = JourneyProject(
        name=names[0],
        personas=[Persona(id="per-x", name=persona)],
        touchpoints=[
            Touchpoint(id=f"tp-{i}", name=n, phase="kauf", channel="App", persona_ids=["per-x"])
            for i, n in enumerate(names)
        ],
    )
    parsed = parse_journey(mermaid_journey(project))
    assert len(parsed["tasks"]) == len(names)
    assert all(actors == [actors[0]] and actors[0] for _, _, actors, _ in parsed["tasks"])


@given(st.text(max_size=30))
def test_neutralised_text_never_starts_a_formula(text):
    out = neutralise(text)
    assert not out.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert out.removeprefix("'") == text or out == text


def test_mermaid_flowchart_has_one_row_per_phase_and_safe_labels():
    """The flowchart grows downwards (one subgraph per phase), labels carry the emotion."""
    from cjmlib.io.mermaid import mermaid_flowchart

    project = small_project()
    project.touchpoints[0] = project.touchpoints[0].copy_with(name='Er sagt "<b>" [x]')
    project = JourneyProject.model_validate(project.model_dump())
    text = mermaid_flowchart(project)
    assert "flowchart TB" in text and "direction LR" in text
    phases_used = {tp.phase for tp in project.touchpoints}
    assert text.count("subgraph ") == len(phases_used)
    assert "<b>" not in text and '"<' not in text and "[x]" not in text
    assert re.search(r'\["[^"]*\((?:[+−]\d|0)\)"\]:::', text)
    block = mermaid_markdown(project, kind="flowchart")
    assert block.startswith("```mermaid\n%%{init") and block.endswith("```\n")


def test_mermaid_flowchart_summarises_crowded_phases():
    from cjmlib.io.mermaid import mermaid_flowchart

    project = JourneyProject(
        touchpoints=[
            Touchpoint(name=f"Kontakt {i}", phase="Kauf", channel="Filiale") for i in range(7)
        ]
    )
    text = mermaid_flowchart(project, max_per_phase=4)
    assert text.count(":::") == 4  # three boxes and "+4 weitere"
    assert "+4 weitere" in text
