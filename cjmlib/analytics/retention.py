"""Repeat purchase and retention by cohort (the calendar period of the first purchase).

Periods are cut in local time (Europe/Berlin for time-zone-aware logs): a purchase at
23:30 UTC on 31 January counts for February.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from cjmlib.analytics._common import conversion_sql, fmt_pct
from cjmlib.analytics.engine import open_events
from cjmlib.errors import CJMError
from cjmlib.messages import t
from cjmlib.messages.choices import unknown_choice

FREQS = {
    "MS": "month",
    "M": "month",
    "ME": "month",
    "W": "week",
    "QS": "quarter",
    "Q": "quarter",
    "QE": "quarter",
}
RETENTION_COLUMNS = ["cohort", "period", "customers", "retained", "retention_rate"]


def period_start(index: int, period: str) -> pd.Timestamp:
    """The first day of the period numbered ``index`` by ``Dialect.period_index``."""
    if period == "month":
        return pd.Timestamp(year=index // 12, month=index % 12 + 1, day=1)
    if period == "quarter":
        return pd.Timestamp(year=index // 4, month=3 * (index % 4) + 1, day=1)
    return pd.Timestamp("1970-01-05") + pd.Timedelta(weeks=index)


def retention_by_cohort(
    events: Any, *, conversion: str | None = None, freq: str = "MS", periods: int = 6
) -> pd.DataFrame:
    """Tell how many first-time buyers of each cohort buy again in later periods.

    Parameters
    ----------
    events:
        Event log with ``customer_id``, ``timestamp`` (and ``value`` for purchases).
    conversion:
        The purchase step; None = events with a ``value``.
    freq:
        Period length: ``"MS"`` (month), ``"W"`` (week) or ``"QS"`` (quarter).
    periods:
        How many periods after the first purchase to follow.

    Returns
    -------
    pandas.DataFrame
        Long table ``cohort`` (first day of the period of the first purchase),
        ``period`` (0 = the cohort's own period, 1 = the next ...), ``customers`` (size of
        the cohort), ``retained`` (customers of the cohort buying in that period) and
        ``retention_rate`` (0..1). Periods after the end of the data are left out.
        ``attrs["repeat_rate"]`` is the share of buyers with two or more purchases.
    """
    if freq not in FREQS:
        allowed = ", ".join(FREQS)
        raise unknown_choice("analytics.error.freq", allowed=allowed, value=freq, field="freq")
    if isinstance(periods, bool) or not isinstance(periods, int) or periods < 0:
        raise CJMError(t("engine.error.periods", value=periods), field="periods", value=periods)
    period = FREQS[freq]
    with open_events(events, need=("customer_id", "timestamp")) as ev:
        conv = conversion_sql(ev, conversion)
        idx = ev.dialect.period_index(period, ev.q("timestamp"))
        frame = ev.fetch(
            f"""WITH p AS (SELECT {ev.q("customer_id")} AS c, {idx} AS p FROM {ev.rel}
                           WHERE {conv}),
            buyers AS (SELECT c, count(*) AS n FROM p GROUP BY c),
            d AS (SELECT DISTINCT c, p FROM p),
            f AS (SELECT c, min(p) AS cohort FROM d GROUP BY c),
            r AS (SELECT f.cohort AS cohort, d.p - f.cohort AS k, count(*) AS retained
                  FROM d JOIN f ON d.c = f.c WHERE d.p - f.cohort <= {periods}
                  GROUP BY f.cohort, d.p - f.cohort),
            k AS (SELECT (SELECT count(*) FROM buyers) AS buyers,
                         (SELECT count(*) FROM buyers WHERE n >= 2) AS repeaters,
                         (SELECT max(p) FROM p) AS last)
            SELECT k.*, r.* FROM k LEFT JOIN r ON TRUE ORDER BY r.cohort, r.k"""
        )
    buyers = int(frame["buyers"].iloc[0])
    repeaters = int(frame["repeaters"].iloc[0])
    last = frame["last"].iloc[0]
    found = frame.dropna(subset=["cohort"])
    kept = {
        (int(c), int(k)): int(n)
        for c, k, n in zip(found["cohort"], found["k"], found["retained"], strict=True)
    }
    sizes = {c: n for (c, k), n in kept.items() if k == 0}
    rows = []
    for cohort in sorted(sizes):
        for k in range(0, periods + 1):
            if pd.isna(last) or cohort + k > int(last):
                break
            rows.append((cohort, k, sizes[cohort], kept.get((cohort, k), 0)))
    out = pd.DataFrame(rows, columns=["cohort", "period", "customers", "retained"])
    out["retention_rate"] = out["retained"] / out["customers"]
    out["cohort"] = pd.to_datetime([period_start(int(c), period) for c in out["cohort"]])
    out = out[RETENTION_COLUMNS]
    repeat = repeaters / buyers if buyers else float("nan")
    one = out[out["period"] == 1]
    avg = (
        float(one["retained"].sum() / one["customers"].sum())
        if one["customers"].sum()
        else float("nan")
    )
    out.attrs.update(
        freq=freq,
        repeat_rate=repeat,
        buyers=buyers,
        explanation=t(
            "analytics.retention.summary",
            buyers=buyers,
            repeat=fmt_pct(repeat),
            next=fmt_pct(avg),
        ),
    )
    return out
