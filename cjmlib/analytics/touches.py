"""First and last touch before the first conversion (purchase)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from cjmlib.analytics._common import conversion_events, fmt_pct
from cjmlib.analytics.engine import open_events
from cjmlib.messages import t

TOUCH_COLUMNS = ["touch", "first_touch", "last_touch", "first_share", "last_share"]


def first_last_touch(
    events: Any, *, conversion: str | None = None, by: str = "touchpoint"
) -> pd.DataFrame:
    """Count which step came first and which came last before customers converted.

    For every customer with a conversion event, the events strictly before the first
    conversion are read: the earliest is the *first touch*, the latest the *last touch*
    (events at the same time are ordered by their value). Customers without an event
    before the conversion are counted in ``attrs["direct"]``.

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
    with open_events(events, need=("customer_id", "timestamp")) as ev:
        by, base = conversion_events(ev, by, conversion)
        frame = ev.fetch(
            f"""WITH {base},
            fc AS (SELECT c, min(t) AS ct FROM b WHERE cv GROUP BY c),
            pre AS (SELECT b.c AS c, b.t AS t, b.s AS s FROM b JOIN fc ON b.c = fc.c
                    WHERE b.t < fc.ct),
            r AS (SELECT c, s,
                  row_number() OVER (PARTITION BY c ORDER BY t ASC, s ASC NULLS LAST) AS rf,
                  row_number() OVER (PARTITION BY c ORDER BY t DESC, s DESC NULLS FIRST) AS rl
                  FROM pre),
            g AS (SELECT s, count(CASE WHEN rf = 1 THEN 1 END) AS first_touch,
                         count(CASE WHEN rl = 1 THEN 1 END) AS last_touch
                  FROM r WHERE s IS NOT NULL AND (rf = 1 OR rl = 1) GROUP BY s),
            k AS (SELECT (SELECT count(*) FROM fc) AS converters,
                         (SELECT count(DISTINCT c) FROM pre) AS with_touch)
            SELECT k.*, g.* FROM k LEFT JOIN g ON TRUE"""
        )
    converters = int(frame["converters"].iloc[0])
    n = int(frame["with_touch"].iloc[0])
    found = frame.dropna(subset=["s"])
    out = pd.DataFrame(
        {
            "touch": found["s"].astype(str).to_numpy(),
            "first_touch": found["first_touch"].astype("int64").to_numpy(),
            "last_touch": found["last_touch"].astype("int64").to_numpy(),
        }
    )
    out = out[(out["first_touch"] > 0) | (out["last_touch"] > 0)]
    out["first_share"] = out["first_touch"] / n if n else np.nan
    out["last_share"] = out["last_touch"] / n if n else np.nan
    out = out.sort_values(
        ["last_touch", "first_touch", "touch"], ascending=[False, False, True]
    ).reset_index(drop=True)[TOUCH_COLUMNS]
    out.attrs.update(by=by, converters=converters, direct=converters - n)
    if n and len(out):
        top_first = out.iloc[int(out["first_touch"].to_numpy().argmax())]
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
