"""Does loading an event log say, in German, what was excluded and why?"""

from __future__ import annotations

import pandas as pd
import pytest

from cjmlib.analytics import load_events, map_events, validate_events
from cjmlib.errors import ImportProblem
from cjmlib.model import JourneyProject, Touchpoint

CSV = """Kundennummer;Zeitpunkt;Ereignis;Kanal;Gerät;Umsatz
K1;15.03.2024 14:30;Anzeige;Social Media;Smartphone;
K1;2024-03-16 09:00;Kasse;Online-Shop;Desktop;49,90
;2024-03-16 10:00;Kasse;Online-Shop;Desktop;
K2;gestern;Anzeige;Social Media;Smartphone;
K2;17.03.2024 08:00;Suche;Suchmaschine;Desktop;
K2;17.03.2024 08:00;Suche;Suchmaschine;Desktop;
K3;18.03.2024;Kasse;Filiale;Vor Ort;1.234,50
"""
MAPPING = {
    "customer_id": "Kundennummer",
    "timestamp": "Zeitpunkt",
    "touchpoint": "Ereignis",
    "channel": "Kanal",
    "device": "Gerät",
    "value": "Umsatz",
}


@pytest.fixture
def csv_path(tmp_path):
    path = tmp_path / "protokoll.csv"
    path.write_text(CSV, encoding="utf-8")
    return path


def test_csv_with_mapping_counts_every_excluded_row(csv_path):
    events = load_events(csv_path, columns=MAPPING)
    report = events.attrs["report"]
    assert report["rows_in"] == 7 and report["rows_out"] == 4
    assert report["excluded"] == {"missing_id": 1, "bad_timestamp": 1, "duplicate": 1}
    assert report["examples"] == {"missing_id": [3], "bad_timestamp": [4], "duplicate": [6]}
    text = events.attrs["explanation"]
    assert text.startswith(
        "Aus „protokoll.csv“ wurden 7 Zeilen gelesen; 4 stehen für die "
        "Auswertung bereit, 3 wurden ausgeschlossen."
    )
    assert "1 Zeile ohne Kunden-ID (ausgeschlossen;" in text and "Datenzeile 3" in text
    assert "1 Zeile mit unlesbarem Zeitstempel (ausgeschlossen;" in text
    assert "1 doppelte Zeile (ausgeschlossen;" in text


def test_values_german_numbers_and_sorting(csv_path):
    events = load_events(csv_path, columns=MAPPING)
    assert events["customer_id"].tolist() == ["K1", "K1", "K2", "K3"]
    assert events["value"].tolist()[1] == 49.90 and events["value"].tolist()[3] == 1234.50
    assert events["timestamp"].tolist()[0] == pd.Timestamp("2024-03-15 14:30")
    assert isinstance(events["touchpoint"].dtype, pd.CategoricalDtype)


def test_missing_column_raises_with_the_columns_found(csv_path):
    with pytest.raises(
        ImportProblem,
        match=r"In „protokoll.csv“ fehlt: customer_id, timestamp, "
        r"touchpoint / touchpoint_id\..*Vorhandene Spalten: "
        r"Kundennummer, Zeitpunkt, Ereignis",
    ):
        load_events(csv_path)


def test_mapping_to_an_absent_column_is_explained(csv_path):
    with pytest.raises(
        ImportProblem,
        match="Die Zuordnung `columns` nennt Spalten, die in deiner Datei fehlen: Kunde",
    ):
        load_events(csv_path, columns={"customer_id": "Kunde"})


def test_dataframe_and_parquet_give_the_same_log(csv_path, tmp_path):
    frame = pd.read_csv(csv_path, sep=";", dtype=str, keep_default_na=False)
    from_frame = load_events(frame, columns=MAPPING)
    path = tmp_path / "p.parquet"
    frame.to_parquet(path)
    from_parquet = load_events(path, columns=MAPPING)
    pd.testing.assert_frame_equal(from_frame, from_parquet)


def test_clean_log_says_so():
    df = pd.DataFrame(
        {"customer_id": ["K1"], "timestamp": ["2024-01-01 10:00"], "touchpoint_id": ["tp-a"]}
    )
    events = load_events(df)
    assert events.attrs["report"]["excluded"] == {
        "missing_id": 0,
        "bad_timestamp": 0,
        "duplicate": 0,
    }
    assert events.attrs["explanation"].endswith("Keine Probleme gefunden.")


def test_validate_events_lists_problems(csv_path):
    problems = validate_events(csv_path, columns=MAPPING)
    assert problems["problem"].tolist() == ["missing_id", "bad_timestamp", "duplicate"]
    assert problems["rows"].tolist() == [1, 1, 1]
    assert problems["message"].iloc[1].startswith("1 Zeile mit unlesbarem Zeitstempel")


def test_events_are_mapped_to_workbook_touchpoints(csv_path):
    project = JourneyProject(
        touchpoints=[
            Touchpoint(
                id="tp-anzeige", name="Anzeige", phase="Bewusstsein", channel="Social Media"
            ),
            Touchpoint(id="tp-kasse", name="Kasse", phase="kauf", channel="Online-Shop"),
        ]
    )
    events = load_events(csv_path, columns=MAPPING, project=project)
    phases = [None if pd.isna(v) else v for v in events["phase"]]
    assert phases == ["bewusstsein", "kauf", None, "kauf"]
    assert events["phase_name"].astype(object).tolist()[0] == "Bewusstsein"
    assert events["touchpoint_id"].astype(object).tolist()[0] == "tp-anzeige"
    assert events["mapped"].tolist() == [True, True, False, True]
    assert events.attrs["unmatched"] == 1
    assert (
        "1 Ereignis passt zu keinem Touchpoint deines Arbeitsbuchs" in events.attrs["explanation"]
        and "Häufigste: Suche" in events.attrs["explanation"]
    )
    again = map_events(events, project)
    assert again["mapped"].tolist() == events["mapped"].tolist()
