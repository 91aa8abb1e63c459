"""Smoke test: the analyses run on the running case's sample data (Einzelhandel)."""

from __future__ import annotations

import pytest

from cjmlib import datasets
from cjmlib.analytics import (
    count_switches,
    emotion_from_survey,
    funnel,
    load_events,
    make_shareable,
    survey_metrics,
    top_paths,
)


@pytest.fixture(scope="module")
def case():
    return {kind: datasets.load("einzelhandel", kind) for kind in ("workbook", "events", "survey")}


def test_sample_log_loads_and_maps_to_the_workbook(case):
    events = load_events(case["events"], project=case["workbook"])
    report = events.attrs["report"]
    assert report["rows_in"] == len(case["events"])
    assert report["rows_out"] + sum(report["excluded"].values()) == report["rows_in"]
    assert events.attrs["unmatched"] == 0
    assert set(events["phase"].dropna().unique()) <= set(case["workbook"].phase_model.ids)


def test_sample_funnel_paths_and_survey(case):
    events = case["events"]
    ids = case["workbook"].phase_model.ids
    table = funnel(events, ids, by="phase", window="90D")
    assert len(table) == len(ids) and table["customers"].is_monotonic_decreasing
    assert table["customers"].iloc[0] > 0 and table.attrs["biggest_leak"] is not None
    paths = top_paths(events, length=3, n=10)
    assert len(paths) == 10 and paths["customers"].is_monotonic_decreasing
    metrics = survey_metrics(case["survey"], by="phase")
    assert set(metrics["group"]) <= set(ids) | {"(ohne Zuordnung)"}
    assert metrics["nps"].between(-100, 100).all() and metrics["csat"].between(0, 100).all()
    curve = emotion_from_survey(case["survey"], case["workbook"])
    assert curve["emotion"].dropna().between(-2, 2).all()
    for shared in (
        make_shareable(paths),
        make_shareable(count_switches(events)),
        make_shareable(metrics),
    ):
        for col in ("customers", "switches", "n_nps", "n_csat", "n_ces"):
            if col in shared.columns:
                visible = shared[col].dropna()
                assert ((visible == 0) | (visible >= 5)).all()
