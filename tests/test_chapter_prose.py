"""The chapters' own text holds for every industry; the case's names come from its data.

The trainee picks an industry on the start page and every chapter follows it. The
Markdown of a chapter (and the code a trainee reads) therefore teaches the method without
naming any one industry's case: no company, file slug, track word, persona or segment of
any industry. Where the story needs the concrete case, a code cell tells it with
``fall.tell("<chapter>.<key>")`` from the industry's ``chapter_texts.yaml``; every
industry has the same keys, and each industry's texts name only its own case.

Cells tagged ``alle-branchen`` (comparisons of all five industries) name cases on
purpose. No other cell is exempt: every chapter and the primer follow the picked industry,
so a section that shows the running case whatever the trainee picked fails here.

All checks are static (no kernel): they read the notebooks and the YAML files.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import nbformat
import pytest

from cjmlib import course, datasets
from cjmlib.datasets.industry_data import chapter_texts
from cjmlib.errors import CJMError

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = ROOT / "chapters"
NOTEBOOKS = sorted(CHAPTERS.glob("*.ipynb"))
SKIP_TAGS = {"alle-branchen"}
TELL = re.compile(r"""\bfall\.(?:tell|story)\(\s*["']([^"']+)["']""")


@cache
def case_words(industry: str) -> frozenset[str]:
    """Words that name ``industry``'s case (matched anywhere in a text)."""
    case = course.my_case(industry, note=False)
    segments = {s.name for s in case.project.segments}
    return frozenset(course.case_names(industry) | {case.track.slug} | segments)


@cache
def first_names(industry: str) -> frozenset[str]:
    """The personas' first names (matched as whole words: "Lea" is not "Leasing")."""
    return frozenset(name.split()[0] for name in course.my_case(industry, note=False).personas)


def pattern_for(industries: list[str]) -> re.Pattern[str]:
    words = sorted({w for key in industries for w in case_words(key)}, key=len, reverse=True)
    names = sorted({n for key in industries for n in first_names(key)}, key=len, reverse=True)
    anywhere = "|".join(re.escape(w) for w in words)
    whole = "|".join(re.escape(n) for n in names)
    return re.compile(rf"{anywhere}|(?<!\w)(?:{whole})(?!\w)")


def shown_cells(path: Path) -> list[tuple[str, str]]:
    """(cell id, source) of every cell a trainee reads that must hold for every industry."""
    cells = nbformat.read(path, as_version=4).cells
    return [
        (cell.get("id", "?"), cell.source)
        for cell in cells
        if not SKIP_TAGS & set(cell.get("metadata", {}).get("tags", []))
    ]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_chapter_text_names_no_industrys_case(path):
    pattern = pattern_for(list(datasets.industries()))
    found = [
        (cell_id, hit)
        for cell_id, source in shown_cells(path)
        for hit in sorted(set(pattern.findall(source)))
    ]
    assert found == [], f"{path.name}: case names in untagged cells: {found}"


def test_the_case_words_are_found():
    """The search itself works: every industry's names are caught, in prose and code."""
    pattern = pattern_for(list(datasets.industries()))
    for key in datasets.industries():
        case = course.my_case(key, note=False)
        first = case.personas[0].split()[0]
        assert pattern.search(f"Bei {case.company} im Test")
        assert pattern.search(f"wie {first} sagt")
        assert pattern.search(f"datei = '{case.track.slug}_export.csv'")
    assert not pattern.search("das Beispielunternehmen und seine drei Personas")


def used_keys() -> dict[str, list[str]]:
    """Text key -> the chapters whose code cells tell it."""
    used: dict[str, list[str]] = {}
    for path in NOTEBOOKS:
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type == "code":
                for key in TELL.findall(cell.source):
                    used.setdefault(key, []).append(path.name)
    return used


def test_every_industry_tells_every_text_a_chapter_asks_for():
    used = used_keys()
    assert used, "no chapter tells a case text"
    for key in datasets.industries():
        have = chapter_texts(key).keys()
        assert set(used) <= have, (key, sorted(set(used) - have))
        assert have <= set(used), (key, "texts no chapter shows", sorted(have - set(used)))


def test_a_chapter_tells_only_its_own_texts():
    for key, chapters in used_keys().items():
        number = key.partition(".")[0]
        assert all(name.split("_")[0] == number for name in chapters), (key, chapters)


@pytest.mark.parametrize("industry", list(datasets.industries()))
def test_case_texts_name_only_their_own_case(industry):
    others = [key for key in datasets.industries() if key != industry]
    pattern = pattern_for(others)
    texts = chapter_texts(industry)
    found = [
        (f"{chapter}.{name}", hit)
        for chapter, items in texts.chapters.items()
        for name, text in items.items()
        for hit in pattern.findall(text)
    ]
    assert found == []


def test_an_unknown_text_is_refused_in_german():
    case = course.my_case("bank", note=False)
    with pytest.raises(CJMError, match=r"keinen Kapiteltext „00\.gibtsnicht“") as err:
        case.story("00.gibtsnicht")
    assert "00." in err.value.message.split("Vorhanden sind:")[1]


@pytest.mark.parametrize("industry", list(datasets.industries()))
def test_the_chapter_note_names_the_example_only(industry, capsys):
    case = course.my_case(industry)
    said = capsys.readouterr().out
    assert said.startswith(f"Beispiel in diesem Kapitel: {case.company} ({case.industry_name}).")
    assert "Einzelhandel" not in said.replace(f"({case.industry_name})", "")


def test_a_broken_case_text_is_reported_with_file_and_line(tmp_path):
    from cjmlib.datasets.industry_data import INDUSTRIES_DIR, TEXTS_FILE

    folder = tmp_path / "bank"
    folder.mkdir()
    text = (INDUSTRIES_DIR / "bank" / TEXTS_FILE).read_text(encoding="utf-8")
    broken = text.replace('  "02":\n', '  "02":\n    leer: ""\n', 1)
    assert broken != text
    (folder / TEXTS_FILE).write_text(broken, encoding="utf-8")
    with pytest.raises(CJMError) as err:
        chapter_texts("bank", tmp_path)
    line = broken.splitlines().index('    leer: ""') + 1
    assert f"{TEXTS_FILE}, Zeile {line}:" in err.value.message


@cache
def entry_ids() -> frozenset[str]:
    """The ids of every industry's sample entries (touchpoints, pain points, rules ...)."""
    ids: set[str] = set()
    for key in datasets.industries():
        project = course.my_case(key, note=False).project
        for name in ("personas", "touchpoints", "pain_points", "solutions", "evidence_rules"):
            ids |= {entry.id for entry in getattr(project, name)}
    return frozenset(ids)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_chapter_code_names_no_sample_entry_id(path):
    """An id like ``"tp-shop-warenkorb"`` written into a chapter ties it to one industry.

    A chapter takes the example's entries from the case (``fall.project``, ``fall.track``),
    so that a trainee in any industry sees their own case's entries.
    """
    quoted = re.compile(r"""["']([a-z]+-[a-z0-9-]+)["']""")
    found = [
        (cell_id, hit)
        for cell_id, source in shown_cells(path)
        for hit in sorted(set(quoted.findall(source)) & entry_ids())
    ]
    assert found == [], f"{path.name}: ids of sample entries in untagged cells: {found}"
