"""Where a metric's SQL runs: DuckDB connections, the runners and the :class:`Events` handle.

The bottom of the analytics engine. :mod:`cjmlib.analytics.engine` (wrapping an input),
:mod:`cjmlib.analytics.scan` (a file scanned lazily) and :mod:`cjmlib.analytics.events`
(loading a log) all build on it, and it imports none of them, so the three need not
import each other in a circle. How a metric uses the handle: see the docstring of
:mod:`cjmlib.analytics.engine`.
"""

from __future__ import annotations

import itertools
import os
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from cjmlib.analytics.dialect import DUCKDB, SPARK, Dialect
from cjmlib.errors import CJMError
from cjmlib.messages import t
from cjmlib.messages.text import NO_WORDS, YES_WORDS

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    import duckdb
    import pandas as pd

__all__ = [
    "Events",
    "configure",
    "duckdb_connect",
    "engine_settings",
    "not_supported",
    "shared_connection",
]


_names = itertools.count()
_lock = threading.Lock()


def _fresh_name(prefix: str = "cjm_events") -> str:
    with _lock:
        return f"{prefix}_{os.getpid()}_{next(_names)}"


@dataclass
class _Settings:
    threads: int | None = None
    memory_limit: str | None = None
    temp_directory: str | None = None


_SETTINGS = _Settings()


def configure(
    *,
    threads: int | None = None,
    memory_limit: str | None = None,
    temp_directory: str | Path | None = None,
) -> None:
    """Set how DuckDB may use this machine (for every later computation).

    Parameters
    ----------
    threads:
        Worker threads; None = one per core.
    memory_limit:
        e.g. ``"2GB"``; beyond it DuckDB spills to ``temp_directory`` (out of core).
        None = half of the machine's memory, at most 2.5 GB (see :func:`_default_memory_limit`).
    temp_directory:
        Where DuckDB spills; None = a folder in the system's temporary directory.
    """
    _SETTINGS.threads = threads
    _SETTINGS.memory_limit = memory_limit
    _SETTINGS.temp_directory = None if temp_directory is None else str(temp_directory)


#: The most DuckDB's buffer manager may hold by default. The process needs more than that:
#: DuckDB allocates some memory outside the limit, and Python with pandas holds ~100 MiB.
#: At 3 M events with a 100/300 MB limit the process peaked 190/170 MiB above it; 2.5 GB
#: keeps a 100 M event log well below the 4 GB target (benchmarks/README.md).
DEFAULT_MEMORY_CAP_MIB = 2560


def _default_memory_limit() -> str:
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return f"{DEFAULT_MEMORY_CAP_MIB}MB"
    mib = max(256, min(DEFAULT_MEMORY_CAP_MIB, total // 2 // 2**20))
    return f"{mib}MB"


def engine_settings() -> dict[str, str]:
    """The DuckDB settings a new connection gets (for the report and the benchmark)."""
    temp = _SETTINGS.temp_directory or str(Path(tempfile.gettempdir()) / "cjmlib-duckdb")
    out = {
        "memory_limit": _SETTINGS.memory_limit or _default_memory_limit(),
        "temp_directory": temp,
        "TimeZone": "Europe/Berlin",
        "preserve_insertion_order": "false",
        "enable_progress_bar": "false",
    }
    if _SETTINGS.threads:
        out["threads"] = str(_SETTINGS.threads)
    return out


def duckdb_connect() -> duckdb.DuckDBPyConnection:
    """A fresh in-memory DuckDB connection with :func:`engine_settings`."""
    import duckdb

    con = duckdb.connect(":memory:")
    for key, value in engine_settings().items():
        con.execute(f"SET {key} = '{value}'")
    return con


_local = threading.local()


def shared_connection() -> duckdb.DuckDBPyConnection:
    """This thread's DuckDB connection for DataFrame inputs (opening one costs ~30 ms).

    Views registered on it are unregistered after each computation; :func:`configure`
    makes the next call open a new one with the new settings.
    """
    settings = tuple(sorted(engine_settings().items()))
    con = getattr(_local, "con", None)
    if con is None or getattr(_local, "settings", None) != settings:
        if con is not None:
            con.close()
        con = duckdb_connect()
        _local.con, _local.settings = con, settings
    return con


class _Runner(Protocol):
    dialect: Dialect

    def fetch(self, sql: str) -> pd.DataFrame: ...

    def close(self) -> None: ...


class _DuckRunner:
    dialect = DUCKDB

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        own: bool,
        registered: str | None = None,
        on_error: Callable[[Exception], CJMError] | None = None,
    ) -> None:
        self.con = con
        self.own = own
        self.registered = registered
        self.on_error = on_error

    def fetch(self, sql: str) -> pd.DataFrame:
        if self.on_error is None:
            frame: pd.DataFrame = self.con.execute(sql).df()
            return frame
        import duckdb

        try:
            frame = self.con.execute(sql).df()
            return frame
        except duckdb.Error as exc:  # a damaged file shows up only while it is read
            raise self.on_error(exc) from None

    def close(self) -> None:
        if self.registered is not None:
            self.con.unregister(self.registered)
        if self.own:
            self.con.close()


class _RelationRunner:
    """A DuckDB relation handed in by the caller: queried on its own connection."""

    dialect = DUCKDB

    def __init__(self, rel: duckdb.DuckDBPyRelation, name: str) -> None:
        self.rel = rel
        self.name = name

    def fetch(self, sql: str) -> pd.DataFrame:
        result = self.rel.query(self.name, sql)
        assert result is not None  # a SELECT always gives a relation
        frame: pd.DataFrame = result.df()
        return frame

    def close(self) -> None:
        pass


class _SparkRunner:
    dialect = SPARK

    def __init__(self, session: Any) -> None:
        self.session = session

    def fetch(self, sql: str) -> pd.DataFrame:
        frame: pd.DataFrame = self.session.sql(sql).toPandas()
        return frame

    def close(self) -> None:
        pass


class _IbisRunner:
    """An Ibis table (BigQuery, Snowflake, ...): our DuckDB-dialect SQL, translated by Ibis."""

    dialect = DUCKDB

    def __init__(self, table: Any, name: str) -> None:
        self.table = table
        self.name = name

    def fetch(self, sql: str) -> pd.DataFrame:
        frame: pd.DataFrame = self.table.alias(self.name).sql(sql, dialect="duckdb").to_pandas()
        return frame

    def close(self) -> None:
        pass


@dataclass
class Events:
    """An event log inside an engine, ready for a metric's SQL (see the module docstring).

    Attributes
    ----------
    rel:
        A relation (view name or parenthesised subquery with alias) with our column names,
        restricted to rows that have the columns of ``need``.
    rel_distinct:
        The same without rows repeating an earlier row in every column of the source.
    columns:
        Our column names available in ``rel``.
    types:
        Per column a kind: ``"timestamp"``, ``"bool"``, ``"number"`` or ``"text"``.
    dialect:
        How to spell engine-specific SQL.
    label:
        How messages name the input (the trainee's variable or the file name).
    """

    rel: str
    rel_distinct: str
    columns: tuple[str, ...]
    types: dict[str, str]
    dialect: Dialect
    label: str
    _runner: _Runner
    _values: dict[str, list[str]] = field(default_factory=dict)
    declared: dict[str, list[str]] = field(default_factory=dict)

    def fetch(self, sql: str) -> pd.DataFrame:
        """Run ``sql`` and return the (small) result as a pandas DataFrame."""
        return self._runner.fetch(sql)

    def has(self, column: str) -> bool:
        """Whether the log has ``column``."""
        return column in self.columns

    def q(self, column: str) -> str:
        """The quoted column name (shortcut for ``self.dialect.q``)."""
        return self.dialect.q(column)

    def values(self, column: str) -> list[str]:
        """Distinct non-empty values of ``column`` as text, sorted (cached); for a
        categorical pandas column also the declared categories without rows."""
        if column not in self._values:
            col = self.dialect.text(self.q(column))
            frame = self.fetch(
                f"SELECT DISTINCT {col} AS v FROM {self.rel} WHERE {self.q(column)} IS NOT NULL"
            )
            found = {str(v) for v in frame["v"].tolist() if v is not None}
            found.update(self.declared.get(column, []))
            self._values[column] = sorted(found)
        return self._values[column]

    def is_true(self, column: str) -> str:
        """SQL that is TRUE/FALSE/NULL for a yes/no column, whatever its storage."""
        col = self.q(column)
        if self.types.get(column) == "bool":
            return f"{col}"
        if self.types.get(column) == "number":
            return f"(CASE WHEN {col} IS NULL THEN NULL ELSE {col} <> 0 END)"
        norm = f"lower(trim({self.dialect.text(col)}))"
        yes = ", ".join(self.dialect.lit(w) for w in sorted(YES_WORDS))
        no = ", ".join(self.dialect.lit(w) for w in sorted(NO_WORDS - {""}))
        return f"(CASE WHEN {norm} IN ({yes}) THEN TRUE WHEN {norm} IN ({no}) THEN FALSE END)"


def _kind_of_duck_type(name: str) -> str:
    upper = name.upper()
    if upper.startswith("TIMESTAMP") or upper == "DATE":
        return "timestamp"
    if upper == "BOOLEAN":
        return "bool"
    if any(
        upper.startswith(p)
        for p in ("INT", "BIGINT", "SMALLINT", "TINYINT", "HUGEINT", "U", "DOUBLE", "FLOAT")
    ) or upper.startswith(("DECIMAL", "REAL")):
        return "number"
    return "text"


def _kind_of_spark_type(name: str) -> str:
    lower = name.lower()
    if lower.startswith(("timestamp", "date")):
        return "timestamp"
    if lower == "boolean":
        return "bool"
    if lower in ("int", "bigint", "smallint", "tinyint", "double", "float") or lower.startswith(
        "decimal"
    ):
        return "number"
    return "text"


def _where(dialect: Dialect, need: Sequence[str]) -> str:
    conds = [f"{dialect.q(c)} IS NOT NULL" for c in need]
    return " AND ".join(conds) if conds else "TRUE"


def _is_polars(obj: object) -> bool:
    return type(obj).__module__.split(".")[0] == "polars"


def _is_spark(obj: object) -> bool:
    return type(obj).__module__.startswith("pyspark.sql") and hasattr(
        obj, "createOrReplaceTempView"
    )


def _is_ibis(obj: object) -> bool:
    return type(obj).__module__.startswith("ibis.") and hasattr(obj, "to_pandas")


def _is_duck_relation(obj: object) -> bool:
    return type(obj).__name__ == "DuckDBPyRelation"


def not_supported(source: object, name: str) -> CJMError:
    """The German error for an input the engine cannot read."""
    return CJMError(
        t("engine.error.source_kind", name=name, kind=type(source).__name__),
        field=name,
        value=type(source).__name__,
    )


def _kind_of_ibis_type(name: str) -> str:
    lower = name.lower().lstrip("!")
    if lower.startswith(("timestamp", "date")):
        return "timestamp"
    if lower == "boolean":
        return "bool"
    if lower.startswith(("int", "uint", "float", "decimal")):
        return "number"
    return "text"


def _polars_to_pandas(frame: Any, name: str) -> pd.DataFrame:
    import pandas as pd

    try:
        out = frame.to_pandas()
    except Exception:  # a foreign library's own failure: the trainee gets our message
        raise not_supported(frame, name) from None
    if not isinstance(out, pd.DataFrame):
        raise not_supported(frame, name)
    return out
