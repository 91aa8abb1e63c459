"""Write the raw exports chapter 5 reads for the industry tracks (``chapters/daten/``).

Usage::

    python tools/case_exports.py write   # (re)generate the files
    python tools/case_exports.py check   # exit 1 when a file is not current

Chapter 5 shows how ``analytics.load_events`` reads an export the way German Excel saves
it: semicolons, Windows-1252, "02.03.2026 09:14", "1.249,00", and the usual faults (a row
without customer number, an unreadable date, a duplicate row, a touchpoint the map does
not know). The running case's file ``gipfelglueck_export.csv`` is written by hand; the
files of the other industries are generated here with the same faults, from each
industry's touchpoints and the export settings in its ``industry.yaml`` (``track.export``),
so every track meets the same lesson with its own names.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cjmlib import datasets
from cjmlib.datasets.industry_data import catalogue
from cjmlib.datasets.settings import CaseTrack

ROOT = Path(__file__).resolve().parents[1]
FOLDER = ROOT / "chapters" / "daten"
COLUMNS = ("customer_id", "timestamp", "touchpoint", "channel", "device", "value")

#: A touchpoint each case's map does not know yet (the report lists it).
UNKNOWN = {
    "bank": ("Gutscheincode im Antrag", "Website"),
    "telekommunikation": ("Treuebonus-Seite", "Website"),
    "reise": ("Frühbucher-Banner", "Website"),
    "gesundheit": ("Wartelisten-Formular", "Website"),
}


def rows(industry: str, track: CaseTrack) -> list[list[str]]:
    """The data rows of one industry's export (customers P-1001 ... P-1007)."""
    project = datasets.load(industry, "workbook")
    by_name = {tp.name: tp for tp in project.touchpoints}
    first = [tp for tp in project.touchpoints if tp.phase == project.phase_model.ids[0]]

    def row(customer: str, when: str, name: str, device: str = "", value: str = "") -> list[str]:
        tp = by_name.get(name)
        channel = tp.channel if tp else UNKNOWN[industry][1]
        shown = device or (tp.device.split(", ")[0] if tp else "Smartphone")
        return [customer, when, name, channel, shown, value]

    f0, f1, f2, f3 = track.export.funnel[:4]
    unknown = UNKNOWN[industry][0]
    return [
        row("P-1001", "02.03.2026 09:14", f0),
        row("P-1001", "02.03.2026 09:16", f1),
        row("P-1001", "04.03.2026 20:41", f2),
        row("P-1001", "04.03.2026 20:47", f3, value="189,90"),
        row("P-1002", "03.03.2026 12:02", first[1].name),
        row("P-1002", "03.03.2026 12:03", f1),
        row("P-1002", "07.03.2026 11:30", f2),
        row("P-1002", "07.03.2026 11:55", f3, value="1.249,00"),
        row("P-1003", "05.03.2026 18:20", f0),
        row("P-1003", "05.03.2026 18:24", f1),
        row("P-1003", "05.03.2026 18:31", f2),
        row("P-1003", "05.03.2026 18:31", f2),
        row("P-1004", "06.03.2026 08:05", first[0].name),
        row("P-1004", "06.03.26 19:40", f0),
        row("P-1004", "06.03.2026 19:44", f1),
        row("P-1004", "09.03.2026 21:10", f2),
        row("P-1004", "09.03.2026 21:15", f3, value="74,50"),
        row("", "08.03.2026 14:00", f1),
        row("P-1005", "vorgestern", f0),
        row("P-1005", "10.03.2026 16:45", f1),
        row("P-1006", "11.03.2026 09:00", f0),
        row("P-1006", "11.03.2026 09:20", f1),
        row("P-1007", "12.03.2026 22:15", f0),
        row("P-1007", "12.03.2026 22:17", unknown),
        row("P-1007", "12.03.2026 22:19", f1),
    ]


def build() -> dict[Path, bytes]:
    """File path -> content (Windows-1252, semicolons) of every generated export."""
    files = {}
    for industry, info in catalogue().items():
        if industry == datasets.RUNNING_CASE:
            continue
        export = info.track.export
        header = [export.columns[c] for c in COLUMNS]
        lines = [";".join(header), *(";".join(r) for r in rows(industry, info.track))]
        files[FOLDER / export.file] = ("\r\n".join(lines) + "\r\n").encode("cp1252")
    return files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=("write", "check"))
    args = parser.parse_args(argv)
    stale = []
    for path, data in build().items():
        if args.command == "write":
            path.write_bytes(data)
            print(f"geschrieben: {path.relative_to(ROOT)}")
        elif not path.exists() or path.read_bytes() != data:
            stale.append(path.name)
    if stale:
        print("nicht aktuell (python tools/case_exports.py write):", ", ".join(stale))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
