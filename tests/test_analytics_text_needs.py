"""Feedback themes from the keyword lexicon and the opportunity score of needs."""

from __future__ import annotations

import pandas as pd

from cjmlib.analytics import count_themes, score_needs, tag_feedback
from cjmlib.model import Need


def test_lexicon_tags_themes_and_pain_points():
    fb = pd.DataFrame(
        {
            "touchpoint_id": ["tp-kasse", "tp-kasse", "tp-hotline", "tp-hotline", None],
            "text": [
                "An der Kasse musste ich ewig warten, ärgerlich!",
                "Bezahlen ging schnell, kein Problem.",
                "Hotline nicht erreichbar, ständig besetzt.",
                "Sehr freundliche und kompetente Beratung am Telefon.",
                "",
            ],
        }
    )
    tagged = tag_feedback(fb)
    assert "wartezeit" in tagged["themes"][0] and tagged["pain_point"][0]
    assert "zahlung" in tagged["themes"][1] and not tagged["pain_point"][1]  # "kein Problem"
    assert "erreichbarkeit" in tagged["themes"][2] and tagged["pain_point"][2]
    assert {"freundlichkeit", "beratung"} <= set(tagged["themes"][3])
    assert not tagged["pain_point"][3]
    assert tagged["theme_labels"][0][0] == "Wartezeit"
    assert tagged["pain_categories"][0] == ["Wartezeit"] and tagged["pain_categories"][1] == []
    assert tagged.attrs["empty"] == 1


def test_counts_per_touchpoint():
    fb = pd.DataFrame(
        {
            "touchpoint_id": ["a", "a", "b"],
            "comment": ["Lieferung kam zu spät", "Paket beschädigt", "Preis zu teuer"],
        }
    )
    out = count_themes(fb)
    got = out.set_index(["group", "theme"])
    assert got.loc[("a", "lieferung"), "mentions"] == 2
    assert got.loc[("a", "lieferung"), "share"] == 1.0
    assert got.loc[("b", "preis"), "pain_mentions"] == 1
    assert out.columns.tolist() == [
        "group",
        "theme",
        "theme_label",
        "mentions",
        "pain_mentions",
        "share",
    ]


def test_opportunity_score_and_underserved():
    needs = [
        Need(need="Verfügbarkeit", importance=9, satisfaction=4),  # 9 + 5 = 14
        Need(need="Beratung", importance=6, satisfaction=8),  # 6 + 0 = 6
        Need(need="Reparatur", importance=7, satisfaction=4),
    ]  # 7 + 3 = 10
    out = score_needs(needs)
    assert out["need"].tolist() == ["Verfügbarkeit", "Reparatur", "Beratung"]
    assert out["opportunity"].tolist() == [14, 10, 6]
    assert out["underserved"].tolist() == [True, False, False]  # above 10, not at 10
    frame = score_needs(pd.DataFrame({"importance": [5, None], "satisfaction": [5, 3]}))
    assert frame.attrs["invalid"] == 1 and frame["opportunity"].isna().sum() == 1
