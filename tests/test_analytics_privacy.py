"""Can a table meant for sharing still point to fewer than k customers?"""

from __future__ import annotations

import hashlib
import hmac

import numpy as np
import pandas as pd
import pytest
from analytics_data import make_log
from hypothesis import given, settings
from hypothesis import strategies as st

from cjmlib.analytics import (
    count_switches,
    count_themes,
    drop_identifiers,
    funnel,
    make_shareable,
    pseudonymise,
    suppress_small_groups,
    survey_metrics,
    top_paths,
)
from cjmlib.analytics.privacy import DEPENDENT, ROW_COUNTS
from cjmlib.errors import CJMError

KEY = "ein-langer-geheimer-schluessel-123"
COUNTS = set(ROW_COUNTS) | set(DEPENDENT)


def assert_no_small_group(table: pd.DataFrame, k: int) -> None:
    """Every visible count is 0 or at least k."""
    for col in COUNTS & set(table.columns):
        visible = table[col].dropna().astype(float)
        assert ((visible == 0) | (visible >= k)).all(), (col, visible.tolist())


def test_pseudonymise_is_keyed_stable_and_not_reversible_without_key():
    df = pd.DataFrame({"customer_id": ["K1", "K2", "K1", None], "x": [1, 2, 3, 4]})
    out = pseudonymise(df, KEY)
    expected = hmac.new(KEY.encode(), b"K1", hashlib.sha256).hexdigest()[:16]
    assert out["customer_id"].iloc[0] == out["customer_id"].iloc[2] == expected
    assert out["customer_id"].iloc[1] != expected
    assert pd.isna(out["customer_id"].iloc[3])
    assert df["customer_id"].tolist()[:3] == ["K1", "K2", "K1"]  # input unchanged
    other = pseudonymise(df, KEY + "-anders")
    assert other["customer_id"].iloc[0] != expected
    assert not set(out["customer_id"].dropna()) & {"K1", "K2"}


def test_short_key_is_refused_in_german():
    with pytest.raises(CJMError, match="mindestens 16 Zeichen"):
        pseudonymise(pd.DataFrame({"customer_id": ["K1"]}), "kurz")


def test_direct_identifiers_are_dropped():
    df = pd.DataFrame(
        {
            "customer_id": ["K1"],
            "E-Mail": ["a@b.de"],
            "Vorname": ["Eva"],
            "Straße": ["Weg 1"],
            "IBAN": ["DE00"],
            "segment_id": ["s1"],
        }
    )
    out = drop_identifiers(df, extra=["segment_id"])
    assert out.columns.tolist() == ["customer_id"]
    assert out.attrs["dropped"] == ["E-Mail", "Vorname", "Straße", "IBAN", "segment_id"]
    assert "Direkt identifizierende Spalten entfernt: E-Mail" in out.attrs["explanation"]


@settings(max_examples=100, deadline=None)
@given(counts=st.lists(st.integers(0, 30), min_size=1, max_size=12), k=st.integers(1, 10))
def test_suppression_leaves_no_group_below_k(counts, k):
    table = pd.DataFrame(
        {
            "group": [f"g{i}" for i in range(len(counts))],
            "customers": counts,
            "share": np.array(counts) / max(sum(counts), 1),
        }
    )
    out = suppress_small_groups(table, k=k)
    assert_no_small_group(out, k)
    small = (table["customers"] > 0) & (table["customers"] < k)
    assert out["suppressed"].tolist() == small.tolist()
    assert out.loc[small, "share"].isna().all()  # derived figures go too
    assert out["group"].tolist() == table["group"].tolist()  # no row silently removed


def test_funnel_blanks_the_next_drop_off_that_would_reveal_a_small_step():
    table = funnel(
        pd.DataFrame(
            {
                "customer_id": [f"K{i}" for i in range(20)] * 2 + ["K0", "K1", "K2"],
                "timestamp": pd.to_datetime(
                    ["2024-01-01"] * 20 + ["2024-01-02"] * 20 + ["2024-01-03"] * 3
                ),
                "touchpoint": ["A"] * 20 + ["B"] * 20 + ["C"] * 3,
            }
        ),
        ["A", "B", "C"],
        by="touchpoint",
    )
    out = make_shareable(table)
    assert table["customers"].tolist() == [20, 20, 3]
    assert out["customers"].tolist()[:2] == [20, 20] and pd.isna(out["customers"].iloc[2])
    assert pd.isna(out["drop_off"].iloc[2])
    assert_no_small_group(out, 5)


def test_survey_cells_are_blanked_per_figure():
    survey = pd.DataFrame(
        {"touchpoint_id": ["a"] * 12, "nps": [10] * 3 + [None] * 9, "csat": [5] * 12}
    )
    out = make_shareable(survey_metrics(survey))
    row = out.iloc[0]
    assert pd.isna(row["n_nps"]) and pd.isna(row["nps"]) and pd.isna(row["nps_high"])
    assert row["n_csat"] == 12 and row["csat"] == 100.0 and row["suppressed"]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_shareable_outputs_of_the_analyses_hold_no_small_group(seed):
    log = make_log(60, seed=seed)
    survey = pd.DataFrame(
        {
            "touchpoint_id": log["touchpoint_id"],
            "nps": 7,
            "comment": np.where(
                log.index % 3 == 0, "Lange Wartezeit leider", "Freundliche Beratung"
            ),
        }
    )
    tables = [
        funnel(log, ["Anzeige", "Suche", "Warenkorb", "Kasse"], by="touchpoint"),
        top_paths(log, n=50),
        count_switches(log),
        survey_metrics(survey.iloc[: 20 + 10 * seed]),
        count_themes(survey, text="comment"),
    ]
    for table in tables:
        assert_no_small_group(make_shareable(table, k=5), 5)


def test_matrix_suppression_per_cell():
    matrix = pd.DataFrame([[0, 3], [7, 12]], index=["A", "B"], columns=["A", "B"])
    out = suppress_small_groups(matrix, counts="all")
    assert out.isna().to_numpy().tolist() == [[False, True], [False, False]]
    assert out.loc["B", "A"] == 7
