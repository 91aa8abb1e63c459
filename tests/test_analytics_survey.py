"""Are NPS, CSAT and CES computed exactly as the course defines them?"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from cjmlib.analytics import (
    compute_ces,
    compute_csat,
    compute_nps,
    emotion_from_survey,
    survey_metrics,
    survey_trend,
)
from cjmlib.model import JourneyProject, Touchpoint

Z = 1.959963984540054  # 97.5 % quantile of the standard normal distribution

NPS = [10, 10, 9, 8, 7, 6, 2, 9, 10, 10]
CSAT = [5, 4, 4, 3, 2, 5, 1, 4]
CES = [7, 6, 5, 4, 3, 7, 1]


def test_nps_by_hand():
    # Promoters (9-10): 10, 10, 9, 9, 10, 10 = 6 of 10; detractors (0-6): 6, 2 = 2 of 10.
    # NPS = 60 % - 20 % = 40.
    assert compute_nps(NPS) == 40.0
    # Passives only -> 0; all detractors -> -100; nothing -> NaN.
    assert compute_nps([7, 8]) == 0.0
    assert compute_nps([0, 6]) == -100.0
    assert math.isnan(compute_nps([]))


def test_nps_interval_from_the_variance_of_the_scores():
    table = survey_metrics(pd.DataFrame({"nps": NPS}), by=None)
    row = table.iloc[0]
    # Scores +1 x6, 0 x2, -1 x2: mean m = 0.4; variance = (6 + 2)/10 - 0.4**2 = 0.64;
    # standard error = sqrt(0.64 / 10) = 0.252982; half width = 1.959964 * 0.252982 = 0.495836.
    # Interval = 100 * (0.4 -/+ 0.495836) = -9.58 .. 89.58 points.
    assert row["n_nps"] == 10
    assert row["nps"] == 40.0
    assert row["nps_low"] == pytest.approx(100 * (0.4 - Z * math.sqrt(0.64 / 10)))
    assert row["nps_low"] == pytest.approx(-9.5836, abs=1e-3)
    assert row["nps_high"] == pytest.approx(89.5836, abs=1e-3)


def test_csat_by_hand_with_wilson_interval():
    # Answers 4-5: 5, 4, 4, 5, 4 = 5 of 8 -> CSAT 62.5 %.
    assert compute_csat(CSAT) == 62.5
    row = survey_metrics(pd.DataFrame({"csat": CSAT}), by=None).iloc[0]
    # Wilson: centre = (p + z²/2n) / (1 + z²/n) = (0.625 + 0.240091) / 1.480182 = 0.584450
    # half = z * sqrt(p(1-p)/n + z²/4n²) / (1 + z²/n) = 1.959964 * 0.210483 / 1.480182 = 0.278712
    assert row["csat_low"] == pytest.approx(100 * (0.584450 - 0.278712), abs=1e-3)
    assert row["csat_high"] == pytest.approx(100 * (0.584450 + 0.278712), abs=1e-3)


def test_ces_mean_and_agreement_are_both_reported():
    # Mean = (7+6+5+4+3+7+1) / 7 = 33 / 7 = 4.714286; agreeing (5-7): 7, 6, 5, 7 = 4 of 7.
    assert compute_ces(CES) == {"mean": pytest.approx(33 / 7), "agree": pytest.approx(400 / 7)}
    row = survey_metrics(pd.DataFrame({"ces": CES}), by=None).iloc[0]
    assert row["ces_mean"] == pytest.approx(4.714286, abs=1e-6)
    assert row["ces_agree"] == pytest.approx(57.142857, abs=1e-6)
    assert row["ces_mean_low"] < row["ces_mean"] < row["ces_mean_high"]


def test_out_of_scale_answers_are_counted_not_used():
    survey = pd.DataFrame({"nps": [10, 11, -1, None], "csat": [5, 0, 6, 3]})
    table = survey_metrics(survey, by=None)
    assert table.iloc[0]["n_nps"] == 1 and table.iloc[0]["n_csat"] == 2
    assert table.attrs["excluded"] == {"nps": 2, "csat": 2}
    assert (
        "Antworten außerhalb der Skala wurden nicht mitgerechnet: NPS: 2, CSAT: 2"
        in table.attrs["explanation"]
    )


def test_groups_and_small_sample_warning():
    survey = pd.DataFrame(
        {
            "touchpoint_id": ["tp-a"] * 40 + ["tp-b"] * 5,
            "nps": [10] * 30 + [0] * 10 + [9] * 5,
            "csat": [5] * 45,
            "ces": [6] * 45,
        }
    )
    table = survey_metrics(survey)
    assert table.columns.tolist()[:13] == [
        "group",
        "n_nps",
        "nps",
        "nps_low",
        "nps_high",
        "n_csat",
        "csat",
        "csat_low",
        "csat_high",
        "n_ces",
        "ces_mean",
        "ces_agree",
        "small_sample",
    ]
    a, b = table.set_index("group").loc["tp-a"], table.set_index("group").loc["tp-b"]
    assert a["nps"] == 50.0 and not a["small_sample"] and a["warning"] == ""
    assert b["nps"] == 100.0 and b["small_sample"]
    assert b["warning"].startswith("Achtung: NPS, CSAT, CES beruht auf weniger als 30 Antworten")
    # The definitions name which CES figure is which.
    assert (
        "„CES-Mittelwert“ ist der Mittelwert, „CES-Zustimmung“ der Anteil der Antworten 5–7"
        in table.attrs["explanation"]
    )
    assert "Varianz" in table.attrs["methods"]["nps"] and "Wilson" in table.attrs["methods"]["csat"]


def test_trend_per_month():
    survey = pd.DataFrame(
        {
            "timestamp": pd.to_datetime(
                ["2024-01-05", "2024-01-20", "2024-02-03", "kaputt"], errors="coerce"
            ),
            "nps": [10, 0, 9, 9],
            "csat": [5, 1, 4, 4],
            "ces": [7, 1, 5, 5],
        }
    )
    trend = survey_trend(survey)
    assert trend["period"].tolist() == [pd.Timestamp("2024-01-01"), pd.Timestamp("2024-02-01")]
    assert trend["n"].tolist() == [2, 1]
    assert trend["nps"].tolist() == [0.0, 100.0]
    assert trend["csat"].tolist() == [50.0, 100.0]
    assert trend["ces_mean"].tolist() == [4.0, 5.0]
    assert trend.attrs["excluded_rows"] == 1


def test_emotion_curve_follows_the_phase_model():
    project = JourneyProject(
        touchpoints=[
            Touchpoint(id="tp-a", name="Anzeige", phase="bewusstsein", channel="Social Media"),
            Touchpoint(id="tp-k", name="Kasse", phase="kauf", channel="Online-Shop"),
        ]
    )
    survey = pd.DataFrame(
        {
            "touchpoint_id": ["tp-a", "tp-k", "tp-k", "tp-x"],
            # csat 5 -> +2; csat 1 -> -2, nps 0 -> (0 - 5)/2.5 = -2; csat 3 -> 0.
            "csat": [5, 1, 3, 4],
            "nps": [None, 0, None, None],
        }
    )
    curve = emotion_from_survey(survey, project)
    assert curve["phase"].tolist() == project.phase_model.ids
    got = curve.set_index("phase")
    assert got.loc["bewusstsein", "emotion"] == 2.0
    # Kasse: answer 1 = mean(-2, -2) = -2, answer 2 = 0 -> mean -1.
    assert got.loc["kauf", "emotion"] == -1.0 and got.loc["kauf", "n"] == 2
    assert math.isnan(got.loc["ueberlegung", "emotion"]) and got.loc["ueberlegung", "n"] == 0
    assert curve.attrs["unmatched"] == 1
    assert "Tiefpunkt liegt in der Phase „Kauf“" in curve.attrs["explanation"]


def test_emotion_from_nps_keeps_the_nps_zero_point():
    """An NPS of 0 (as many promoters as critics) is a neutral 0, not +0.8."""
    project = JourneyProject(
        touchpoints=[Touchpoint(id="tp-k", name="Kasse", phase="kauf", channel="Filiale")]
    )
    # 2 promoters, 2 critics, 4 passives: NPS 0, mean answer 7 (the old mapping gave +0.8).
    survey = pd.DataFrame({"touchpoint_id": ["tp-k"] * 8, "nps": [10, 9, 3, 6, 7, 7, 8, 8]})
    curve = emotion_from_survey(survey, project).set_index("phase")
    assert curve.loc["kauf", "emotion"] == 0.0
    assert curve.loc["kauf", "emotion_nps"] == 0.0
    # All promoters: +2; the NPS part is always NPS / 50.
    promoters = survey.assign(nps=[9, 10, 9, 10, 9, 10, 9, 10])
    assert emotion_from_survey(promoters, project).set_index("phase").loc["kauf", "emotion"] == 2.0


def test_emotion_shows_each_scale_apart():
    """The curve is the mean of three parts; each part is shown so it can be checked."""
    project = JourneyProject(
        touchpoints=[Touchpoint(id="tp-k", name="Kasse", phase="kauf", channel="Filiale")]
    )
    survey = pd.DataFrame(
        {"touchpoint_id": ["tp-k", "tp-k"], "nps": [10, 0], "csat": [5, 4], "ces": [7, 4]}
    )
    row = emotion_from_survey(survey, project).set_index("phase").loc["kauf"]
    assert row["emotion_nps"] == 0.0  # one promoter (+2), one critic (-2)
    assert row["emotion_csat"] == 1.5  # (5 - 3 + 4 - 3) / 2
    assert row["emotion_ces"] == 1.0  # ((7 - 4) / 1.5 + 0) / 2
