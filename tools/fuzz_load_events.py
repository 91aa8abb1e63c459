"""Fuzz the event-log loader: every input ends in a table or a German CJMError.

Usage::

    .venv/bin/python tools/fuzz_load_events.py --examples 1000

Runs ``--examples`` generated inputs of each kind (CSV text in German-Excel dialects,
random bytes, damaged Parquet, odd parameters and frames) through ``load_events`` (and
CSV/Parquet files also through ``scan_events`` plus a funnel) and counts raw exceptions,
i.e. anything that is not a :class:`cjmlib.errors.CJMError` with a German message. The
test suite runs the same strategies with fewer examples
(``tests/test_analytics_loader_fuzz.py``).
"""

from __future__ import annotations

import argparse
import io
import re
import sys
import tempfile
import traceback
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cjmlib.analytics import funnel, load_events, scan_events, top_paths
from cjmlib.errors import CJMError

GERMAN = re.compile(r"\b(die|der|das|ist|nicht|keine|kein|Datei|Zeilen?|Spalten?|gib|du)\b")
HEADERS = ["customer_id", "timestamp", "touchpoint", "touchpoint_id", "phase", "online", "value"]
IDS = st.sampled_from(["K1", "K2", "K3", "", " ", "K ö", "4711", "NaN", "None", '"K4"'])
TIMES = st.one_of(
    st.sampled_from(
        [
            "2024-03-15 14:30",
            "15.03.2024 14:30",
            "15.03.24",
            "2024-10-27T00:50:00Z",
            "2024-10-27T02:30:00+01:00",
            "1710509400",
            "1710509400000",
            "-1",
            "99999999999999999999",
            "gestern",
            "",
            "31.02.2024",
            "2024-13-01",
            "0000-00-00",
        ]
    ),
    st.text(max_size=12),
)
CELLS = st.one_of(
    st.sampled_from(["Anzeige", "Kauf", "Größe", "a;b", 'x"y', "1.234,50", "ja", "nein", "\t"]),
    st.text(max_size=8),
)
ENCODINGS = st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16", "mac_roman", "latin-1"])
SEPS = st.sampled_from([";", ",", "\t", "|"])


@st.composite
def csv_files(draw: Any) -> tuple[bytes, dict[str, Any]]:
    """A text table as German Excel and friends write it, with odd cells and rows."""
    sep = draw(SEPS)
    header = draw(st.lists(st.sampled_from([*HEADERS, "Kundennummer", "Zeit", ""]), max_size=7))
    if draw(st.integers(0, 3)):  # mostly a log that has the columns we need
        header = ["customer_id", "timestamp", "touchpoint", *header[:3]]
    lines = []
    if draw(st.booleans()):
        lines.append(f"sep={sep}")
    lines.append(sep.join(header))
    for _ in range(draw(st.integers(0, 12))):
        width = len(header) + draw(st.sampled_from([0, 0, 0, -1, 1, 2]))
        cells = [draw(st.one_of(IDS, TIMES, CELLS)) for _ in range(max(width, 0))]
        if len(cells) >= 3 and draw(st.booleans()):
            cells[:3] = [draw(IDS), draw(TIMES), draw(st.sampled_from(["A", "B", "Ä"]))]
        if draw(st.booleans()):
            cells = [f'"{c}"' if sep in c else c for c in cells]
        lines.append(sep.join(cells))
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    text = newline.join(lines) + draw(st.sampled_from(["", newline]))
    raw = text.encode(draw(ENCODINGS), errors="replace")
    kwargs = draw(
        st.fixed_dictionaries(
            {},
            optional={
                "sep": st.one_of(st.none(), SEPS, st.text(max_size=2)),
                "timestamp_format": st.one_of(
                    st.none(),
                    st.sampled_from(["%s", "%d.%m.%Y", "%Q", "%", "x"]),
                    st.text(max_size=4),
                ),
                "columns": st.one_of(
                    st.none(),
                    st.just({"customer_id": "Kundennummer", "timestamp": "Zeit"}),
                    st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=3),
                ),
            },
        )
    )
    return raw, kwargs


def _parquet_bytes() -> bytes:
    buf = io.BytesIO()
    pd.DataFrame(
        {
            "customer_id": ["K1", "K1", "K2"],
            "timestamp": pd.to_datetime(
                ["2024-01-01 10:00", "2024-01-01 11:00", "2024-01-02 09:00"]
            ),
            "touchpoint": ["A", "B", "A"],
        }
    ).to_parquet(buf)
    return buf.getvalue()


GOOD_PARQUET = _parquet_bytes()


@st.composite
def broken_parquet(draw: Any) -> bytes:
    """A real Parquet file, truncated and/or with flipped bytes."""
    raw = bytearray(GOOD_PARQUET)
    if draw(st.booleans()):
        raw = raw[: draw(st.integers(0, len(raw) - 1))]
    for _ in range(draw(st.integers(0 if len(raw) < len(GOOD_PARQUET) else 1, 6))):
        if raw:
            pos = draw(st.integers(0, len(raw) - 1))
            raw[pos] = draw(st.integers(0, 255))
    return bytes(raw)


ODD_VALUES = st.one_of(
    st.none(),
    st.integers(-3, 3),
    st.floats(allow_nan=True),
    st.text(max_size=5),
    st.lists(st.integers(), max_size=2),
    st.booleans(),
)


@st.composite
def odd_frames(draw: Any) -> tuple[Any, dict[str, Any]]:
    """DataFrames (pandas or Polars) with odd columns and cells, and odd parameters."""
    n = draw(st.integers(0, 6))
    cols = draw(st.lists(st.sampled_from([*HEADERS, 0, "x"]), min_size=0, max_size=6))
    data = {c: [draw(st.one_of(IDS, TIMES, ODD_VALUES)) for _ in range(n)] for c in cols}
    frame: Any = pd.DataFrame(data)
    if draw(st.booleans()):
        import polars as pl

        try:
            frame = pl.from_pandas(frame.astype(str))
        except Exception:  # Polars refuses some frames: keep the pandas one
            pass
    kwargs = draw(
        st.fixed_dictionaries(
            {},
            optional={
                "timestamp_format": st.sampled_from(["%s", "%d.%m.%Y %H:%M", "%Q", ""]),
                "project": st.one_of(st.none(), ODD_VALUES),
                "columns": st.one_of(st.none(), ODD_VALUES),
                "sep": ODD_VALUES,
                "encoding": st.one_of(st.none(), st.sampled_from(["cp1252", "klingon"])),
            },
        )
    )
    return frame, kwargs


class Tally:
    """Counts outcomes; keeps the first few raw exceptions for the report."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.raw: list[str] = []

    def run(self, kind: str, call: Callable[[], Any]) -> None:
        try:
            call()
            self.counts[f"{kind}: table"] += 1
        except CJMError as exc:
            ok = bool(GERMAN.search(str(exc)))
            self.counts[f"{kind}: CJMError (German)" if ok else f"{kind}: CJMError NOT German"] += 1
            if not ok:
                self.raw.append(f"{kind}: not German: {exc}")
        except Exception:
            self.counts[f"{kind}: RAW EXCEPTION"] += 1
            self.raw.append(f"{kind}: {traceback.format_exc(limit=-4)}")

    @property
    def bad(self) -> int:
        return sum(v for k, v in self.counts.items() if "RAW" in k or "NOT German" in k)


def check_csv(folder: Path, raw: bytes, kwargs: dict[str, Any], tally: Tally, scan: bool) -> None:
    path = folder / "fuzz.csv"
    path.write_bytes(raw)
    tally.run("csv load_events", lambda: load_events(path, **kwargs))
    if scan:
        scan_kwargs = {k: v for k, v in kwargs.items() if k != "project"}

        def scanned() -> None:
            log = scan_events(path, **scan_kwargs)
            funnel(log, ["A", "B"], by="touchpoint")
            log.report  # noqa: B018 - the report is computed on access

        tally.run("csv scan_events", scanned)


def run(examples: int, seed: int | None = None, scan: bool = True) -> Tally:
    """Run every strategy ``examples`` times; return the tally."""
    tally = Tally()
    options = settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=seed is not None,
        suppress_health_check=list(HealthCheck),
    )
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)

        @options
        @given(case=csv_files())
        def csv_case(case: tuple[bytes, dict[str, Any]]) -> None:
            check_csv(folder, case[0], case[1], tally, scan)

        @options
        @given(raw=st.binary(max_size=3000), suffix=st.sampled_from([".csv", ".parquet", ".txt"]))
        def bytes_case(raw: bytes, suffix: str) -> None:
            path = folder / f"zufall{suffix}"
            path.write_bytes(raw)
            tally.run("random bytes", lambda: load_events(path))
            if scan:
                tally.run("random bytes scan", lambda: funnel(scan_events(path), ["A", "B"]))

        @options
        @given(raw=broken_parquet())
        def parquet_case(raw: bytes) -> None:
            path = folder / "kaputt.parquet"
            path.write_bytes(raw)
            tally.run("broken parquet", lambda: load_events(path))
            if scan:
                tally.run("broken parquet scan", lambda: funnel(scan_events(path), ["A", "B"]))

        @options
        @given(case=odd_frames(), n=ODD_VALUES)
        def frame_case(case: tuple[Any, dict[str, Any]], n: Any) -> None:
            frame, kwargs = case
            tally.run("frame load_events", lambda: load_events(frame, **kwargs))
            tally.run("frame top_paths", lambda: top_paths(frame, n=n))

        for case in (csv_case, bytes_case, parquet_case, frame_case):
            case()
    return tally


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=1000, help="inputs per kind")
    parser.add_argument("--no-scan", action="store_true", help="only load_events")
    args = parser.parse_args(argv)
    tally = run(args.examples, scan=not args.no_scan)
    for key in sorted(tally.counts):
        print(f"{key:40s} {tally.counts[key]:6d}")
    print(f"inputs: {sum(tally.counts.values())}, raw exceptions or non-German errors: {tally.bad}")
    for text in tally.raw[:30]:
        print("-" * 60)
        print(text)
    return 1 if tally.bad else 0


if __name__ == "__main__":
    sys.exit(main())
