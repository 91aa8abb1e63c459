"""Event logs too large for pandas: scanned from disk by DuckDB, never loaded whole.

:func:`scan_events` is the big sister of :func:`~cjmlib.analytics.load_events`: the same
column mapping and the same reading rules (encodings, separators, German and ISO
dates, epoch numbers, time zones, German numbers), but written as SQL over the file, so
that a funnel on 100 million events reads only the columns it needs and spills to
disk when memory runs short. The validation report is computed only when asked for
(``log.report``, ``log.explanation``), because it costs a full pass over the file.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import weakref
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cjmlib.analytics.dialect import DUCKDB
from cjmlib.analytics.schema import resolve_mapping
from cjmlib.analytics.sources import PARQUET_SUFFIXES as PARQUET
from cjmlib.errors import CJMError, ImportProblem
from cjmlib.messages import t

if TYPE_CHECKING:
    import pandas as pd

    from cjmlib.analytics.runners import Events

__all__ = ["EventLog", "scan_events"]

GERMAN_SQL_FORMATS = (
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y",
    "%d.%m.%y %H:%M",
    "%d.%m.%y",
)
_EPOCH = re.compile(r"^\s*-?\d{9,13}(\.\d+)?\s*$")
_OFFSET = re.compile(r"(?:Z|[+-]\d\d:?\d\d)\s*$")


def _q(name: str) -> str:
    return DUCKDB.q(name)


def _lit(text: str) -> str:
    return DUCKDB.lit(text)


class EventLog:
    """An event log file, scanned lazily (see :func:`scan_events`).

    Pass it to any analytics function instead of a DataFrame. ``report`` and
    ``explanation`` validate the whole file on first use; ``head()`` shows the first
    rows; ``to_pandas()`` loads it (only for logs that fit into memory).
    """

    def __init__(
        self,
        path: Path,
        reader: str,
        mapping: dict[str, str],
        source_columns: list[str],
        source_types: dict[str, str],
        timestamp_format: str | None,
        note: str,
        tmpdir: str | None,
    ) -> None:
        self.path = path
        self._reader = reader
        self._mapping = mapping  # ours -> theirs
        self._source_columns = source_columns
        self._source_types = source_types
        self._timestamp_format = timestamp_format
        self._note = note
        self._report: dict[str, Any] | None = None
        if tmpdir is not None:
            weakref.finalize(self, shutil.rmtree, tmpdir, True)
        self._ts_expr = ""

    def __repr__(self) -> str:
        cols = ", ".join(self._mapping)
        return f"EventLog({self.path.name!r}, columns=[{cols}])"

    @property
    def columns(self) -> list[str]:
        """Our column names the log provides."""
        return list(self._mapping)

    # -- SQL ---------------------------------------------------------------------------
    def _select(self, con: Any) -> str:
        """SELECT list mapping the source's columns to ours, with parsing."""
        parts = []
        for ours, theirs in self._mapping.items():
            col = _q(theirs)
            kind = self._source_types.get(theirs, "text")
            if ours == "timestamp":
                expr = self._timestamp_sql(con, col, kind)
            elif ours == "value":
                expr = col if kind == "number" else _german_number_sql(col)
            elif ours == "online" or kind != "text":
                expr = col
            elif self._reader.startswith("read_csv"):
                expr = f"NULLIF(trim({col}), '')"
            elif ours == "customer_id":
                expr = f"NULLIF({col}, '')"
            else:
                expr = col  # typed Parquet text: no trimming, so filters reach the scan
            parts.append(f"{expr} AS {_q(ours)}")
        return ", ".join(parts)

    def _timestamp_sql(self, con: Any, col: str, kind: str) -> str:
        if self._ts_expr:
            return self._ts_expr
        fmt = self._timestamp_format
        if kind == "timestamp":
            expr = col
        elif kind == "number" or fmt == "%s":
            num = col if kind == "number" else f"TRY_CAST(trim({col}) AS DOUBLE)"
            expr = _epoch_sql(num)
        elif fmt:
            expr = f"try_strptime(trim({col}), {_lit(fmt)})"
        else:
            sample = [
                str(r[0])
                for r in con.execute(
                    f"SELECT {col} FROM {self._reader} WHERE {col} IS NOT NULL LIMIT 2000"
                ).fetchall()
            ]
            text = f"trim({col})"
            if sample and all(_EPOCH.match(v) for v in sample if v.strip()):
                expr = _epoch_sql(f"TRY_CAST({text} AS DOUBLE)")
            else:
                german = ", ".join(f"try_strptime({text}, {_lit(f)})" for f in GERMAN_SQL_FORMATS)
                if any(_OFFSET.search(v) for v in sample):
                    expr = f"COALESCE(TRY_CAST({text} AS TIMESTAMPTZ), {german})"
                else:
                    expr = f"COALESCE(TRY_CAST({text} AS TIMESTAMP), {german})"
        self._ts_expr = expr
        return expr

    @contextmanager
    def open(self, *, need: Sequence[str], name: str) -> Iterator[Events]:
        """An :class:`~cjmlib.analytics.engine.Events` handle over the file."""
        import duckdb

        from cjmlib.analytics._common import require_columns
        from cjmlib.analytics.runners import (
            Events,
            _DuckRunner,
            _fresh_name,
            _kind_of_duck_type,
            _where,
            shared_connection,
        )

        con = shared_connection()
        view, distinct = _fresh_name("cjm_log"), _fresh_name("cjm_log_distinct")
        runner = _DuckRunner(con, own=False, on_error=lambda exc: _unreadable(self.path, exc))
        try:
            try:
                select = self._select(con)
                con.execute(f"CREATE TEMP VIEW {view} AS SELECT {select} FROM {self._reader}")
                con.execute(
                    f"CREATE TEMP VIEW {distinct} AS SELECT {select} "
                    f"FROM (SELECT DISTINCT * FROM {self._reader})"
                )
                described = con.execute(f"DESCRIBE {view}").fetchall()
            except duckdb.Error as exc:
                raise _unreadable(self.path, exc) from None
            types = {str(r[0]): _kind_of_duck_type(str(r[1])) for r in described}
            require_columns(tuple(types), need, self.path.name)
            where = _where(DUCKDB, need)
            yield Events(
                rel=f"(SELECT * FROM {view} WHERE {where}) AS ev",
                rel_distinct=f"(SELECT * FROM {distinct} WHERE {where}) AS ev",
                columns=tuple(types),
                types=types,
                dialect=DUCKDB,
                label=self.path.name,
                _runner=runner,
            )
        finally:
            con.execute(f"DROP VIEW IF EXISTS {view}")
            con.execute(f"DROP VIEW IF EXISTS {distinct}")

    # -- report ------------------------------------------------------------------------
    @property
    def report(self) -> dict[str, Any]:
        """Rows read, rows usable, excluded rows per reason (one pass over the file)."""
        if self._report is None:
            import duckdb

            from cjmlib.analytics.runners import duckdb_connect

            con = duckdb_connect()
            csv = self._reader.startswith("read_csv")
            # Rows of a text file with more fields than the header are skipped by the scan;
            # store_rejects makes DuckDB list them, so that the report can count them.
            reader = self._reader[:-1] + ", store_rejects=true)" if csv else self._reader
            try:
                select = self._select(con)
                row = con.execute(
                    f"""
                    WITH raw AS (SELECT * FROM {reader}),
                    m AS (SELECT {select} FROM raw)
                    SELECT count(*),
                           count(*) FILTER (WHERE customer_id IS NULL),
                           count(*) FILTER (WHERE customer_id IS NOT NULL AND timestamp IS NULL)
                    FROM m"""
                ).fetchall()[0]  # fetchall: the query must finish before its rejects exist
                ragged = (
                    [
                        int(r[0])
                        for r in con.execute(
                            "SELECT DISTINCT line FROM reject_errors ORDER BY line"
                        ).fetchall()
                    ]
                    if csv
                    else []
                )
                distinct_valid = con.execute(
                    f"SELECT count(*) FROM (SELECT {select} FROM "
                    f"(SELECT DISTINCT * FROM {self._reader})) "
                    "WHERE customer_id IS NOT NULL AND timestamp IS NOT NULL"
                ).fetchone()
            except duckdb.Error as exc:  # DuckDB's own reading errors get our message
                raise _unreadable(self.path, exc) from None
            finally:
                con.close()
            assert row is not None and distinct_valid is not None
            rows_in, no_id, bad_ts = (int(v) for v in row)
            valid = rows_in - no_id - bad_ts
            excluded = {
                "missing_id": no_id,
                "bad_timestamp": bad_ts,
                "duplicate": valid - int(distinct_valid[0]),
            }
            examples: dict[str, list[int]] = {}
            if ragged:
                excluded["ragged"] = len(ragged)
                skip = 2 if "skip=1" in self._reader else 1  # header (and sep= line)
                examples["ragged"] = [line - skip for line in ragged[:5]]
            self._report = {
                "source": self.path.name,
                "rows_in": rows_in + len(ragged),
                "rows_out": valid,
                "excluded": excluded,
                "warnings": {},
                "examples": examples,
                "lazy": True,
                "notes": [self._note] if self._note else [],
            }
        return self._report

    @property
    def explanation(self) -> str:
        """The German report (see :func:`~cjmlib.analytics.explain_report`)."""
        from cjmlib.analytics.events import explain_report

        return explain_report(self.report)

    def head(self, n: int = 5) -> pd.DataFrame:
        """The first ``n`` events (mapped and parsed) as a pandas DataFrame."""
        import duckdb

        from cjmlib.analytics.runners import duckdb_connect

        con = duckdb_connect()
        try:
            return con.execute(
                f"SELECT {self._select(con)} FROM {self._reader} LIMIT {int(n)}"
            ).df()
        except duckdb.Error as exc:
            raise _unreadable(self.path, exc) from None
        finally:
            con.close()

    def to_pandas(self) -> pd.DataFrame:
        """Load the whole log with :func:`~cjmlib.analytics.load_events` rules."""
        from cjmlib.analytics.events import load_events
        from cjmlib.analytics.runners import duckdb_connect

        con = duckdb_connect()
        try:
            raw = con.execute(f"SELECT * FROM {self._reader}").df()
        finally:
            con.close()
        frame = load_events(raw, columns={o: th for o, th in self._mapping.items()})
        frame.attrs["report"]["source"] = self.path.name
        return frame


def _german_number_sql(col: str) -> str:
    text = f"trim(CAST({col} AS VARCHAR))"
    return (
        f"CASE WHEN contains({text}, ',') THEN "
        f"TRY_CAST(replace(replace({text}, '.', ''), ',', '.') AS DOUBLE) "
        f"ELSE TRY_CAST({text} AS DOUBLE) END"
    )


def _epoch_sql(num: str) -> str:
    """Epoch seconds or milliseconds (1973..2199) -> TIMESTAMPTZ; anything else NULL."""
    return (
        f"CASE WHEN {num} >= 1e8 AND {num} < 7.25e9 THEN to_timestamp({num}) "
        f"WHEN {num} >= 1e11 AND {num} < 7.25e12 THEN to_timestamp({num} / 1000) END"
    )


def _unreadable(path: Path, exc: BaseException) -> CJMError:
    kind = "parquet" if path.suffix.casefold() in PARQUET else "csv"
    return ImportProblem(
        t(f"engine.error.unreadable_{kind}", path=path.name),
        field="source",
        value=path.name,
    )


def scan_events(
    source: str | Path,
    *,
    columns: Mapping[str, str] | None = None,
    sep: str | None = None,
    encoding: str | None = None,
    timestamp_format: str | None = None,
) -> EventLog:
    """Open a large event log file for analysis without loading it into memory.

    Parameters
    ----------
    source:
        Path of a ``.parquet`` file or a text table (``.csv``, ``.tsv``, ``.txt``; any
        encoding and separator German Excel writes, see :mod:`cjmlib.files`).
    columns, sep, timestamp_format:
        As for :func:`~cjmlib.analytics.load_events`.
    encoding:
        Text encoding; None = recognised from the first megabyte.

    Returns
    -------
    EventLog
        Pass it to ``funnel``, ``top_paths`` ... like a DataFrame. Rows without a
        customer or a readable time are left out of every computation; ``report`` and
        ``explanation`` count them (and duplicates) on demand.
    """
    from cjmlib.analytics.runners import _kind_of_duck_type, shared_connection
    from cjmlib.analytics.sources import (
        check_encoding,
        check_sep,
        check_timestamp_format,
        source_path,
    )

    path = source_path(source)
    check_timestamp_format(timestamp_format)
    sep = check_sep(sep)
    encoding = check_encoding(encoding)
    suffix = path.suffix.casefold()
    tmpdir: str | None = None
    note = ""
    try:
        if suffix in PARQUET:
            reader = f"read_parquet({_lit(str(path))})"
        else:
            from cjmlib.files.bigtext import sniff_file_head, transcode_to_utf8
            from cjmlib.files.sniff import ENCODINGS

            sniff, size = sniff_file_head(path, encoding=encoding, sep=sep)
            if size == 0 or not sniff.text.strip():
                raise ImportProblem(t("engine.error.empty_file", path=path.name), field="source")
            file = path
            if sniff.encoding not in ("utf-8", "utf-8-sig"):
                tmpdir = tempfile.mkdtemp(prefix="cjmlib-scan-")
                file = Path(tmpdir) / "utf8.csv"
                transcode_to_utf8(path, sniff.encoding, file)
            delim = sniff.sep or ","
            reader = (
                f"read_csv({_lit(str(file))}, delim={_lit(delim)}, header=true, all_varchar=true, "
                f"quote='\"', escape='\"', skip={1 if sniff.sep_line else 0}, null_padding=true, "
                "ignore_errors=true, auto_detect=false"
            )
            note = t(
                "engine.events.read_as",
                encoding=ENCODINGS.get(sniff.encoding, sniff.encoding),
                sep={"\t": "Tabulator", ";": ";", ",": ",", "|": "|"}.get(delim, delim),
            )
            header = next(iter(sniff.text.splitlines()), "")
            import csv

            names = next(csv.reader([header], delimiter=delim), [])
            cols = ", ".join(f"{_lit(n or f'column{i}')}: 'VARCHAR'" for i, n in enumerate(names))
            reader += f", columns={{{cols}}})"
        import duckdb

        try:
            described = shared_connection().execute(f"DESCRIBE SELECT * FROM {reader}").fetchall()
        except duckdb.Error as exc:  # DuckDB's own reading errors get our message
            raise _unreadable(path, exc) from None
        found = [str(r[0]) for r in described]
        types = {str(r[0]): _kind_of_duck_type(str(r[1])) for r in described}
        mapping = resolve_mapping(found, columns, path.name)
    except BaseException:
        # No EventLog will own the UTF-8 copy of a refused file: delete it now, not at exit.
        if tmpdir is not None:
            shutil.rmtree(tmpdir, ignore_errors=True)
        raise
    return EventLog(path, reader, mapping, found, types, timestamp_format, note, tmpdir)
