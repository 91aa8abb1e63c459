"""Load event logs from CSV, Parquet or a DataFrame; validate; map to the workbook.

Nothing is dropped silently: every excluded row is counted with its reason in
``attrs["report"]`` and explained in German in ``attrs["explanation"]``.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from cjmlib.analytics._common import fmt_int
from cjmlib.datasets.schema import EVENT_COLUMNS
from cjmlib.errors import CJMError, ImportProblem
from cjmlib.messages import t

REQUIRED = ("customer_id", "timestamp")
EVENT_ANY = ("touchpoint", "touchpoint_id")
CATEGORICAL = ("customer_id", "touchpoint_id", "touchpoint", "phase", "channel", "device")
REASONS = ("missing_id", "bad_timestamp", "duplicate")
GERMAN_FORMATS = ("%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M", "%d.%m.%Y")
TRUE_WORDS = {"true", "1", "ja", "yes", "wahr", "online", "x"}
FALSE_WORDS = {"false", "0", "nein", "no", "falsch", "offline", ""}
MAX_EXAMPLES = 5


def _read(source: Any, sep: str | None) -> tuple[pd.DataFrame, str]:
    if isinstance(source, pd.DataFrame):
        return source.copy(), "DataFrame"
    if not isinstance(source, (str, Path)):
        raise CJMError(
            t("analytics.error.source_kind", kind=type(source).__name__),
            field="source",
            value=type(source).__name__,
        )
    path = Path(source)
    if not path.exists():
        raise ImportProblem(
            t("analytics.error.file_missing", path=str(path)), field="source", value=str(path)
        )
    suffix = path.suffix.casefold()
    if suffix in (".parquet", ".pq"):
        return pd.read_parquet(path), path.name
    if suffix in (".csv", ".txt", ".tsv"):
        if sep is None:
            with open(path, encoding="utf-8-sig") as fh:
                head = fh.readline()
            sep = max((";", ",", "\t"), key=head.count)
        frame = pd.read_csv(path, sep=sep, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        return frame, path.name
    raise CJMError(
        t("analytics.error.file_kind", path=path.name, allowed=".csv, .parquet"),
        field="source",
        value=path.name,
        allowed=".csv, .parquet",
    )


def _apply_mapping(frame: pd.DataFrame, columns: Mapping[str, str] | None) -> pd.DataFrame:
    if not columns:
        return frame
    ours = set(EVENT_COLUMNS)
    if set(columns) <= ours:
        mapping = {theirs: our for our, theirs in columns.items()}
    elif set(columns.values()) <= ours:
        mapping = dict(columns)
    else:
        bad = [k for k in columns if k not in ours]
        raise CJMError(
            t(
                "analytics.error.mapping",
                bad=", ".join(map(str, bad)),
                allowed=", ".join(EVENT_COLUMNS),
            ),
            field="columns",
            value=bad,
            allowed=", ".join(EVENT_COLUMNS),
        )
    absent = [theirs for theirs in mapping if theirs not in frame.columns]
    if absent:
        allowed = ", ".join(map(str, frame.columns))
        raise ImportProblem(
            t("analytics.error.mapping_absent", missing=", ".join(absent), allowed=allowed),
            field="columns",
            value=absent,
            allowed=allowed,
        )
    return frame.rename(columns=mapping)


def parse_timestamps(values: pd.Series, fmt: str | None = None) -> pd.Series:
    """Parse timestamps (ISO 8601 or German ``TT.MM.JJJJ hh:mm``); unreadable -> NaT.

    Times with a UTC offset are converted to German local time (Europe/Berlin) and
    stored without a time zone, as the schema asks.
    """
    if pd.api.types.is_datetime64_any_dtype(values):
        out = values
    else:
        text = values.astype("string").str.strip()
        if fmt:
            out = pd.to_datetime(text, format=fmt, errors="coerce")
        else:
            try:
                out = pd.to_datetime(text, format="ISO8601", errors="coerce")
            except (ValueError, TypeError):
                out = pd.to_datetime(text, format="ISO8601", errors="coerce", utc=True)
            for german in GERMAN_FORMATS:
                todo = out.isna() & text.notna() & (text != "")
                if not todo.any():
                    break
                out = out.where(
                    ~todo, pd.to_datetime(text.where(todo), format=german, errors="coerce")
                )
    if getattr(out.dt, "tz", None) is not None:
        out = out.dt.tz_convert("Europe/Berlin").dt.tz_localize(None)
    return out.astype("datetime64[ns]")


def parse_value(values: pd.Series) -> tuple[pd.Series, int]:
    """Parse numbers, also German ones ("1.234,50"); unreadable -> NaN (and counted)."""
    if pd.api.types.is_numeric_dtype(values):
        return values.astype(float), 0
    text = values.astype("string").str.strip().replace("", pd.NA)
    german = text.str.contains(",", regex=False).fillna(False)
    text = text.where(
        ~german, text.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    )
    out = pd.to_numeric(text, errors="coerce").astype(float)
    return out, int((text.notna() & out.isna()).sum())


def parse_bool(values: pd.Series) -> tuple[pd.Series, int]:
    """Parse yes/no words ("ja", "nein", "true", "0", ...) to booleans; unknown -> NA."""
    if pd.api.types.is_bool_dtype(values):
        return values.astype("boolean"), 0
    text = values.astype("string").str.strip().str.casefold()
    out = pd.Series(pd.NA, index=values.index, dtype="boolean")
    out[text.isin(TRUE_WORDS).fillna(False).to_numpy()] = True
    out[text.isin(FALSE_WORDS - {""}).fillna(False).to_numpy()] = False
    bad = text.notna() & (text != "") & ~text.isin(TRUE_WORDS | FALSE_WORDS)
    return out, int(bad.sum())


def _examples(mask: np.ndarray) -> list[int]:
    return [int(i) + 1 for i in np.flatnonzero(mask)[:MAX_EXAMPLES]]


def validate_events(
    source: Any,
    *,
    columns: Mapping[str, str] | None = None,
    sep: str | None = None,
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
    events = load_events(source, columns=columns, sep=sep, timestamp_format=timestamp_format)
    rep = events.attrs["report"]
    rows = []
    for reason in (*REASONS, "bad_value", "bad_online"):
        n = rep["excluded"].get(reason, rep["warnings"].get(reason, 0))
        if n:
            ex = rep["examples"].get(reason, [])
            rows.append(
                (
                    reason,
                    n,
                    ex,
                    t(f"analytics.events.{reason}", n=fmt_int(n), examples=", ".join(map(str, ex))),
                )
            )
    return pd.DataFrame(rows, columns=["problem", "rows", "examples", "message"])


def load_events(
    source: Any,
    *,
    columns: Mapping[str, str] | None = None,
    project: Any = None,
    sep: str | None = None,
    timestamp_format: str | None = None,
) -> pd.DataFrame:
    """Load an event log, check it, and bring it into the course's column contract.

    Parameters
    ----------
    source:
        Path of a ``.csv`` (``;`` or ``,`` separated, UTF-8) or ``.parquet`` file, or a
        DataFrame.
    columns:
        Column mapping, our name -> your name, e.g.
        ``{"customer_id": "Kundennummer", "timestamp": "Zeitpunkt", "touchpoint":
        "Ereignis"}`` (the reverse direction is recognised, too). Our names are those of
        :data:`cjmlib.datasets.schema.EVENT_COLUMNS`.
    project:
        Optional ``JourneyProject`` or ``Workbook``: events are mapped to its touchpoints
        and phases with :func:`map_events`.
    sep:
        CSV separator; None = guessed from the header line.
    timestamp_format:
        A ``strftime`` format when the timestamps are in an unusual form.

    Returns
    -------
    pandas.DataFrame
        The valid events, sorted by customer and time, with categorical text columns.
        ``attrs["report"]`` = ``{"source", "rows_in", "rows_out", "excluded": {reason:
        n}, "warnings": {...}, "examples": {reason: [row numbers]}}``;
        ``attrs["explanation"]`` says in German how many rows were excluded and why.

    Raises
    ------
    ImportProblem
        When a required column is missing (``customer_id``, ``timestamp`` and one of
        ``touchpoint``/``touchpoint_id``); the message lists the columns found.
    """
    raw, name = _read(source, sep)
    frame = _apply_mapping(raw, columns)
    missing = [c for c in REQUIRED if c not in frame.columns]
    if not any(c in frame.columns for c in EVENT_ANY):
        missing.append(" / ".join(EVENT_ANY))
    if missing:
        allowed = ", ".join(map(str, raw.columns)) or "–"
        raise ImportProblem(
            t(
                "analytics.error.events_missing",
                source=name,
                missing=", ".join(missing),
                allowed=allowed,
            ),
            field=missing[0],
            value=missing,
            allowed=allowed,
        )
    keep = [c for c in EVENT_COLUMNS if c in frame.columns]
    frame = frame[keep].reset_index(drop=True)
    n_in = len(frame)
    excluded: dict[str, int] = {}
    examples: dict[str, list[int]] = {}
    warnings: dict[str, int] = {}
    ids = frame["customer_id"].astype("string").str.strip()
    no_id = (ids.isna() | (ids == "")).to_numpy()
    ts = parse_timestamps(frame["timestamp"], timestamp_format)
    bad_ts = ts.isna().to_numpy() & ~no_id
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
    dup = frame.duplicated(keep="first").to_numpy() & ~no_id & ~bad_ts
    for reason, mask in (("missing_id", no_id), ("bad_timestamp", bad_ts), ("duplicate", dup)):
        excluded[reason] = int(mask.sum())
        examples[reason] = _examples(mask)
    frame = frame[~(no_id | bad_ts | dup)]
    for col in CATEGORICAL:
        if col in frame.columns:
            frame[col] = frame[col].astype("category")
    frame = frame.sort_values(["customer_id", "timestamp"], kind="stable").reset_index(drop=True)
    report = {
        "source": name,
        "rows_in": n_in,
        "rows_out": len(frame),
        "excluded": excluded,
        "warnings": {k: v for k, v in warnings.items() if v},
        "examples": examples,
    }
    frame.attrs["report"] = report
    frame.attrs["explanation"] = explain_report(report)
    if project is not None:
        frame = map_events(frame, project)
        frame.attrs["report"] = report
        frame.attrs["explanation"] = explain_report(report) + " " + frame.attrs["mapping"]
    return frame


def explain_report(report: dict) -> str:
    """Return the German validation report for ``attrs["report"]`` of a loaded log."""
    total = sum(report["excluded"].values())
    parts = [
        t(
            "analytics.events.header",
            source=report["source"],
            rows=fmt_int(report["rows_in"]),
            kept=fmt_int(report["rows_out"]),
            excluded=fmt_int(total),
        )
    ]
    for reason in REASONS:
        n = report["excluded"].get(reason, 0)
        if n:
            parts.append(
                t(
                    f"analytics.events.{reason}",
                    n=fmt_int(n),
                    examples=", ".join(map(str, report["examples"].get(reason, []))),
                )
            )
    for reason, n in report.get("warnings", {}).items():
        parts.append(t(f"analytics.events.{reason}", n=fmt_int(n), examples=""))
    if not total and not report.get("warnings"):
        parts.append(t("analytics.events.clean"))
    return " ".join(parts)


def map_events(events: pd.DataFrame, project: Any) -> pd.DataFrame:
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
    project = getattr(project, "project", project)
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
            found = found.where(found.notna(), out[col].astype(object).map(table))
    mapped = found.notna()
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
    out["phase_name"] = phase.map(lambda p: pm.name_of(p) if p else None)
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
