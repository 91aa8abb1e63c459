"""Do verification and the designed-vs-lived views give the same answers on Spark as on DuckDB?

The rules cover every metric (and a segment filter) on the running case's sample data;
the lived-journey views run on the hand-counted log with loops and skipped phases and on
the sample data. The Spark session is the engine tests' fixture (``local[2]``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from living_map_data import journeys, project
from test_analytics_spark import spark  # noqa: F401 (the engine tests' Spark session)
from test_living_map_lived import PATHS

from cjmlib import datasets
from cjmlib.analytics.lived import compare_design, directly_follows, journey_variants
from cjmlib.analytics.verification import verify_map
from cjmlib.model import EvidenceRule, JourneyProject

pytestmark = pytest.mark.slow

pyspark = pytest.importorskip("pyspark", reason="pyspark fehlt: `pip install -e '.[spark]'`")


def to_spark(session, frame: pd.DataFrame):
    """A Spark DataFrame of ``frame``: missing values as nulls, lists as arrays."""
    plain = frame.copy()
    for col in plain.columns:
        if col in ("timestamp", "received", "tags"):
            continue
        series = plain[col].astype(object)
        plain[col] = series.where(series.notna(), None)
    return session.createDataFrame(plain)


RULES = [
    dict(metric="drop_off", step_from="tp-shop-warenkorb", step_to="tp-shop-bestellung"),
    dict(
        metric="drop_off",
        step_from="tp-shop-warenkorb",
        step_to="tp-shop-bestellung",
        segment="seg-einsteiger",
    ),
    dict(metric="time_between", step_from="tp-shop-suche", step_to="tp-shop-warenkorb"),
    dict(metric="switch_share", switch_kind="online"),
    dict(metric="switch_share", switch_kind="device"),
    dict(metric="nps", touchpoint_id="tp-filiale-beratung", threshold=30),
    dict(metric="csat", touchpoint_id="tp-hotline-warten", comparison="<", threshold=60),
    dict(metric="ces", touchpoint_id="tp-verfuegbarkeit", comparison="<=", threshold=4.5),
    dict(metric="theme_share", theme="Warteschleife", threshold=3),
]


@pytest.fixture(scope="module")
def case() -> tuple[JourneyProject, dict[str, pd.DataFrame]]:
    p = datasets.load("einzelhandel", "workbook")
    rules = [
        EvidenceRule(
            title=f"Regel {i}",
            claim="pain_point",
            target="pp-checkout-mobil",
            **{"threshold": 20, **fields},
        )
        for i, fields in enumerate(RULES)
    ]
    p = JourneyProject.model_validate({**p.model_dump(), "evidence_rules": rules})
    customers = datasets.load("einzelhandel", "customers")[["customer_id", "segment_id"]]
    data = {
        kind: datasets.load("einzelhandel", kind).merge(customers, on="customer_id", how="left")
        if kind != "feedback"
        else datasets.load("einzelhandel", kind)
        for kind in ("events", "survey", "feedback")
    }
    return p, data


def test_verification_is_the_same_on_spark(spark, case):  # noqa: F811
    p, data = case
    duck = verify_map(p, **data, today="2026-08-15")
    on_spark = verify_map(p, **{k: to_spark(spark, v) for k, v in data.items()}, today="2026-08-15")
    assert duck.engine == "duckdb" and on_spark.engine == "spark"
    for a, b in zip(duck.results, on_spark.results, strict=True):
        assert (a.rule_id, a.status, a.reason, a.n, a.data_until) == (
            b.rule_id,
            b.status,
            b.reason,
            b.n,
            b.data_until,
        )
        for x, y in ((a.value, b.value), (a.low, b.low), (a.high, b.high)):
            assert (x is None) == (y is None)
            if x is not None:
                np.testing.assert_allclose(x, y, rtol=1e-12, atol=1e-12)
    assert all(r.n > 0 and r.problem == "" for r in duck.results)


def same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    assert list(a.columns) == list(b.columns) and len(a) == len(b)
    for col in a.columns:
        x, y = a[col].reset_index(drop=True), b[col].reset_index(drop=True)
        if pd.api.types.is_float_dtype(x):
            np.testing.assert_allclose(x.astype(float), y.astype(float), rtol=1e-12)
        else:
            assert x.astype(object).tolist() == y.astype(object).tolist(), col


@pytest.mark.parametrize("which", ["log", "sample"])
def test_lived_journey_is_the_same_on_spark(spark, which):  # noqa: F811
    if which == "log":
        p, events = project(), journeys(PATHS)
    else:
        p, events = (
            datasets.load("einzelhandel", "workbook"),
            datasets.load("einzelhandel", "events"),
        )
        customers = datasets.load("einzelhandel", "customers")[["customer_id", "segment_id"]]
        events = events.merge(customers, on="customer_id", how="left")
    sdf = to_spark(spark, events)
    # Both step columns on the small log; the sample data only by phase (each Spark job
    # costs seconds, the SQL is the same).
    for by in ("phase", "touchpoint_id") if which == "log" else ("phase",):
        same(directly_follows(events, by=by, project=p), directly_follows(sdf, by=by, project=p))
        same(
            journey_variants(events, by=by, project=p, n=8),
            journey_variants(sdf, by=by, project=p, n=8),
        )
    seg = "segment_id" if which == "sample" else None
    duck, on_spark = compare_design(events, p, segment=seg), compare_design(sdf, p, segment=seg)
    same(duck.summary, on_spark.summary)
    same(duck.skipped, on_spark.skipped)
    same(duck.loops, on_spark.loops)
    same(duck.hidden, on_spark.hidden)
    assert duck.explanation == on_spark.explanation
