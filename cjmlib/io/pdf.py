"""PDF basics for reports, certificates and worksheets: fonts, styles, safe text, saving.

Why reportlab: it is pure Python (installed with ``make lab``, no browser, no system
library), has been maintained since 2000, lays out flowing documents with tables, images
and page templates (platypus) and draws fixed forms on a canvas – both are needed here.
Its wheel ships the Bitstream Vera fonts, which we embed: they hold every German
character (ä ö ü ß „ “ – €) and look the same on every machine, whatever fonts the
system has. A character Vera lacks (an emoji in a persona's quote) is shown as "?"
instead of an empty box; :func:`safe` does that.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import reportlab
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from cjmlib.messages.text import wrap_words

FONT, BOLD, ITALIC, BOLD_ITALIC = "CJMSans", "CJMSans-Bold", "CJMSans-Italic", "CJMSans-BoldItalic"
_FILES = {FONT: "Vera.ttf", BOLD: "VeraBd.ttf", ITALIC: "VeraIt.ttf", BOLD_ITALIC: "VeraBI.ttf"}
#: Replacements for characters the embedded font does not have.
_FALLBACK = {"→": "->", "←": "<-", "✓": "ja", "✔": "ja", "✗": "nein", "★": "*", "\u00a0": " "}

BLUE = colors.HexColor("#0072B2")
ORANGE = colors.HexColor("#E69F00")
GREY = colors.HexColor("#777777")
LIGHT = colors.HexColor("#F0F4F8")
LINE = colors.HexColor("#BBBBBB")
TEXT = colors.HexColor("#222222")


def font_dir() -> Path:
    return Path(reportlab.__file__).parent / "fonts"


@cache
def register_fonts() -> frozenset[int]:
    """Register the embedded fonts once; return the code points they can show."""
    for name, file in _FILES.items():
        pdfmetrics.registerFont(TTFont(name, str(font_dir() / file)))
    pdfmetrics.registerFontFamily(
        FONT, normal=FONT, bold=BOLD, italic=ITALIC, boldItalic=BOLD_ITALIC
    )
    face = pdfmetrics.getFont(FONT).face
    return frozenset(face.charToGlyph)


def safe(value: Any) -> str:
    """``value`` as text the embedded font can show (missing characters become "?")."""
    known = register_fonts()
    text = "" if value is None else str(value)
    out = []
    for ch in text:
        if ord(ch) in known or ch in "\n\t":
            out.append(ch)
        else:
            out.append(_FALLBACK.get(ch, "?"))
    return "".join(out)


def fit_line(text: str, font: str, size: float, width: float) -> str:
    """``text`` on one line of at most ``width`` points (cut with "…")."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    text = safe(" ".join(str(text).split()))
    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def wrap_lines(
    text: str, font: str, size: float, width: float, max_lines: int | None = None
) -> list[str]:
    """``text`` broken at spaces into lines of at most ``width`` points (the last one cut)."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    words = safe(" ".join(str(text).split())).split(" ")
    lines = wrap_words(words, lambda line: stringWidth(line, font, size) > width)
    if max_lines is not None and len(lines) > max_lines:
        rest = " ".join(lines[max_lines - 1 :])
        lines = [*lines[: max_lines - 1], rest]
    return [fit_line(line, font, size, width) for line in lines]


def markup(value: Any) -> str:
    """``value`` escaped for reportlab's paragraph markup (a trainee's ``<b>`` stays text)."""
    return escape(safe(value)).replace("\n", "<br/>")


@cache
def styles() -> dict[str, ParagraphStyle]:
    """The paragraph styles of every PDF: German text in the embedded font."""
    register_fonts()
    body = ParagraphStyle("body", fontName=FONT, fontSize=9.5, leading=13, textColor=TEXT)
    return {
        "body": body,
        "small": ParagraphStyle("small", parent=body, fontSize=8, leading=10.5),
        "cell": ParagraphStyle("cell", parent=body, fontSize=8, leading=10),
        "head": ParagraphStyle("head", parent=body, fontName=BOLD, fontSize=8, leading=10),
        "muted": ParagraphStyle("muted", parent=body, textColor=GREY, fontName=ITALIC),
        "quote": ParagraphStyle("quote", parent=body, fontName=ITALIC, leftIndent=8),
        "h1": ParagraphStyle(
            "h1", parent=body, fontName=BOLD, fontSize=20, leading=25, spaceAfter=6
        ),
        "h2": ParagraphStyle(
            "h2",
            parent=body,
            fontName=BOLD,
            fontSize=14,
            leading=18,
            spaceBefore=12,
            spaceAfter=6,
            textColor=BLUE,
        ),
        "h3": ParagraphStyle(
            "h3", parent=body, fontName=BOLD, fontSize=11, leading=14, spaceBefore=8, spaceAfter=3
        ),
    }


def write_pdf(path: str | os.PathLike[str], build: Callable[[str], None]) -> Path:
    """Let ``build`` write a PDF to a temporary file, then move it to ``path`` at once.

    A crash or a full disk while building leaves any earlier file at ``path`` untouched.
    """
    target = Path(path)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    os.close(fd)
    try:
        build(tmp)
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return target
