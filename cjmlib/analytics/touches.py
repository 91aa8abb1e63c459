"""First and last touch before the first conversion (purchase)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from cjmlib.analytics._common import (
    check_by,
    codes_of,
    conversion_mask,
    fmt_pct,
    require_frame,
    sequence,
)
from cjmlib.messages import t

TOUCH_COLUMNS = ["touch", "first_touch", "last_touch", "first_share", "last_share"]


def first_last_touch(
    events: pd.DataFrame, *, conversion: str | None = None, by: str = "touchpoint"
) -> pd.DataFrame:
    """Count which step came first and which came last before customers converted.

    For every customer with a conversion event, the journey up to (not including) the
    first conversion event is read: its first event is the *first touch*, the event
    right before the conversion the *last touch*. Customers whose very first event is
    the conversion have no touch before it and are counted in ``attrs["direct"]``.

    Parameters
    ----------
    events:
        Event log with ``customer_id``, ``timestamp`` and the column ``by``.
    conversion:
        The conversion step (touchpoint id, touchpoint name or phase id); None = events
        with a ``value`` (purchases).
    by:
        Column whose values are counted as touches.

    Returns
    -------
    pandas.DataFrame
        Columns ``touch, first_touch, last_touch, first_share, last_share`` (shares of
        the converting customers with a touch before, 0..1), sorted by ``last_touch``.
    """
    require_frame(events, "events")
    check_by(events, by)
    conv_all = conversion_mask(events, conversion)
    seq = sequence(events)
    conv = seq.take(conv_all)
    codes_all, cats = codes_of(events[by])
    codes = seq.take(codes_all)
    cust = seq.customer
    starts = np.flatnonzero(seq.starts)
    start_of = np.zeros(seq.n_customers, dtype=np.int64)
    start_of[cust[starts]] = starts
    pos = np.flatnonzero(conv)
    first_conv = pos[np.r_[True, cust[pos[1:]] != cust[pos[:-1]]]] if len(pos) else pos
    begin = start_of[cust[first_conv]]
    has_touch = begin < first_conv
    first_pos = begin[has_touch]
    last_pos = first_conv[has_touch] - 1
    k = len(cats)
    first = np.bincount(codes[first_pos][codes[first_pos] >= 0], minlength=k)[:k]
    last = np.bincount(codes[last_pos][codes[last_pos] >= 0], minlength=k)[:k]
    n = int(has_touch.sum())
    out = pd.DataFrame({"touch": [str(c) for c in cats], "first_touch": first, "last_touch": last})
    out = out[(out["first_touch"] > 0) | (out["last_touch"] > 0)]
    out["first_share"] = out["first_touch"] / n if n else np.nan
    out["last_share"] = out["last_touch"] / n if n else np.nan
    out = out.sort_values(
        ["last_touch", "first_touch", "touch"], ascending=[False, False, True]
    ).reset_index(drop=True)[TOUCH_COLUMNS]
    out.attrs.update(by=by, converters=len(first_conv), direct=int((~has_touch).sum()))
    if n:
        top_first = out.loc[out["first_touch"].idxmax()]
        top_last = out.iloc[0]
        out.attrs["explanation"] = t(
            "analytics.touch.summary",
            n=n,
            first=top_first["touch"],
            first_share=fmt_pct(top_first["first_share"]),
            last=top_last["touch"],
            last_share=fmt_pct(top_last["last_share"]),
            direct=out.attrs["direct"],
        )
    else:
        out.attrs["explanation"] = t("analytics.touch.empty")
    return out
