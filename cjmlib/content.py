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
"""

from __future__ import annotations

from dataclasses import dataclass

from cjmlib.messages import catalogue, get_language


def _chapter_key(chapter: int | str) -> str:
    return f"{int(chapter):02d}"


def _entries(prefix: str) -> dict[str, str]:
    texts = catalogue(get_language())
    fallback = catalogue("de")
    keys = sorted({k for k in fallback if k.startswith(prefix)})
    return {k[len(prefix) :]: texts.get(k, fallback[k]) for k in keys}


@dataclass(frozen=True)
class Question:
    """One knowledge-check question; ``correct`` holds 0-based option indexes."""

    key: str
    text: str
    options: tuple[str, ...]
    correct: frozenset[int]
    explanation: str

    @property
    def multiple(self) -> bool:
        return len(self.correct) > 1

    def is_correct(self, answer: set[int] | list[int] | tuple[int, ...]) -> bool:
        return set(answer) == set(self.correct)


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
        correct = frozenset(int(x) - 1 for x in parts["correct"].split(","))
        questions.append(
            Question(qkey, parts["question"], options, correct, parts.get("explanation", ""))
        )
    return questions
