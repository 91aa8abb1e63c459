"""The few places where DuckDB SQL and Spark SQL differ, in one small module.

Every metric is written once as SQL in the subset both engines share (CTEs, window
functions, ``FILTER``-free aggregates, ``CASE``, ``NULLS FIRST/LAST`` always spelled out
because DuckDB sorts NULLs last and Spark first by default). What differs is asked of a
:class:`Dialect`: quoting names and strings, microseconds since the epoch, quantiles,
"value at the smallest order", and calendar periods.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DUCKDB", "SPARK", "Dialect"]

#: Calendar periods the retention analysis cuts time into.
PERIODS = ("month", "week", "quarter")


@dataclass(frozen=True)
class Dialect:
    """SQL spelling of one engine. Instances: :data:`DUCKDB`, :data:`SPARK`."""

    name: str

    def q(self, ident: str) -> str:
        """Quote a column or table name."""
        if self.name == "spark":
            return "`" + ident.replace("`", "``") + "`"
        return '"' + ident.replace('"', '""') + '"'

    def lit(self, value: str) -> str:
        """A string literal."""
        text = value.replace("'", "''")
        if self.name == "spark":
            text = text.replace("\\", "\\\\")
        return "'" + text + "'"

    def text(self, expr: str) -> str:
        """Cast to text."""
        return f"CAST({expr} AS {'STRING' if self.name == 'spark' else 'VARCHAR'})"

    def epoch_us(self, expr: str) -> str:
        """Microseconds since 1970-01-01 UTC as a 64-bit integer."""
        if self.name == "spark":
            return f"unix_micros(CAST({expr} AS TIMESTAMP))"
        return f"epoch_us({expr})"

    def quantile(self, expr: str, q: float) -> str:
        """Exact quantile with linear interpolation (pandas' default)."""
        if self.name == "spark":
            return f"percentile({expr}, {q!r})"
        return f"quantile_cont({expr}, {q!r})"

    def arg_min(self, value: str, order: str) -> str:
        """The ``value`` of the row with the smallest ``order`` in a group."""
        return f"{'min_by' if self.name == 'spark' else 'arg_min'}({value}, {order})"

    def period_index(self, period: str, expr: str) -> str:
        """A whole number per calendar period of ``expr`` (local time), consecutive periods
        differing by 1: months and quarters count from year 0, weeks (Monday to Sunday)
        from 1970."""
        if period == "month":
            return f"(year({expr}) * 12 + month({expr}) - 1)"
        if period == "quarter":
            return f"(year({expr}) * 4 + quarter({expr}) - 1)"
        week = f"date_trunc('week', {expr})"
        if self.name == "spark":
            return f"CAST(floor(unix_date(CAST({week} AS DATE)) / 7) AS BIGINT)"
        return f"(date_diff('day', DATE '1970-01-05', CAST({week} AS DATE)) // 7)"


DUCKDB = Dialect("duckdb")
SPARK = Dialect("spark")
