"""Segment comparison: conversion and activity per persona, segment or attribute."""

from __future__ import annotations

from typing import Any

import pandas as pd

from cjmlib.analytics._common import (
    MIN_ANSWERS,
    conversion_sql,
    fmt_pct,
    require_columns,
    require_frame,
    small_sample_note,
    wilson,
)
from cjmlib.analytics.engine import _check_need, open_events
from cjmlib.messages import t

SEGMENT_COLUMNS = [
    "group",
    "customers",
    "converted",
    "conversion_rate",
    "ci_low",
    "ci_high",
    "events_per_customer",
    "revenue_per_customer",
    "small_sample",
    "warning",
]


def compare_segments(
    events: Any,
    customers: pd.DataFrame | None = None,
    *,
    by: str = "segment_id",
    conversion: str | None = None,
) -> pd.DataFrame:
    """Compare conversion, activity and revenue between groups of customers.

    Parameters
    ----------
    events:
        Event log with ``customer_id`` (and ``value`` for revenue).
    customers:
        Customer table with ``customer_id`` and the column ``by``; None when the log
        itself carries ``by`` (one value per customer: the value at the customer's
        earliest event counts; at equal times the smallest).
    by:
        The grouping column, e.g. ``"segment_id"``, ``"persona_id"``, ``"age_band"``.
    conversion:
        The conversion step; None = events with a ``value`` (purchases).

    Returns
    -------
    pandas.DataFrame
        Columns ``group, customers, converted, conversion_rate, ci_low, ci_high``
        (Wilson 95 %), ``events_per_customer, revenue_per_customer, small_sample,
        warning`` (German text when fewer than 30 customers stand behind a row).
        Customers without a group are counted in ``attrs["without_group"]``.
    """
    with open_events(events, need=("customer_id",)) as ev:
        conv = conversion_sql(ev, conversion)
        c = ev.dialect.text(ev.q("customer_id"))
        value = f"COALESCE(sum({ev.q('value')}), 0.0)" if ev.has("value") else "0.0"
        if customers is None:
            _check_need(ev.columns, [by], ev.label)
            g = ev.dialect.text(ev.q(by))
            gr = (
                f"SELECT {c} AS c, {ev.q('timestamp') if ev.has('timestamp') else '0'} AS t, "
                f"{g} AS g FROM {ev.rel} WHERE {ev.q(by)} IS NOT NULL"
            )
            # The value at the customer's earliest event; equal times: the smallest value.
            groups_sql = (
                f"WITH gr AS ({gr}), m AS (SELECT c, min(t) AS t FROM gr GROUP BY c) "
                "SELECT gr.c AS customer_id, min(gr.g) AS grp FROM gr "
                "JOIN m ON gr.c = m.c AND gr.t = m.t GROUP BY gr.c"
            )
        stats = ev.fetch(
            f"""SELECT {c} AS customer_id,
                       max(CASE WHEN {conv} THEN 1 ELSE 0 END) = 1 AS converted,
                       count(*) AS events, {value} AS revenue
                FROM {ev.rel_distinct} GROUP BY {c}"""
        ).set_index("customer_id")
        if customers is None:
            groups = ev.fetch(groups_sql).set_index("customer_id")["grp"]
    if customers is not None:
        require_frame(customers, "customers")
        require_columns(customers, ["customer_id", by], "customers")
        groups = (
            customers.assign(customer_id=customers["customer_id"].astype(str))
            .drop_duplicates("customer_id")
            .set_index("customer_id")[by]
        )
    stats["group"] = groups.reindex(stats.index).astype(object)
    without = int(stats["group"].isna().sum())
    grouped = stats.dropna(subset=["group"]).groupby("group", sort=True)
    out = pd.DataFrame(
        {
            "customers": grouped.size(),
            "converted": grouped["converted"].sum(),
            "events": grouped["events"].sum(),
            "revenue": grouped["revenue"].sum(),
        }
    )
    out = out.reset_index()
    out["group"] = out["group"].astype(str)
    out["conversion_rate"] = out["converted"] / out["customers"]
    out["ci_low"], out["ci_high"] = wilson(out["converted"], out["customers"])
    out["events_per_customer"] = out["events"] / out["customers"]
    out["revenue_per_customer"] = out["revenue"] / out["customers"]
    out["small_sample"] = out["customers"] < MIN_ANSWERS
    out["warning"] = [small_sample_note(int(n)) for n in out["customers"]]
    out = out[SEGMENT_COLUMNS]
    best = out.iloc[int(out["conversion_rate"].to_numpy().argmax())] if len(out) else None
    text = t("analytics.segments.intro", by=by)
    if best is not None:
        text += " " + t(
            "analytics.segments.best",
            group=best["group"],
            rate=fmt_pct(best["conversion_rate"]),
            low=fmt_pct(best["ci_low"]),
            high=fmt_pct(best["ci_high"]),
        )
    if without:
        text += " " + t("analytics.segments.without", n=without)
    out.attrs.update(by=by, without_group=without, ci_method="Wilson, 95 %", explanation=text)
    return out
