"""Funnels: how many customers reach each step, where the biggest leak is.

Definitions (also in the German explanation of every result):

closed funnel
    A customer reaches step *i* when the events contain steps 1..*i* in this order.
    The journey enters the funnel at the customer's **first** event of step 1; every
    further step is the next matching event after the previous one (events sorted by
    time; equal times keep the row order). With ``window`` every step must happen at
    most ``window`` after that entry.
open funnel
    Order does not matter: a customer counts at step *i* when they have any event of
    step *i* (with ``window``: within ``window`` after their first event of any step of
    the funnel). Later steps can therefore hold more customers than earlier ones.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from cjmlib.analytics._common import (
    check_by,
    coded_sequence,
    codes_of,
    fmt_int,
    fmt_pct,
    require_frame,
    resolve_steps,
)
from cjmlib.errors import CJMError
from cjmlib.messages import t

FUNNEL_COLUMNS = [
    "step",
    "label",
    "customers",
    "conversion_from_start",
    "conversion_from_previous",
    "drop_off",
    "drop_off_rate",
]


def window_ns(window: object) -> int | None:
    """Return a conversion window as int nanoseconds (None = no window)."""
    if window is None:
        return None
    try:
        delta = pd.Timedelta(window)
    except (ValueError, TypeError):
        delta = None
    if delta is None or pd.isna(delta) or delta < pd.Timedelta(0):
        raise CJMError(t("analytics.error.window", value=window), field="window", value=window)
    return int(delta.value)


def closed_positions(
    customer: np.ndarray,
    time: np.ndarray,
    codes: np.ndarray,
    step_ids: Sequence[int],
    window: int | None,
):
    """Yield, per step of a closed funnel, (positions, positions one step earlier).

    Vectorised: for every customer still in the funnel, the next event of the following
    step is found with one ``searchsorted`` over that step's positions.
    """
    n = len(codes)
    first = np.flatnonzero(codes == step_ids[0])
    if len(first):
        # First event of step 1 per customer: the arrays are sorted by customer.
        new = np.ones(len(first), dtype=bool)
        new[1:] = customer[first[1:]] != customer[first[:-1]]
        first = first[new]
    active_pos = first
    active_cust = customer[first]
    entry_time = time[first]
    yield active_pos, active_pos
    for step in step_ids[1:]:
        cand = np.flatnonzero(codes == step)
        if len(active_pos) == 0 or len(cand) == 0:
            active_pos = active_pos[:0]
            yield active_pos, active_pos
            continue
        j = np.searchsorted(cand, active_pos, side="right")
        ok = j < len(cand)
        nxt = np.full(len(j), n - 1, dtype=np.int64)
        nxt[ok] = cand[j[ok]]
        ok &= customer[nxt] == active_cust
        if window is not None:
            ok &= time[nxt] - entry_time <= window
        before = active_pos[ok]
        active_pos, active_cust, entry_time = nxt[ok], active_cust[ok], entry_time[ok]
        yield active_pos, before


def count_closed(
    customer: np.ndarray,
    time: np.ndarray,
    codes: np.ndarray,
    step_ids: Sequence[int],
    window: int | None,
) -> list[int]:
    """Count customers per step of a closed funnel on sorted arrays (vectorised)."""
    return [len(p) for p, _ in closed_positions(customer, time, codes, step_ids, window)]


def count_open(
    customer: np.ndarray,
    time: np.ndarray,
    codes: np.ndarray,
    step_ids: Sequence[int],
    window: int | None,
    n_customers: int,
) -> list[int]:
    """Count customers per step of an open funnel on sorted arrays (vectorised)."""
    if window is not None and len(codes):
        new = np.ones(len(codes), dtype=bool)
        new[1:] = customer[1:] != customer[:-1]
        # Arrays hold only funnel events, so a customer's first row is their entry.
        entry = np.full(n_customers, 0, dtype=np.int64)
        entry[customer[new]] = time[new]
        inside = time - entry[customer] <= window
    else:
        inside = np.ones(len(codes), dtype=bool)
    counts = []
    for step in step_ids:
        hit = customer[(codes == step) & inside]
        counts.append(int(np.count_nonzero(np.bincount(hit, minlength=n_customers))))
    return counts


def fmt_window(delta: pd.Timedelta) -> str:
    """Say a conversion window in words: "30 Tagen", "12 Stunden", "90 Minuten"."""
    seconds = int(delta.total_seconds())
    for unit, size in (("days", 86400), ("hours", 3600), ("minutes", 60)):
        if seconds and seconds % size == 0:
            return t(f"analytics.unit.{unit}", n=fmt_int(seconds // size))
    return t("analytics.unit.seconds", n=fmt_int(seconds))


def frame_from_counts(counts: Sequence[int], labels: Sequence[str]) -> pd.DataFrame:
    """Build the agreed funnel table from the step counts."""
    c = np.asarray(counts, dtype=np.int64)
    prev = np.concatenate([c[:1], c[:-1]])
    start = c[0] if len(c) else 0
    with np.errstate(divide="ignore", invalid="ignore"):
        from_start = np.where(start > 0, c / max(start, 1), np.nan)
        from_prev = np.where(prev > 0, c / np.maximum(prev, 1), np.nan)
    drop = prev - c
    return pd.DataFrame(
        {
            "step": np.arange(1, len(c) + 1),
            "label": list(labels),
            "customers": c,
            "conversion_from_start": from_start,
            "conversion_from_previous": from_prev,
            "drop_off": drop,
            "drop_off_rate": 1 - from_prev,
        },
        columns=FUNNEL_COLUMNS,
    )


def funnel(
    events: pd.DataFrame,
    steps: Sequence[str],
    *,
    by: str = "phase",
    closed: bool = True,
    window: object = None,
    labels: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Count how many customers reach each step of a funnel and name the biggest leak.

    Parameters
    ----------
    events:
        Event log with ``customer_id``, ``timestamp`` and the column ``by``.
    steps:
        The values of ``by`` that make up the funnel, in order (at least two).
    by:
        Column that holds the steps: ``"phase"``, ``"touchpoint_id"``, ``"touchpoint"`` ...
    closed:
        True: steps must happen in order (see module docstring); False: open funnel.
    window:
        Conversion window such as ``"30D"`` or ``pd.Timedelta(days=30)``; None = no limit.
    labels:
        Optional display names per step value (e.g. phase id -> phase name).

    Returns
    -------
    pandas.DataFrame
        Columns ``step, label, customers, conversion_from_start, conversion_from_previous,
        drop_off, drop_off_rate`` (rates as shares 0..1). ``attrs["biggest_leak"]`` is a
        dict (``step, label, from_label, drop_off, drop_off_rate``) or None;
        ``attrs["explanation"]`` says in German what the numbers mean.
    """
    require_frame(events, "events")
    check_by(events, by)
    codes_all, cats = codes_of(events[by])
    step_ids = resolve_steps(steps, cats, by)
    lookup = np.zeros(len(cats) + 1, dtype=bool)
    lookup[np.asarray(step_ids)] = True
    seq = coded_sequence(events, codes_all, len(cats), mask=lookup[codes_all])
    win = window_ns(window)
    if closed:
        counts = count_closed(seq.customer, seq.time, seq.code, step_ids, win)
    else:
        counts = count_open(seq.customer, seq.time, seq.code, step_ids, win, seq.n_customers)
    names = [str(cats[i]) for i in step_ids]
    shown = [str((labels or {}).get(nm, nm)) for nm in names]
    out = frame_from_counts(counts, shown)
    out.attrs["by"] = by
    out.attrs["closed"] = closed
    out.attrs["window"] = None if window is None else fmt_window(pd.Timedelta(window))
    out.attrs["biggest_leak"] = biggest_leak(out)
    out.attrs["explanation"] = explain_funnel(out)
    return out


def biggest_leak(table: pd.DataFrame) -> dict | None:
    """Return the step with the largest drop-off rate (None when nobody drops off)."""
    rest = table.iloc[1:]
    rest = rest[rest["drop_off"] > 0]
    if rest.empty:
        return None
    row = rest.loc[rest["drop_off_rate"].idxmax()]
    pos = table.index.get_loc(row.name)
    return {
        "step": int(row["step"]),
        "label": str(row["label"]),
        "from_label": str(table.iloc[pos - 1]["label"]),
        "drop_off": int(row["drop_off"]),
        "drop_off_rate": float(row["drop_off_rate"]),
    }


def explain_funnel(table: pd.DataFrame) -> str:
    """Return the German explanation of a funnel table."""
    closed = table.attrs.get("closed", True)
    window = table.attrs.get("window")
    parts = [t("analytics.funnel.closed" if closed else "analytics.funnel.open")]
    if window:
        parts.append(t("analytics.funnel.window", window=window))
    if len(table) and table["customers"].iloc[0] > 0:
        last = table.iloc[-1]
        parts.append(
            t(
                "analytics.funnel.summary",
                start=fmt_int(table["customers"].iloc[0]),
                first=table["label"].iloc[0],
                end=fmt_int(last["customers"]),
                last=last["label"],
                share=fmt_pct(last["conversion_from_start"]),
            )
        )
    else:
        parts.append(t("analytics.funnel.empty"))
    leak = table.attrs.get("biggest_leak")
    if leak:
        parts.append(
            t(
                "analytics.funnel.leak",
                source=leak["from_label"],
                target=leak["label"],
                lost=fmt_int(leak["drop_off"]),
                rate=fmt_pct(leak["drop_off_rate"]),
            )
        )
    if not closed:
        parts.append(t("analytics.funnel.open_note"))
    return " ".join(parts)
