"""Shared helpers of the analytics modules: column checks, German numbers, sorting.

Nothing here is public API. The central piece is :func:`sequence`, which turns an event
log into integer arrays sorted once by customer and time; funnels, paths and switches
all work on these arrays with vectorised numpy instead of Python loops.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from cjmlib.errors import CJMError
from cjmlib.messages import t

#: Fewer answers than this behind a figure earn a German warning.
MIN_ANSWERS = 30

#: The step columns a trainee may analyse by (plus any other column of the log).
STEP_COLUMNS = ("phase", "touchpoint", "touchpoint_id", "channel", "device")


def fmt_int(value: float | int) -> str:
    """Format a count the German way: 12345 -> "12.345"."""
    return f"{int(value):,}".replace(",", ".")


def fmt_num(value: float, digits: int = 1) -> str:
    """Format a number the German way: 12.5 -> "12,5"."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    text = f"{value:,.{digits}f}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


def fmt_pct(share: float, digits: int = 1) -> str:
    """Format a share 0..1 as German percent: 0.125 -> "12,5 %"."""
    if share is None or (isinstance(share, float) and math.isnan(share)):
        return "–"
    return f"{fmt_num(100 * share, digits)} %"


def require_frame(data: object, name: str) -> pd.DataFrame:
    """Raise a German error unless ``data`` is a DataFrame."""
    if not isinstance(data, pd.DataFrame):
        raise CJMError(
            t("analytics.error.not_a_frame", name=name, kind=type(data).__name__),
            field=name,
            value=type(data).__name__,
        )
    return data


def require_columns(df: pd.DataFrame, columns: Iterable[str], name: str) -> None:
    """Raise a German error naming the missing columns and the ones available."""
    missing = [c for c in columns if c not in df.columns]
    if missing:
        allowed = ", ".join(map(str, df.columns)) or "–"
        raise CJMError(
            t(
                "analytics.error.missing_columns",
                name=name,
                missing=", ".join(missing),
                allowed=allowed,
            ),
            field=missing[0],
            value=missing,
            allowed=allowed,
        )


def codes_of(series: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Return (integer codes, categories) of a column; missing values get code -1.

    A categorical column costs nothing here; any other column is factorised once.
    """
    if isinstance(series.dtype, pd.CategoricalDtype):
        cats = np.asarray(series.cat.categories, dtype=object)
        return np.asarray(series.cat.codes), cats
    codes, uniques = pd.factorize(series, sort=True)
    return np.asarray(codes), np.asarray(uniques, dtype=object)


def time_ints(series: pd.Series) -> np.ndarray:
    """Return timestamps as int64 nanoseconds (NaT -> the smallest int64)."""
    values = series
    if not pd.api.types.is_datetime64_any_dtype(values):
        values = pd.to_datetime(values)
    if getattr(values.dt, "tz", None) is not None:
        values = values.dt.tz_localize(None)
    return np.asarray(values.astype("datetime64[ns]").to_numpy().view("int64"))


@dataclass(frozen=True)
class EventSequence:
    """An event log as arrays sorted by customer and time (stable: ties keep row order).

    Attributes
    ----------
    order:
        Row positions of the original frame in sorted order.
    customer:
        Customer code per sorted event (0..n_customers-1).
    time:
        Timestamp per sorted event, int64 nanoseconds.
    n_customers:
        Number of distinct customers.
    customers:
        The customer ids, indexed by customer code.
    """

    order: np.ndarray | None
    customer: np.ndarray
    time: np.ndarray
    n_customers: int
    customers: np.ndarray

    def take(self, values: np.ndarray) -> np.ndarray:
        """Return ``values`` (aligned with the original rows) in sorted order."""
        return values if self.order is None else values[self.order]

    @property
    def starts(self) -> np.ndarray:
        """Boolean array: True where a new customer's events begin."""
        new = np.empty(len(self.customer), dtype=bool)
        if len(new):
            new[0] = True
            np.not_equal(self.customer[1:], self.customer[:-1], out=new[1:])
        return new


def _divisible(values: np.ndarray, unit: int) -> bool:
    """Tell whether every value is a multiple of ``unit`` (in chunks: little memory)."""
    step = 1 << 20
    return not any(np.any(values[i : i + step] % unit) for i in range(0, len(values), step))


def _pack_time(
    time: np.ndarray, n_customers: int, spare_bits: int = 0
) -> tuple[np.ndarray, int, int, int] | None:
    """Return (relative time, span, unit, tmin) so that a packed key fits into int64.

    The unit is the finest of ns, us, ms, s that loses nothing and leaves room for
    ``n_customers`` times the span, shifted left by ``spare_bits``; None if none fits.
    """
    if len(time) == 0:
        return np.zeros(0, dtype=np.int64), 0, 1, 0
    tmin = int(time.min())
    span = int(time.max()) - tmin
    limit = 2 ** (62 - spare_bits)
    for unit in (1, 1_000, 1_000_000, 1_000_000_000):
        if unit > 1 and not _divisible(time, unit):
            return None
        if (span // unit + 1) * max(n_customers, 1) < limit:
            rel = time - tmin
            if unit > 1:
                rel //= unit
            return rel, span // unit, unit, tmin
    return None


def _sort_key(cust: np.ndarray, time: np.ndarray, n_customers: int) -> np.ndarray | None:
    """Pack (customer, time) into one int64 when the ranges allow it, else None."""
    packed = _pack_time(time, n_customers)
    if packed is None:
        return None
    rel, span, _, _ = packed
    return cust.astype(np.int64) * (span + 1) + rel


@dataclass(frozen=True)
class CodedSequence:
    """Sorted arrays of one step column: customer code, time (int64 ns or None), step code."""

    customer: np.ndarray
    time: np.ndarray | None
    code: np.ndarray
    n_customers: int

    @property
    def n_people(self) -> int:
        """Customers with at least one event in the arrays."""
        if len(self.customer) == 0:
            return 0
        return int(np.count_nonzero(self.customer[1:] != self.customer[:-1])) + 1


def coded_sequence(
    events: pd.DataFrame,
    codes: np.ndarray,
    n_codes: int,
    mask: np.ndarray | None = None,
    *,
    with_time: bool = True,
) -> CodedSequence:
    """Sort (customer, time, step code) together, fast and with little memory.

    Fast path: customer, time and step code are packed into one int64 per event and
    sorted by value (numpy's SIMD sort), which beats an argsort plus gathers. Packing
    orders events with equal customer and time by step code rather than by row, so if
    such ties exist the function falls back to the stable argsort of :func:`sequence`
    (ties keep the row order). Both paths give the same arrays whenever there are no
    ties. ``with_time=False`` skips decoding the times (paths do not need them).
    """
    require_columns(events, ["customer_id", "timestamp"], "events")
    cust, customers = codes_of(events["customer_id"])
    time = time_ints(events["timestamp"])
    n_customers = len(customers)
    valid = (cust >= 0) & (time != np.iinfo(np.int64).min) & (codes >= 0)
    if mask is not None:
        valid &= np.asarray(mask, dtype=bool)
    if not valid.all():
        cust, time, codes = cust[valid], time[valid], codes[valid]
    del valid
    bits = max(int(n_codes).bit_length(), 1)
    small = np.int16 if bits < 15 else np.int32
    packed = _pack_time(time, n_customers, spare_bits=bits)
    if packed is not None:
        rel, span, unit, tmin = packed
        key = cust.astype(np.int64)
        key *= span + 1
        key += rel
        del rel
        key <<= bits
        key |= codes.astype(np.int64)
        key.sort()
        code = (key & ((1 << bits) - 1)).astype(small)
        key >>= bits  # now customer * (span + 1) + relative time
        if len(key) < 2 or not bool(np.any(key[1:] == key[:-1])):
            cust_sorted = (key // (span + 1)).astype(np.int32)
            if not with_time:
                return CodedSequence(cust_sorted, None, code, n_customers)
            np.remainder(key, span + 1, out=key)
            if unit > 1:
                key *= unit
            key += tmin
            return CodedSequence(cust_sorted, key, code, n_customers)
        del key, code
    order = _stable_order(cust, time, n_customers)
    if order is not None:
        cust, time, codes = cust[order], time[order], codes[order]
    return CodedSequence(
        np.asarray(cust),
        np.asarray(time) if with_time else None,
        np.asarray(codes).astype(small),
        n_customers,
    )


def _stable_order(cust: np.ndarray, time: np.ndarray, n_customers: int) -> np.ndarray | None:
    """Stable order by (customer, time); None when already sorted."""
    key = _sort_key(cust, time, n_customers)
    if key is None:
        return np.lexsort((time, cust))
    if len(key) < 2 or bool(np.all(key[1:] >= key[:-1])):
        return None
    return np.argsort(key, kind="stable")


def sequence(events: pd.DataFrame, mask: np.ndarray | None = None) -> EventSequence:
    """Sort the log once by customer and time and return it as integer arrays.

    ``mask`` keeps only some rows (for example the events of a funnel's steps), which
    makes the sort smaller; ``order`` still points to rows of the original frame.
    """
    require_columns(events, ["customer_id", "timestamp"], "events")
    cust, customers = codes_of(events["customer_id"])
    time = time_ints(events["timestamp"])
    n_customers = len(customers)
    # Rows without a customer or a time cannot be placed in a journey; load_events
    # reports them, and here they are left out of the arrays (never guessed).
    valid = (cust >= 0) & (time != np.iinfo(np.int64).min)
    if mask is not None:
        valid &= np.asarray(mask, dtype=bool)
    keep = None
    if not valid.all():
        keep = np.flatnonzero(valid)
        cust = cust[keep]
        time = time[keep]
    order = _stable_order(cust, time, n_customers)
    if order is not None:
        cust = cust[order]
        time = time[order]
    if keep is not None:
        order = keep if order is None else keep[order]
    return EventSequence(
        order=order, customer=cust, time=time, n_customers=n_customers, customers=customers
    )


def check_by(events: pd.DataFrame, by: str) -> None:
    """Raise a German error when ``by`` is not a column of the log."""
    if by not in events.columns:
        allowed = ", ".join(c for c in events.columns if c not in ("customer_id", "timestamp"))
        raise CJMError(
            t("analytics.error.unknown_by", value=by, allowed=allowed),
            field="by",
            value=by,
            allowed=allowed,
        )


def resolve_steps(steps: Sequence[object], cats: np.ndarray, by: str) -> list[int]:
    """Return the category code of each step; raise a German error for unknown steps."""
    if isinstance(steps, str) or not isinstance(steps, Sequence) or len(steps) < 2:
        raise CJMError(t("analytics.error.steps_too_few", by=by), field="steps", value=steps)
    lookup = {str(c): i for i, c in enumerate(cats)}
    folded = {str(c).casefold(): i for i, c in enumerate(cats)}
    out = []
    for step in steps:
        code = lookup.get(str(step), folded.get(str(step).casefold()))
        if code is None:
            allowed = ", ".join(map(str, cats))
            raise CJMError(
                t("analytics.error.unknown_step", value=step, by=by, allowed=allowed),
                field="steps",
                value=step,
                allowed=allowed,
            )
        out.append(code)
    return out


def conversion_mask(events: pd.DataFrame, conversion: str | None) -> np.ndarray:
    """Return a boolean mask of the conversion events (aligned with the original rows).

    ``None`` means purchase events, i.e. rows with a ``value`` (revenue); a string is
    matched against ``touchpoint_id``, ``touchpoint`` and ``phase`` (case-insensitive).
    """
    if conversion is None:
        if "value" not in events.columns:
            raise CJMError(t("analytics.error.no_conversion"), field="conversion")
        return np.asarray(events["value"].notna())
    wanted = str(conversion).casefold()
    mask = np.zeros(len(events), dtype=bool)
    seen: list[str] = []
    for col in ("touchpoint_id", "touchpoint", "phase"):
        if col in events.columns:
            codes, cats = codes_of(events[col])
            hits = [i for i, c in enumerate(cats) if str(c).casefold() == wanted]
            seen.extend(map(str, cats))
            if hits:
                mask |= np.isin(codes, hits)
    if not mask.any():
        allowed = ", ".join(dict.fromkeys(seen)) or "–"
        raise CJMError(
            t("analytics.error.unknown_conversion", value=conversion, allowed=allowed),
            field="conversion",
            value=conversion,
            allowed=allowed,
        )
    return mask


def wilson(
    successes: np.ndarray | float, n: np.ndarray | float, alpha: float = 0.05
) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for proportions (NaN where n == 0)."""
    from statsmodels.stats.proportion import proportion_confint

    s = np.asarray(successes, dtype=float)
    m = np.asarray(n, dtype=float)
    safe = np.where(m > 0, m, 1.0)
    low, high = proportion_confint(np.minimum(s, safe), safe, alpha=alpha, method="wilson")
    low = np.where(m > 0, low, np.nan)
    high = np.where(m > 0, high, np.nan)
    return low, high


def small_sample_note(n: int) -> str:
    """Return the German warning for fewer than :data:`MIN_ANSWERS`, else ""."""
    if 0 < n < MIN_ANSWERS:
        return t("analytics.warning.small_sample", n=n, min=MIN_ANSWERS)
    if n == 0:
        return t("analytics.warning.no_data")
    return ""
