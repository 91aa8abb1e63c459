"""Load event logs from the files people really have; validate; map to the workbook.

:func:`load_events` reads a CSV/TSV/TXT export (UTF-8 with or without BOM, Windows-1252
or Latin-1 from German Excel, UTF-16 "Unicode-Text", Mac Roman; ``;``, ``,``, tab or
``|``; a ``sep=`` first line), a Parquet file, or a pandas/Polars DataFrame. It never
lets a raw exception through: what cannot be read raises a German
:class:`~cjmlib.errors.CJMError`, and nothing is dropped silently: every excluded row
is counted with its reason in ``attrs["report"]`` and explained in German in
``attrs["explanation"]``.

Timestamps: ISO 8601 and German dates (``15.03.2024 14:30``, ``15.03.24``), epoch
seconds or milliseconds, or any ``timestamp_format``. Times with a UTC offset and epoch
numbers are instants: they are stored time-zone-aware (UTC inside) and shown in
Europe/Berlin, so events around the autumn clock change keep their order. Naive times
stay naive (local wall-clock time, as in the course's sample data).

Duplicates are rows that repeat an earlier row in *every* column of the source (also
the columns not mapped), and only those are excluded.

For files too large for memory use :func:`~cjmlib.analytics.scan_events`.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from cjmlib.analytics._common import fmt_int
from cjmlib.analytics.schema import CATEGORICAL, LOCAL_TIME_ZONE
from cjmlib.analytics.sources import (
    PARQUET_SUFFIXES,
    check_encoding,
    check_sep,
    check_timestamp_format,
    source_path,
)
from cjmlib.errors import CJMError, ImportProblem
from cjmlib.messages import t
from cjmlib.messages.text import NO_WORDS, YES_WORDS
from cjmlib.model import JourneyProject
from cjmlib.model.lookup import ProjectLike
from cjmlib.placeholder import ____, is_placeholder

REASONS = ("missing_id", "bad_timestamp", "duplicate", "ragged")
GERMAN_FORMATS = (
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y",
    "%d.%m.%y %H:%M:%S",
    "%d.%m.%y %H:%M",
    "%d.%m.%y",
)
#: The yes/no words of the whole library (one home: :mod:`cjmlib.messages.text`).
TRUE_WORDS = YES_WORDS
FALSE_WORDS = NO_WORDS
MAX_EXAMPLES = 5
_EPOCH_TEXT = re.compile(r"-?\d{9,13}(\.\d+)?")
_OFFSET = re.compile(r"(?:Z|z|[+-]\d\d:?\d\d)$")
# Epoch numbers we believe: seconds and milliseconds for 1973..2199.
_EPOCH_S = (1e8, 7.25e9)
_EPOCH_MS = (1e11, 7.25e12)


# -- parameters ---------------------------------------------------------------------------
# -- reading --------------------------------------------------------------------------------
def _read_parquet(path: Path) -> pd.DataFrame:
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path)
        table.validate(full=True)  # damaged text (invalid UTF-8) shows up here, not later
        frame: pd.DataFrame = table.to_pandas()
        return frame
    except OSError as exc:
        if exc.errno is not None:
            from cjmlib.files import os_error

            raise os_error(exc, path, "read") from None
        raise ImportProblem(
            t("engine.error.unreadable_parquet", path=path.name), field="source", value=path.name
        ) from None
    except Exception:  # pyarrow's many error types all mean: not a readable Parquet file
        raise ImportProblem(
            t("engine.error.unreadable_parquet", path=path.name), field="source", value=path.name
        ) from None


def _parse_text(text: str, sep: str, name: str) -> tuple[pd.DataFrame, np.ndarray]:
    """Parse a decoded table; return (frame of text cells, ragged row numbers)."""
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            sep=sep,
            dtype=str,
            keep_default_na=False,
            quotechar='"',
            skip_blank_lines=True,
            engine="c",
        )
        return frame, np.zeros(0, dtype=np.int64)
    except (pd.errors.ParserError, ValueError, csv.Error, IndexError, OverflowError):
        pass
    # Slow path with the csv module: rows with more fields than the header are excluded
    # and counted (pandas stops at the first one), shorter rows are padded.
    try:
        rows = [
            r
            for r in csv.reader(io.StringIO(text, newline=""), delimiter=sep)
            if any(c.strip() for c in r)
        ]
    except csv.Error:
        raise ImportProblem(
            t("engine.error.text_file", path=name, reason=t("engine.error.text_reason_parse")),
            field="source",
            value=name,
        ) from None
    if not rows:
        raise ImportProblem(t("engine.error.empty_file", path=name), field="source", value=name)
    header = rows[0]
    width = len(header)
    ragged = [i for i, r in enumerate(rows[1:], start=1) if len(r) > width]
    good = [r + [""] * (width - len(r)) for r in rows[1:] if len(r) <= width]
    names = _unique_names(header)
    frame = pd.DataFrame(good, columns=names, dtype=object).astype("string")
    return frame, np.asarray(ragged, dtype=np.int64)


def _unique_names(names: list[Any]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for i, raw in enumerate(names):
        name = str(raw).strip() or f"Spalte{i + 1}"
        if name in seen:
            seen[name] += 1
            name = f"{name}.{seen[name]}"
        else:
            seen[name] = 0
        out.append(name)
    return out


def _read_text(
    path: Path, sep: str | None, encoding: str | None
) -> tuple[pd.DataFrame, np.ndarray, list[str]]:
    from cjmlib.files import read_text_file
    from cjmlib.files.sniff import ENCODINGS

    sniff = read_text_file(path, encoding=encoding, sep=sep)
    if "\x00" in sniff.text:
        raise ImportProblem(
            t("engine.error.text_file", path=path.name, reason=t("engine.error.text_reason_nul")),
            field="source",
            value=path.name,
        )
    if not sniff.text.strip():
        raise ImportProblem(t("engine.error.empty_file", path=path.name), field="source")
    used = sniff.sep or ","
    frame, ragged = _parse_text(sniff.text, used, path.name)
    label = ENCODINGS.get(sniff.encoding, sniff.encoding)
    shown = {"\t": "Tabulator"}.get(used, used)
    notes = [t("engine.events.read_as", encoding=label, sep=shown)]
    if not sniff.certain:
        notes.append(t("engine.events.guessed", encoding=label))
    return frame, ragged, notes


def _read(
    source: Any, sep: str | None, encoding: str | None
) -> tuple[pd.DataFrame, str, np.ndarray, list[str]]:
    """Return (raw frame, name for messages, ragged row numbers, notes)."""
    from cjmlib.analytics.runners import _is_polars, _polars_to_pandas

    none = np.zeros(0, dtype=np.int64)
    if isinstance(source, pd.DataFrame):
        return source, "DataFrame", none, []
    if _is_polars(source):
        return _polars_to_pandas(source, "source"), "Polars-DataFrame", none, []
    if not isinstance(source, (str, Path)):
        raise CJMError(
            t("engine.error.load_kind", kind=type(source).__name__),
            field="source",
            value=type(source).__name__,
        )
    path = source_path(source)
    if path.suffix.casefold() in PARQUET_SUFFIXES:
        return _read_parquet(path), path.name, none, []
    frame, ragged, notes = _read_text(path, sep, encoding)
    return frame, path.name, ragged, notes


# -- parsing values -------------------------------------------------------------------------
#: Times outside this range are not events of a customer journey (and would not fit
#: into nanoseconds): "4711" read as the year 4711 is an unreadable timestamp.
EARLIEST, LATEST = pd.Timestamp("1900-01-01"), pd.Timestamp("2200-01-01")


def _as_ns(values: pd.Series) -> pd.Series:
    """Nanosecond resolution; aware times in Europe/Berlin; out of range -> NaT."""
    if getattr(values.dt, "tz", None) is not None:
        early, late = EARLIEST.tz_localize("UTC"), LATEST.tz_localize("UTC")
        values = values.where((values >= early) & (values < late))
        aware: pd.Series = values.dt.tz_convert(LOCAL_TIME_ZONE).dt.as_unit("ns")
        return aware
    values = values.where((values >= EARLIEST) & (values < LATEST))
    out: pd.Series = values.astype("datetime64[ns]")
    return out


def _from_epoch(numbers: pd.Series, unit: str | None = None) -> tuple[pd.Series, str]:
    """Epoch numbers -> time-zone-aware times; implausible magnitudes -> NaT.

    Without ``unit`` the column's median decides: 12 digits or more are milliseconds.
    """
    num = pd.to_numeric(numbers, errors="coerce").astype(float)
    mag = num.abs()
    given = unit is not None
    if unit is None:
        median = float(mag.median()) if mag.notna().any() else 0.0
        unit = "ms" if median >= _EPOCH_S[1] else "s"
    lo, hi = _EPOCH_MS if unit == "ms" else _EPOCH_S
    if given:
        lo = 0.0  # "%s" asked for explicitly: every second since 1970 is believed
    ok = (mag >= lo) & (mag < hi)
    scale = 1e6 if unit == "ms" else 1e9
    ns = (num.where(ok) * scale).round()
    out = pd.to_datetime(ns, unit="ns", utc=True, errors="coerce")
    return _as_ns(out), unit


def parse_timestamps_info(
    values: pd.Series, fmt: str | None = None
) -> tuple[pd.Series, dict[str, Any]]:
    """Parse timestamps; unreadable -> NaT. Return (times, notes about epoch / time zone)."""
    info: dict[str, Any] = {"epoch": None, "tz": False}
    if pd.api.types.is_datetime64_any_dtype(values):
        info["tz"] = getattr(values.dt, "tz", None) is not None
        return _as_ns(values), info
    if pd.api.types.is_bool_dtype(values):
        return pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]"), info
    if pd.api.types.is_numeric_dtype(values):
        out, unit = _from_epoch(values)
        info["epoch"] = unit
        return out, info
    text = values.astype("string").str.strip()
    text = text.where(text != "")
    filled = text.dropna()
    if fmt == "%s":
        out, unit = _from_epoch(text, "s")
        info["epoch"] = unit
        return out, info
    if fmt:
        try:
            out = pd.to_datetime(text, format=fmt, errors="coerce")
        except (ValueError, TypeError, OverflowError):
            raise CJMError(
                t("engine.error.timestamp_format", value=fmt), field="timestamp_format", value=fmt
            ) from None
        info["tz"] = getattr(out.dt, "tz", None) is not None
        return _as_ns(out), info
    if len(filled) and bool(filled.str.fullmatch(_EPOCH_TEXT.pattern).all()):
        out, unit = _from_epoch(text)
        info["epoch"] = unit
        return out, info
    offset = text.str.contains(_OFFSET.pattern, regex=True).fillna(False).astype(bool)
    if bool(offset.any()):
        info["tz"] = True
        out = _as_ns(
            pd.to_datetime(text.where(offset), format="ISO8601", errors="coerce", utc=True)
        )
        naive = _parse_naive(text.where(~offset))
        local = naive.dt.tz_localize(LOCAL_TIME_ZONE, ambiguous="NaT", nonexistent="NaT")
        return out.where(offset, local.dt.as_unit("ns")), info
    return _parse_naive(text), info


def _parse_naive(text: pd.Series) -> pd.Series:
    """ISO 8601 without offset, then the German formats; unreadable -> NaT."""
    out = _as_ns(pd.to_datetime(text, format="ISO8601", errors="coerce"))
    for german in GERMAN_FORMATS:
        todo = out.isna() & text.notna()
        if not bool(todo.any()):
            break
        parsed = pd.to_datetime(text.where(todo), format=german, errors="coerce")
        out = out.where(~todo, _as_ns(parsed))
    return out


def parse_timestamps(values: pd.Series, fmt: str | None = None) -> pd.Series:
    """Parse timestamps (see the module docstring); unreadable -> NaT."""
    return parse_timestamps_info(values, fmt)[0]


def parse_value(values: pd.Series) -> tuple[pd.Series, int]:
    """Parse numbers, also German ones ("1.234,50"); unreadable -> NaN (and counted)."""
    if pd.api.types.is_bool_dtype(values):
        return pd.Series(np.nan, index=values.index), int(values.notna().sum())
    if pd.api.types.is_numeric_dtype(values):
        return values.astype(float), 0
    text = values.astype("string").str.strip()
    text = text.mask(text == "")
    german = text.str.contains(",", regex=False).fillna(False).astype(bool)
    text = text.where(
        ~german, text.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    )
    out = pd.to_numeric(text, errors="coerce").astype(float)
    out = out.where(np.isfinite(out))
    return out, int((text.notna() & out.isna()).sum())


def parse_bool(values: pd.Series) -> tuple[pd.Series, int]:
    """Parse yes/no words ("ja", "nein", "true", "0", ...) to booleans; unknown -> NA."""
    if pd.api.types.is_bool_dtype(values):
        return values.astype("boolean"), 0
    text = values.astype("string").str.strip().str.casefold()
    out = pd.Series(pd.NA, index=values.index, dtype="boolean")
    out[text.isin(TRUE_WORDS).fillna(False).to_numpy(dtype=bool)] = True
    out[text.isin(FALSE_WORDS - {""}).fillna(False).to_numpy(dtype=bool)] = False
    bad = text.notna() & (text != "") & ~text.isin(TRUE_WORDS | FALSE_WORDS)
    return out, int(bad.sum())


def _examples(mask: np.ndarray) -> list[int]:
    return [int(i) + 1 for i in np.flatnonzero(mask)[:MAX_EXAMPLES]]


def _duplicates(raw: pd.DataFrame) -> np.ndarray:
    """Rows that repeat an earlier row in every column (cells compared as shown)."""
    if raw.shape[1] == 0:
        return np.zeros(len(raw), dtype=bool)
    try:
        return raw.duplicated(keep="first").to_numpy(dtype=bool)
    except TypeError:  # unhashable cells (lists, dicts): compare their text
        return raw.astype(str).duplicated(keep="first").to_numpy(dtype=bool)


# -- the loader -----------------------------------------------------------------------------
def validate_events(
    source: Any,
    *,
    columns: Mapping[str, str] | None = None,
    sep: str | None = None,
    encoding: str | None = None,
    timestamp_format: str | None = None,
) -> pd.DataFrame:
    """Check an event log without loading it for analysis: one row per problem.

    Returns
    -------
    pandas.DataFrame
        ``problem`` (key), ``rows`` (how many), ``examples`` (data row numbers,
        1 = first row after the header) and ``message`` (German, with what to do).
        Empty when the log is clean. A missing column raises
        :class:`cjmlib.errors.ImportProblem` straight away.
    """
    events = load_events(
        source, columns=columns, sep=sep, encoding=encoding, timestamp_format=timestamp_format
    )
    rep = events.attrs["report"]
    rows = []
    for reason in (*REASONS, "bad_value", "bad_online"):
        n = rep["excluded"].get(reason, rep["warnings"].get(reason, 0))
        if n:
            ex = rep["examples"].get(reason, [])
            rows.append((reason, n, ex, _reason_text(reason, n, ex, rep)))
    return pd.DataFrame(rows, columns=["problem", "rows", "examples", "message"])


def _reason_text(reason: str, n: int, examples: list[int], report: Mapping[str, Any]) -> str:
    shown = ", ".join(map(str, examples))
    if reason == "duplicate":
        if report.get("lazy"):
            return t("engine.events.duplicate_lazy", n=fmt_int(n))
        return t(
            "engine.events.duplicate",
            n=fmt_int(n),
            ncols=report.get("columns_in", "–"),
            examples=shown,
        )
    if reason == "ragged":
        return t("engine.events.ragged", n=fmt_int(n), examples=shown)
    return t(f"analytics.events.{reason}", n=fmt_int(n), examples=shown)


def load_events(
    source: Any,
    *,
    columns: Mapping[str, str] | None = None,
    project: ProjectLike | None = None,
    sep: str | None = None,
    encoding: str | None = None,
    timestamp_format: str | None = None,
) -> pd.DataFrame:
    """Load an event log, check it, and bring it into the course's column contract.

    Parameters
    ----------
    source:
        Path of a text table (``.csv``, ``.tsv``, ``.txt``) or a ``.parquet`` file, or a
        pandas/Polars DataFrame.
    columns:
        Column mapping, our name -> your name, e.g.
        ``{"customer_id": "Kundennummer", "timestamp": "Zeitpunkt", "touchpoint":
        "Ereignis"}`` (the reverse direction is recognised, too). Our names are those of
        :data:`cjmlib.analytics.schema.EVENT_COLUMNS`; columns already named so are
        taken as they are.
    project:
        Optional ``JourneyProject`` or ``Workbook``: events are mapped to its touchpoints
        and phases with :func:`map_events`.
    sep:
        Column separator of a text file; None = recognised (also from a ``sep=`` line).
    encoding:
        Encoding of a text file; None = recognised (UTF-8, UTF-16, Windows-1252 ...).
    timestamp_format:
        A ``strftime`` format when the timestamps are in an unusual form; ``"%s"`` for
        epoch seconds (epoch numbers are also recognised without it).

    Returns
    -------
    pandas.DataFrame
        The valid events, sorted by customer and time, with categorical text columns.
        ``attrs["report"]`` = ``{"source", "rows_in", "rows_out", "columns_in",
        "excluded": {reason: n}, "warnings": {...}, "examples": {reason: [row numbers]},
        "notes": [German sentences]}``; ``attrs["explanation"]`` says in German how many
        rows were excluded and why.

    Raises
    ------
    ImportProblem
        When the file cannot be read, a required column is missing (``customer_id``,
        ``timestamp`` and one of ``touchpoint``/``touchpoint_id``; the message lists the
        columns found) or no row is left.
    CJMError
        For parameters that do not fit (German message naming the valid choices).
    """
    from cjmlib.analytics.schema import resolve_mapping

    if is_placeholder(source):  # an exercise's blank, not filled in yet
        print(t("exercises.blank_argument", function="analytics.load_events"))
        return ____  # type: ignore[return-value]

    sep = check_sep(sep)
    timestamp_format = check_timestamp_format(timestamp_format)
    encoding = check_encoding(encoding)
    if project is not None and not hasattr(getattr(project, "project", project), "touchpoints"):
        raise CJMError(
            t("engine.error.project_kind", kind=type(project).__name__),
            field="project",
            value=type(project).__name__,
        )
    raw, name, ragged, notes = _read(source, sep, encoding)
    raw = raw.set_axis(_unique_names(list(raw.columns)), axis=1)
    mapping = resolve_mapping(list(raw.columns), columns, name)
    n_in = len(raw) + len(ragged)
    if n_in == 0:
        raise ImportProblem(t("engine.error.no_rows", path=name), field="source", value=name)
    # Data row numbers (1 = first row after the header) of the rows we kept, in order.
    if len(ragged):
        row_no = np.setdiff1d(np.arange(1, n_in + 1), ragged)
    else:
        row_no = np.arange(1, n_in + 1)
    dup_all = _duplicates(raw)
    frame = pd.DataFrame({ours: raw[theirs] for ours, theirs in mapping.items()})
    frame = frame.reset_index(drop=True)
    excluded: dict[str, int] = {}
    examples: dict[str, list[int]] = {}
    warnings: dict[str, int] = {}
    ids = frame["customer_id"]
    if pd.api.types.is_float_dtype(ids):
        ids = ids.astype("Int64")  # 4711.0 from a numeric column is customer 4711
    ids = ids.astype("string").str.strip()
    no_id = (ids.isna() | (ids == "")).to_numpy(dtype=bool)
    ts, info = parse_timestamps_info(frame["timestamp"], timestamp_format)
    bad_ts = ts.isna().to_numpy(dtype=bool) & ~no_id
    frame["customer_id"] = ids
    frame["timestamp"] = ts
    if "value" in frame.columns:
        frame["value"], warnings["bad_value"] = parse_value(frame["value"])
    if "online" in frame.columns:
        frame["online"], warnings["bad_online"] = parse_bool(frame["online"])
    for col in ("touchpoint_id", "touchpoint", "phase", "channel", "device"):
        if col in frame.columns:
            s = frame[col].astype("string").str.strip()
            frame[col] = s.where(s != "")
    dup = dup_all & ~no_id & ~bad_ts
    for reason, mask in (("missing_id", no_id), ("bad_timestamp", bad_ts), ("duplicate", dup)):
        excluded[reason] = int(mask.sum())
        examples[reason] = [int(row_no[i - 1]) for i in _examples(mask)]
    if len(ragged):
        excluded["ragged"] = len(ragged)
        examples["ragged"] = [int(r) for r in ragged[:MAX_EXAMPLES]]
    if info["epoch"]:
        notes.append(t("engine.events.epoch", unit=t(f"engine.events.unit_{info['epoch']}")))
    elif info["tz"]:
        notes.append(t("engine.events.timezone"))
    keep = ~(no_id | bad_ts | dup)
    if not keep.any():
        raise _nothing_left(name, n_in, excluded, frame, bad_ts, raw, mapping)
    frame = frame[keep]
    for col in CATEGORICAL:
        if col in frame.columns:
            frame[col] = frame[col].astype("category")
    frame = frame.sort_values(["customer_id", "timestamp"], kind="stable").reset_index(drop=True)
    report: dict[str, Any] = {
        "source": name,
        "rows_in": n_in,
        "rows_out": len(frame),
        "columns_in": raw.shape[1],
        "excluded": excluded,
        "warnings": {k: v for k, v in warnings.items() if v},
        "examples": examples,
        "notes": notes,
    }
    frame.attrs["report"] = report
    frame.attrs["explanation"] = explain_report(report)
    if project is not None:
        frame = map_events(frame, project)
        frame.attrs["report"] = report
        frame.attrs["explanation"] = explain_report(report) + " " + frame.attrs["mapping"]
    return frame


def _nothing_left(
    name: str,
    n_in: int,
    excluded: Mapping[str, int],
    frame: pd.DataFrame,
    bad_ts: np.ndarray,
    raw: pd.DataFrame,
    mapping: Mapping[str, str],
) -> ImportProblem:
    reasons = []
    if excluded.get("missing_id"):
        reasons.append(t("engine.events.excluded_missing_id", n=fmt_int(excluded["missing_id"])))
    if excluded.get("bad_timestamp"):
        first = int(np.flatnonzero(bad_ts)[0])
        example = str(raw[mapping["timestamp"]].iloc[first])[:40]
        reasons.append(
            t(
                "engine.events.excluded_bad_timestamp",
                n=fmt_int(excluded["bad_timestamp"]),
                example=example,
            )
        )
    if excluded.get("ragged"):
        reasons.append(t("engine.events.excluded_ragged", n=fmt_int(excluded["ragged"])))
    return ImportProblem(
        t("engine.error.nothing_left", rows=fmt_int(n_in), source=name, reasons=" ".join(reasons)),
        field="source",
        value=name,
    )


def explain_report(report: Mapping[str, Any]) -> str:
    """Return the German validation report for ``attrs["report"]`` of a loaded log."""
    total = sum(
        v for k, v in report["excluded"].items() if not (report.get("lazy") and k == "duplicate")
    )
    parts = [
        t(
            "analytics.events.header",
            source=report["source"],
            rows=fmt_int(report["rows_in"]),
            kept=fmt_int(report["rows_out"]),
            excluded=fmt_int(total),
        )
    ]
    parts.extend(report.get("notes", []))
    for reason in REASONS:
        n = report["excluded"].get(reason, 0)
        if n:
            parts.append(_reason_text(reason, n, report["examples"].get(reason, []), report))
    for reason, n in report.get("warnings", {}).items():
        parts.append(t(f"analytics.events.{reason}", n=fmt_int(n), examples=""))
    if not sum(report["excluded"].values()) and not report.get("warnings"):
        parts.append(t("analytics.events.clean"))
    return " ".join(p for p in parts if p)


def _touchpoint_or_none(value: Any) -> Any:
    """A touchpoint found by lookup, or None (pandas fills misses with NaN, not None)."""
    return value if hasattr(value, "phase") else None


def map_events(events: pd.DataFrame, project: ProjectLike) -> pd.DataFrame:
    """Map events to the workbook's touchpoints and phases.

    An event matches a touchpoint by ``touchpoint_id`` or, failing that, by the
    ``touchpoint`` name or id (case-insensitive). Matched events get the workbook's
    ``touchpoint_id``, ``touchpoint`` (name), ``phase`` (id), ``phase_name`` and, where
    missing, ``online``/``channel``. Unmatched events are kept (``mapped`` False) and
    counted in ``attrs["unmatched"]``.

    Parameters
    ----------
    events:
        An event log (e.g. from :func:`load_events`).
    project:
        A ``JourneyProject`` or ``Workbook``.

    Returns
    -------
    pandas.DataFrame
        A copy with the columns above and ``mapped``.
    """
    if not isinstance(project, JourneyProject):
        project = getattr(project, "project", project)
    if not isinstance(project, JourneyProject):
        raise CJMError(
            t("engine.error.project_kind", kind=type(project).__name__),
            field="project",
            value=type(project).__name__,
        )
    pm = project.phase_model
    by_key: dict[str, Any] = {}
    for tp in project.touchpoints:
        by_key.setdefault(tp.id.casefold(), tp)
    for tp in project.touchpoints:
        by_key.setdefault(tp.name.casefold(), tp)
    out = events.copy()
    found = pd.Series(None, index=out.index, dtype=object)
    for col in ("touchpoint_id", "touchpoint"):
        if col in out.columns:
            cats = pd.Series(out[col].astype("category").cat.categories)
            table = {c: by_key.get(str(c).casefold()) for c in cats}
            hits = (
                out[col].astype(object).map(lambda v, tb=table: tb.get(v) if pd.notna(v) else None)
            )
            found = found.where(found.notna(), hits)
    found = found.map(_touchpoint_or_none).astype(object)
    mapped = found.map(lambda tp: tp is not None).astype(bool)
    old_phase = out["phase"].astype(object) if "phase" in out.columns else None
    phase_ids = {p.id.casefold(): p.id for p in pm.phases} | {
        p.name.casefold(): p.id for p in pm.phases
    }
    phase = found.map(lambda tp: tp.phase if tp is not None else None)
    if old_phase is not None:
        phase = phase.where(
            phase.notna(),
            old_phase.map(lambda v: phase_ids.get(str(v).casefold()) if pd.notna(v) else None),
        )
    out["touchpoint_id"] = found.map(lambda tp: tp.id if tp is not None else None).where(
        mapped, out["touchpoint_id"].astype(object) if "touchpoint_id" in out else None
    )
    out["touchpoint"] = found.map(lambda tp: tp.name if tp is not None else None).where(
        mapped, out["touchpoint"].astype(object) if "touchpoint" in out else None
    )
    out["phase"] = phase
    out["phase_name"] = phase.map(lambda p: pm.name_of(p) if isinstance(p, str) and p else None)
    for col in ("channel", "online"):
        wb = found.map(lambda tp, c=col: getattr(tp, c) if tp is not None else None)
        out[col] = wb.where(out[col].isna(), out[col].astype(object)) if col in out.columns else wb
    out["online"] = out["online"].astype("boolean")
    for col in ("touchpoint_id", "touchpoint", "phase", "phase_name", "channel"):
        out[col] = out[col].astype("category")
    out["mapped"] = mapped.to_numpy()
    unmatched = int((~mapped).sum())
    names = []
    if unmatched:
        label = out["touchpoint"] if "touchpoint" in out.columns else out["touchpoint_id"]
        names = [str(v) for v in label[~mapped].astype(object).value_counts().head(5).index]
    out.attrs.update(events.attrs)
    out.attrs["unmatched"] = unmatched
    out.attrs["mapping"] = (
        t("analytics.events.mapped_all", n=fmt_int(len(out)))
        if not unmatched
        else t("analytics.events.unmatched", n=fmt_int(unmatched), names=", ".join(names))
    )
    return out
