"""First/last touch, retention, segments and moments of truth on hand-made journeys."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cjmlib.analytics import (
    compare_segments,
    compare_switchers,
    find_moments_of_truth,
    first_last_touch,
    retention_by_cohort,
)
from cjmlib.errors import CJMError


def log(rows):
    """rows: (customer, ISO time, touchpoint, value or None)."""
    return pd.DataFrame(
        {
            "customer_id": [r[0] for r in rows],
            "timestamp": pd.to_datetime([r[1] for r in rows]),
            "touchpoint": [r[2] for r in rows],
            "online": [r[2] != "Filiale" for r in rows],
            "value": [np.nan if r[3] is None else r[3] for r in rows],
        }
    )


JOURNEYS = log(
    [
        ("a", "2024-01-01", "Anzeige", None),
        ("a", "2024-01-02", "Suche", None),
        ("a", "2024-01-03", "Kasse", 50.0),
        ("a", "2024-02-10", "Kasse", 20.0),
        ("b", "2024-01-05", "Suche", None),
        ("b", "2024-01-06", "Filiale", None),
        ("b", "2024-01-07", "Kasse", 80.0),
        ("c", "2024-01-09", "Kasse", 10.0),
        ("d", "2024-01-10", "Anzeige", None),
        ("e", "2024-02-01", "Anzeige", None),
        ("e", "2024-02-03", "Kasse", 30.0),
        ("e", "2024-03-15", "Kasse", 30.0),
    ]
)


def test_first_and_last_touch_before_the_first_purchase():
    out = first_last_touch(JOURNEYS)
    got = out.set_index("touch")
    # a: first Anzeige, last Suche; b: first Suche, last Filiale; e: first = last = Anzeige;
    # c buys straight away (direct), d never buys.
    assert got.loc["Anzeige", "first_touch"] == 2 and got.loc["Anzeige", "last_touch"] == 1
    assert got.loc["Suche", "first_touch"] == 1 and got.loc["Suche", "last_touch"] == 1
    assert got.loc["Filiale", "last_touch"] == 1 and got.loc["Filiale", "first_touch"] == 0
    assert "Kasse" not in got.index
    assert out.attrs["direct"] == 1 and out.attrs["converters"] == 4
    assert got["first_share"].sum() == pytest.approx(1.0)


def test_retention_by_monthly_cohort():
    out = retention_by_cohort(JOURNEYS, periods=2)
    jan = out[out["cohort"] == pd.Timestamp("2024-01-01")].set_index("period")
    # January buyers a, b, c: only a buys again in February; nobody in March.
    assert jan["customers"].tolist() == [3, 3, 3]
    assert jan["retained"].tolist() == [3, 1, 0]
    feb = out[out["cohort"] == pd.Timestamp("2024-02-01")].set_index("period")
    # e starts in February and buys again in March; April is past the data and left out.
    assert feb["retained"].tolist() == [1, 1]
    # a and e bought twice of 4 buyers.
    assert out.attrs["repeat_rate"] == 0.5


def test_compare_segments_with_customer_table():
    customers = pd.DataFrame(
        {"customer_id": list("abcde"), "segment_id": ["s1", "s1", "s2", "s2", None]}
    )
    out = compare_segments(JOURNEYS, customers)
    got = out.set_index("group")
    assert got.loc["s1", "customers"] == 2 and got.loc["s1", "conversion_rate"] == 1.0
    assert got.loc["s2", "conversion_rate"] == 0.5
    assert got.loc["s1", "revenue_per_customer"] == pytest.approx((70 + 80) / 2)
    assert got["small_sample"].all() and got.loc["s1", "warning"].startswith("Achtung")
    assert out.attrs["without_group"] == 1


def test_switchers_compared_before_their_first_purchase():
    out = compare_switchers(JOURNEYS)
    got = out.set_index("switcher")
    # b switches online -> offline -> online before buying; nobody else switches.
    assert got.loc[True, "customers"] == 1 and got.loc[True, "converted"] == 1
    assert got.loc[False, "customers"] == 4 and got.loc[False, "converted"] == 3
    assert got.loc[False, "ci_low"] < 0.75 < got.loc[False, "ci_high"]


def test_moments_of_truth_rank_by_difference():
    rng = np.random.default_rng(3)
    rows = []
    for i in range(400):
        saw = i % 2 == 0
        rows.append((f"k{i}", "2024-01-01", "Beratung" if saw else "Anzeige", None))
        if rng.random() < (0.6 if saw else 0.2):
            rows.append((f"k{i}", "2024-01-02", "Kasse", 10.0))
    out = find_moments_of_truth(log(rows), min_customers=30)
    top = out.iloc[0]
    assert top["touch"] in ("Beratung", "Anzeige")
    assert abs(top["difference"]) == pytest.approx(
        abs(
            out.set_index("touch").loc["Beratung", "rate_with"]
            - out.set_index("touch").loc["Beratung", "rate_without"]
        )
        * 100
    )
    assert top["candidate"] and top["diff_low"] <= top["difference"] <= top["diff_high"]
    assert "Zusammenhang, keine Ursache" in out.attrs["explanation"]


def test_unknown_conversion_lists_choices():
    with pytest.raises(
        CJMError,
        match="„Bestellung“ kommt im Ereignisprotokoll weder als Touchpoint noch als Phase vor",
    ):
        first_last_touch(JOURNEYS, conversion="Bestellung")
