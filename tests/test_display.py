"""Does every table a trainee sees speak German: labels, numbers, names, no NaN/None/True?"""

from __future__ import annotations

import pandas as pd
import pytest

from cjmlib import analytics, datasets
from cjmlib.display import (
    format_number,
    format_p,
    format_share,
    format_value,
    names_of,
    show_entries,
    show_table,
)
from cjmlib.messages import t
from cjmlib.model import JourneyProject, Segment, Touchpoint


@pytest.fixture(scope="module")
def sample():
    return datasets.load("einzelhandel", "workbook")


def test_numbers_are_german():
    """Are thousands dotted, decimals commaed and negatives signed with a real minus?"""
    assert format_number(1234.56) == "1.234,6"
    assert format_number(-0.04) == "0,0"  # no "−0,0"
    assert format_number(-1.25, 2) == "−1,25"
    assert format_number(3.0, 1, sign=True) == "+3,0"
    assert format_share(0.40797) == "40,8 %"
    assert format_value(7500) == "7.500"
    assert format_value(float("nan")) == "–"
    assert format_value(pd.NA) == "–" and format_value(None) == "–" and format_value(pd.NaT) == "–"
    assert format_value(True) == "ja" and format_value(False) == "nein"
    assert format_value(["a", "b"]) == "a, b"
    assert format_value(pd.Timestamp("2026-03-01"), "month") == "März 2026"


def test_texts_write_negative_numbers_with_the_minus_sign():
    """Do the numbers in German texts (an A/B test's interval) use "−", as the tables do?"""
    from cjmlib.analytics import ab_test
    from cjmlib.messages.text import fmt_num, fmt_pct

    assert fmt_num(-5.4) == "−5,4" and fmt_num(-1234.5, 0) == "−1.234"
    assert fmt_pct(-0.125) == "−12,5 %" and fmt_num(-0.04) == "0,0"
    explanation = ab_test(74, 120, 82, 120).explanation  # chapter 9's small test
    assert "−5,4 bis 18,4" in explanation and "-5," not in explanation


@pytest.mark.parametrize(
    ("p", "text"), [(0.0, "p < 0,001"), (0.00004, "p < 0,001"), (0.279, "p = 0,279")]
)
def test_p_values_are_never_zero(p, text):
    """Is a tiny p-value shown as "p < 0,001" instead of "p = 0,0000"?"""
    assert format_p(p) == text


def test_analysis_table_gets_german_headers_names_and_percent(sample):
    """Does compare_segments show German headers, segment names and percentages?"""
    events = datasets.load("einzelhandel", "events")
    customers = datasets.load("einzelhandel", "customers")
    table = show_table(analytics.compare_segments(events, customers, by="segment_id"), sample)
    assert table.columns[:5] == [
        "Zielgruppe",
        "Kunden",
        "davon gekauft",
        "Conversion-Rate",
        "95-%-Intervall",
    ]
    first = table.frame.iloc[0]
    assert first["Zielgruppe"] == "Ambitionierte Bergsportler"
    assert first["Conversion-Rate"] == "40,8 %"
    assert first["95-%-Intervall"] == "38,6 bis 43,1 %"
    html = table._repr_html_()
    for bad in ("seg-bergsport", "NaN", "None", "True", "<NA>", "conversion_rate", "ci_low"):
        assert bad not in html


def test_missing_values_and_ids_in_raw_data(sample):
    """Do raw survey rows show "–" for gaps and touchpoint/phase names for ids?"""
    survey = datasets.load("einzelhandel", "survey").head(5)
    table = show_table(survey, sample)
    text = table._repr_html_()
    assert "<NA>" not in text and "nan" not in text.lower().replace("nachkauf", "")
    assert "tp-suchmaschine" not in text and "bewusstsein" not in text
    assert "Suchmaschine" in text and "Bewusstsein" in text
    assert table.frame["NPS"].tolist()[0] == "10"  # a raw answer, not "+10"


def test_entries_show_links_by_name(sample):
    """Do pain points show their touchpoints and phase by name, with German headers?"""
    table = show_entries(sample, "pain_points", ["title", "category", "phase", "touchpoint_ids"])
    assert table.columns == ["Titel", "Kategorie", "Phase", "Touchpoints"]
    assert "Entscheidung" in table.frame["Phase"].tolist()
    assert not any(v.startswith("tp-") for v in table.frame["Touchpoints"])


def test_index_with_names_is_kept_and_row_numbers_dropped():
    """Is a named index a column, while plain row numbers disappear?"""
    counts = pd.Series({"Kunden": 7500, "Kontakte": 60234}, name="Zeilen")
    table = show_table(counts)
    assert table.columns == ["", "Zeilen"] and table.frame["Zeilen"].tolist() == ["7.500", "60.234"]
    plain = show_table(pd.DataFrame({"share": [0.5]}))
    assert plain.columns == ["Anteil"] and plain.frame.iloc[0, 0] == "50,0 %"


def test_names_of_covers_phases_and_entries():
    project = JourneyProject(
        segments=[Segment(id="seg-a", name="Alle")],
        touchpoints=[Touchpoint(id="tp-x", name="Kasse", phase="kauf", channel="Filiale")],
    )
    names = names_of(project)
    assert names["seg-a"] == "Alle" and names["tp-x"] == "Kasse" and names["kauf"] == "Kauf"


def test_online_column_keeps_online_and_offline(sample):
    """A table_frame column "Online" holds "online"/"offline" text; both stay as they are."""
    from cjmlib.io import table_frame

    frame = table_frame(sample, "touchpoints")
    shown = show_table(frame, columns=["Name", "Online"]).frame
    assert set(shown["Online"]) == {"online", "offline"}
    assert format_value(True, "online") == "online" and format_value(False, "online") == "offline"


def test_rule_entries_show_kinds_and_figures_in_german(sample):
    """Does a table of evidence rules say "Emotion" and "CES (Mittelwert)", not "emotion"/"ces"?"""
    assert sample.evidence_rules, "the sample workbook carries evidence rules"
    table = show_entries(sample, "evidence_rules", ["title", "claim", "metric", "comparison"])
    kinds, metrics = set(table.frame.iloc[:, 1]), set(table.frame.iloc[:, 2])
    rules = list(sample.evidence_rules)
    assert kinds == {t(f"living_map.claim.{r.claim}") for r in rules}
    assert metrics == {t(f"living_map.metric.{r.metric}") for r in rules}
    raw = {r.claim for r in rules} | {r.metric for r in rules}
    assert not (kinds | metrics) & raw
