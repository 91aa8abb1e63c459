"""Does the load report of chapter 5 read as correct German when one row is affected?

Seen in the 1366 px screenshots of chapter 5: "1 Zeilen ohne Kunden-ID", "1 doppelte
Zeilen", "1 Ereignisse passen …" and the internal column "„mapped“ = False". The report
is produced exactly as the chapter does it, from the chapter's own export file.
"""

from __future__ import annotations

from pathlib import Path

from cjmlib import analytics, datasets

EXPORT = Path(__file__).resolve().parents[1] / "chapters" / "daten" / "gipfelglueck_export.csv"


def test_one_row_is_singular_and_no_internal_column_is_named():
    export = analytics.load_events(
        EXPORT,
        columns={
            "customer_id": "Kundennummer",
            "timestamp": "Zeitpunkt",
            "touchpoint": "Kontaktpunkt",
            "channel": "Kanal",
            "device": "Gerät",
            "value": "Umsatz",
        },
        project=datasets.load("einzelhandel", "workbook"),
    )
    text = export.attrs["explanation"]
    for singular in ("1 Zeile ohne Kunden-ID", "1 Zeile mit unlesbarem", "1 doppelte Zeile ("):
        assert singular in text, (singular, text)
    assert "1 Ereignis passt zu keinem Touchpoint" in text, text
    assert "mapped" not in text and "False" not in text, text
