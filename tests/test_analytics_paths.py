"""Do paths, transitions, switches and times agree with simple references?"""

from __future__ import annotations

import itertools
from collections import Counter

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cjmlib import datasets
from cjmlib.analytics import count_switches, time_between_steps, top_paths, transition_matrix
from cjmlib.errors import CJMError

STEPS = list("ABCD")
ONLINE = {"A": True, "B": False, "C": True, "D": False}
PHASE = {"A": "p1", "B": "p1", "C": "p2", "D": "p3"}
BASE = pd.Timestamp("2024-01-01")

rows_strategy = st.lists(
    st.tuples(st.integers(0, 6), st.integers(0, 10), st.integers(0, 3)), max_size=45
)


def frame_of(rows) -> pd.DataFrame:
    steps = [STEPS[s] for _, _, s in rows]
    return pd.DataFrame(
        {
            "customer_id": [f"K{c}" for c, _, _ in rows],
            "timestamp": [BASE + pd.Timedelta(hours=h) for _, h, _ in rows],
            "touchpoint": steps,
            "online": [ONLINE[s] for s in steps],
            "phase": [PHASE[s] for s in steps],
        }
    )


def journeys(rows, key=None):
    """customer -> list of (hour, step) sorted by time; equal times by step (or ``key``)."""
    out: dict[int, list] = {}
    for c, h, s in rows:
        out.setdefault(c, []).append((h, STEPS[s]))
    return {c: sorted(v, key=key) for c, v in out.items()}


def collapsed(seq):
    out = []
    for s in seq:
        if not out or out[-1] != s:
            out.append(s)
    return out


def reference_paths(rows, length, n):
    people = Counter()
    js = journeys(rows)
    for evs in js.values():
        seq = collapsed([s for _, s in evs])
        grams = {tuple(seq[i : i + length]) for i in range(len(seq) - length + 1)}
        people.update(grams)
    ranked = sorted(people.items(), key=lambda kv: (-kv[1], " → ".join(kv[0])))[:n]
    return [(" → ".join(p), c, c / len(js)) for p, c in ranked]


@settings(max_examples=120, deadline=None)
@given(rows=rows_strategy, length=st.integers(2, 4), n=st.integers(1, 8))
def test_top_paths_match_reference(rows, length, n):
    result = top_paths(frame_of(rows), length=length, n=n)
    expected = reference_paths(rows, length, n)
    assert result["path"].tolist() == [p for p, _, _ in expected]
    assert result["customers"].tolist() == [c for _, c, _ in expected]
    assert result["share"].tolist() == pytest.approx([s for _, _, s in expected])
    assert all(
        " → ".join(steps) == path
        for steps, path in zip(result["steps"], result["path"], strict=True)
    )


@settings(max_examples=60, deadline=None)
@given(rows=rows_strategy)
def test_transition_matrix_matches_reference(rows):
    pairs = Counter()
    for evs in journeys(rows).values():
        seq = collapsed([s for _, s in evs])
        pairs.update(itertools.pairwise(seq))
    if not rows:
        return
    result = transition_matrix(frame_of(rows))
    for a in result.index:
        for b in result.columns:
            assert result.loc[a, b] == pairs.get((a, b), 0)
    assert int(result.to_numpy().sum()) == sum(pairs.values())


@settings(max_examples=120, deadline=None)
@given(rows=rows_strategy)
def test_switch_counts_match_reference(rows):
    switches = Counter()
    people: dict[tuple, set] = {}
    # Equal times: online before offline, then by the phase the event lands in.
    order = lambda e: (e[0], 0 if ONLINE[e[1]] else 1, PHASE[e[1]])  # noqa: E731
    for c, evs in journeys(rows, key=order).items():
        for (_, a), (_, b) in itertools.pairwise(evs):
            if ONLINE[a] != ONLINE[b]:
                key = ("Online" if ONLINE[b] else "Offline", PHASE[b])
                switches[key] += 1
                people.setdefault(key, set()).add(c)
    result = count_switches(frame_of(rows), kind="online", at="phase")
    got = {(r.to_mode, r.at): (r.switches, r.customers) for r in result.itertuples()}
    assert got == {k: (v, len(people[k])) for k, v in switches.items()}
    assert result.attrs["switchers"] == len(set().union(*people.values()) if people else set())


def test_switches_by_phase_follow_the_journey_order_of_the_project():
    """Chapter 7's table: phases in the order of the journey (Bewusstsein ... Nachkauf),
    not alphabetically (Bewusstsein, Entscheidung, Kauf, Nachkauf, Überlegung)."""
    project = datasets.load("einzelhandel", "workbook")
    events = datasets.load("einzelhandel", "events")
    result = count_switches(events, kind="online", at="phase", project=project)
    ids = project.phase_model.ids
    for _direction, group in result.groupby("direction", sort=False):
        assert group["at"].tolist() == [p for p in ids if p in set(group["at"])]
    assert result["direction"].is_monotonic_increasing  # one block per direction
    assert ids != sorted(ids)  # the sample's order is not the alphabet's


def test_device_switches_skip_non_digital_events():
    df = pd.DataFrame(
        {
            "customer_id": ["K1"] * 4,
            "timestamp": pd.date_range("2024-01-01", periods=4, freq="h"),
            "device": ["Smartphone", "Vor Ort", "Desktop", "Tablet"],
        }
    )
    # Smartphone -> (shop visit skipped) -> Desktop -> Tablet: two device switches.
    result = count_switches(df, kind="device", at=None)
    assert sorted(result["direction"]) == ["Desktop → Mobil", "Mobil → Desktop"]
    assert result["switches"].tolist() == [1, 1]


def test_time_between_funnel_steps_median_and_p90():
    # Three customers go A -> B after 1, 2 and 10 hours.
    df = pd.DataFrame(
        {
            "customer_id": ["a", "a", "b", "b", "c", "c"],
            "timestamp": BASE + pd.to_timedelta([0, 1, 0, 2, 0, 10], "h"),
            "touchpoint": ["A", "B"] * 3,
        }
    )
    result = time_between_steps(df, ["A", "B"])
    assert result.columns.tolist() == [
        "from_step",
        "to_step",
        "transitions",
        "median_hours",
        "p90_hours",
    ]
    row = result.iloc[0]
    assert (row["from_step"], row["to_step"], row["transitions"]) == ("A", "B", 3)
    assert row["median_hours"] == 2.0
    # 90th percentile, linear interpolation: 2 + 0.8 * (10 - 2) = 8.4 hours.
    assert row["p90_hours"] == pytest.approx(8.4)
    assert np.isfinite(time_between_steps(df)["median_hours"]).all()


def test_path_length_must_be_two_or_more():
    with pytest.raises(CJMError, match="mindestens zwei aufeinanderfolgenden Schritten"):
        top_paths(frame_of([(0, 0, 0)]), length=1)


def test_unknown_switch_kind_lists_choices():
    with pytest.raises(CJMError, match="Erlaubt sind: online, device"):
        count_switches(frame_of([(0, 0, 0)]), kind="kanal")
