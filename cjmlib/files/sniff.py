"""Find out how a text table was written: encoding, ``sep=`` line, column separator.

Spreadsheet programs write CSV in many ways. German Excel on Windows writes
Windows-1252 with ``;``; "Unicode-Text" is UTF-16 with tabs; older Macs write Mac
Roman; LibreOffice and most tools write UTF-8, sometimes with a byte-order mark; Excel
understands (and some tools write) a first line ``sep=;``. :func:`sniff_text` decides
all of this from the bytes and says how sure it is, so a caller can name its guess in
the message to the trainee instead of importing "JŸrgen MŸller" without a word.
"""

from __future__ import annotations

import codecs
import csv
import re
from dataclasses import dataclass
from pathlib import Path

from cjmlib.errors import CJMError
from cjmlib.files.oserrors import os_error
from cjmlib.messages import t
from cjmlib.messages.choices import unknown_choice

__all__ = ["ENCODINGS", "SEPARATORS", "TextSniff", "decode_text", "read_text_file", "sniff_text"]

#: The encodings we tell apart, with the German description shown to the trainee.
ENCODINGS: dict[str, str] = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8 mit BOM",
    "utf-16": "UTF-16 (Excel „Unicode-Text“)",
    "utf-16-le": "UTF-16 (Excel „Unicode-Text“)",
    "utf-16-be": "UTF-16 (Excel „Unicode-Text“)",
    "cp1252": "Windows-1252 (Excel unter Windows)",
    "latin-1": "Latin-1 (ISO 8859-1)",
    "mac_roman": "Mac Roman (Excel auf älteren Macs)",
}
#: Column separators in the order we prefer them when the evidence is equal.
SEPARATORS = (";", ",", "\t", "|")

_SEP_LINE = re.compile(r'^\s*"?sep=(.)"?\s*$', re.IGNORECASE)
_SNIFF_LINES = 50
# Letters that German and other Western European text really uses beyond ASCII.
_EXPECTED = set("äöüÄÖÜßéèêëáàâçñíìîïóòôúùûÉÈÀÇ€„“”‚‘’–—…°§²³µ«»·×")
# Characters that appear when bytes of one 8-bit code page are read as another one:
# seen next to a letter, they are almost certainly a wrong guess.
_SUSPECT = set("ŸŽžŠšŒœƒ†‡ˆ‰‹›˜™¬√≈∆∂∑∏π∫ªº¿¡¦¤¨¯´¸¹¼½¾ÃÂÐÞþð◊ıˇ˘˙˚˛˝ﬁﬂ")


@dataclass(frozen=True)
class TextSniff:
    """The decoded text of a table file and how it was read.

    Attributes
    ----------
    text:
        The text without byte-order mark and without a ``sep=`` first line.
    encoding:
        The Python codec used (a key of :data:`ENCODINGS`).
    certain:
        ``False`` when the encoding is a guess between 8-bit code pages.
    sep:
        The column separator, or ``None`` when every line has one column.
    sep_line:
        ``True`` when the file started with a ``sep=`` line (it is removed from ``text``).
    """

    text: str
    encoding: str
    certain: bool
    sep: str | None
    sep_line: bool

    @property
    def encoding_label(self) -> str:
        """The encoding as the trainee knows it ("Windows-1252 (Excel unter Windows)")."""
        return ENCODINGS.get(self.encoding, self.encoding)


def _utf16_without_bom(raw: bytes) -> str | None:
    """``utf-16-le``/``-be`` when every other byte of an ASCII-heavy text is NUL."""
    sample = raw[:4096]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.05 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.05 * len(odd):
        return "utf-16-be"
    return None


def _score(text: str) -> int:
    """How plausible a decoding is: expected letters count up, mojibake next to letters down."""
    score = 0
    for i, char in enumerate(text):
        if char in _EXPECTED:
            score += 1
        elif char in _SUSPECT or (0x80 <= ord(char) < 0xA0):
            neighbours = text[max(0, i - 1) : i] + text[i + 1 : i + 2]
            score -= 3 if any(n.isalpha() for n in neighbours) else 1
    return score


def decode_text(raw: bytes, encoding: str | None = None) -> tuple[str, str, bool]:
    """Decode ``raw``; return ``(text, encoding, certain)``.

    With ``encoding`` given, that codec is used. Otherwise a byte-order mark decides,
    then UTF-16 without BOM, then strict UTF-8; 8-bit files are scored as Windows-1252
    and Mac Roman (Latin-1 when Windows-1252 cannot decode them) and the more plausible
    reading wins, marked as not certain when both are plausible. A file whose byte-order
    mark (or NUL pattern) promises UTF-8/UTF-16 but holds bytes that do not fit raises
    :class:`UnicodeDecodeError`; :func:`sniff_text` turns that into a German message.
    """
    if encoding is not None:
        return raw.decode(encoding), encoding, True
    if raw.startswith(codecs.BOM_UTF8):
        return raw[len(codecs.BOM_UTF8) :].decode("utf-8"), "utf-8-sig", True
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return raw.decode("utf-16"), "utf-16", True
    utf16 = _utf16_without_bom(raw)
    if utf16 is not None:
        return raw.decode(utf16), utf16, True
    try:
        return raw.decode("utf-8"), "utf-8", True
    except UnicodeDecodeError:
        pass
    candidates: dict[str, str] = {}
    try:
        candidates["cp1252"] = raw.decode("cp1252")
    except UnicodeDecodeError:
        candidates["latin-1"] = raw.decode("latin-1")
    candidates["mac_roman"] = raw.decode("mac_roman")
    scores = {name: _score(text) for name, text in candidates.items()}
    best = max(candidates, key=lambda name: (scores[name], name != "mac_roman"))
    others = [s for name, s in scores.items() if name != best]
    certain = all(scores[best] - s >= 2 for s in others) and scores[best] > 0
    return candidates[best], best, certain


def _records(text: str, sep: str) -> list[int]:
    lines = text.splitlines()[: _SNIFF_LINES * 2]
    reader = csv.reader(lines, delimiter=sep, quotechar='"')
    counts: list[int] = []
    try:
        for row in reader:
            if any(cell.strip() for cell in row):
                counts.append(len(row))
            if len(counts) >= _SNIFF_LINES:
                break
    except csv.Error:
        return []
    return counts


def sniff_separator(text: str) -> str | None:
    """The separator that splits the first lines into the most consistent columns.

    A separator counts when the header and most rows split into the same number (> 1)
    of fields, quotes respected. Ties go to ``;`` (German Excel), then ``,``, tab, ``|``.
    ``None`` when no candidate splits the header.
    """
    best: tuple[float, int, int] | None = None
    chosen: str | None = None
    for rank, sep in enumerate(SEPARATORS):
        counts = _records(text, sep)
        if not counts or counts[0] < 2:
            continue
        header = counts[0]
        agree = sum(1 for c in counts if c == header) / len(counts)
        key = (agree, header, -rank)
        if best is None or key > best:
            best, chosen = key, sep
    return chosen


def sniff_text(
    raw: bytes,
    *,
    encoding: str | None = None,
    sep: str | None = None,
    name: str = "Datei",
) -> TextSniff:
    """Decode a text table and find its separator (see the module docstring).

    ``name`` is the file name used in messages. Raises :class:`CJMError` (German) when
    the bytes do not fit the encoding asked for or promised by a byte-order mark, or when
    ``encoding`` is not a codec Python knows.
    """
    try:
        text, used, certain = decode_text(raw, encoding)
    except LookupError:
        raise unknown_choice(
            "files.unknown_encoding", allowed=ENCODINGS, value=encoding, field="encoding"
        ) from None
    except UnicodeDecodeError as exc:
        label = ENCODINGS.get(str(encoding or exc.encoding), str(encoding or exc.encoding))
        raise CJMError(
            t("files.bad_bytes", path=name, encoding=label, position=exc.start),
            field="encoding",
            value=encoding,
        ) from None
    sep_line = False
    first, _, rest = text.partition("\n")
    match = _SEP_LINE.match(first.rstrip("\r"))
    if match:
        sep_line = True
        text = rest
        sep = sep or match.group(1)
    if sep is None:
        sep = sniff_separator(text)
    return TextSniff(text=text, encoding=used, certain=certain, sep=sep, sep_line=sep_line)


def read_text_file(
    path: str | Path, *, encoding: str | None = None, sep: str | None = None
) -> TextSniff:
    """Read ``path`` and sniff it; OS problems become a German :class:`CJMError`."""
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise os_error(exc, path, "read") from None
    return sniff_text(raw, encoding=encoding, sep=sep, name=Path(path).name)
