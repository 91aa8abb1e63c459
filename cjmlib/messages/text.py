"""Small text helpers for German input and output, in one place for every layer.

- :func:`transliterate` writes umlauts and ß in ASCII (ids, column names, keyword search);
- :data:`YES_WORDS` / :data:`NO_WORDS` and :func:`parse_yes_no` read the yes/no words
  trainees type in tables and event logs ("ja", "nein", "x", "online", ...);
- :func:`fmt_int`, :func:`fmt_num`, :func:`fmt_pct` write numbers the German way;
- :func:`clean` makes a one-line label that no renderer can take for markup;
- :func:`wrap_words` breaks a text into lines for a chart or a PDF (each measures width
  in its own way).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable

#: German letters and their ASCII spelling ("Überlegung" -> "Ueberlegung").
UMLAUTS = (
    ("ä", "ae"),
    ("ö", "oe"),
    ("ü", "ue"),
    ("ß", "ss"),
    ("Ä", "Ae"),
    ("Ö", "Oe"),
    ("Ü", "Ue"),
)

#: Words read as "yes" (compared after ``strip().casefold()``).
YES_WORDS = frozenset({"ja", "j", "yes", "y", "true", "wahr", "1", "x", "online", "digital"})
#: Words read as "no"; the empty cell counts as "no" (an unticked box).
NO_WORDS = frozenset({"nein", "n", "no", "false", "falsch", "0", "", "offline", "analog"})

_SPACE = re.compile(r"\s+")


def transliterate(text: str) -> str:
    """``text`` with ä, ö, ü, ß (and capitals) written as ae, oe, ue, ss; case is kept."""
    for letter, ascii_ in UMLAUTS:
        text = text.replace(letter, ascii_)
    return text


def parse_yes_no(value: object) -> bool | None:
    """``True``/``False`` for a yes/no word (see :data:`YES_WORDS`), ``None`` for anything else."""
    key = str(value).strip().casefold()
    if key in YES_WORDS:
        return True
    if key in NO_WORDS:
        return False
    return None


def clean(text: object, limit: int | None = None) -> str:
    """A one-line label that cannot be read as markup, cut to ``limit`` characters.

    Angle brackets become the look-alike guillemets ‹ › so that no renderer (tooltip,
    SVG, HTML report) can take a value for a tag; the text stays legible.
    """
    if text is None:
        return ""
    s = _SPACE.sub(" ", str(text)).strip().replace("<", "‹").replace(">", "›")
    if limit is not None and len(s) > limit:
        s = s[: max(limit - 1, 1)].rstrip() + "…"
    return s


def fmt_int(value: float | int) -> str:
    """Format a count the German way: 12345 -> "12.345"."""
    return f"{int(value):,}".replace(",", ".")


def fmt_num(value: float, digits: int = 1) -> str:
    """Format a number the German way: 12.5 -> "12,5"."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    text = f"{value:,.{digits}f}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


def fmt_pct(share: float, digits: int = 1) -> str:
    """Format a share 0..1 as German percent: 0.125 -> "12,5 %"."""
    if share is None or (isinstance(share, float) and math.isnan(share)):
        return "–"
    return f"{fmt_num(100 * share, digits)} %"


def wrap_words(words: Iterable[str], too_wide: Callable[[str], bool]) -> list[str]:
    """``words`` in lines, greedily: a word starts a new line where the line would be too wide.

    A single word wider than ``too_wide`` allows keeps a line of its own; the caller cuts it.
    """
    lines: list[str] = []
    current = ""
    for word in words:
        candidate = f"{current} {word}" if current else word
        if current and too_wide(candidate):
            lines.append(current)
            current = word
        else:
            current = candidate
    if current:
        lines.append(current)
    return lines
