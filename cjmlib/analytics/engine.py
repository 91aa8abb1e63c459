"""The analytics engine: every computation on an event log is one SQL query.

Why SQL and not Ibis
--------------------
The metrics are written as SQL and run by DuckDB (embedded, the default) or Spark
(the scale path). Ibis would give the same reach, but importing it with its DuckDB
backend costs about 0.5 s more per process than DuckDB alone (measured with
``python -X importtime`` and whole-process timings; see ``benchmarks/README.md``),
which alone breaks the "≤ 1.2 × hand-written DuckDB SQL" target for a notebook that
asks one question. Ibis is used only where it is the best bridge: an Ibis table as
input (BigQuery, Snowflake, Postgres ...), imported lazily when such a table comes in.

How an input is wrapped
-----------------------
:func:`open_events` accepts

- a pandas DataFrame (as in the chapters) or a Polars frame: registered in a fresh
  in-memory DuckDB connection, no copy of the data;
- a path to a ``.parquet`` or ``.csv`` file, or an :class:`~cjmlib.analytics.scan.EventLog`
  from :func:`~cjmlib.analytics.scan_events`: scanned by DuckDB, never loaded into
  pandas, out of core when it does not fit into memory (see :func:`configure`);
- a DuckDB relation (``con.table("events")``, ``con.sql("...")``): queried on its own
  connection;
- a PySpark DataFrame: registered as a temporary view and queried with Spark SQL;
- an Ibis table: the query is sent through Ibis (``con.sql(query, dialect="duckdb")``),
  which translates it for the warehouse behind the table.

and returns an :class:`Events` handle. A metric then reads::

    with open_events(events, need=("customer_id", "timestamp", by)) as ev:
        d = ev.dialect
        table = ev.fetch(f"SELECT {d.q(by)} AS step, count(*) AS n FROM {ev.rel} GROUP BY 1")

``ev.rel`` is a relation with our column names (:mod:`cjmlib.analytics.schema`) that
holds only rows with a customer and a time (the columns in ``need``);
``ev.rel_distinct`` additionally drops rows that repeat an earlier row in *all* columns
of the source (only files can still hold such rows: :func:`load_events` has already
removed them from a loaded log). Use it for metrics that count events; metrics that
count customers or collapse repeats do not need it.

How a metric is written once for DuckDB and Spark
-------------------------------------------------
In the SQL subset both engines share, with :class:`~cjmlib.analytics.dialect.Dialect`
for the rest (``d.q`` quoting, ``d.lit`` strings, ``d.epoch_us``, ``d.quantile``,
``d.arg_min``, ``d.period_index``). Always spell out ``NULLS FIRST``/``NULLS LAST``, and
order events of one customer by ``timestamp`` and then by the value being sequenced, so
that ties come out the same on every engine without a row number.
``tests/test_analytics_spark.py`` runs the same calls on both engines and compares.

Pointing a notebook at a warehouse
----------------------------------
A company's events in BigQuery (the GA4 export) or Snowflake are reached through Ibis::

    import ibis
    con = ibis.bigquery.connect(project_id="mein-projekt", dataset_id="analytics_123")
    events = con.table("events_flat")   # with our column names, e.g. a view
    funnel(events, ["Suche", "Warenkorb", "Kauf"], by="touchpoint")

Install ``ibis-framework[bigquery]`` (or ``[snowflake]``). The metric's SQL is written
in DuckDB's dialect and translated by Ibis/sqlglot; only the small result table travels
back.

Spark
-----
Pass a Spark DataFrame (``spark.table("events")``, ``spark.read.parquet(...)``); the
metric runs as Spark SQL on the cluster and only the result comes back. Time: DuckDB reads
naive timestamps as wall-clock time and cuts calendar periods of time-zone-aware ones in
Europe/Berlin. Spark does both in ``spark.sql.session.timeZone``: use ``"UTC"`` for naive
wall-clock logs (as ``tests/test_analytics_spark.py`` does) and ``"Europe/Berlin"`` for
logs of instants, and the answers match DuckDB's.
"""

from __future__ import annotations

import itertools
import os
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from cjmlib.analytics.dialect import DUCKDB, SPARK, Dialect
from cjmlib.errors import CJMError
from cjmlib.messages import t

if TYPE_CHECKING:
    import duckdb
    import pandas as pd

__all__ = ["Events", "configure", "engine_settings", "open_events"]

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
_warmed = threading.Event()


def _warm_up() -> None:
    """Import pandas and read the message catalogue in a background thread.

    A file is scanned by DuckDB, which releases the GIL while it works; meanwhile the
    libraries for the (small) result table load. A script that asks one question of a
    large file thus pays for them only once, in parallel (see benchmarks/README.md).
    """
    if _warmed.is_set() or "pandas" in sys.modules:
        return
    _warmed.set()

    def work() -> None:
        import pandas  # noqa: F401

        t("analytics.funnel.summary", start=0, first="", end=0, last="", share="")

    threading.Thread(target=work, name="cjmlib-warm-up", daemon=True).start()


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
        from cjmlib.analytics.events import FALSE_WORDS, TRUE_WORDS

        norm = f"lower(trim({self.dialect.text(col)}))"
        yes = ", ".join(self.dialect.lit(w) for w in sorted(TRUE_WORDS))
        no = ", ".join(self.dialect.lit(w) for w in sorted(FALSE_WORDS - {""}))
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


def _check_need(columns: Sequence[str], need: Sequence[str], label: str) -> None:
    from cjmlib.analytics._common import require_columns

    require_columns(columns, need, label)


def _frame_for_duckdb(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame's columns in a form DuckDB scans directly (no copy where none is needed).

    Text timestamps are parsed with the loader's rules; yes/no text stays text (the SQL
    reads it with :meth:`Events.is_true`); object columns holding text become strings.
    """
    import pandas as pd

    from cjmlib.analytics.events import parse_timestamps

    # Positions, not index labels: a filtered or sorted frame has gaps in its index, and
    # building the new frame from labelled series would align them (wrong rows, NaN).
    frame = frame.reset_index(drop=True)
    cols: dict[str, pd.Series] = {}
    for name in frame.columns:
        if not isinstance(name, str):
            continue
        series = frame[name]
        if name == "timestamp" and not pd.api.types.is_datetime64_any_dtype(series):
            series = parse_timestamps(series)
        elif series.dtype == object:
            series = series.astype("string")
        cols[name] = series
    return pd.DataFrame(cols, copy=False)


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


@contextmanager
def open_events(
    source: Any, *, need: Sequence[str] = ("customer_id", "timestamp"), name: str = "events"
) -> Iterator[Events]:
    """Wrap ``source`` for a metric's SQL (see the module docstring); closes what it opened.

    ``need`` lists the columns the metric requires; a missing one raises the German
    :class:`CJMError` naming the columns found. ``name`` is the trainee's variable name
    for messages.
    """
    from cjmlib.analytics.scan import EventLog, scan_events

    pandas = sys.modules.get("pandas")
    is_frame = pandas is not None and isinstance(source, pandas.DataFrame)
    if isinstance(source, (str, Path)) or isinstance(source, EventLog):
        _warm_up()
    if isinstance(source, (str, Path)):
        source = scan_events(source)
    if isinstance(source, EventLog):
        with source.open(need=need, name=name) as ev:
            yield ev
        return
    view = _fresh_name()
    runner: _Runner
    declared: dict[str, list[str]] = {}
    if is_frame or _is_polars(source):
        import pandas as pd

        frame = source if is_frame else _polars_to_pandas(source, name)
        _check_need([str(c) for c in frame.columns], need, name)
        declared = {
            str(c): [str(v) for v in frame[c].cat.categories]
            for c in frame.columns
            if isinstance(frame[c].dtype, pd.CategoricalDtype)
        }
        con = shared_connection()
        con.register(view, _frame_for_duckdb(frame))
        runner = _DuckRunner(con, own=False, registered=view)
        types = {
            str(r[0]): _kind_of_duck_type(str(r[1]))
            for r in con.execute(f"DESCRIBE {DUCKDB.q(view)}").fetchall()
        }
        rel_name = DUCKDB.q(view)
        dialect: Dialect = DUCKDB
    elif _is_duck_relation(source):
        runner = _RelationRunner(source, view)
        types = {
            str(c): _kind_of_duck_type(str(tp))
            for c, tp in zip(source.columns, source.types, strict=True)
        }
        rel_name, dialect = DUCKDB.q(view), DUCKDB
    elif _is_spark(source):
        source.createOrReplaceTempView(view)
        runner = _SparkRunner(source.sparkSession)
        types = {str(c): _kind_of_spark_type(str(tp)) for c, tp in source.dtypes}
        rel_name, dialect = SPARK.q(view), SPARK
    elif _is_ibis(source):
        runner = _IbisRunner(source, view)
        schema = source.schema()
        types = {str(c): _kind_of_ibis_type(str(tp)) for c, tp in schema.items()}
        rel_name, dialect = DUCKDB.q(view), DUCKDB
    else:
        raise not_supported(source, name)
    try:
        columns = tuple(types)
        _check_need(columns, need, name)
        rel = f"(SELECT * FROM {rel_name} WHERE {_where(dialect, need)}) AS ev"
        yield Events(
            rel=rel,
            rel_distinct=rel,
            columns=columns,
            types=types,
            dialect=dialect,
            label=name,
            _runner=runner,
            declared=declared,
        )
    finally:
        if _is_spark(source):
            source.sparkSession.catalog.dropTempView(view)
        runner.close()


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
