"""The catalogue of every string a trainee sees.

German is the first language; ``set_language("en")`` switches to English. Strings live
in ``de/*.toml`` and ``en/*.toml`` beside this module (one file per area: core, widgets,
charts, analytics, exercises, ...), keyed by dotted names, so an edition in another
language is one more folder. A key may be defined in one file only.
"""

from __future__ import annotations

import hashlib
import json
import os
import string
from functools import cache
from pathlib import Path
from typing import Any

# Re-exported so that cjmlib.errors, which may import this package only (see
# .importlinter), can wrap the messages it shows.
from cjmlib.messages.text import wrap_lines as wrap_lines

LANGUAGES = ("de", "en")
_HERE = Path(__file__).parent
#: Where ``python -m cjmlib.messages`` puts the compiled catalogues (not in git; ``make``
#: writes them). Reading one JSON file takes ~2 ms, parsing the TOML files ~45 ms.
COMPILED = _HERE / "_compiled"
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


def _sources(language: str) -> list[tuple[str, bytes]]:
    return [(p.name, p.read_bytes()) for p in sorted((_HERE / language).glob("*.toml"))]


def _fingerprint(sources: list[tuple[str, bytes]]) -> str:
    digest = hashlib.blake2b(digest_size=20)
    for name, data in sources:
        digest.update(f"{name}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()


def _parse(sources: list[tuple[str, bytes]]) -> dict[str, str]:
    import tomllib

    merged: dict[str, str] = {}
    for name, data in sources:
        flat = _flatten(tomllib.loads(data.decode("utf-8")))
        clash = sorted(set(flat) & set(merged))
        if clash:
            raise RuntimeError(f"message keys defined twice ({name}): {clash[:5]}")
        merged.update(flat)
    return merged


def parse_catalogue(language: str) -> dict[str, str]:
    """The flat ``key -> text`` mapping of one language, parsed from its TOML files."""
    return _parse(_sources(language))


@cache
def catalogue(language: str) -> dict[str, str]:
    """Return the flat ``key -> text`` mapping of one language.

    Read from the compiled file when its fingerprint (a hash of the TOML files' names and
    bytes) matches the TOML files as they are now; otherwise parsed from them, so an
    outdated or missing compiled file costs time, never a wrong text.
    """
    sources = _sources(language)
    fingerprint = _fingerprint(sources)
    try:
        data = json.loads((COMPILED / f"{language}.json").read_bytes())
        if data["fingerprint"] == fingerprint and isinstance(data["messages"], dict):
            texts: dict[str, str] = data["messages"]
            return texts
    except (OSError, ValueError, KeyError, TypeError):
        pass  # missing, unreadable or not ours: the TOML files are the truth
    return _parse(sources)


def compile_catalogues(folder: Path | None = None) -> list[Path]:
    """Write ``<language>.json`` per language to ``folder`` (default :data:`COMPILED`)."""
    target = COMPILED if folder is None else Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for language in LANGUAGES:
        sources = _sources(language)
        data = {"fingerprint": _fingerprint(sources), "messages": _parse(sources)}
        text = json.dumps(data, ensure_ascii=False, sort_keys=True, indent=0)
        # Replaced in one step, so a reader never sees half a file (messages sit below
        # cjmlib.files in the layers, hence no atomic_write from there).
        path = target / f"{language}.json"
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
        written.append(path)
    return written


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


class _Formatter(string.Formatter):
    """``str.format`` plus two specs: ``{n:plural:Zeile|Zeilen}`` and ``{p:pvalue}``.

    ``plural`` gives the word for one and for any other number, so "in {n} {n:plural:Zeile|
    Zeilen}" reads "in 1 Zeile" and "in 3 Zeilen"; ``pvalue`` writes a p-value as "< 0,001"
    or "= 0,031" (never "= 0,0000"). A number may also come as German text ("1.234").
    """

    def format_field(self, value: Any, format_spec: str) -> str:
        if format_spec.startswith("plural:"):
            one, _, other = format_spec.removeprefix("plural:").partition("|")
            return one if is_one(value) else other
        if format_spec == "pvalue":
            return p_value_text(value)
        return str(super().format_field(value, format_spec))


def is_one(value: Any) -> bool:
    """Tell whether a count (a number or German text such as "1" or "1.000") is one."""
    return _number(value) == 1


def _number(value: Any) -> float | None:
    if isinstance(value, str):
        text = value.strip().replace(".", "").replace(",", ".")
        try:
            return float(text)
        except ValueError:
            return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def p_value_text(value: Any) -> str:
    """A p-value after "p": "< 0,001" for tiny ones, else "= 0,279" (three decimals)."""
    p = _number(value)
    if p is None or p != p:
        return "= –"
    if p < 0.001:
        return "< 0,001"
    return "= " + f"{p:.3f}".replace(".", ",")


def plural(count: Any, words: str) -> str:
    """``plural(1, "Review|Reviews")`` -> "Review"; any other count -> "Reviews"."""
    one, _, other = words.partition("|")
    return one if is_one(count) else (other or one)


_FORMATTER = _Formatter()


def t(key: str, /, **params: Any) -> str:
    """Return the text for ``key`` in the current language, filled with ``params``.

    A key missing from the current language falls back to German; a key missing
    everywhere is a programming error and raises ``KeyError``.
    """
    texts = catalogue(get_language())
    text = texts.get(key)
    if text is None:
        text = catalogue("de")[key]
    return _FORMATTER.format(text, **params) if params else text
