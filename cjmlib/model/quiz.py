"""One knowledge-check question: read from the chapters' catalogue, asked by the quiz widget."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from cjmlib.model.phases import slugify


@dataclass(frozen=True)
class Question:
    """A single or multiple choice question; ``correct`` holds 0-based indexes of ``choices``.

    ``case`` is a short scenario shown above the question and ``table`` a small table
    (first row: headers) for applied questions that ask the trainee to read data.
    ``multiple`` shows check boxes instead of radio buttons (default: more than one right).
    """

    id: str
    text: str
    choices: tuple[str, ...]
    correct: tuple[int, ...]
    explanation: str = ""
    multiple: bool = False
    case: str = ""
    table: tuple[tuple[str, ...], ...] = ()

    @property
    def applied(self) -> bool:
        """True for a question about a case or a table, not about a definition."""
        return bool(self.case or self.table)

    def is_correct(self, answer: Iterable[int]) -> bool:
        return set(answer) == set(self.correct)

    @classmethod
    def build(cls, spec: Question | Mapping[str, Any]) -> Question:
        """A question from a dict with ``text``, ``choices``, ``correct`` (an index or several)
        and optionally ``id``, ``explanation``, ``multiple``, ``case`` and ``table``."""
        if isinstance(spec, Question):
            return spec
        correct = spec["correct"]
        indexes = sorted({correct} if isinstance(correct, int) else set(correct))
        return cls(
            id=str(spec.get("id") or slugify(spec["text"])[:40]),
            text=spec["text"],
            choices=tuple(spec["choices"]),
            correct=tuple(indexes),
            explanation=spec.get("explanation", ""),
            multiple=bool(spec.get("multiple", len(indexes) > 1)),
            case=spec.get("case", ""),
            table=tuple(tuple(str(c) for c in row) for row in spec.get("table", ())),
        )
