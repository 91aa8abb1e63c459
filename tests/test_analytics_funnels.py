"""Do funnels count what a deliberately simple reference counts?"""

from __future__ import annotations

import itertools

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cjmlib.analytics import funnel
from cjmlib.errors import CJMError

STEPS = list("ABCD")
BASE = pd.Timestamp("2024-01-01")


@st.composite
def logs(draw):
    """Random small logs: few customers, few steps, many equal timestamps (ties)."""
    rows = draw(
        st.lists(
            st.tuples(st.integers(0, 5), st.integers(0, 12), st.integers(0, 3)),
            min_size=0,
            max_size=40,
        )
    )
    return rows


def frame_of(rows) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "customer_id": [f"K{c}" for c, _, _ in rows],
            "timestamp": [BASE + pd.Timedelta(hours=h) for _, h, _ in rows],
            "touchpoint": pd.Categorical([STEPS[s] for _, _, s in rows], categories=STEPS),
        }
    )


def journeys(rows):
    """customer -> [(hour, step)] in time order; equal times ordered by step (as the engine)."""
    out: dict[int, list[tuple[int, str]]] = {}
    for c, h, s in rows:
        out.setdefault(c, []).append((h, STEPS[s]))
    return {c: sorted(evs) for c, evs in out.items()}


def reach(evs, steps, begin, window_h):
    """Depth reached from the step-1 event at index ``begin`` (greedy earliest next step).

    A step counts at the same time as the previous one or later; a step whose value
    occurred earlier in the funnel must be strictly later. Greedy is optimal for a start.
    """
    start = prev = evs[begin][0]
    depth = 1
    for k in range(1, len(steps)):
        strict = steps[k] in steps[:k]
        nxt = [
            h
            for h, s in evs
            if s == steps[k]
            and (h > prev if strict else h >= prev)
            and (window_h is None or h - start <= window_h)
        ]
        if not nxt:
            break
        prev, depth = min(nxt), depth + 1
    return depth


def reference_closed(rows, steps, window_h, start="best"):
    counts = [0] * len(steps)
    for evs in journeys(rows).values():
        begins = [i for i, (_, s) in enumerate(evs) if s == steps[0]]
        if not begins:
            continue
        if start == "first":
            begins = begins[:1]
        depth = max(reach(evs, steps, b, window_h) for b in begins)
        for i in range(depth):
            counts[i] += 1
    return counts


def reference_open(rows, steps, window_h):
    counts = [0] * len(steps)
    for evs in journeys(rows).values():
        inside = [e for e in evs if e[1] in steps]
        if not inside:
            continue
        entry = inside[0][0]
        for i, step in enumerate(steps):
            if any(s == step and (window_h is None or h - entry <= window_h) for h, s in evs):
                counts[i] += 1
    return counts


step_lists = st.lists(st.sampled_from(STEPS), min_size=2, max_size=4)
windows = st.one_of(st.none(), st.integers(0, 8))


@settings(max_examples=150, deadline=None)
@given(rows=logs(), steps=step_lists, window=windows)
def test_closed_funnel_matches_reference(rows, steps, window):
    result = funnel(
        frame_of(rows),
        steps,
        by="touchpoint",
        closed=True,
        window=None if window is None else pd.Timedelta(hours=window),
    )
    assert result["customers"].tolist() == reference_closed(rows, steps, window)


@settings(max_examples=100, deadline=None)
@given(rows=logs(), steps=step_lists, window=windows)
def test_closed_funnel_first_start_matches_reference(rows, steps, window):
    result = funnel(
        frame_of(rows),
        steps,
        by="touchpoint",
        window=None if window is None else pd.Timedelta(hours=window),
        start="first",
    )
    assert result["customers"].tolist() == reference_closed(rows, steps, window, "first")


@settings(max_examples=100, deadline=None)
@given(rows=logs(), steps=step_lists, window=windows)
def test_open_funnel_matches_reference(rows, steps, window):
    result = funnel(
        frame_of(rows),
        steps,
        by="touchpoint",
        closed=False,
        window=None if window is None else f"{window}h",
    )
    assert result["customers"].tolist() == reference_open(rows, steps, window)


@settings(max_examples=50, deadline=None)
@given(rows=logs(), steps=step_lists)
def test_funnel_rates_are_consistent(rows, steps):
    result = funnel(frame_of(rows), steps, by="touchpoint")
    c = result["customers"].tolist()
    assert result["drop_off"].tolist() == [0] + [a - b for a, b in itertools.pairwise(c)]
    assert c == sorted(c, reverse=True)  # a closed funnel never grows
    if c[0]:
        assert result["conversion_from_start"].iloc[-1] == pytest.approx(c[-1] / c[0])


def test_biggest_leak_is_named_in_german():
    rows = (
        [(c, 0, 0) for c in range(10)]
        + [(c, 1, 1) for c in range(8)]
        + [(c, 2, 2) for c in range(2)]
    )
    result = funnel(frame_of(rows), ["A", "B", "C"], by="touchpoint")
    assert result.columns.tolist() == [
        "step",
        "label",
        "customers",
        "conversion_from_start",
        "conversion_from_previous",
        "drop_off",
        "drop_off_rate",
    ]
    assert result["customers"].tolist() == [10, 8, 2]
    # 8 -> 2 loses 6 of 8 = 75 %, more than 10 -> 8 (20 %).
    assert result.attrs["biggest_leak"] == {
        "step": 3,
        "label": "C",
        "from_label": "B",
        "drop_off": 6,
        "drop_off_rate": 0.75,
    }
    assert "Das größte Leck liegt zwischen „B“ und „C“" in result.attrs["explanation"]
    assert "75,0 %" in result.attrs["explanation"]


def test_order_matters_in_a_closed_funnel_only():
    # K0 does B before A: not counted at step 2 when closed, counted when open.
    rows = [(0, 0, 1), (0, 1, 0)]
    assert funnel(frame_of(rows), ["A", "B"], by="touchpoint")["customers"].tolist() == [1, 0]
    assert funnel(frame_of(rows), ["A", "B"], by="touchpoint", closed=False)[
        "customers"
    ].tolist() == [1, 1]


def test_plain_string_columns_work_too():
    df = frame_of([(0, 0, 0), (0, 1, 1), (1, 0, 0)])
    df["touchpoint"] = df["touchpoint"].astype(str)
    assert funnel(df, ["a", "b"], by="touchpoint")["customers"].tolist() == [2, 1]


def test_unknown_step_lists_the_valid_ones():
    df = frame_of([(0, 0, 0), (0, 1, 1)])
    with pytest.raises(
        CJMError,
        match=r"Den Schritt „Z“ gibt es in der Spalte „touchpoint“ "
        r"nicht.*Vorhandene Werte: A, B, C, D",
    ):
        funnel(df, ["A", "Z"], by="touchpoint")


def test_unknown_column_and_bad_window_are_explained():
    df = frame_of([(0, 0, 0)])
    with pytest.raises(CJMError, match="Die Spalte „kanal“ gibt es im Ereignisprotokoll nicht"):
        funnel(df, ["A", "B"], by="kanal")
    with pytest.raises(CJMError, match="keine gültige Zeitspanne"):
        funnel(df, ["A", "B"], by="touchpoint", window="bald")
    with pytest.raises(CJMError, match="mindestens zwei Schritte"):
        funnel(df, ["A"], by="touchpoint")
