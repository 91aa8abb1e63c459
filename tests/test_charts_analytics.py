"""Charts of the analytics tables: funnel, paths, survey, segments.

Each chart is checked against hand-built DataFrames of the agreed shape and once against
the real function from ``cjmlib.analytics``."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from cjmlib import analytics
from cjmlib.charts import (
    funnel_chart,
    is_hint,
    path_chart,
    segment_comparison_chart,
    survey_distribution_chart,
    survey_trend_chart,
)
from cjmlib.errors import CJMError


def data_of(spec: dict, layer: dict, parent: dict | None = None) -> list[dict]:
    """Inline rows of ``layer``; altair lifts data shared by all layers to an ancestor."""
    for node in (layer, parent or {}, spec):
        if "data" in node:
            return spec["datasets"][node["data"]["name"]]
    raise AssertionError("no data")


def funnel_frame() -> pd.DataFrame:
    c = np.array([1000, 600, 450, 120])
    prev = np.concatenate([c[:1], c[:-1]])
    frame = pd.DataFrame(
        {
            "step": [1, 2, 3, 4],
            "label": ["Bewusstsein", "Überlegung", "Entscheidung", "Kauf"],
            "customers": c,
            "conversion_from_start": c / 1000,
            "conversion_from_previous": c / prev,
            "drop_off": prev - c,
            "drop_off_rate": 1 - c / prev,
        }
    )
    frame.attrs["biggest_leak"] = {
        "step": 4,
        "label": "Kauf",
        "from_label": "Entscheidung",
        "drop_off": 330,
        "drop_off_rate": 330 / 450,
    }
    return frame


def event_log(n: int = 300, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    steps = [
        ("tp-a", "Anzeige", "bewusstsein", "Social Media"),
        ("tp-s", "Suche", "ueberlegung", "Website"),
        ("tp-k", "Kasse", "kauf", "Online-Shop"),
    ]
    rows = []
    for c in range(n):
        depth = 1 + int(rng.integers(0, 3))
        for i in range(depth):
            tp, name, phase, channel = steps[i]
            rows.append(
                {
                    "customer_id": f"K{c:04d}",
                    "timestamp": pd.Timestamp("2026-01-01") + pd.Timedelta(hours=c + i),
                    "touchpoint_id": tp,
                    "touchpoint": name,
                    "phase": phase,
                    "channel": channel,
                    "device": "Desktop",
                    "online": True,
                    "value": 50.0 if phase == "kauf" else np.nan,
                }
            )
    return pd.DataFrame(rows)


def survey_frame(n: int = 400, seed: int = 5) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "response_id": [f"R{i}" for i in range(n)],
            "customer_id": [f"K{i % 100:04d}" for i in range(n)],
            "timestamp": pd.Timestamp("2026-01-01") + pd.to_timedelta(rng.integers(0, 180, n), "D"),
            "touchpoint_id": rng.choice(["tp-a", "tp-k"], n),
            "phase": rng.choice(["bewusstsein", "kauf"], n),
            "nps": pd.array(rng.integers(0, 11, n), dtype="Int64"),
            "csat": pd.array(rng.integers(1, 6, n), dtype="Int64"),
            "ces": pd.array(rng.integers(1, 8, n), dtype="Int64"),
            "comment": [""] * n,
        }
    )


def test_funnel_bars_drop_off_and_biggest_leak():
    spec = funnel_chart(funnel_frame()).to_dict()
    layers = spec["layer"]
    rows = data_of(spec, layers[1], spec)
    assert [r["label"] for r in rows] == [
        "1. Bewusstsein",
        "2. Überlegung",
        "3. Entscheidung",
        "4. Kauf",
    ]
    assert [r["leak"] for r in rows] == [False, False, False, True]
    assert rows[3]["text_drop"] == "−330 (73,3 % verloren)"
    assert rows[1]["text_main"] == "600 (60,0 %)"
    bars = layers[1]
    assert bars["mark"]["type"] == "bar" and bars["encoding"]["x"]["field"] == "customers"
    assert bars["encoding"]["y"]["sort"] == [r["label"] for r in rows]
    assert any("Größtes Leck" in s for s in spec["title"]["subtitle"])


def test_funnel_without_attrs_finds_the_leak_itself():
    frame = funnel_frame()
    frame.attrs.clear()
    spec = funnel_chart(frame).to_dict()
    assert [r["leak"] for r in data_of(spec, spec["layer"][1], spec)] == [False, False, False, True]


def test_funnel_with_the_real_analytics_function():
    events = event_log()
    table = analytics.funnel(events, ["bewusstsein", "ueberlegung", "kauf"])
    spec = funnel_chart(table).to_dict()
    rows = data_of(spec, spec["layer"][1], spec)
    assert [r["customers"] for r in rows] == list(table["customers"])
    assert len(json.dumps(spec)) < 20_000  # the events themselves never reach the spec


def test_funnel_rejects_wrong_tables_and_shows_hint_when_empty():
    with pytest.raises(CJMError, match=r"fehlen die Spalten.*drop_off"):
        funnel_chart(pd.DataFrame({"step": [1], "label": ["a"], "customers": [3]}))
    with pytest.raises(CJMError, match="pandas `DataFrame`"):
        funnel_chart([1, 2, 3])
    assert is_hint(funnel_chart(pd.DataFrame()))


def test_path_chart_shows_top_paths_as_shares():
    paths = pd.DataFrame(
        {
            "path": [f"A → B → {i}" for i in range(30)],
            "steps": [("A", "B", str(i)) for i in range(30)],
            "customers": list(range(300, 0, -10)),
            "share": [c / 1000 for c in range(300, 0, -10)],
        }
    )
    spec = path_chart(paths, n=10).to_dict()
    rows = data_of(spec, spec["layer"][0], spec)
    assert len(rows) == 10 and rows[0]["label"] == "1. A → B → 0"
    assert spec["layer"][0]["encoding"]["x"]["field"] == "share"
    assert spec["layer"][0]["encoding"]["x"]["axis"]["format"] == ".0%"
    assert "steps" not in rows[0]


def test_path_chart_with_real_top_paths():
    table = analytics.top_paths(event_log(), length=2, n=5)
    spec = path_chart(table).to_dict()
    rows = data_of(spec, spec["layer"][0], spec)
    assert [r["customers"] for r in rows] == list(table["customers"])
    assert is_hint(path_chart(table.iloc[0:0]))


def test_survey_distribution_counts_every_score():
    survey = survey_frame()
    spec = survey_distribution_chart(survey).to_dict()
    # NPS on its own row, CSAT and CES side by side below: it fits the notebook column.
    assert len(spec["vconcat"]) == 2 and len(spec["vconcat"][1]["hconcat"]) == 2
    nps_panel = spec["vconcat"][0]
    rows = data_of(spec, nps_panel["layer"][0], nps_panel)
    assert [r["score"] for r in rows] == list(range(11))
    assert sum(r["count"] for r in rows) == len(survey)
    counts = survey["nps"].value_counts()
    assert {r["score"]: r["count"] for r in rows} == {s: int(counts.get(s, 0)) for s in range(11)}
    groups = {r["score"]: r["group"] for r in rows}
    assert groups[6] == "Kritiker (0–6)" and groups[8] == "Passive (7–8)"
    assert groups[9] == "Promotoren (9–10)"
    assert len(json.dumps(spec)) < 30_000  # answers are counted, not listed


def test_survey_distribution_with_missing_columns_and_out_of_range_values():
    survey = pd.DataFrame({"csat": pd.array([1, 5, 5, 9, None], dtype="Int64")})
    spec = survey_distribution_chart(survey).to_dict()
    assert "hconcat" in spec and len(spec["hconcat"]) == 1
    rows = data_of(spec, spec["hconcat"][0]["layer"][0], spec["hconcat"][0])
    assert sum(r["count"] for r in rows) == 3  # 9 and the gap are left out
    assert is_hint(survey_distribution_chart(pd.DataFrame({"x": [1]})))
    assert is_hint(survey_distribution_chart(None))


def test_survey_trend_from_hand_built_and_real_table():
    trend = pd.DataFrame(
        {
            "period": pd.date_range("2026-01-01", periods=6, freq="MS"),
            "n": [50] * 6,
            "nps": [10, 12, 8, 20, 25, 30],
            "csat": [70.0] * 6,
            "ces_mean": [5.1] * 6,
        }
    )
    spec = survey_trend_chart(trend).to_dict()
    assert len(spec["vconcat"]) == 3
    first = spec["vconcat"][0]
    rows = data_of(spec, first["layer"][0], first)
    assert rows[0]["period"] == "2026-01-01"
    assert first["layer"][0]["encoding"]["x"]["axis"]["format"] == "%b %Y"
    real = survey_trend_chart(analytics.survey_trend(survey_frame()))
    assert not is_hint(real)
    assert is_hint(survey_trend_chart(trend.iloc[0:0]))


def test_segment_comparison_of_conversion_with_intervals():
    table = pd.DataFrame(
        {
            "group": ["seg-a", "seg-b"],
            "customers": [100, 12],
            "converted": [40, 3],
            "conversion_rate": [0.4, 0.25],
            "ci_low": [0.31, 0.09],
            "ci_high": [0.5, 0.53],
            "events_per_customer": [3.2, 2.0],
            "revenue_per_customer": [55.0, 20.0],
            "small_sample": [False, True],
            "warning": ["", "wenig"],
        }
    )
    from _charts_fixtures import small_project

    from cjmlib.model import JourneyProject, Segment

    project = JourneyProject.model_validate(
        {
            **small_project().model_dump(),
            "segments": [Segment(id="seg-a", name="Sparfüchse").model_dump()],
        }
    )
    spec = segment_comparison_chart(table, project=project).to_dict()
    assert [
        p["layer"][0]["title"]["text"] if "title" in p["layer"][0] else p["title"]["text"]
        for p in spec["hconcat"]
    ] == ["Conversion-Rate", "Umsatz je Kunde (€)", "Kontakte je Kunde"]
    first = spec["hconcat"][0]
    rows = data_of(spec, first["layer"][0], first)
    assert [r["group"] for r in rows] == ["Sparfüchse", "seg-b"]
    assert [r["small"] for r in rows] == [False, True]
    assert first["layer"][1]["mark"]["type"] == "rule"  # the 95 % interval
    assert any("weniger als 30" in s for s in spec["title"]["subtitle"])


def test_segment_comparison_of_survey_metrics_from_analytics():
    survey = survey_frame()
    table = analytics.survey_metrics(survey, by="touchpoint_id")
    spec = segment_comparison_chart(table).to_dict()
    titles = [p["title"]["text"] for p in spec["hconcat"]]
    assert titles == ["NPS (Punkte)", "CSAT (% zufrieden)", "CES (Mittel 1–7)"]
    with pytest.raises(CJMError, match="fehlen die Spalten"):
        segment_comparison_chart(table, metrics=["gibt_es_nicht"])
    assert is_hint(segment_comparison_chart(pd.DataFrame()))


def test_numbers_render_in_german_format():
    from cjmlib.io.images import chart_bytes

    svg = chart_bytes(funnel_chart(funnel_frame()), "svg").decode("utf-8")
    assert ">1.000<" in svg  # axis label: thousands separator is a dot
    assert "73,3 % verloren" in svg
