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

import sys
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cjmlib.analytics.dialect import DUCKDB, SPARK, Dialect

# The engine's bottom (connections, runners, the Events handle) lives in runners, which
# scan and events use too; configure, engine_settings and duckdb_connect stay reachable
# here, where the docs and the notebooks have always found them.
from cjmlib.analytics.runners import (
    Events,
    _DuckRunner,
    _fresh_name,
    _IbisRunner,
    _is_duck_relation,
    _is_ibis,
    _is_polars,
    _is_spark,
    _kind_of_duck_type,
    _kind_of_ibis_type,
    _kind_of_spark_type,
    _polars_to_pandas,
    _RelationRunner,
    _Runner,
    _SparkRunner,
    _where,
    not_supported,
    shared_connection,
)
from cjmlib.analytics.runners import configure as configure
from cjmlib.analytics.runners import duckdb_connect as duckdb_connect
from cjmlib.analytics.runners import engine_settings as engine_settings
from cjmlib.messages import t

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Events", "configure", "engine_settings", "open_events"]

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
