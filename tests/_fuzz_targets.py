"""Fuzz targets for the files a trainee hands us: hand-edited workbooks, CSV and Excel files.

Shared by the test suite (a few hundred inputs per target) and by ``tools/fuzz_files.py``
(10,000 inputs per target). Each ``check_*`` function feeds one input to the real
entry points and raises :class:`RawException` if anything other than a German
:class:`~cjmlib.errors.CJMError` comes out, or :class:`EnglishText` if a message carries
English text from pandas, openpyxl, zipfile, json or the operating system.
"""

from __future__ import annotations

import codecs
import io
import json
import re
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from cjmlib.errors import CJMError
from cjmlib.io import import_personas, import_touchpoints
from cjmlib.model import Evidence, JourneyProject, Persona, Touchpoint
from cjmlib.workbook import Workbook

# English words the libraries and the OS put into their messages. Generated data uses no
# ASCII words beyond the German column names, so a hit means a message leaked through.
ENGLISH = re.compile(
    r"\b(Error|error|Expected|expected|tokeniz\w*|No such file|Permission denied|zip|codec|"
    r"can't|cannot|could not|decode|Traceback|NoneType|is not|invalid|Invalid|unsupported|"
    r"Unsupported|argument|[Ee]xceeds|File contains|There is no|Bad magic|[Tt]runcated|"
    r"[Uu]nexpected|surrogates|maximum recursion|Extra data|Expecting|delimiter|archive|"
    r"not allowed|must be|attribute)\b"
)


class RawException(AssertionError):
    """Something other than a CJMError escaped."""


class EnglishText(AssertionError):
    """A German message carried English text from a library or the OS."""


def _outcome(call: Any) -> str:
    try:
        call()
    except CJMError as exc:
        text = str(exc) + "".join(str(d) for d in exc.details)
        hit = ENGLISH.search(text)
        if hit:
            raise EnglishText(f"{hit.group()!r} in: {text[:400]}") from exc
        return "german_error"
    except Exception as exc:
        raise RawException(f"{type(exc).__name__}: {exc!s:.300}") from exc
    return "ok"


# -- text that people (and attackers) put into cells -------------------------------------------
SPECIAL = [
    "=1+1",
    "+49 171 2345678",
    "-5",
    "@SUMME(A1)",
    "'",
    "''",
    '"',
    '""',
    '"a;b"',
    ";",
    "|",
    "\n",
    "\r\n",
    "\r",
    "\t",
    "\x00",
    "\x07",
    "\ufeff",
    "sep=;",
    "_x0041_",
    "Jürgen Müller",
    "ÄÖÜß€„“",
    "Kauf",
    "Überlegung",
    "ja",
    "nein",
    "online",
    "3",
    "3,5",
    "1e400",
    "9" * 50,
    " ",
]
GERMAN_ALPHABET = "äöüßÄÖÜéèàçñ0123456789 .,;:|\"'=+-@_/\\()[]{}<>!?#%&*\n\r\t€„“…–\x00\x0b\x1c"
cell = st.one_of(
    st.sampled_from(SPECIAL),
    st.text(alphabet=GERMAN_ALPHABET, max_size=12),
    st.text(
        alphabet=st.characters(
            blacklist_categories=("Cs", "Lu", "Ll"), blacklist_characters="\ud800"
        ),
        max_size=6,
    ),
)
COLUMNS = [
    "Name",
    "Phase",
    "Kanal",
    "Online",
    "Relevanz",
    "Emotion",
    "Personas",
    "Notizen",
    "Belege",
    "Kennung",
    "Alter",
    "Geschlecht",
    "Zitat",
    "Wohnort",
    "Zielgruppe",
    "Bevorzugte Kanäle",
    "Moment der Wahrheit",
    "Versteckt",
]
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp1252", "mac_roman", "latin-1"]
PLAUSIBLE = {
    "Phase": ["Bewusstsein", "Überlegung", "Entscheidung", "Kauf", "Nachkauf", "kauf"],
    "Kanal": ["Website", "Filiale", "App", "E-Mail"],
    "Online": ["ja", "nein", "online", "offline", "1", "0", ""],
    "Relevanz": ["1", "3", "5", "4,0", ""],
    "Emotion": ["-2", "0", "2", "1"],
    "Personas": ["Lena", "per-lena", '"Lena"; Lena', ""],
    "Alter": ["34", "", "14"],
    "Geschlecht": ["weiblich", "divers", "keine Angabe"],
    "Belege": ["Interview; Kundin; Wartezeit", 'Annahme; ; ; "a; b"', ""],
    "Moment der Wahrheit": ["ja", "nein"],
    "Versteckt": ["nein", ""],
}


@st.composite
def table_rows(draw: st.DrawFn) -> list[list[Any]]:
    """A header and rows: often plausible (so that imports get deep), always a little hostile."""
    if draw(st.integers(0, 9)) < 6:
        others = draw(st.lists(st.sampled_from(COLUMNS[3:]), max_size=5, unique=True))
        columns = ["Name", "Phase", "Kanal", *others]
        columns = draw(st.permutations(columns))
    else:
        columns = draw(st.lists(st.one_of(st.sampled_from(COLUMNS), cell), min_size=1, max_size=7))
    rows: list[list[Any]] = [list(columns)]
    for _ in range(draw(st.integers(0, 6))):
        row = []
        for column in columns:
            if column in PLAUSIBLE and draw(st.integers(0, 9)) < 7:
                row.append(draw(st.sampled_from(PLAUSIBLE[column])))
            elif column == "Name" and draw(st.booleans()):
                row.append(draw(st.sampled_from(["Kasse", "Lena", "Jürgen Müller", "=1+1"])))
            else:
                row.append(draw(cell))
        if draw(st.integers(0, 9)) == 0:
            row = row[: draw(st.integers(0, len(row)))] + draw(st.lists(cell, max_size=2))
        rows.append(row)
    return rows


@st.composite
def csv_bytes(draw: st.DrawFn) -> tuple[bytes, str]:
    """A CSV (or Excel "Unicode-Text") file as German spreadsheets and attackers write them."""
    if draw(st.integers(0, 9)) == 0:
        return draw(st.binary(max_size=300)), draw(st.sampled_from(["x.csv", "x.txt"]))
    sep = draw(st.sampled_from([";", ",", "\t", "|"]))
    table = draw(table_rows())
    quote_all = draw(st.booleans())

    def render(values: list[str]) -> str:
        out = []
        for value in values:
            if quote_all or any(c in value for c in (sep, '"', "\n", "\r")):
                value = '"' + value.replace('"', '""') + '"'
            if draw(st.integers(0, 19)) == 0:
                value = value[: len(value) // 2]  # a broken quote now and then
            out.append(value)
        return sep.join(out)

    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    text = newline.join(render([str(v) for v in r]) for r in table) + newline
    if draw(st.booleans()):
        text = f"sep={sep}{newline}" + text
    encoding = draw(st.sampled_from(ENCODINGS))
    raw = text.encode(encoding, errors="replace")
    if draw(st.integers(0, 9)) == 0 and raw:
        at = draw(st.integers(0, len(raw) - 1))
        raw = raw[:at] + draw(st.binary(min_size=1, max_size=4)) + raw[at + 1 :]
    name = "Unicode-Text.txt" if encoding.startswith("utf-16") else "import.csv"
    return raw, name


def _xlsx_value(draw: st.DrawFn) -> Any:
    import datetime as dt

    return draw(
        st.one_of(
            cell,
            st.none(),
            st.integers(-(10**12), 10**12),
            st.floats(allow_nan=True, allow_infinity=False, width=32),
            st.booleans(),
            st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(2100, 1, 1)),
            st.sampled_from(["=1+1", "=A1", "#N/A", '=HYPERLINK("x")']),
        )
    )


@st.composite
def xlsx_bytes(draw: st.DrawFn) -> tuple[bytes, str]:
    """An Excel file with cells of every type, sometimes damaged."""
    from openpyxl import Workbook as ExcelWorkbook
    from openpyxl.utils.exceptions import IllegalCharacterError

    kind = draw(st.integers(0, 9))
    if kind == 0:
        return draw(st.binary(max_size=300)), "x.xlsx"
    book = ExcelWorkbook()
    sheet = book.active
    rows = draw(table_rows())
    for row in rows[1:]:  # some cells of other types than text
        for i in range(len(row)):
            if draw(st.integers(0, 4)) == 0:
                row[i] = _xlsx_value(draw)
    for r, values in enumerate(rows, start=1 + draw(st.integers(0, 2))):
        for c, value in enumerate(values, start=1):
            try:
                sheet.cell(row=r, column=c, value=value)
            except (IllegalCharacterError, ValueError):
                sheet.cell(row=r, column=c, value=repr(value))
    if draw(st.integers(0, 5)) == 0:
        book.create_sheet("Zweites Blatt").append(["x"])
    buffer = io.BytesIO()
    book.save(buffer)
    raw = buffer.getvalue()
    # The saved bytes carry the time of saving, so their length varies from run to run:
    # positions are drawn as fractions, never from len(raw) (Hypothesis needs the same
    # draws for the same example).
    if kind == 1:  # damaged: cut off, or bytes overwritten
        raw = raw[: int(len(raw) * draw(st.floats(0, 1)))]
    elif kind == 2 and raw:
        at = int((len(raw) - 1) * draw(st.floats(0, 1)))
        raw = raw[:at] + draw(st.binary(min_size=1, max_size=16)) + raw[at + 16 :]
    return raw, draw(st.sampled_from(["import.xlsx", "import.xlsm"]))


def _target_workbook(folder: Path) -> Workbook:
    wb = Workbook.open(folder / "ziel.cjm.json")
    wb.personas.add(id="per-lena", name="Lena")
    return wb


def check_import(data: tuple[bytes, str]) -> str:
    """Import the file as touchpoints and as personas: German error or success, nothing else."""
    raw, name = data
    with tempfile.TemporaryDirectory() as folder:
        wb = _target_workbook(Path(folder))
        before = wb.path.read_bytes()
        outcomes = []
        for importer in (import_touchpoints, import_personas):
            outcome = _outcome(lambda imp=importer: imp(wb, raw, filename=name))
            if outcome != "ok":
                assert wb.path.read_bytes() == before, "a failed import changed the workbook"
            outcomes.append(outcome)
            before = wb.path.read_bytes()
    return "ok" if "ok" in outcomes else "german_error"


# -- hand-edited workbook files ----------------------------------------------------------------
def good_document() -> dict[str, Any]:
    project = JourneyProject(
        name="Handarbeit",
        personas=[Persona(id="per-1", name="Lena", age=34, channels=["App"])],
        touchpoints=[
            Touchpoint(
                id="tp-1",
                name="Kasse",
                phase="kauf",
                channel="Filiale",
                persona_ids=["per-1"],
                evidence=[Evidence(kind="Interview", note="„zu voll“")],
            )
        ],
    )
    dump = project.model_dump(mode="json")
    return {
        "format": "cjm-werkstatt-workbook",
        "schema_version": 2,
        "revision": 3,
        "saved_at": "2026-03-01T10:00:00+01:00",
        "project": dump,
        "snapshots": [
            {
                "name": "Eins",
                "taken_at": "2026-03-01T09:00:00+01:00",
                "revision": 2,
                "project": dump,
            }
        ],
    }


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=8,
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for key, sub in value.items():
            found += _paths(sub, (*prefix, key))
    elif isinstance(value, list):
        for i, sub in enumerate(value):
            found += _paths(sub, (*prefix, i))
    return found


def _set(doc: Any, path: tuple[Any, ...], value: Any, delete: bool) -> Any:
    if not path:
        return value
    parent = doc
    for key in path[:-1]:
        parent = parent[key]
    if delete and isinstance(parent, dict):
        del parent[path[-1]]
    elif delete and isinstance(parent, list):
        parent.pop(path[-1])
    else:
        parent[path[-1]] = value
    return doc


@st.composite
def workbook_bytes(draw: st.DrawFn) -> bytes:
    """A workbook file after a hand edit, another program, or an attacker got at it."""
    doc = good_document()
    if draw(st.integers(0, 4)) == 0:
        doc["schema_version"] = 1
        doc = {**doc, **doc.pop("project")}
        doc.pop("snapshots", None)
    for _ in range(draw(st.integers(0, 3))):
        paths = _paths(doc)
        path = draw(st.sampled_from(paths))
        if draw(st.booleans()):  # a plausible hand edit: some text changed
            value: Any = draw(st.one_of(cell, st.sampled_from(["Lena", "kauf", "per-1", ""])))
            doc = _set(doc, path, value, delete=False)
        else:
            doc = _set(doc, path, draw(json_values), delete=draw(st.booleans()) and bool(path))
    text = json.dumps(
        doc, ensure_ascii=draw(st.booleans()), indent=draw(st.sampled_from([None, 1]))
    )
    kind = draw(st.integers(0, 11))
    if kind == 0:
        depth = draw(st.integers(50, 3000))
        text = text.replace('"revision": 3', '"revision": ' + "[" * depth + "]" * depth, 1)
    elif kind == 1:
        text = text.replace("3", "9" * draw(st.integers(4000, 6000)), 1)
    elif kind == 2:
        text = text.replace("34", draw(st.sampled_from(["NaN", "Infinity", "-Infinity", "1e999"])))
    elif kind == 3:
        text = text.replace("Lena", "\\ud800", 1)
    elif kind == 4:
        text = text[: draw(st.integers(0, len(text)))]
    raw = text.encode("utf-8")
    if kind == 5 and raw:
        at = draw(st.integers(0, len(raw) - 1))
        raw = raw[:at] + draw(st.binary(min_size=1, max_size=8)) + raw[at + 1 :]
    elif kind == 6:
        raw = codecs.BOM_UTF8 + raw
    elif kind == 7:
        raw = raw.decode().encode("utf-16")
    return raw


def check_workbook(raw: bytes) -> str:
    """Open, edit and recover a hand-edited file, as main file and as the newest version."""
    outcomes = []
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "hand.cjm.json"
        wb = Workbook.open(path)
        wb.personas.add(name="Vorher")
        path.write_bytes(raw)

        def open_and_work() -> None:
            book = Workbook.open(path)
            book.personas.add(name="Danach")
            book.snapshot("Fuzz")
            book.history()
            book.version(book.revision)
            book.compare("Fuzz")
            book.restore("Fuzz")
            repr(book)

        outcomes.append(_outcome(open_and_work))
        outcomes.append(_outcome(lambda: Workbook.recover(path)))
        # the same bytes as the newest kept version, next to a broken main file
        versions = Workbook.versions_dir(path)
        (versions / "r900000_2099-01-01T00_00_00.json").write_bytes(raw)
        path.write_bytes(b"{kaputt")
        outcomes.append(_outcome(lambda: Workbook.open(path)))
        outcomes.append(_outcome(lambda: Workbook.recover(path)))
    return "ok" if outcomes[0] == "ok" else "german_error"
