"""Text tables too large to read whole: sniff the head, re-encode in a stream.

:func:`~cjmlib.files.sniff.read_text_file` reads a file into memory, which is right for
a workbook import and wrong for an export of millions of events. Here the first
megabyte decides encoding, ``sep=`` line and separator (with the same rules as
:func:`~cjmlib.files.sniff.sniff_text`), and :func:`transcode_to_utf8` writes a UTF-8
copy chunk by chunk for engines that read only UTF-8.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from cjmlib.errors import CJMError
from cjmlib.files.oserrors import os_error
from cjmlib.files.sniff import ENCODINGS, TextSniff, sniff_text
from cjmlib.messages import t

__all__ = ["sniff_file_head", "transcode_to_utf8"]

HEAD_BYTES = 1 << 20
_CHUNK = 1 << 22


def sniff_file_head(
    path: str | Path,
    *,
    encoding: str | None = None,
    sep: str | None = None,
    head_bytes: int = HEAD_BYTES,
) -> tuple[TextSniff, int]:
    """Sniff the first ``head_bytes`` of ``path``; return the sniff and the file size.

    The head is cut after its last line break, so that no character is cut in half.
    OS problems and undecodable bytes become German :class:`CJMError`.
    """
    file = Path(path)
    try:
        size = file.stat().st_size
        with open(file, "rb") as fh:
            raw = fh.read(head_bytes)
    except OSError as exc:
        raise os_error(exc, path, "read") from None
    if len(raw) == head_bytes:
        cut = max(raw.rfind(b"\n"), 0)
        if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or raw[1:2] == b"\x00":
            cut += cut % 2  # keep UTF-16 code units whole
        raw = raw[: cut + 1] if cut else raw
    return sniff_text(raw, encoding=encoding, sep=sep, name=file.name), size


def transcode_to_utf8(path: str | Path, encoding: str, dest: str | Path) -> None:
    """Write ``path`` (in ``encoding``) to ``dest`` as UTF-8, in chunks of 4 MiB."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    position = 0
    try:
        with open(path, "rb") as src, open(dest, "w", encoding="utf-8", newline="") as out:
            while chunk := src.read(_CHUNK):
                out.write(decoder.decode(chunk))
                position += len(chunk)
            out.write(decoder.decode(b"", final=True))
    except UnicodeDecodeError as exc:
        raise CJMError(
            t(
                "files.bad_bytes",
                path=Path(path).name,
                encoding=ENCODINGS.get(encoding, encoding),
                position=position + exc.start,
            ),
            field="encoding",
            value=encoding,
        ) from None
    except OSError as exc:
        raise os_error(exc, dest, "write") from None
