"""One term per concept: the glossary is generated, linked from every chapter, and no
chapter or message uses a word the glossary says to avoid."""

from __future__ import annotations

import functools
import importlib.util
import re
from pathlib import Path

import nbformat
import pytest

import cjmlib.widgets
from cjmlib.content import glossary
from cjmlib.messages import catalogue

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "chapters").glob("[0-9][0-9]_*.ipynb"))

_spec = importlib.util.spec_from_file_location("cjm_glossary_tool", ROOT / "tools" / "glossary.py")
glossary_tool = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(glossary_tool)

#: Phrases that point the trainee to sources the course never shows.
UNSEEN_SOURCES = re.compile(
    r"\b(?:die|den|der) Quellen\b|\bzitiert\w*|\bdie Quelle\b|\bQuelle zusammen", re.IGNORECASE
)


def prose(text: str) -> str:
    """Text a trainee reads: without code blocks, code spans and link targets."""
    text = re.sub(r"```.*?```", " ", text, flags=re.DOTALL)
    text = re.sub(r"`[^`]*`", " ", text)
    return re.sub(r"\]\([^)]*\)", "]", text)


@functools.cache
def trainee_texts() -> list[tuple[str, str]]:
    """(where, text) for every chapter Markdown cell and every German message."""
    texts = []
    for path in CHAPTERS:
        for cell in nbformat.read(str(path), as_version=4).cells:
            if cell.cell_type == "markdown":
                texts.append((f"{path.name}:{cell.get('id')}", prose(cell.source)))
    for key, text in catalogue("de").items():
        if not key.startswith("glossary."):
            texts.append((key, prose(text)))
    return texts


def test_glossary_notebook_is_current():
    """Is chapters/Glossar.ipynb what tools/glossary.py generates from the catalogue?"""
    assert (ROOT / "chapters" / "Glossar.ipynb").read_text(encoding="utf-8") == (
        glossary_tool.build()
    ), "run: python tools/glossary.py write"


def test_glossary_terms_are_unique_and_defined():
    entries = glossary()
    assert len(entries) >= 30
    terms = [e.term.casefold() for e in entries]
    assert len(terms) == len(set(terms))
    assert all(e.definition and 0 <= e.chapter <= 12 for e in entries)


@pytest.mark.parametrize("path", CHAPTERS, ids=[p.stem for p in CHAPTERS])
def test_every_chapter_links_the_glossary(path):
    sources = [c.source for c in nbformat.read(str(path), as_version=4).cells]
    assert any("(Glossar.ipynb)" in s for s in sources)


def test_no_avoided_variant_in_chapters_or_messages():
    """Does every chapter and message use the glossary's term, never a listed variant?"""
    found = []
    for entry in glossary():
        for variant in entry.avoid:
            pattern = re.compile(rf"(?<![\w-]){re.escape(variant)}(?![\w-])", re.IGNORECASE)
            found += [(where, variant) for where, text in trainee_texts() if pattern.search(text)]
    assert found == []


def test_no_widget_class_names_in_trainee_text():
    """A trainee reads "die Tafel der Pain Points", never "(PainPointBoard)"."""
    names = [
        n for n in cjmlib.widgets.__all__ if n[0].isupper() and any(c.isupper() for c in n[1:])
    ]
    found = [
        (where, name)
        for where, text in trainee_texts()
        for name in names
        if re.search(rf"\b{name}\b", text)
    ]
    assert found == []


def test_no_references_to_sources_the_trainee_never_sees():
    """ "nennen die Quellen", "die zitierten Studien": the trainee has no such sources."""
    found = [
        (where, m.group(0))
        for where, text in trainee_texts()
        for m in UNSEEN_SOURCES.finditer(text)
    ]
    assert found == []


def test_no_chapter_reads_a_confidence_interval_as_a_probability():
    """ "…in dem der wahre Wert mit 95 % Sicherheit liegt" is the wrong reading of an interval."""
    wrong = re.compile(
        r"wahre\w*(?: \w+)? mit 95 ?% (?:Sicherheit|Wahrscheinlichkeit)|"
        r"mit 95 ?% (?:Sicherheit|Wahrscheinlichkeit) (?:liegt|enthält)",
        re.IGNORECASE,
    )
    found = [
        (where, m.group(0))
        for where, text in trainee_texts()
        if not where.startswith("chapter.")  # a quiz may offer the wrong reading to reject
        for m in wrong.finditer(text)
    ]
    assert found == []
