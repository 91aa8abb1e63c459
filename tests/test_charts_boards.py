"""Charts of the project's boards: heatmap, emotion curve, needs, impact/effort, theme."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from _charts_fixtures import XSS, big_project, small_project

import cjmlib.charts as charts
from cjmlib.charts import (
    emotion_curve_chart,
    impact_effort_chart,
    is_hint,
    needs_opportunity_chart,
    touchpoint_heatmap_chart,
)
from cjmlib.charts.theme import EMOTION_RANGE, PALETTE, theme_config
from cjmlib.errors import CJMError
from cjmlib.model import CHANNELS, JourneyProject, Need, Solution


def data_of(spec: dict, layer: dict, parent: dict | None = None) -> list[dict]:
    """Inline rows of ``layer``; altair lifts data shared by all layers to an ancestor."""
    for node in (layer, parent or {}, spec):
        if "data" in node:
            return spec["datasets"][node["data"]["name"]]
    raise AssertionError("no data")


def test_public_api_is_curated():
    assert sorted(charts.__all__) == sorted(
        [
            # German tables of the lived journey, shown beside their charts in chapter 7
            "design_table",
            "hidden_table",
            "variants_table",
            "emotion_curve_chart",
            "funnel_chart",
            "hint_chart",
            "impact_effort_chart",
            "is_hint",
            "journey_graph_chart",
            "journey_map_chart",
            "needs_opportunity_chart",
            "path_chart",
            "segment_comparison_chart",
            "survey_distribution_chart",
            "survey_trend_chart",
            "theme",
            "touchpoint_heatmap_chart",
            "variants_chart",
        ]
    )


def test_theme_is_colour_blind_safe_and_german():
    config = theme_config()
    assert config["range"]["category"] == PALETTE
    assert PALETTE[:3] == ["#0072B2", "#E69F00", "#009E73"]  # Okabe-Ito
    assert "#FF0000" not in EMOTION_RANGE and "#00FF00" not in EMOTION_RANGE
    assert config["locale"]["number"]["decimal"] == ","
    assert config["locale"]["number"]["thousands"] == "."
    assert config["locale"]["time"]["months"][2] == "März"
    spec = touchpoint_heatmap_chart(small_project()).to_dict()
    assert spec["config"]["locale"]["number"]["decimal"] == ","  # theme is active


def test_heatmap_counts_touchpoints_per_phase_and_channel():
    project = big_project(300)
    spec = touchpoint_heatmap_chart(project).to_dict()
    rows = data_of(spec, spec["layer"][0])
    expected = pd.DataFrame(
        [
            {"phase": project.phase_model.name_of(tp.phase), "channel": tp.channel}
            for tp in project.touchpoints
        ]
    )
    counts = expected.value_counts().to_dict()
    assert {(r["phase"], r["channel"]): r["value"] for r in rows} == counts
    # one row per (phase, channel) cell, never one per touchpoint
    assert len(rows) == len(counts) <= len(project.phase_model.phases) * len(CHANNELS)
    rect = spec["layer"][0]
    assert rect["mark"]["type"] == "rect"
    assert rect["encoding"]["x"]["sort"] == project.phase_model.names
    assert rect["encoding"]["color"]["field"] == "value"


def test_heatmap_of_relevance_uses_the_mean():
    spec = touchpoint_heatmap_chart(small_project(), value="relevance").to_dict()
    rows = data_of(spec, spec["layer"][0])
    cell = next(r for r in rows if r["channel"] == "Website")
    assert cell["value"] == 5.0
    assert spec["layer"][0]["encoding"]["color"]["scale"]["domain"] == [1, 5]
    assert "Relevanz" in spec["title"]["text"]


def test_heatmap_aggregates_a_big_event_log():
    project = small_project()
    n = 100_000
    events = pd.DataFrame(
        {
            "customer_id": [f"K{i % 5000}" for i in range(n)],
            "phase": ["kauf", "ueberlegung"] * (n // 2),
            "channel": ["Online-Shop"] * n,
        }
    )
    spec = touchpoint_heatmap_chart(project, value="events", events=events).to_dict()
    rows = data_of(spec, spec["layer"][0])
    assert sorted((r["phase"], r["value"]) for r in rows) == [
        ("Kauf", n // 2),
        ("Überlegung", n // 2),
    ]
    assert len(json.dumps(spec)) < 20_000


def test_heatmap_rejects_unknown_value():
    with pytest.raises(CJMError, match="count, relevance, events"):
        touchpoint_heatmap_chart(small_project(), value="summe")


def test_heatmap_without_events_or_touchpoints_gives_hints():
    assert is_hint(touchpoint_heatmap_chart(JourneyProject()))
    assert is_hint(touchpoint_heatmap_chart(small_project(), value="events"))


def test_emotion_curve_means_and_dots():
    spec = emotion_curve_chart(small_project()).to_dict()
    dots, line = spec["layer"][1], spec["layer"][2]
    assert dots["mark"]["type"] == "circle" and line["mark"]["type"] == "line"
    assert len(data_of(spec, dots)) == 6
    means = {r["phase"]: r["emotion"] for r in data_of(spec, line)}
    assert means == {
        "Bewusstsein": 1.0,
        "Überlegung": -1.0,
        "Entscheidung": 0.0,
        "Kauf": 0.0,
        "Nachkauf": -1.0,
    }


def test_emotion_curve_with_survey_overlay():
    survey = pd.DataFrame(
        {
            "phase": ["kauf", "nachkauf"],
            "phase_name": ["Kauf", "Nachkauf"],
            "emotion": [0.5, -1.5],
            "n": [40, 12],
        }
    )
    spec = emotion_curve_chart(small_project(), survey_emotion=survey).to_dict()
    rows = data_of(spec, spec["layer"][2])
    measured = {r["phase"]: r["emotion"] for r in rows if r["series"] != rows[0]["series"]}
    assert measured == {"Kauf": 0.5, "Nachkauf": -1.5}


def test_emotion_curve_for_one_persona_and_empty():
    spec = emotion_curve_chart(small_project(), persona="per-max").to_dict()
    assert len(data_of(spec, spec["layer"][1])) == 4
    assert is_hint(emotion_curve_chart(JourneyProject()))


def test_needs_chart_marks_underserved_needs():
    spec = needs_opportunity_chart(small_project()).to_dict()
    plot, listing = spec["hconcat"]
    dots = next(la for la in plot["layer"] if la["mark"]["type"] == "circle")
    rows = {r["need"]: r for r in data_of(spec, dots)}
    assert rows["Schnell finden"]["opportunity"] == 15  # 9 + (9 - 3)
    assert rows["Schnell finden"]["underserved"] == "ja"
    assert rows["Gute Beratung"]["underserved"] == "nein"
    assert rows["Schnell finden"]["no"] == 1  # highest opportunity first
    assert dots["encoding"]["x"]["field"] == "satisfaction"
    assert dots["encoding"]["y"]["field"] == "importance"
    lines = [r["line"] for r in data_of(spec, listing["layer"][1], listing)]
    assert lines[0].startswith("1. Schnell finden (Lena")


def test_impact_effort_places_solutions_in_their_quadrant():
    project = small_project()
    project.solutions.append(Solution(title="Kleinkram", impact=1, effort=1))
    project.solutions.append(Solution(title="Teuer und nutzlos", impact=2, effort=5))
    spec = impact_effort_chart(project).to_dict()
    plot = spec["hconcat"][0]
    dots = next(la for la in plot["layer"] if la["mark"]["type"] == "circle")
    quadrant = {r["title"]: r["quadrant"] for r in data_of(spec, dots)}
    assert quadrant == {
        "Rückrufservice": "Quick Win",
        "Bessere Filter": "Großprojekt",
        "Kleinkram": "Lückenfüller",
        "Teuer und nutzlos": "Zeitfresser",
    }
    quads = data_of(spec, plot["layer"][0])
    assert {q["quadrant"] for q in quads} == {
        "Quick Win",
        "Großprojekt",
        "Lückenfüller",
        "Zeitfresser",
    }


def test_equal_scores_are_fanned_out():
    project = JourneyProject(
        solutions=[Solution(title=f"L{i}", impact=4, effort=2) for i in range(5)]
    )
    spec = impact_effort_chart(project).to_dict()
    dots = next(la for la in spec["hconcat"][0]["layer"] if la["mark"]["type"] == "circle")
    offsets = {(r["dx"], r["dy"]) for r in data_of(spec, dots)}
    assert len(offsets) == 5


def test_board_charts_on_empty_project_give_hints():
    empty = JourneyProject()
    for chart in (needs_opportunity_chart(empty), impact_effort_chart(empty)):
        assert is_hint(chart)
        assert "Kapitel " in json.dumps(chart.to_dict(), ensure_ascii=False)


def test_board_charts_escape_user_text():
    project = JourneyProject(needs=[Need(need=XSS)], solutions=[Solution(title=XSS)])
    for chart in (needs_opportunity_chart(project), impact_effort_chart(project)):
        text = json.dumps(chart.to_dict(), ensure_ascii=False)
        assert "<img" not in text and "‹img" in text
