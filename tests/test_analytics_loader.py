"""Does load_events take the files people really have, and fix the bugs of issue 13?

Every test named ``test_bug_*`` failed on the loader and engine before the rewrite.
"""

from __future__ import annotations

import codecs
import re

import numpy as np
import pandas as pd
import pytest

from cjmlib.analytics import funnel, load_events, scan_events, top_paths, validate_events
from cjmlib.errors import CJMError, ImportProblem
from cjmlib.model import JourneyProject, Touchpoint

GERMAN = re.compile(r"\b(die|der|das|ist|nicht|keine|kein|Datei|Zeilen?|Spalten?|gib|du)\b")
EXCEL_CSV = (
    "Kundennummer;Zeitpunkt;Ereignis;Kanal;Umsatz;Bemerkung\n"
    "K1;15.03.2024 14:30;Anzeige;Social Media;;schön\n"
    "K1;16.03.2024 09:00;Warenkorb;Online-Shop;;\n"
    "K1;16.03.2024 09:05;Kauf;Online-Shop;49,90;Größe M\n"
    "K2;17.03.2024 08:00;Anzeige;Social Media;;\n"
    "K2;17.03.2024 08:00;Anzeige;Social Media;;\n"
    "K3;gestern;Anzeige;Social Media;;\n"
)
MAPPING = {
    "customer_id": "Kundennummer",
    "timestamp": "Zeitpunkt",
    "touchpoint": "Ereignis",
    "channel": "Kanal",
    "value": "Umsatz",
}


def german_error(exc: BaseException) -> bool:
    return isinstance(exc, CJMError) and bool(GERMAN.search(str(exc)))


# -- the bugs of issue 13 -------------------------------------------------------------------
def test_bug_autumn_clock_change_keeps_the_order_of_utc_times(tmp_path):
    # 00:50 UTC is 02:50 summer time, 01:10 UTC is 02:10 winter time: A really is first.
    path = tmp_path / "utc.csv"
    path.write_text(
        "customer_id,timestamp,touchpoint\nK1,2024-10-27T00:50:00Z,A\nK1,2024-10-27T01:10:00Z,B\n",
        encoding="utf-8",
    )
    events = load_events(path)
    assert events["touchpoint"].astype(str).tolist() == ["A", "B"]
    assert str(events["timestamp"].dt.tz) == "Europe/Berlin"
    assert events["timestamp"].iloc[0].strftime("%H:%M %Z") == "02:50 CEST"
    assert funnel(events, ["A", "B"], by="touchpoint")["customers"].tolist() == [1, 1]
    assert "Zeitumstellung" in events.attrs["explanation"]


def test_bug_clock_change_with_time_zone_aware_input():
    times = pd.to_datetime(["2024-10-27T00:50:00Z", "2024-10-27T01:10:00Z"])
    frame = pd.DataFrame(
        {"customer_id": ["K1", "K1"], "timestamp": times, "touchpoint": ["A", "B"]}
    )
    events = load_events(frame)
    assert events["touchpoint"].astype(str).tolist() == ["A", "B"]
    assert funnel(events, ["A", "B"], by="touchpoint")["customers"].tolist() == [1, 1]
    assert funnel(frame, ["A", "B"], by="touchpoint")["customers"].tolist() == [1, 1]


def test_bug_top_paths_with_more_distinct_steps_than_fit_into_64_bits():
    # 1,400 distinct pages, all present: 1400**6 > 2**62, which used to give an empty table.
    pages = [f"/seite/{i}" for i in range(1400)]
    n = 20_000
    frame = pd.DataFrame(
        {
            "customer_id": [f"K{i // 10}" for i in range(n)],
            "timestamp": pd.Timestamp("2024-01-01") + pd.to_timedelta(np.arange(n) % 10, "min"),
            "touchpoint": [pages[i % len(pages)] for i in range(n)],
        }
    )
    first_six = frame.index % 10 < 6
    frame.loc[first_six, "touchpoint"] = [pages[k] for k in np.tile(np.arange(6), n // 10)]
    frame.loc[~first_six, "touchpoint"] = [
        pages[6 + i % 1394] for i in range(int((~first_six).sum()))
    ]
    assert frame["touchpoint"].nunique() == 1400
    result = top_paths(frame, length=6, n=3)
    assert len(result) == 3
    assert result["path"].iloc[0] == " → ".join(pages[:6])
    assert result["customers"].iloc[0] == n // 10


def test_bug_empty_paths_are_explained_truthfully():
    frame = pd.DataFrame(
        {
            "customer_id": ["K1", "K1"],
            "timestamp": pd.to_datetime(["2024-01-01 10:00", "2024-01-01 11:00"]),
            "touchpoint": ["A", "B"],
        }
    )
    result = top_paths(frame, length=3)
    assert result.empty
    assert result.attrs["explanation"].startswith(
        "Keine der 1 Journeys hat 3 Schritte hintereinander"
    )


def test_bug_duplicates_are_judged_on_all_columns(tmp_path):
    path = tmp_path / "sitzungen.csv"
    path.write_text(
        "kunde;zeit;seite;sitzung\n"
        "K1;2024-03-01 10:00;Start;s1\n"
        "K1;2024-03-01 10:00;Start;s2\n"  # differs in an unmapped column: not a duplicate
        "K1;2024-03-01 10:00;Start;s2\n",  # identical in every column: a duplicate
        encoding="utf-8",
    )
    events = load_events(
        path, columns={"customer_id": "kunde", "timestamp": "zeit", "touchpoint": "seite"}
    )
    assert events.attrs["report"]["excluded"]["duplicate"] == 1
    assert len(events) == 2
    assert "in allen 4 Spalten der Quelle" in events.attrs["explanation"]
    assert "vollständig" not in events.attrs["explanation"]


@pytest.mark.parametrize(
    ("values", "unit"),
    [([1710509400, 1710509460], "Sekunden"), ([1710509400000, 1710509460000], "Millisekunden")],
)
def test_bug_epoch_timestamps_are_read(values, unit):
    frame = pd.DataFrame(
        {"customer_id": ["K1", "K1"], "timestamp": values, "touchpoint": ["A", "B"]}
    )
    events = load_events(frame)
    assert events["timestamp"].iloc[0] == pd.Timestamp("2024-03-15 14:30", tz="Europe/Berlin")
    assert f"({unit} seit 1970, UTC)" in events.attrs["explanation"]
    text = frame.astype(str)
    assert load_events(text)["timestamp"].tolist() == events["timestamp"].tolist()


def test_bug_no_usable_row_is_an_error_not_an_empty_table():
    frame = pd.DataFrame(
        {"customer_id": ["K1", "K2"], "timestamp": ["morgen", "bald"], "touchpoint": ["A", "B"]}
    )
    with pytest.raises(ImportProblem, match=r"Von 2 Zeilen aus „DataFrame“ bleibt keine") as info:
        load_events(frame)
    assert "2 mit unlesbarem Zeitstempel (zum Beispiel „morgen“)" in str(info.value)


def test_bug_timestamp_format_percent_s_means_epoch_seconds():
    frame = pd.DataFrame({"customer_id": ["K1"], "timestamp": ["1710509400"], "touchpoint": ["A"]})
    events = load_events(frame, timestamp_format="%s")
    assert events["timestamp"].iloc[0] == pd.Timestamp("2024-03-15 14:30", tz="Europe/Berlin")
    with pytest.raises(CJMError, match="kein gültiges Datumsformat"):
        load_events(frame, timestamp_format="%Q")


@pytest.mark.parametrize("n", [-1, 0, 2.5, True])
def test_bug_top_paths_rejects_n_below_one(n):
    frame = pd.DataFrame(
        {
            "customer_id": ["K1"] * 3,
            "timestamp": pd.date_range("2024-01-01", periods=3),
            "touchpoint": list("ABC"),
        }
    )
    with pytest.raises(CJMError, match=r"`n` = .* geht nicht: Gib als ganze Zahl ab 1"):
        top_paths(frame, n=n)


def test_bug_polars_frame_is_loaded_and_analysed():
    pl = pytest.importorskip("polars")
    frame = pl.DataFrame(
        {
            "customer_id": ["K1", "K1", "K2"],
            "timestamp": ["2024-03-15 10:00", "2024-03-15 11:00", "2024-03-15 10:00"],
            "touchpoint": ["A", "B", "A"],
        }
    )
    events = load_events(frame)
    assert events.attrs["report"]["source"] == "Polars-DataFrame" and len(events) == 3
    assert funnel(frame, ["A", "B"], by="touchpoint")["customers"].tolist() == [2, 1]
    with pytest.raises(CJMError, match=r"`events` ist LazyFrame"):
        funnel(frame.lazy(), ["A", "B"], by="touchpoint")


def test_bug_cp1252_umlauts_from_german_excel(tmp_path):
    path = tmp_path / "export.csv"
    path.write_bytes(EXCEL_CSV.encode("cp1252"))
    events = load_events(path, columns=MAPPING)
    assert "Windows-1252" in events.attrs["explanation"]
    assert events["value"].dropna().tolist() == [49.90]
    raw = pd.read_csv(path, sep=";", encoding="cp1252")
    assert "Größe M" in raw["Bemerkung"].tolist()


def test_bug_empty_touchpoint_cell_with_project():
    frame = pd.DataFrame(
        {
            "customer_id": ["K1", "K1"],
            "timestamp": ["2024-03-15 10:00", "2024-03-15 11:00"],
            "touchpoint": ["Anzeige", ""],
            "touchpoint_id": ["", ""],
        }
    )
    project = JourneyProject(
        touchpoints=[
            Touchpoint(id="tp-anzeige", name="Anzeige", phase="bewusstsein", channel="Web")
        ]
    )
    events = load_events(frame, project=project)
    assert events["mapped"].tolist() == [True, False]
    assert events.attrs["unmatched"] == 1


def test_bug_window_funnel_takes_the_best_start():
    # K1 looks at the offer on day 0 and again on day 20, buys on day 22: with a 7-day
    # window the first look is too early, the second one counts (ClickHouse windowFunnel).
    frame = pd.DataFrame(
        {
            "customer_id": ["K1", "K1", "K1", "K2", "K2"],
            "timestamp": pd.Timestamp("2024-01-01") + pd.to_timedelta([0, 20, 22, 0, 3], "D"),
            "touchpoint": ["Angebot", "Angebot", "Kauf", "Angebot", "Kauf"],
        }
    )
    best = funnel(frame, ["Angebot", "Kauf"], by="touchpoint", window="7D")
    first = funnel(frame, ["Angebot", "Kauf"], by="touchpoint", window="7D", start="first")
    assert best["customers"].tolist() == [2, 2]
    assert first["customers"].tolist() == [2, 1]
    assert "am weitesten kommt" in best.attrs["explanation"]
    assert "spätere Einstiege zählen nicht" in first.attrs["explanation"]
    with pytest.raises(CJMError, match="Erlaubt sind: best, first"):
        funnel(frame, ["Angebot", "Kauf"], window="7D", start="erster")


def test_bug_funnel_default_finds_the_step_column_of_a_raw_log():
    frame = pd.DataFrame(
        {
            "customer_id": ["K1", "K1"],
            "timestamp": pd.to_datetime(["2024-01-01 10:00", "2024-01-01 11:00"]),
            "touchpoint": ["Suche", "Kauf"],
        }
    )
    result = funnel(frame, ["Suche", "Kauf"])
    assert result["customers"].tolist() == [1, 1] and result.attrs["by"] == "touchpoint"
    with pytest.raises(CJMError, match=r"Keine Spalte enthält alle Schritte \(Suche, Kasse\)"):
        funnel(frame, ["Suche", "Kasse"])


# -- the files people have ------------------------------------------------------------------
@pytest.mark.parametrize(
    ("encoding", "bom", "label"),
    [
        ("utf-8", b"", "UTF-8"),
        ("utf-8", codecs.BOM_UTF8, "UTF-8 mit BOM"),
        ("utf-16-le", codecs.BOM_UTF16_LE, "UTF-16"),
        ("cp1252", b"", "Windows-1252"),
        ("mac_roman", b"", "Mac Roman"),
    ],
)
def test_encodings_of_german_exports(tmp_path, encoding, bom, label):
    path = tmp_path / "export.csv"
    text = EXCEL_CSV.replace(";", "\t") if encoding.startswith("utf-16") else EXCEL_CSV
    path.write_bytes(bom + text.encode(encoding))
    events = load_events(path, columns=MAPPING)
    assert label in events.attrs["explanation"]
    assert events.attrs["report"]["rows_out"] == 4
    assert events["channel"].astype(str).tolist()[0] == "Social Media"


def test_sep_line_tab_and_comma(tmp_path):
    path = tmp_path / "sep.csv"
    path.write_text("sep=,\n" + EXCEL_CSV.replace(";", ","), encoding="utf-8")
    # "49,90" in a comma file must be quoted; here it becomes a ragged row and is counted.
    events = load_events(path, columns=MAPPING)
    assert events.attrs["report"]["excluded"]["ragged"] == 1
    assert "mehr Feldern als die Kopfzeile" in events.attrs["explanation"]
    tab = tmp_path / "tab.tsv"
    tab.write_text(EXCEL_CSV.replace(";", "\t"), encoding="utf-8")
    assert "Trennzeichen „Tabulator“" in load_events(tab, columns=MAPPING).attrs["explanation"]


def test_german_and_iso_dates_together():
    frame = pd.DataFrame(
        {
            "customer_id": ["K1"] * 4,
            "timestamp": ["15.03.2024 14:30", "2024-03-16T09:00:00", "17.03.24", "18.03.2024"],
            "touchpoint": list("ABCD"),
        }
    )
    events = load_events(frame)
    assert events["timestamp"].dt.strftime("%d.%m.%Y").tolist() == [
        "15.03.2024",
        "16.03.2024",
        "17.03.2024",
        "18.03.2024",
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "ist leer"),
        (b"customer_id;timestamp;touchpoint\n", "keine Datenzeilen"),
        (b"PK\x03\x04\x00\x00\x00binary", "Null-Bytes"),
    ],
)
def test_empty_and_binary_files_are_explained(tmp_path, content, message):
    path = tmp_path / "leer.csv"
    path.write_bytes(content)
    with pytest.raises(CJMError, match=message):
        load_events(path)


def test_broken_parquet_is_explained(tmp_path):
    good = tmp_path / "gut.parquet"
    pd.DataFrame(
        {"customer_id": ["K1"], "timestamp": ["2024-01-01"], "touchpoint": ["A"]}
    ).to_parquet(good)
    broken = tmp_path / "kaputt.parquet"
    broken.write_bytes(good.read_bytes()[:-20])
    for call in (load_events, scan_events):
        with pytest.raises(ImportProblem, match="keine lesbare Parquet-Datei"):
            call(broken)


def test_validate_events_names_ragged_rows(tmp_path):
    path = tmp_path / "schief.csv"
    path.write_text(
        "customer_id;timestamp;touchpoint\nK1;2024-01-01 10:00;A\nK1;2024-01-01 11:00;B;zu viel\n",
        encoding="utf-8",
    )
    problems = validate_events(path)
    assert problems["problem"].tolist() == ["ragged"] and problems["examples"].tolist() == [[2]]


# -- the scanned path gives the same answers -----------------------------------------------
def test_scanned_file_and_loaded_frame_agree(tmp_path):
    from analytics_data import make_log

    log = make_log(150, seed=5)
    path = tmp_path / "log.parquet"
    log.to_parquet(path)
    loaded = load_events(path)
    scanned = scan_events(path)
    steps = ["Anzeige", "Suche", "Warenkorb", "Kasse"]
    for kwargs in ({}, {"window": "2D"}):
        a = funnel(loaded, steps, by="touchpoint", **kwargs)["customers"].tolist()
        assert a == funnel(scanned, steps, by="touchpoint", **kwargs)["customers"].tolist()
        assert a == funnel(str(path), steps, by="touchpoint", **kwargs)["customers"].tolist()
    pd.testing.assert_frame_equal(top_paths(loaded), top_paths(scanned))
    report = scanned.report
    assert report["rows_in"] == len(log) and report["excluded"]["missing_id"] == 0
    csv = tmp_path / "log.csv"
    log.to_csv(csv, sep=";", index=False, encoding="cp1252", date_format="%d.%m.%Y %H:%M:%S")
    pd.testing.assert_frame_equal(top_paths(loaded), top_paths(scan_events(csv)))
    assert "Windows-1252" in scan_events(csv).explanation or "UTF-8" in scan_events(csv).explanation


def test_scanned_text_file_counts_the_rows_it_skips(tmp_path):
    path = tmp_path / "schief.csv"
    path.write_text(
        "customer_id;timestamp;touchpoint\nK1;2024-01-01 10:00;A\nK1;2024-01-01 11:00;B;zu viel\n"
        "K2;2024-01-01 10:00\nK3;02.01.2024 10:00;C\n",
        encoding="utf-8",
    )
    scanned, loaded = scan_events(path), load_events(path)
    assert scanned.report["excluded"]["ragged"] == loaded.attrs["report"]["excluded"]["ragged"] == 1
    assert scanned.report["examples"]["ragged"] == [2]
    assert scanned.explanation == loaded.attrs["explanation"]
