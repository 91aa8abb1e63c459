"""Designed vs lived journey: directly-follows graph, variants, conformance, hidden touchpoints.

The log below has seven customers whose phase sequences (repeats collapsed) are written
next to them; every expected figure is counted from those lines.
"""

from __future__ import annotations

import pandas as pd
import pytest
from living_map_data import drop_off_log, journeys, project

from cjmlib import datasets
from cjmlib.analytics import load_events
from cjmlib.analytics.lived import (
    compare_design,
    directly_follows,
    hidden_touchpoints,
    journey_variants,
)
from cjmlib.errors import CJMError

# phases: 0 Bewusstsein (Anzeige), 1 Überlegung (Suche, Beratung), 2 Entscheidung
# (Warenkorb), 3 Kauf (Kasse), 4 Nachkauf (Hotline); tp-insta-shop is not on the map.
PATHS = {
    "A": ["tp-anzeige", "tp-suche", "tp-warenkorb", "tp-kasse", "tp-hotline"],  # 0 1 2 3 4
    "B": ["tp-anzeige", "tp-warenkorb", "tp-kasse"],  # 0 2 3: skips 1
    "C": ["tp-suche", "tp-warenkorb", "tp-suche", "tp-warenkorb", "tp-kasse"],  # 1 2 1 2 3
    "D": ["tp-anzeige", "tp-suche", "tp-beratung", "tp-suche"],  # 0 1
    "E": ["tp-kasse", "tp-hotline", "tp-kasse"],  # 3 4 3
    "F": ["tp-anzeige", "tp-kasse"],  # 0 3: skips 1 and 2
    "G": ["tp-anzeige", "tp-insta-shop", "tp-kasse"],  # 0 (?) 3: skips 1 and 2
}


@pytest.fixture(scope="module")
def log() -> pd.DataFrame:
    return journeys(PATHS)


def edges(frame: pd.DataFrame) -> dict[tuple[str, str], tuple[int, int, str]]:
    return {
        (r.source_label, r.target_label): (r.transitions, r.customers, r.kind)
        for r in frame.itertuples()
    }


def test_phase_graph_counts_every_edge(log):
    dfg = directly_follows(log, by="phase", project=project())
    assert edges(dfg) == {
        ("Start", "Bewusstsein"): (5, 5, "start"),
        ("Start", "Überlegung"): (1, 1, "start"),
        ("Start", "Kauf"): (1, 1, "start"),
        ("Bewusstsein", "Überlegung"): (2, 2, "forward"),
        ("Bewusstsein", "Entscheidung"): (1, 1, "skip"),
        ("Bewusstsein", "Kauf"): (2, 2, "skip"),
        ("Überlegung", "Entscheidung"): (3, 2, "forward"),
        ("Entscheidung", "Überlegung"): (1, 1, "back"),
        ("Entscheidung", "Kauf"): (3, 3, "forward"),
        ("Kauf", "Nachkauf"): (2, 2, "forward"),
        ("Nachkauf", "Kauf"): (1, 1, "back"),
        ("Überlegung", "Ende"): (1, 1, "end"),
        ("Kauf", "Ende"): (5, 5, "end"),
        ("Nachkauf", "Ende"): (1, 1, "end"),
    }
    share = dfg.set_index(["source", "target"])["share"]
    assert share[("ueberlegung", "entscheidung")] == 0.75  # 3 of 4 moves out of Überlegung
    assert dfg.attrs["customers_total"] == 7
    # 8 distinct edges between phases; 2 of their 15 moves go back
    assert dfg.attrs["explanation"] == (
        "7 Kunden, 8 verschiedene Übergänge zwischen Schritten; 13,3 % der Übergänge gehen "
        "in eine frühere Phase zurück."
    )


def test_touchpoint_graph_keeps_hidden_steps(log):
    dfg = directly_follows(log, by="touchpoint_id", project=project())
    got = edges(dfg)
    assert got[("Suche", "Beratung")] == (1, 1, "within")  # same phase
    assert got[("Anzeige", "tp-insta-shop")] == (1, 1, "unknown")  # not on the map
    assert got[("Warenkorb", "Suche")] == (1, 1, "back")
    without = directly_follows(log, by="touchpoint_id")
    assert set(without["kind"]) == {"start", "end", "unknown"}


def test_variants_with_the_design(log):
    variants = journey_variants(log, by="phase", project=project())
    assert variants["variant"].tolist()[:2] == [
        "Bewusstsein → Kauf",  # F and G
        "Bewusstsein → Entscheidung → Kauf",
    ]
    assert variants["customers"].tolist() == [2, 1, 1, 1, 1, 1]
    follows = dict(zip(variants["variant"], variants["follows_design"], strict=True))
    assert follows == {
        "Bewusstsein → Kauf": False,
        "Bewusstsein → Entscheidung → Kauf": False,
        "Bewusstsein → Überlegung": True,
        "Bewusstsein → Überlegung → Entscheidung → Kauf → Nachkauf": True,
        "Kauf → Nachkauf → Kauf": False,
        "Überlegung → Entscheidung → Überlegung → Entscheidung → Kauf": False,
    }
    assert variants["cumulative"].iloc[-1] == pytest.approx(1.0)
    assert variants.attrs["variants_total"] == 6
    top = journey_variants(log, by="phase", project=project(), n=1)
    assert len(top) == 1 and top["share"].iloc[0] == pytest.approx(2 / 7)
    with pytest.raises(CJMError, match="`n` = 0 geht nicht"):
        journey_variants(log, n=0)


def test_conformance_counts_order_skips_and_loops(log):
    result = compare_design(log, project())
    summary = result.summary.iloc[0]
    assert summary["group"] == "Alle"
    assert (summary["customers"], summary["in_order"], summary["follows_design"]) == (7, 5, 2)
    assert (summary["skipping"], summary["looping"]) == (3, 2)
    skipped = result.skipped.set_index("phase")
    assert skipped.loc["ueberlegung", "customers"] == 3  # B, F, G
    assert skipped.loc["ueberlegung", "share"] == pytest.approx(3 / 4)  # of A, B, F, G
    assert skipped.loc["entscheidung", "customers"] == 2  # F, G
    assert skipped.loc["entscheidung", "share"] == pytest.approx(2 / 5)
    assert skipped.loc["kauf", "customers"] == 0
    assert result.loops.to_dict("records") == [
        {"from_phase": "Entscheidung", "to_phase": "Überlegung", "transitions": 1, "customers": 1},
        {"from_phase": "Nachkauf", "to_phase": "Kauf", "transitions": 1, "customers": 1},
    ]
    assert result.explanation.startswith(
        "Von 7 Kunden bleiben 71,4 % in der geplanten Reihenfolge der Phasen, 28,6 % folgen "
        "ihr ganz (ohne eine Phase zu überspringen), 28,6 % gehen mindestens einmal in eine "
        "frühere Phase zurück. Am häufigsten übersprungen wird „Überlegung“ (3 Kunden)."
    )
    assert "tp-insta-shop" in result.explanation


def test_conformance_per_segment_and_persona(log):
    customers = pd.DataFrame(
        {
            "customer_id": list("ABCDEFG"),
            "segment_id": ["seg-a", "seg-a", "seg-a", "seg-b", "seg-b", "seg-b", "seg-b"],
            "persona_id": ["per-a"] * 3 + [None] * 4,
        }
    )
    by_segment = compare_design(log, project(), segment="segment_id", customers=customers)
    rows = by_segment.summary.set_index("group")
    assert rows.loc["Stammkunden", ["customers", "in_order", "looping", "skipping"]].tolist() == [
        3,
        2,
        1,
        1,
    ]
    assert rows.loc["Neue", ["customers", "in_order", "looping", "skipping"]].tolist() == [
        4,
        3,
        1,
        2,
    ]
    assert rows.loc["Alle", "customers"] == 7
    per_group = by_segment.skipped.set_index(["group", "phase"])["customers"]
    assert (
        per_group[("Neue", "ueberlegung")] == 2 and per_group[("Stammkunden", "ueberlegung")] == 1
    )
    by_persona = compare_design(log, project(), segment="persona_id", customers=customers)
    assert by_persona.summary["group"].tolist() == ["Alle", "Anna", "ohne Zuordnung"]
    with pytest.raises(CJMError, match="`segment` = „region“ geht nicht"):
        compare_design(log, project(), segment="region")


def test_hidden_touchpoints_in_both_directions(log):
    hidden = hidden_touchpoints(log, project())
    assert hidden[["finding", "kind", "id", "events", "customers"]].values.tolist() == [
        ["data_only", "touchpoint", "tp-insta-shop", 1, 1],
        ["data_only", "channel", "Sonstiges", 1, 1],
    ]
    unseen = hidden_touchpoints(drop_off_log(3, 2), project())
    assert unseen.loc[unseen["finding"] == "map_only", "name"].tolist() == [
        "Anzeige",
        "Beratung",
        "Hotline",
    ]
    assert unseen.attrs["explanation"] == (
        "0 Touchpoints oder Kanäle nur in den Daten (nicht auf der Karte), 3 Touchpoints nur "
        "auf der Karte (nie in den Daten)."
    )


def test_phases_from_the_map_when_the_log_has_none(log):
    without_phase = log.drop(columns=["phase"])
    result = compare_design(without_phase, project())
    assert result.summary.iloc[0][["customers", "in_order", "skipping"]].tolist() == [7, 5, 3]
    with pytest.raises(CJMError, match="hat weder eine Spalte `phase` noch"):
        compare_design(log.drop(columns=["phase", "touchpoint_id"]), project())


@pytest.mark.parametrize("industry", datasets.INDUSTRIES)
def test_every_industry_sample(industry):
    p = datasets.load(industry, "workbook")
    events = datasets.load(industry, "events")
    result = compare_design(
        events, p, segment="segment_id", customers=datasets.load(industry, "customers")
    )
    total = result.summary.iloc[0]
    assert total["customers"] == events["customer_id"].nunique()
    assert 0 < total["in_order_share"] <= 1
    assert len(result.summary) == 1 + len(p.segments)
    dfg = directly_follows(events, by="touchpoint_id", project=p)
    assert set(dfg["kind"]) <= {"start", "end", "forward", "within", "skip", "back"}  # on the map
    variants = journey_variants(events, by="phase", project=p, n=5)
    assert len(variants) == 5 and variants["customers"].is_monotonic_decreasing


def test_a_log_the_trainee_loads(tmp_path):
    csv = tmp_path / "export.csv"
    frame = journeys(PATHS)
    german = pd.DataFrame(
        {
            "Kundennummer": frame["customer_id"],
            "Zeit": frame["timestamp"].dt.strftime("%d.%m.%Y %H:%M"),
            "Kontaktpunkt": frame["touchpoint_id"],
            "Phase": frame["phase"].map({"ueberlegung": "Überlegung"}).fillna(frame["phase"]),
        }
    )
    german.to_csv(csv, sep=";", index=False, encoding="cp1252")
    events = load_events(
        csv,
        columns={
            "customer_id": "Kundennummer",
            "timestamp": "Zeit",
            "touchpoint_id": "Kontaktpunkt",
            "phase": "Phase",
        },
    )
    result = compare_design(events, project())
    assert result.summary.iloc[0][["customers", "in_order", "follows_design"]].tolist() == [7, 5, 2]
    assert edges(directly_follows(events, by="phase", project=project()))[
        ("Bewusstsein", "Überlegung")
    ] == (2, 2, "forward")


def test_the_chapter_5_export_shows_the_touchpoint_the_map_lacks():
    """The trainee's own export (chapter 5) through the designed-vs-lived views.

    The export names touchpoints, not ids; ``load_events(project=...)`` maps the names it
    knows. "Gutscheinfenster im Shop" is on no map: it must come out as a hidden
    touchpoint found in the data, and the views must work on the 26 rows.
    """
    from pathlib import Path

    from cjmlib.charts.lived import journey_graph_chart, variants_table

    p = datasets.load("einzelhandel", "workbook")
    export = load_events(
        Path(__file__).resolve().parents[1] / "chapters" / "daten" / "gipfelglueck_export.csv",
        columns={
            "customer_id": "Kundennummer",
            "timestamp": "Zeitpunkt",
            "touchpoint": "Kontaktpunkt",
            "channel": "Kanal",
            "device": "Gerät",
            "value": "Umsatz",
        },
        project=p,
    )
    hidden = hidden_touchpoints(export, p)
    found = hidden[hidden["finding"] == "data_only"]
    assert found[["kind", "name", "channel", "customers"]].values.tolist() == [
        ["touchpoint", "Gutscheinfenster im Shop", "Online-Shop", 1]
    ]
    result = compare_design(export, p)
    assert result.summary.iloc[0]["customers"] == export["customer_id"].nunique() == 7
    dfg = directly_follows(export, by="touchpoint", project=p)
    assert "Gutscheinfenster im Shop" in set(dfg["source"]) | set(dfg["target"])
    assert journey_graph_chart(dfg, project=p).to_dict()
    variants = journey_variants(export, by="phase", project=p)
    assert variants["customers"].sum() == 7
    assert list(variants_table(variants).columns)[:2] == ["Rang", "Verlauf"]
