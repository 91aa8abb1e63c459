"""Checks on what executed notebooks print for a trainee (chapter and track tests share them)."""

from __future__ import annotations

import re
from collections.abc import Iterable

import nbformat

from cjmlib.messages.text import TEXT_WIDTH


def long_printed_lines(cells: Iterable[nbformat.NotebookNode]) -> list[tuple[str, str]]:
    """Printed lines wider than ``TEXT_WIDTH``: JupyterLab would break them inside a word.

    Text the course prints goes through ``cjmlib.display.show_text`` (or
    ``cjmlib.messages.text.wrap_lines``), which breaks it between words.
    """
    return [
        (cell.get("id", ""), line)
        for cell in cells
        if cell.cell_type == "code"
        for out in cell.get("outputs", [])
        if out.output_type == "stream" and out.name == "stdout"
        for line in out.get("text", "").splitlines()
        if len(line) > TEXT_WIDTH
    ]


#: A whole number of four or more digits written without the German thousands dot
#: ("7339" instead of "7.339"); years (1900-2099) are no counts.
_UNGROUPED = re.compile(r"(?<![\w.,:/−-])(\d{4,})(?![\w.,:/])")


def ungrouped_numbers(cells: Iterable[nbformat.NotebookNode]) -> list[tuple[str, str]]:
    """Printed counts without the German thousands dot ("5404 Wechsel bei 2873 von 7339")."""
    return [
        (cell.get("id", ""), match.group(1))
        for cell in cells
        if cell.cell_type == "code"
        for out in cell.get("outputs", [])
        if out.output_type == "stream" and out.name == "stdout"
        for match in _UNGROUPED.finditer(out.get("text", ""))
        if not (len(match.group(1)) == 4 and 1900 <= int(match.group(1)) <= 2099)
    ]


#: A negative number written with the hyphen "-" ("Intervall: -5,4 bis 18,4") instead of
#: the minus sign "−" (U+2212): at the start of a line or after a space, "(", ">", "„", "/".
_HYPHEN_MINUS = re.compile(r"(?:^|(?<=[\s(>„/]))-\d[\d.,]*", re.MULTILINE)
#: The outputs a trainee reads as text (charts' specs and images aside).
_TEXT_KINDS = ("text/plain", "text/html", "text/markdown")


def hyphen_minus_numbers(cells: Iterable[nbformat.NotebookNode]) -> list[tuple[str, str]]:
    """Negative numbers shown with a hyphen instead of "−" (printed text, tables, Markdown)."""
    found = []
    for cell in cells:
        if cell.cell_type != "code":
            continue
        for out in cell.get("outputs", []):
            texts = [out.get("text", "")] if out.output_type == "stream" else []
            texts += [out.get("data", {}).get(kind, "") for kind in _TEXT_KINDS]
            for text in texts:
                text = text if isinstance(text, str) else "".join(text)
                found += [(cell.get("id", ""), m.group(0)) for m in _HYPHEN_MINUS.finditer(text)]
    return found


def entry_names(industry: str) -> set[str]:
    """The names and titles of ``industry``'s sample entries a chapter may show."""
    from cjmlib import datasets

    project = datasets.load(industry, "workbook")
    entries = [
        *project.touchpoints,
        *project.pain_points,
        *project.solutions,
        *project.evidence_rules,
    ]
    return {getattr(e, "name", None) or e.title for e in entries}


def foreign_words(industry: str) -> set[str]:
    """What only another industry's case says: its company, personas and track words, and
    its entries' names of three words or more that no name of ``industry`` contains (e.g.
    „Warenkorb und Checkout“ is the running case's; „Wartezeit in der Hotline“ is shared,
    and the telecom case's „Beratung im Shop“ is part of the running case's
    „Chat-Beratung im Shop“).
    """
    from cjmlib import course, datasets

    own = entry_names(industry) | course.case_names(industry)
    others = [key for key in datasets.industries() if key != industry]
    entries = {n for key in others for n in entry_names(key) if len(n.split()) >= 3}
    specific = {n for n in entries if not any(n in name for name in own)}
    return {w for key in others for w in course.case_names(key)} | specific
