"""What a trainee reads: whole words on every printed line, and no Python class names.

* Printed text (explanations of analyses, the capstone's list of missing parts, the notes
  of the exercises) goes through :func:`cjmlib.messages.text.wrap_lines` (in the chapters:
  :func:`cjmlib.display.show_text`): lines of at most ``TEXT_WIDTH`` characters, broken
  between words, so that JupyterLab never breaks a word ("Ausgangsp|unkt"). The chapters'
  real outputs are checked where they run (``tests/_outputs.py``, used by
  ``test_chapters.py`` and ``test_industry_tracks.py``).
* Trainee text never names the library's classes ("Trage sie mit `NeedsMatrix(wb)` ein"):
  it names the chapter and the form the trainee sees. Checked on the message catalogue and
  on the Markdown of every notebook a trainee reads; a class may appear there only as code
  that the notebook's own code cells really run, and the few recovery texts that must
  spell out a line of code are listed below with the reason.
"""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

import nbformat
import pytest

import cjmlib.messages as messages
from cjmlib.display import show_text
from cjmlib.messages.text import TEXT_WIDTH, wrap_lines

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = ROOT / "cjmlib" / "messages"
#: Notebooks a trainee reads: chapters, the primer, the basics and the exercise sources.
TRAINEE_NOTEBOOKS = sorted(
    [
        *(ROOT / "chapters").glob("*.ipynb"),
        *(ROOT / "chapters" / "grundlagen").glob("*.ipynb"),
        *(ROOT / "course" / "source").glob("*/*.ipynb"),
    ]
)

#: Catalogue texts that may name a class, and why (key -> class names).
ALLOWED_IN_CATALOGUE: dict[str, set[str]] = {
    # A damaged or missing workbook: the recovery is a line of code (`Workbook.recover(…)`)
    # that the message spells out to copy; no form exists for it.
    "workbook.offer_last_good": {"Workbook"},
    "workbook_files.missing_with_history": {"Workbook"},
    "workbook_files.cannot_recover": {"Workbook"},
    "workbook_files.version_twice": {"Workbook"},
}


# -- wrapping printed text ----------------------------------------------------------------

LONG = (
    "Kandidaten für Momente der Wahrheit: Touchpoints, bei denen die Conversion-Rate mit "
    "und ohne diesen Kontakt am stärksten auseinandergeht (Differenz in Prozentpunkten). "
    "Abholung an der Click-&-Collect-Theke und Verfügbarkeitsanzeige je Filiale zählen dazu."
)


def test_long_text_is_broken_between_words_within_the_width():
    wrapped = wrap_lines(LONG)
    lines = wrapped.splitlines()
    assert len(lines) > 1
    assert all(len(line) <= TEXT_WIDTH for line in lines)
    assert wrapped.split() == LONG.split()  # every word whole, none lost or added
    assert "Click-&-Collect-Theke" in lines[-2] + lines[-1]  # not split at its hyphens


def test_paragraphs_and_list_items_keep_their_shape():
    text = "Es fehlen noch 2 Teile:\n• Kapitel 3, Bedürfnisse: " + LONG + "\n\n• Kapitel 4: kurz"
    lines = wrap_lines(text, 60).splitlines()
    assert lines[0] == "Es fehlen noch 2 Teile:"
    assert lines[1].startswith("• Kapitel 3")
    item = lines[1 : lines.index("")]
    assert len(item) > 2 and all(line.startswith("  ") for line in item[1:])
    assert lines[-2:] == ["", "• Kapitel 4: kurz"]
    assert all(len(line) <= 60 for line in lines)


def test_a_word_longer_than_the_width_keeps_its_own_line_whole():
    path = "/home/trainee/arbeitsbuch/" + "sehr_langer_ordnername_" * 5 + "mein_projekt.cjm.json"
    lines = wrap_lines(f"Gespeichert unter {path} – fertig.").splitlines()
    assert path in lines
    assert " ".join(lines).split() == f"Gespeichert unter {path} – fertig.".split()


def test_a_number_stays_on_the_line_of_its_unit():
    lines = wrap_lines("x" * 85 + " 61,7 % von 120 Besuchenden").splitlines()
    assert lines == ["x" * 85, "61,7 % von 120 Besuchenden"]


def test_short_text_is_printed_as_it_is(capsys):
    show_text("Neu: Abholfach")
    assert capsys.readouterr().out == "Neu: Abholfach\n"


def test_show_text_prints_the_wrapped_lines(capsys):
    show_text(LONG)
    out = capsys.readouterr().out
    assert out == wrap_lines(LONG) + "\n"
    assert max(len(line) for line in out.splitlines()) <= TEXT_WIDTH


# -- no class names in trainee text -------------------------------------------------------


def class_names() -> set[str]:
    """Every public class that ``cjmlib`` defines."""
    names = set()
    for path in (ROOT / "cjmlib").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names |= {
            node.name
            for node in ast.walk(tree)
            if isinstance(node, ast.ClassDef) and not node.name.startswith("_")
        }
    return names


CLASSES = class_names()
#: Class names that are no German or English word: "NeedsMatrix", "CJMError".
CAMEL_CASE = {n for n in CLASSES if re.search(r"[a-z0-9][A-Z]|^[A-Z]{2,}[a-z]", n)}
_ANY = "|".join(sorted(map(re.escape, CLASSES), key=len, reverse=True))
_CAMEL = "|".join(sorted(map(re.escape, CAMEL_CASE), key=len, reverse=True))
#: A CamelCase class name anywhere, or any class name written as code: `Persona`,
#: Persona(...), Workbook.recover.
CLASS_IN_TEXT = re.compile(
    rf"(?<![\w-])(?:({_CAMEL})(?![\w-])|`({_ANY})\b|({_ANY})(?=\(|\.[a-z_]))"
)


def named_classes(text: str) -> set[str]:
    return {next(g for g in m.groups() if g) for m in CLASS_IN_TEXT.finditer(text)}


def catalogue(language: str) -> dict[str, str]:
    texts: dict[str, str] = {}
    for path in sorted((CATALOGUE / language).glob("*.toml")):
        with path.open("rb") as fh:
            texts.update(messages._flatten(tomllib.load(fh)))
    return texts


def test_the_check_finds_class_names_in_the_forms_they_took():
    assert named_classes("Trage sie mit `NeedsMatrix(wb)` ein.") == {"NeedsMatrix"}
    assert named_classes("im Baukasten (PersonaBuilder)") == {"PersonaBuilder"}
    assert named_classes("ein Arbeitsbuch (`Workbook`)") == {"Workbook"}
    assert named_classes("Hänge Evidence(kind=...) an") == {"Evidence"}
    assert named_classes("mit `Workbook.recover(...)`") == {"Workbook"}
    # German words that are also class names are fine in prose.
    assert named_classes("Jede Persona hat einen Touchpoint in der Phase Kauf.") == set()
    assert named_classes("die Persona-Karte, ein Touchpoint-Inventar") == set()


@pytest.mark.parametrize("language", ["de", "en"])
def test_catalogue_names_no_class(language):
    """Do the catalogue's texts name forms and chapters instead of Python classes?"""
    found = {
        key: named_classes(text) - ALLOWED_IN_CATALOGUE.get(key, set())
        for key, text in catalogue(language).items()
    }
    assert {key: names for key, names in found.items() if names} == {}


def test_allowed_class_names_are_still_needed():
    texts = catalogue("de")
    for key, names in ALLOWED_IN_CATALOGUE.items():
        assert names <= named_classes(texts[key]), key


CODE_SPAN = re.compile(r"```.*?```|`[^`\n]*`", flags=re.DOTALL)
IMPORT = re.compile(r"^from \S+ import (\([^)]*\)|.*)$", flags=re.MULTILINE)


def markdown_problems(path: Path) -> list[tuple[str, str]]:
    """Class names in the Markdown of ``path``: in prose always, in code only when the
    notebook's code cells neither run nor import that class."""
    nb = nbformat.read(path, as_version=4)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    # Run (called, or a method of it) or imported for the trainee to type (exercise 13:
    # `wb = Workbook.open(...)` opens the submitted copy).
    imported = {
        name
        for group in IMPORT.findall(code)
        for name in re.findall(r"\w+", group.replace(" as ", " "))
    }
    run = {n for n in CLASSES if n in imported or re.search(rf"(?<![\w.]){n}(?:\s*\(|\.)", code)}
    problems = []
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        prose = CODE_SPAN.sub(" ", cell.source)
        problems += [(cell.id, name) for name in sorted(named_classes(prose))]
        for span in CODE_SPAN.findall(cell.source):
            problems += [(cell.id, name) for name in sorted(named_classes(span) - run)]
    return problems


@pytest.mark.parametrize(
    "path", TRAINEE_NOTEBOOKS, ids=[str(p.relative_to(ROOT)) for p in TRAINEE_NOTEBOOKS]
)
def test_notebook_markdown_names_no_class(path):
    assert markdown_problems(path) == []


# -- table cells in the forms break between words -------------------------------------------


def test_table_cells_keep_words_whole_and_give_long_runs_a_break():
    from cjmlib.widgets.base import STYLE, cell_html, html_table

    assert "overflow-wrap:anywhere" not in STYLE.split(".cjm-table td")[1].split("}")[0]
    assert cell_html("Umsetzungsplan") == "Umsetzungsplan"
    assert cell_html("✗ fehlt <b>") == "✗ fehlt &lt;b&gt;"
    long_name = "Lena-" + "x" * 100 + " Berger"
    html = cell_html(long_name)
    assert html.replace("<wbr>", "") == long_name
    assert all(len(run) <= 30 for run in html.split(" ")[0].split("<wbr>"))
    assert "<wbr>" in html_table(["Name"], [[long_name]])
    hint = 'Sichere ihn mit `wb.snapshot("Ist-Map")`.'
    assert cell_html(hint) == "Sichere ihn mit <code>wb.snapshot(&quot;Ist-Map&quot;)</code>."


def test_widget_messages_keep_words_whole():
    """Do error, check and info lines of the forms break between words only?

    ``overflow-wrap:anywhere`` lets a flex item shrink to one letter a line, so a German
    error under a narrow field broke as "Schreib|weise"; ``break-word`` breaks only a run
    that is wider than the whole box (a 500-character name).
    """
    import re

    from cjmlib.widgets.base import STYLE

    rules = re.findall(r"([^{}]+)\{([^}]*)\}", STYLE)
    for name in (".cjm-error", ".cjm-fail", ".cjm-ok", ".cjm-info"):
        wraps = [
            body for selector, body in rules if name in [s.strip() for s in selector.split(",")]
        ]
        assert wraps and not any("anywhere" in body for body in wraps), (name, wraps)
        assert any("overflow-wrap:break-word" in body for body in wraps), (name, wraps)


def test_a_state_symbol_stays_on_the_line_of_its_word(tmp_path):
    """ "✗ fehlt" in the progress panel's narrow column: symbol and word on one line."""
    from cjmlib.widgets import ProgressPanel
    from cjmlib.workbook import Workbook

    panel = ProgressPanel(Workbook.open(tmp_path / "p.cjm.json"), exercises=tmp_path)
    cells = re.findall(r"<td>([✓✗○◐⚠][^<]*)</td>", panel.tables.value)
    assert cells and all(cell[1] == "\u00a0" for cell in cells)


# -- comparisons stay "<" and ">", never the guillemets ‹ › --------------------------------

#: A guillemet used as a comparison: "‹ 2 %", "›= 90 %", "‹2 Minuten".
GUILLEMET_COMPARISON = re.compile(r"[‹›]=?\s*[−+-]?\d")


def chart_texts(spec: object) -> list[str]:
    """Every string in a chart's spec (labels, tooltips, titles, the data)."""
    if isinstance(spec, str):
        return [spec]
    if isinstance(spec, dict):
        return [s for v in spec.values() for s in chart_texts(v)]
    if isinstance(spec, list):
        return [s for v in spec for s in chart_texts(v)]
    return []


def test_clean_labels_keep_comparisons_and_still_defuse_markup():
    from cjmlib.messages.text import clean

    assert clean("Abholzeit < 2 Minuten") == "Abholzeit < 2 Minuten"
    assert clean("Erfolgreiche Erst-Logins (>= 90 %)") == "Erfolgreiche Erst-Logins (>= 90 %)"
    assert clean("Wartezeit <2 Minuten") == "Wartezeit <2 Minuten"
    assert "<" not in clean("<img src=x onerror=alert(1)>") and "<" not in clean("</b>")
    assert "<" not in clean("<!-- x -->") and "<" not in clean("a <b> c")
    catalogue = messages.catalogue("de")
    assert sorted(k for k, v in catalogue.items() if GUILLEMET_COMPARISON.search(v)) == []


@pytest.mark.parametrize(
    "industry", ["einzelhandel", "bank", "telekommunikation", "reise", "gesundheit"]
)
def test_no_kpi_on_the_map_reads_as_a_guillemet(industry):
    """The verification lane names KPIs with their targets ("Abholzeit (< 2 Minuten)")."""
    from cjmlib import datasets
    from cjmlib.charts import journey_map_chart

    project = datasets.load(industry, "workbook")
    spec = journey_map_chart(project, backstage=True, verification=True).to_dict()
    texts = chart_texts(spec)
    assert any(re.search(r"[<>]=?\s*\d", x) for x in texts)  # the KPIs' targets are there
    assert sorted({x for x in texts if GUILLEMET_COMPARISON.search(x)}) == []
