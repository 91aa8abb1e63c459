"""Candidate moments of truth: touchpoints whose presence goes with the largest
difference in conversion.

This is an association, not a cause: customers who use a touchpoint may differ from
the others anyway. The German explanation says so every time.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from cjmlib.analytics._common import MIN_ANSWERS, conversion_events, fmt_num
from cjmlib.analytics.engine import open_events
from cjmlib.messages import t

MOMENT_COLUMNS = [
    "touch",
    "customers_with",
    "rate_with",
    "customers_without",
    "rate_without",
    "difference",
    "diff_low",
    "diff_high",
    "candidate",
    "small_sample",
]


def find_moments_of_truth(
    events: Any,
    *,
    conversion: str | None = None,
    by: str = "touchpoint",
    min_customers: int = MIN_ANSWERS,
) -> pd.DataFrame:
    """Rank touchpoints by how much conversion differs between customers with and without.

    A customer "has" a touchpoint when it appears strictly before their first conversion
    event (customers who never convert: anywhere). Conversion events themselves are left
    out.

    Parameters
    ----------
    events:
        Event log with ``customer_id``, ``timestamp`` and the column ``by``.
    conversion:
        The conversion step; None = events with a ``value`` (purchases).
    by:
        Column whose values are compared (``"touchpoint"``, ``"touchpoint_id"``, ...).
    min_customers:
        Below this many customers on either side a row is flagged ``small_sample`` and
        is never a candidate.

    Returns
    -------
    pandas.DataFrame
        Columns ``touch, customers_with, rate_with, customers_without, rate_without,
        difference`` (percentage points), ``diff_low, diff_high`` (95 % Newcombe
        interval of the difference, points), ``candidate`` (interval excludes 0 and
        enough customers), ``small_sample``; sorted by the absolute difference.
    """
    from statsmodels.stats.proportion import confint_proportions_2indep

    with open_events(events, need=("customer_id", "timestamp")) as ev:
        by, base = conversion_events(ev, by, conversion)
        frame = ev.fetch(
            f"""WITH {base},
            fc AS (SELECT c, min(CASE WHEN cv THEN t END) AS ct FROM b GROUP BY c),
            pairs AS (SELECT DISTINCT b.c AS c, b.s AS s FROM b JOIN fc ON b.c = fc.c
                      WHERE b.s IS NOT NULL AND NOT b.cv AND (fc.ct IS NULL OR b.t < fc.ct)),
            g AS (SELECT pairs.s AS s, count(*) AS n1, count(fc.ct) AS c1
                  FROM pairs JOIN fc ON pairs.c = fc.c GROUP BY pairs.s),
            k AS (SELECT count(*) AS total, count(ct) AS total_conv FROM fc)
            SELECT k.*, g.* FROM k LEFT JOIN g ON TRUE ORDER BY g.s"""
        )
    total = int(frame["total"].iloc[0])
    total_conv = int(frame["total_conv"].iloc[0])
    rows = []
    for touch, n1_, c1_ in zip(frame["s"], frame["n1"], frame["c1"], strict=True):
        if touch is None or pd.isna(touch):
            continue
        n1, c1 = int(n1_), int(c1_)
        n0, c0 = total - n1, total_conv - c1
        r1 = c1 / n1
        r0 = c0 / n0 if n0 else np.nan
        lo = hi = np.nan
        if n0 and n1:
            lo, hi = confint_proportions_2indep(c1, n1, c0, n0, method="newcomb")
        small = min(n1, n0) < min_customers
        cand = bool(not small and np.isfinite(lo) and (lo > 0 or hi < 0))
        rows.append((str(touch), n1, r1, n0, r0, 100 * (r1 - r0), 100 * lo, 100 * hi, cand, small))
    out = pd.DataFrame(rows, columns=MOMENT_COLUMNS)
    out = out.reindex(
        out["difference"].abs().sort_values(ascending=False, kind="stable").index
    ).reset_index(drop=True)
    text = t("analytics.moments.intro")
    cands = out[out["candidate"]]
    if len(cands):
        top = cands.iloc[0]
        text += " " + t(
            "analytics.moments.top",
            touch=top["touch"],
            diff=fmt_num(top["difference"]),
            low=fmt_num(top["diff_low"]),
            high=fmt_num(top["diff_high"]),
        )
    else:
        text += " " + t("analytics.moments.none")
    text += " " + t("analytics.moments.caution")
    out.attrs.update(by=by, ci_method="Newcombe, 95 %", explanation=text)
    return out
