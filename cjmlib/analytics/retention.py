"""Repeat purchase and retention by cohort (the month of the first purchase)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from cjmlib.analytics._common import (
    conversion_mask,
    fmt_pct,
    require_columns,
    require_frame,
)
from cjmlib.errors import CJMError
from cjmlib.messages import t

FREQS = {"MS": "M", "M": "M", "ME": "M", "W": "W", "QS": "Q", "Q": "Q", "QE": "Q"}
RETENTION_COLUMNS = ["cohort", "period", "customers", "retained", "retention_rate"]


def retention_by_cohort(
    events: pd.DataFrame, *, conversion: str | None = None, freq: str = "MS", periods: int = 6
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
    require_frame(events, "events")
    require_columns(events, ["customer_id", "timestamp"], "events")
    if freq not in FREQS:
        allowed = ", ".join(FREQS)
        raise CJMError(
            t("analytics.error.freq", value=freq, allowed=allowed),
            field="freq",
            value=freq,
            allowed=allowed,
        )
    mask = conversion_mask(events, conversion)
    ts = pd.to_datetime(events["timestamp"])[mask]
    valid = ts.notna().to_numpy()
    per = ts[valid].dt.to_period(FREQS[freq])
    ordinal = np.asarray(per.array.asi8)
    cust = pd.factorize(events["customer_id"][mask][valid])[0]
    frame = pd.DataFrame({"c": cust, "p": ordinal}).drop_duplicates()
    first = frame.groupby("c")["p"].transform("min")
    frame["k"] = frame["p"] - first
    frame["cohort"] = first
    last_period = int(ordinal.max()) if len(ordinal) else 0
    sizes = frame[frame["k"] == 0].groupby("cohort").size()
    kept = frame[frame["k"] <= periods].groupby(["cohort", "k"]).size()
    rows = []
    for cohort, size in sizes.items():
        for k in range(0, periods + 1):
            if cohort + k > last_period:
                break
            rows.append((cohort, k, int(size), int(kept.get((cohort, k), 0))))
    out = pd.DataFrame(rows, columns=["cohort", "period", "customers", "retained"])
    out["retention_rate"] = out["retained"] / out["customers"]
    out["cohort"] = [pd.Period(ordinal=int(c), freq=FREQS[freq]).start_time for c in out["cohort"]]
    counts = pd.Series(cust).value_counts() if len(cust) else pd.Series(dtype=int)
    repeat = float((counts >= 2).mean()) if len(counts) else float("nan")
    out = out[RETENTION_COLUMNS]
    one = out[out["period"] == 1]
    avg = (
        float(one["retained"].sum() / one["customers"].sum())
        if one["customers"].sum()
        else float("nan")
    )
    out.attrs.update(
        freq=freq,
        repeat_rate=repeat,
        buyers=len(counts),
        explanation=t(
            "analytics.retention.summary",
            buyers=len(counts),
            repeat=fmt_pct(repeat),
            next=fmt_pct(avg),
        ),
    )
    return out
