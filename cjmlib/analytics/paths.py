"""Paths: the most common sequences of steps, who follows whom, and how long it takes.

All functions sort the log once by customer and time (equal times keep the row order)
and work on integer codes. Rows whose step column is empty are not steps and are left
out of the sequences (``attrs["ignored_rows"]`` says how many).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from cjmlib.analytics._common import (
    check_by,
    coded_sequence,
    codes_of,
    fmt_int,
    fmt_num,
    fmt_pct,
    require_frame,
    resolve_steps,
)
from cjmlib.analytics.funnels import closed_positions
from cjmlib.errors import CJMError
from cjmlib.messages import t

ARROW = " → "
PATH_COLUMNS = ["path", "steps", "customers", "share"]


def step_sequence(events: pd.DataFrame, by: str, collapse_repeats: bool, with_time: bool = True):
    """Return (customer codes, step codes, times, categories, customers, ignored rows)."""
    require_frame(events, "events")
    check_by(events, by)
    codes_all, cats = codes_of(events[by])
    seq = coded_sequence(events, codes_all, len(cats), with_time=with_time)
    codes, cust, time = seq.code, seq.customer, seq.time
    n_people = seq.n_people
    ignored = int(np.count_nonzero(codes_all < 0))
    if collapse_repeats and len(codes) > 1:
        keep = np.ones(len(codes), dtype=bool)
        keep[1:] = (codes[1:] != codes[:-1]) | (cust[1:] != cust[:-1])
        codes, cust = codes[keep], cust[keep]
        time = None if time is None else time[keep]
    return cust, codes, time, cats, n_people, ignored


def _distinct_pairs(cust: np.ndarray, key: np.ndarray, n_keys: int) -> np.ndarray:
    """Return, per key, the number of distinct customers having it (vectorised)."""
    if len(key) == 0:
        return np.zeros(n_keys, dtype=np.int64)
    if n_keys * (int(cust.max()) + 1) < 2**62:
        combined = cust.astype(np.int64)
        combined *= n_keys
        combined += key
        # The keys come grouped by customer (ascending), so the array is a chain of short
        # unsorted runs; a stable sort (timsort) merges such runs almost in linear time.
        combined.sort(kind="stable")
        first = np.ones(len(combined), dtype=bool)
        np.not_equal(combined[1:], combined[:-1], out=first[1:])
        distinct = combined[first]
        del combined, first
        distinct %= n_keys
        return np.bincount(distinct, minlength=n_keys)
    frame = pd.DataFrame({"c": cust, "k": key}).drop_duplicates()
    return np.bincount(frame["k"].to_numpy(), minlength=n_keys)


def top_paths(
    events: pd.DataFrame,
    *,
    length: int = 3,
    n: int = 20,
    by: str = "touchpoint",
    collapse_repeats: bool = True,
) -> pd.DataFrame:
    """Find the most common paths: runs of ``length`` consecutive steps of one customer.

    Parameters
    ----------
    events:
        Event log with ``customer_id``, ``timestamp`` and the column ``by``.
    length:
        Number of consecutive steps in a path (2 or more).
    n:
        How many paths to return (the most common first).
    by:
        Column that holds the steps, e.g. ``"touchpoint"`` or ``"phase"``.
    collapse_repeats:
        True: the same step several times in a row counts once (a reload is no new step).

    Returns
    -------
    pandas.DataFrame
        Columns ``path`` (steps joined with " → "), ``steps`` (tuple), ``customers``
        (distinct customers whose journey contains the path at least once) and ``share``
        (customers / all customers in the log, 0..1). Ties are ordered by ``path``.
    """
    if not isinstance(length, int) or length < 2:
        raise CJMError(t("analytics.error.path_length", value=length), field="length", value=length)
    cust, codes, _, cats, n_people, ignored = step_sequence(
        events, by, collapse_repeats, with_time=False
    )
    n_cats = max(len(cats), 1)
    m = len(codes) - length + 1
    if m > 0 and n_cats**length < 2**62:
        ok = cust[:m] == cust[length - 1 :]
        # Path key from slices (views), in int32 when it fits: no index arrays needed.
        wide = np.int32 if n_cats**length < 2**31 else np.int64
        key = codes[:m].astype(wide)
        for j in range(1, length):
            key *= n_cats
            key += codes[j : m + j]
        key = key[ok]
        owner = cust[:m][ok]
        del ok
        counts = _distinct_pairs(owner, key, n_cats**length) if n_cats**length <= 5e7 else None
        if counts is not None:
            keys = np.flatnonzero(counts)
            found = counts[keys]
        else:
            frame = pd.DataFrame({"c": owner, "k": key}).drop_duplicates()
            vc = frame["k"].value_counts()
            keys, found = vc.index.to_numpy(), vc.to_numpy()
    else:
        keys = found = np.zeros(0, dtype=np.int64)
    rows = []
    for k, c in zip(keys.tolist(), found.tolist(), strict=True):
        parts = []
        for _ in range(length):
            parts.append(str(cats[k % n_cats]))
            k //= n_cats
        steps = tuple(reversed(parts))
        rows.append((ARROW.join(steps), steps, int(c)))
    out = pd.DataFrame(rows, columns=["path", "steps", "customers"])
    out = out.sort_values(["customers", "path"], ascending=[False, True], kind="stable")
    out = out.head(n).reset_index(drop=True)
    out["share"] = out["customers"] / n_people if n_people else np.nan
    out = out[PATH_COLUMNS]
    out.attrs.update(
        by=by,
        length=length,
        customers_total=n_people,
        ignored_rows=ignored,
        collapse_repeats=collapse_repeats,
    )
    if len(out):
        top = out.iloc[0]
        text = t(
            "analytics.paths.summary",
            length=length,
            total=fmt_int(n_people),
            path=top["path"],
            count=fmt_int(top["customers"]),
            share=fmt_pct(top["share"]),
        )
    else:
        text = t("analytics.paths.empty", length=length)
    if collapse_repeats:
        text += " " + t("analytics.paths.collapsed")
    out.attrs["explanation"] = text
    return out


def transition_matrix(
    events: pd.DataFrame,
    *,
    by: str = "touchpoint",
    collapse_repeats: bool = True,
    normalize: bool = False,
) -> pd.DataFrame:
    """Count which step follows which (consecutive events of the same customer).

    Parameters
    ----------
    events:
        Event log with ``customer_id``, ``timestamp`` and the column ``by``.
    by:
        Column that holds the steps.
    collapse_repeats:
        True: repeated steps in a row count once, so the diagonal stays empty.
    normalize:
        True: each row is divided by its sum (share of "what comes next", 0..1).

    Returns
    -------
    pandas.DataFrame
        Rows = from (index name ``from``), columns = to (name ``to``), transition counts
        (or row shares with ``normalize=True``). Every step appears as row and column.
    """
    cust, codes, _, cats, _, ignored = step_sequence(events, by, collapse_repeats, with_time=False)
    k = max(len(cats), 1)
    same = cust[1:] == cust[:-1]
    pair = codes[:-1][same].astype(np.int64) * k + codes[1:][same]
    counts = np.bincount(pair, minlength=k * k).reshape(k, k)[: len(cats), : len(cats)]
    labels = pd.Index([str(c) for c in cats])
    out = pd.DataFrame(counts, index=labels.rename("from"), columns=labels.rename("to"))
    if normalize:
        sums = out.sum(axis=1).replace(0, np.nan)
        out = out.div(sums, axis=0)
    out.attrs.update(
        by=by,
        ignored_rows=ignored,
        explanation=t("analytics.paths.matrix_share" if normalize else "analytics.paths.matrix"),
    )
    return out


TIME_COLUMNS = ["from_step", "to_step", "transitions", "median_hours", "p90_hours"]


def time_between_steps(
    events: pd.DataFrame, steps: Sequence[str] | None = None, *, by: str = "touchpoint"
) -> pd.DataFrame:
    """Measure the time between steps: median and 90th percentile in hours.

    Parameters
    ----------
    events:
        Event log with ``customer_id``, ``timestamp`` and the column ``by``.
    steps:
        None: every pair of consecutive, different steps in the journeys.
        A list: the steps of a closed funnel (same rules as :func:`funnel` without window);
        one row per step transition, over the customers who made it.
    by:
        Column that holds the steps.

    Returns
    -------
    pandas.DataFrame
        Columns ``from_step, to_step, transitions, median_hours, p90_hours``.
    """
    cust, codes, time, cats, _, _ = step_sequence(events, by, collapse_repeats=steps is None)
    if steps is None:
        same = np.flatnonzero(cust[1:] == cust[:-1])
        frame = pd.DataFrame(
            {"f": codes[same], "t": codes[same + 1], "h": (time[same + 1] - time[same]) / 3.6e12}
        )
    else:
        ids = resolve_steps(steps, cats, by)
        parts = []
        for i, (pos, before) in enumerate(closed_positions(cust, time, codes, ids, None)):
            if i:
                parts.append(
                    pd.DataFrame(
                        {"f": ids[i - 1], "t": ids[i], "h": (time[pos] - time[before]) / 3.6e12}
                    )
                )
        frame = pd.concat(parts, ignore_index=True)
    grouped = frame.groupby(["f", "t"], sort=steps is None)["h"]
    out = pd.DataFrame(
        {
            "transitions": grouped.size(),
            "median_hours": grouped.median(),
            "p90_hours": grouped.quantile(0.9),
        }
    ).reset_index()
    if steps is not None:
        order = {(ids[i - 1], ids[i]): i for i in range(1, len(ids))}
        full = pd.DataFrame({"f": ids[:-1], "t": ids[1:]})
        out = full.merge(out, on=["f", "t"], how="left")
        out["transitions"] = out["transitions"].fillna(0).astype(int)
        out = out.iloc[
            np.argsort([order[(f, t_)] for f, t_ in zip(out["f"], out["t"], strict=True)])
        ]
    out.insert(0, "from_step", [str(cats[i]) for i in out["f"]])
    out.insert(1, "to_step", [str(cats[i]) for i in out["t"]])
    out = out[TIME_COLUMNS].reset_index(drop=True)
    if len(out) and out["transitions"].sum():
        slow = out.loc[out["median_hours"].idxmax()]
        text = t(
            "analytics.paths.time_slowest",
            source=slow["from_step"],
            target=slow["to_step"],
            median=fmt_num(slow["median_hours"]),
            p90=fmt_num(slow["p90_hours"]),
        )
    else:
        text = t("analytics.paths.time_empty")
    out.attrs["explanation"] = t("analytics.paths.time_intro") + " " + text
    return out
