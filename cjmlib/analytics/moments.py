"""Candidate moments of truth: touchpoints whose presence goes with the largest
difference in conversion.

This is an association, not a cause: customers who use a touchpoint may differ from
the others anyway. The German explanation says so every time.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cjmlib.analytics._common import (
    MIN_ANSWERS,
    check_by,
    codes_of,
    conversion_mask,
    fmt_num,
    require_frame,
    sequence,
)
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
    events: pd.DataFrame,
    *,
    conversion: str | None = None,
    by: str = "touchpoint",
    min_customers: int = MIN_ANSWERS,
) -> pd.DataFrame:
    """Rank touchpoints by how much conversion differs between customers with and without.

    A customer "has" a touchpoint when it appears before their first conversion event
    (customers who never convert: anywhere). The conversion step itself is left out.

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

    require_frame(events, "events")
    check_by(events, by)
    conv_all = conversion_mask(events, conversion)
    seq = sequence(events)
    conv = seq.take(conv_all)
    codes_all, cats = codes_of(events[by])
    codes = seq.take(codes_all)
    cust = seq.customer
    n_c = seq.n_customers
    first_conv = np.full(n_c, len(cust), dtype=np.int64)
    pos = np.flatnonzero(conv)
    np.minimum.at(first_conv, cust[pos], pos)
    present = np.zeros(n_c, dtype=bool)
    present[cust] = True
    converted = (first_conv < len(cust))[present]
    before = (np.arange(len(cust)) < first_conv[cust]) & (codes >= 0) & ~conv
    k = len(cats)
    pairs = np.unique(cust[before].astype(np.int64) * k + codes[before])
    rows = []
    total, total_conv = int(present.sum()), int(converted.sum())
    conv_codes = set(np.unique(codes[conv]).tolist())
    with_n = np.bincount(pairs % k, minlength=k)
    with_conv = np.bincount((pairs % k)[(first_conv < len(cust))[pairs // k]], minlength=k)
    for j in range(k):
        if j in conv_codes and with_n[j] == 0:
            continue
        n1, c1 = int(with_n[j]), int(with_conv[j])
        n0, c0 = total - n1, total_conv - c1
        if n1 == 0:
            continue
        r1 = c1 / n1
        r0 = c0 / n0 if n0 else np.nan
        lo = hi = np.nan
        if n0 and n1:
            lo, hi = confint_proportions_2indep(c1, n1, c0, n0, method="newcomb")
        small = min(n1, n0) < min_customers
        cand = bool(not small and np.isfinite(lo) and (lo > 0 or hi < 0))
        rows.append(
            (str(cats[j]), n1, r1, n0, r0, 100 * (r1 - r0), 100 * lo, 100 * hi, cand, small)
        )
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
