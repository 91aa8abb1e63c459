"""Chapter content that lives in the message catalogue: checklists and knowledge checks.

Keys (in ``messages/<lang>/chapters_*.toml``)::

    [chapter.04.checklist]
    c01 = "Alle Phasen deines Phasenmodells haben mindestens einen Touchpoint."

    [chapter.04.quiz.q01]
    question = "Wie viele Phasen hat eine Customer Journey je nach Modell?"
    o1 = "zwei bis drei"
    o2 = "vier bis acht"
    correct = "2"            # several answers: "1,3"
    explanation = "Je nach Modell ..."
    case = "Ein Händler ..."   # optional: a short case shown above the question
    table = '''Phase | Kunden
    Information | 10.000'''    # optional: a small table (first row: headers, cells split at |)

Applied questions (a case or a table to interpret) carry ``case`` and/or ``table``.
"""

from __future__ import annotations

from dataclasses import dataclass

from cjmlib.messages import catalogue, get_language
from cjmlib.model.quiz import Question


def _chapter_key(chapter: int | str) -> str:
    """``4`` -> "04"; a name such as ``"grundlagen"`` (the Python primer) stays as it is."""
    if isinstance(chapter, str) and not chapter.isdigit():
        return chapter
    return f"{int(chapter):02d}"


def _entries(prefix: str) -> dict[str, str]:
    texts = catalogue(get_language())
    fallback = catalogue("de")
    keys = sorted({k for k in fallback if k.startswith(prefix)})
    return {k[len(prefix) :]: texts.get(k, fallback[k]) for k in keys}


def checklist(chapter: int | str) -> list[tuple[str, str]]:
    """The checklist of ``chapter`` as (key, text) pairs in order."""
    return list(_entries(f"chapter.{_chapter_key(chapter)}.checklist.").items())


def quiz(chapter: int | str) -> list[Question]:
    """The knowledge check of ``chapter``."""
    entries = _entries(f"chapter.{_chapter_key(chapter)}.quiz.")
    by_question: dict[str, dict[str, str]] = {}
    for key, text in entries.items():
        qkey, _, part = key.partition(".")
        by_question.setdefault(qkey, {})[part] = text
    questions = []
    for qkey, parts in sorted(by_question.items()):
        options = tuple(
            parts[o]
            for o in sorted(
                (p for p in parts if p[:1] == "o" and p[1:].isdigit()), key=lambda p: int(p[1:])
            )
        )
        correct = sorted({int(x) - 1 for x in parts["correct"].split(",")})
        table = tuple(
            tuple(cell.strip() for cell in line.split("|"))
            for line in parts.get("table", "").splitlines()
            if line.strip()
        )
        questions.append(
            Question(
                id=qkey,
                text=parts["question"],
                choices=options,
                correct=tuple(correct),
                explanation=parts.get("explanation", ""),
                multiple=len(correct) > 1,
                case=parts.get("case", ""),
                table=table,
            )
        )
    return questions


@dataclass(frozen=True)
class GlossaryEntry:
    """One term of the glossary: the preferred word, its meaning and the words to avoid."""

    key: str
    term: str
    definition: str
    chapter: int
    avoid: tuple[str, ...]


def _sort_key(text: str) -> str:
    """German alphabetical order: umlauts sort like their base letters."""
    table = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "ß": "ss"})
    return text.casefold().translate(table)


def glossary() -> list[GlossaryEntry]:
    """Every entry of the glossary (``messages/<lang>/glossary.toml``), alphabetically."""
    entries = _entries("glossary.")
    by_key: dict[str, dict[str, str]] = {}
    for key, text in entries.items():
        name, _, part = key.partition(".")
        if name != "title":
            by_key.setdefault(name, {})[part] = text
    result = [
        GlossaryEntry(
            key=name,
            term=parts["term"],
            definition=parts["definition"],
            chapter=int(parts["chapter"]),
            avoid=tuple(v.strip() for v in parts.get("avoid", "").split("|") if v.strip()),
        )
        for name, parts in by_key.items()
    ]
    return sorted(result, key=lambda e: _sort_key(e.term))


def glossary_markdown() -> list[str]:
    """The glossary as Markdown: a heading cell, then one cell per initial letter."""
    from cjmlib.messages import t

    cells = [f"# {t('glossary.title.heading')}\n\n{t('glossary.title.intro')}"]
    letters: dict[str, list[str]] = {}
    for entry in glossary():
        lines = [f"**{entry.term}** – {entry.definition}"]
        notes = [t("glossary.title.chapter", chapter=entry.chapter)]
        if entry.avoid:
            notes.append(t("glossary.title.avoid", variants=", ".join(entry.avoid)))
        lines.append(f"*{'; '.join(notes)}*")
        letter = _sort_key(entry.term)[:1].upper()
        letters.setdefault(letter, []).append("  \n".join(lines))
    for letter, items in letters.items():
        cells.append(f"## {letter}\n\n" + "\n\n".join(items))
    cells.append(f"---\n{t('glossary.title.back')}")
    return cells
