"""The catalogue of every string a trainee sees.

German is the first language; ``set_language("en")`` switches to English. Strings live
in ``de/*.toml`` and ``en/*.toml`` beside this module (one file per area: core, widgets,
charts, analytics, exercises, ...), keyed by dotted names, so an edition in another
language is one more folder. A key may be defined in one file only.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import Any

LANGUAGES = ("de", "en")
_HERE = Path(__file__).parent
_state = {"language": "de"}


def _flatten(table: dict[str, Any], prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, name + "."))
        else:
            flat[name] = value
    return flat


@cache
def catalogue(language: str) -> dict[str, str]:
    """Return the flat ``key -> text`` mapping of one language."""
    merged: dict[str, str] = {}
    for path in sorted((_HERE / language).glob("*.toml")):
        with open(path, "rb") as fh:
            flat = _flatten(tomllib.load(fh))
        clash = sorted(set(flat) & set(merged))
        if clash:
            raise RuntimeError(f"message keys defined twice ({path.name}): {clash[:5]}")
        merged.update(flat)
    return merged


def set_language(language: str) -> None:
    """Switch every message of ``cjmlib`` to ``language`` ("de" or "en")."""
    if language not in LANGUAGES:
        from cjmlib.errors import CJMError

        raise CJMError(
            t("error.language", value=language, allowed=", ".join(LANGUAGES)),
            field="language",
            value=language,
            allowed=", ".join(LANGUAGES),
        )
    _state["language"] = language


def get_language() -> str:
    """Return the current message language."""
    return _state["language"]


def has(key: str) -> bool:
    """Tell whether ``key`` exists in the German catalogue."""
    return key in catalogue("de")


def t(key: str, /, **params: Any) -> str:
    """Return the text for ``key`` in the current language, filled with ``params``.

    A key missing from the current language falls back to German; a key missing
    everywhere is a programming error and raises ``KeyError``.
    """
    texts = catalogue(get_language())
    text = texts.get(key)
    if text is None:
        text = catalogue("de")[key]
    return text.format(**params) if params else text
