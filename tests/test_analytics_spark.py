"""Do the same analytics calls give the same answers on Spark as on DuckDB?

One local Spark session (``local[2]``) for the whole module; the test data is the
deterministic sample log of ``analytics_data`` with deliberate ties (events at the same
hour) so that the tie rules are exercised on both engines.
"""

from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pytest
from analytics_data import make_log

from cjmlib.analytics import (
    compare_segments,
    compare_switchers,
    count_switches,
    find_moments_of_truth,
    first_last_touch,
    funnel,
    retention_by_cohort,
    time_between_steps,
    top_paths,
    transition_matrix,
)

pytestmark = pytest.mark.slow

pyspark = pytest.importorskip("pyspark", reason="pyspark fehlt: `pip install -e '.[spark]'`")


@pytest.fixture(scope="module")
def spark():
    if shutil.which("java") is None:
        pytest.fail(
            "Java fehlt: `make install-test` installiert es als root (default-jre-headless)."
        )
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[2]")
        .appName("cjmlib-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.default.parallelism", "2")
        # Naive timestamps mean wall-clock time; UTC keeps them unchanged inside Spark,
        # as DuckDB keeps them (see cjmlib.analytics.engine).
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.driver.memory", "1g")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def log() -> pd.DataFrame:
    frame = make_log(400, seed=3)
    # Round to whole hours: many customers have two events at the same time.
    frame["timestamp"] = frame["timestamp"].dt.floor("6h")
    return frame


@pytest.fixture(scope="module")
def both(spark, log):
    """The log as pandas (DuckDB path) and as a Spark DataFrame."""
    plain = log.copy()
    for col in plain.columns:
        if col not in ("timestamp", "online", "value"):
            plain[col] = plain[col].astype(object)
    plain["value"] = plain["value"].astype(object).where(plain["value"].notna(), None)
    return log, spark.createDataFrame(plain).cache()


def same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    """Identical tables (floats to the last bits of rounding)."""
    assert list(a.columns) == list(b.columns)
    assert len(a) == len(b)
    for col in a.columns:
        x, y = a[col].reset_index(drop=True), b[col].reset_index(drop=True)
        if pd.api.types.is_float_dtype(x) or pd.api.types.is_float_dtype(y):
            np.testing.assert_allclose(x.astype(float), y.astype(float), rtol=1e-12, atol=1e-12)
        else:
            assert x.astype(object).tolist() == y.astype(object).tolist(), col


STEPS = ["Anzeige", "Suche", "Warenkorb", "Kasse"]


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"window": "3D"},
        {"window": "3D", "start": "first"},
        {"closed": False, "window": "2D"},
    ],
    ids=["closed", "window-best", "window-first", "open-window"],
)
def test_funnel_is_the_same_on_spark(both, kwargs):
    pdf, sdf = both
    duck = funnel(pdf, STEPS, by="touchpoint", **kwargs)
    spark = funnel(sdf, STEPS, by="touchpoint", **kwargs)
    same(duck, spark)
    assert duck["customers"].iloc[0] > 0 and duck.attrs["explanation"] == spark.attrs["explanation"]


def test_paths_and_transitions_are_the_same_on_spark(both):
    pdf, sdf = both
    for kwargs in ({"length": 3, "n": 20}, {"length": 2, "n": 5, "collapse_repeats": False}):
        duck, spark = top_paths(pdf, **kwargs), top_paths(sdf, **kwargs)
        same(duck, spark)
        assert len(duck) and duck.attrs["customers_total"] == spark.attrs["customers_total"]
    same(transition_matrix(pdf).reset_index(), transition_matrix(sdf).reset_index())
    same(time_between_steps(pdf), time_between_steps(sdf))
    same(time_between_steps(pdf, STEPS), time_between_steps(sdf, STEPS))


def test_switches_and_retention_are_the_same_on_spark(both):
    pdf, sdf = both
    for kind, at in (("online", "phase"), ("device", None)):
        duck, spark = count_switches(pdf, kind=kind, at=at), count_switches(sdf, kind=kind, at=at)
        same(duck, spark)
        assert duck.attrs["switchers"] == spark.attrs["switchers"] > 0
    same(compare_switchers(pdf), compare_switchers(sdf))
    for freq in ("MS", "W"):
        same(retention_by_cohort(pdf, freq=freq), retention_by_cohort(sdf, freq=freq))


def test_touches_moments_and_segments_are_the_same_on_spark(both):
    pdf, sdf = both
    same(first_last_touch(pdf), first_last_touch(sdf))
    same(find_moments_of_truth(pdf), find_moments_of_truth(sdf))
    same(compare_segments(pdf, by="phase"), compare_segments(sdf, by="phase"))
