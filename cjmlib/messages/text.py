"""Small text helpers for German input and output, in one place for every layer.

- :func:`transliterate` writes umlauts and ß in ASCII (ids, column names, keyword search);
- :data:`YES_WORDS` / :data:`NO_WORDS` and :func:`parse_yes_no` read the yes/no words
  trainees type in tables and event logs ("ja", "nein", "x", "online", ...);
- :func:`fmt_int`, :func:`fmt_num`, :func:`fmt_pct` write numbers the German way;
- :func:`clean` makes a one-line label that no renderer can take for markup;
- :func:`wrap_words` breaks a text into lines for a chart or a PDF (each measures width
  in its own way).
- :func:`wrap_lines` breaks text for a notebook's output area at word boundaries.
"""

from __future__ import annotations

import math
import re
import textwrap
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

#: The minus sign of negative numbers in German text, tables and charts (U+2212).
MINUS = "\u2212"

#: Characters per line of text that the course prints into a notebook. JupyterLab shows
#: printed text in its monospace font (13 px, about 7.8 px a character) and breaks a longer
#: line anywhere, even inside a word ("Ausgangsp|unkt"). At 1366 px with the file browser
#: open the output area is about 926 px wide, room for about 118 characters; 90 leave room
#: for a narrower window or a wider file browser and read better.
TEXT_WIDTH = 90

#: A list marker at the start of a line ("• ", "- ", "3. "): wrapped lines are indented
#: to the text after it, so that the list stays readable.
_MARKER = re.compile(r"^(\s*(?:[•\-*–]|\d+[.)])?\s*)")
#: "<" or ">" that is not a comparison before a number ("< 2 %", ">=90", "> −5").
_MARKUP = re.compile(r"[<>](?!=?\s?[−+-]?\d)")
_NUMBER_UNIT = re.compile(r"(?<=\d) (?=[%€])")


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

    Angle brackets that could be markup become the look-alike guillemets ‹ › so that no
    renderer (tooltip, SVG, HTML report) can take a value for a tag; the text stays legible.
    A comparison before a number ("Wartezeit < 2 Minuten", ">= 90 %") keeps its sign: no
    HTML or SVG parser reads "<" before a digit or a space as the start of a tag, and
    "‹ 2 Minuten" would read as a quotation mark.
    """
    if text is None:
        return ""
    s = _MARKUP.sub(lambda m: "‹" if m.group(0) == "<" else "›", _SPACE.sub(" ", str(text)))
    s = s.strip()
    if limit is not None and len(s) > limit:
        s = s[: max(limit - 1, 1)].rstrip() + "…"
    return s


def fmt_int(value: float | int) -> str:
    """Format a count the German way: 12345 -> "12.345"."""
    return f"{int(value):,}".replace(",", ".")


def fmt_num(value: float | None, digits: int = 1, *, sign: bool = False) -> str:
    """Format a number the German way: 12.5 -> "12,5", -5.4 -> "−5,4" (a real minus sign).

    The one number formatter of the course (tables, texts and charts call it): thousands
    with dots, the decimal comma, negatives with the typographic minus "−" (U+2212), never
    the hyphen "-" and never "−0,0". ``sign=True`` puts "+" before positive numbers (for
    differences). Missing and infinite values give "–".
    """
    if value is None:
        return "–"
    number = float(value)
    if math.isnan(number) or math.isinf(number):
        return "–"
    rounded = round(number, digits)
    if rounded == 0:
        rounded = 0.0  # no "−0,0"
    text = f"{abs(rounded):,.{digits}f}".replace(",", "_").replace(".", ",").replace("_", ".")
    if rounded < 0:
        return MINUS + text
    if sign and rounded > 0:
        return "+" + text
    return text


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


def wrap_lines(text: object, width: int = TEXT_WIDTH) -> str:
    """``text`` with every line broken at spaces into lines of at most ``width`` characters.

    Line breaks already in ``text`` stay (paragraphs, lists); a list item's further lines
    are indented to its text. Words are never split, not even at hyphens
    ("Click-&-Collect-Theke"): a single word longer than ``width`` (a long file path) keeps
    its own line.
    """
    out: list[str] = []
    for line in str(text).splitlines() or [""]:
        line = line.rstrip()
        if len(line) <= width:
            out.append(line)
            continue
        marker = _MARKER.match(line)
        indent = " " * len(marker.group(1)) if marker else ""
        # A number stays on the line of its unit ("61,7 %"): the space between them is
        # hidden from textwrap while wrapping (\x1f is no whitespace to it).
        kept = _NUMBER_UNIT.sub("\x1f", line)
        out += [
            part.replace("\x1f", " ")
            for part in textwrap.wrap(
                kept,
                width,
                subsequent_indent=indent,
                break_long_words=False,
                break_on_hyphens=False,
            )
        ]
    return "\n".join(out)
