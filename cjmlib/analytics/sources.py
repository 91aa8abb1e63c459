"""Checks of the arguments that name an event log file, shared by the loader and the scan.

Kept apart from :mod:`cjmlib.analytics.events` because that module needs pandas: a script
that scans a file must reach DuckDB's query without importing pandas first (pandas then
loads in a background thread while DuckDB reads, see ``engine._warm_up``).
"""

from __future__ import annotations

from pathlib import Path

from cjmlib.errors import CJMError, ImportProblem
from cjmlib.messages import t

__all__ = [
    "PARQUET_SUFFIXES",
    "TEXT_SUFFIXES",
    "check_encoding",
    "check_sep",
    "check_timestamp_format",
    "source_path",
]

PARQUET_SUFFIXES = (".parquet", ".pq")
TEXT_SUFFIXES = (".csv", ".tsv", ".txt")


def source_path(source: str | Path) -> Path:
    """Return ``source`` as a path to an existing file of a kind we read (German errors)."""
    path = Path(source)
    try:
        exists, is_dir = path.exists(), path.is_dir()
    except (OSError, ValueError):
        exists, is_dir = False, False
    if not exists:
        raise ImportProblem(
            t("analytics.error.file_missing", path=str(path)), field="source", value=str(path)
        )
    allowed = ", ".join((*TEXT_SUFFIXES, *PARQUET_SUFFIXES))
    if is_dir or path.suffix.casefold() not in (*TEXT_SUFFIXES, *PARQUET_SUFFIXES):
        raise CJMError(
            t("analytics.error.file_kind", path=path.name, allowed=allowed),
            field="source",
            value=path.name,
            allowed=allowed,
        )
    return path


def check_timestamp_format(fmt: object) -> str | None:
    """Return ``fmt`` when it is None, ``"%s"`` or a date format pandas understands."""
    if fmt is None or fmt == "%s":
        return fmt
    bad = CJMError(
        t("engine.error.timestamp_format", value=fmt), field="timestamp_format", value=fmt
    )
    if not isinstance(fmt, str) or "%" not in fmt:
        raise bad
    import pandas as pd

    try:
        sample = pd.Timestamp(2024, 3, 15, 14, 30, 5).strftime(fmt)
        pd.to_datetime(pd.Series([sample]), format=fmt, errors="coerce")
    except (ValueError, TypeError, OverflowError):
        raise bad from None
    return fmt


def check_encoding(encoding: object) -> str | None:
    """Return ``encoding`` when it is None or a codec name Python knows (German error)."""
    if encoding is None:
        return None
    import codecs

    from cjmlib.files.sniff import ENCODINGS

    try:
        if codecs.lookup(encoding):  # type: ignore[arg-type]
            return encoding  # type: ignore[return-value]
    except (LookupError, TypeError, ValueError):
        pass
    allowed = ", ".join(ENCODINGS)
    raise CJMError(
        t("files.unknown_encoding", value=encoding, allowed=allowed),
        field="encoding",
        value=encoding,
        allowed=allowed,
    )


def check_sep(sep: object) -> str | None:
    """Return ``sep`` when it is None or one character that can separate fields."""
    if sep is None:
        return None
    if not isinstance(sep, str) or len(sep) != 1 or sep in '\r\n"':
        raise CJMError(t("engine.error.sep", value=sep), field="sep", value=sep)
    return sep
