"""The blank ``____`` of the exercises, at the bottom of the library.

Starter code in an exercise has blanks for the trainee to fill in, also inside calls
(``wb.personas.add(name="Lena Hofmann", age=____)``). The workbook recognises a blank that
is still there and says so in German instead of saving or failing, so that Run All on an
untouched exercise reaches the end. The grading layer re-exports these names.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["Placeholder", "____", "blanks_in", "is_placeholder"]


class Placeholder:
    """The value ``____`` that starter code assigns until the trainee fills it in."""

    _instance: Placeholder | None = None

    def __new__(cls) -> Placeholder:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "____"

    def __bool__(self) -> bool:
        return False


____ = Placeholder()


def is_placeholder(value: Any) -> bool:
    return isinstance(value, Placeholder)


def blanks_in(fields: Mapping[str, Any]) -> list[str]:
    """Names of the fields that still hold ``____`` (also inside lists and dicts)."""

    def has(value: Any) -> bool:
        if isinstance(value, Placeholder):
            return True
        if isinstance(value, Mapping):
            return any(has(v) for v in value.values())
        if isinstance(value, list | tuple | set):
            return any(has(v) for v in value)
        return False

    return [name for name, value in fields.items() if has(value)]
