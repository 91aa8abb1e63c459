"""Import and export of personas and touchpoints as CSV or Excel.

Column names may be German labels ("Kanal", "Relevanz"), English field names
("channel") or English labels ("Channel"). An import is all or nothing: one bad row
stops it, and the German report names every bad row with its number (as the spreadsheet
shows it), column and reason. The workbook keeps what it had.

Export → import gives back every field unchanged (``export_collection`` then
``import_personas``/``import_touchpoints``):

- Texts that could start a formula are neutralised with one apostrophe and get it removed
  again on import (the rule is stated in :mod:`cjmlib.io.table_export`).
- A list cell holds its items separated by ``; `` (on import also ``|`` or a line break);
  an item that itself contains ``;``, ``|``, a line break or starts with ``"`` is written
  in double quotes, with ``""`` for a quote inside: ``"Lena; Tom"; Max``.
- Personas, segments and phases are shown by name; where a name would not find exactly
  this entry again (two personas called "Lena"), the id is written instead.
- Evidence ("Belege") is one line per record: ``Art; Quelle; Bezug; Notiz``, quoted by the
  same rule.

Files are read as people save them (:mod:`cjmlib.files.sniff`): UTF-8 with or without
BOM, UTF-16 ("Unicode-Text" from Excel, tab-separated), Windows-1252 and Mac Roman; a
first line ``sep=;`` sets the separator. When the encoding is a guess, the import's
message names it and how to choose another one.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import pandas as pd
from pydantic import ValidationError

from cjmlib.errors import CJMError, ImportProblem
from cjmlib.files import os_error, sniff_text
from cjmlib.files.sniff import ENCODINGS
from cjmlib.io.table_export import restore_text, xlsx_unescape
from cjmlib.messages import catalogue, t
from cjmlib.messages.choices import unknown_choice
from cjmlib.messages.text import parse_yes_no, transliterate
from cjmlib.model import Evidence, Persona, PhaseModel, Touchpoint, field_label
from cjmlib.model.base import CJMModel, translate_validation_error
from cjmlib.model.lookup import ProjectLike, as_project
from cjmlib.workbook import Workbook

READABLE = (".csv", ".txt", ".xlsx", ".xlsm")
LIST_SEPARATOR = "; "
#: An Excel file that unpacks to more than this is refused (a "zip bomb" or not a table).
MAX_XLSX_BYTES = 200 * 1024 * 1024
MAX_ROWS = 100_000
MAX_COLUMNS = 1_000
EVIDENCE_FIELDS = ("kind", "source", "about", "note")

# Extra spellings people use in real spreadsheets, beyond field names and labels.
SYNONYMS: dict[str, dict[str, tuple[str, ...]]] = {
    "touchpoints": {
        "name": ("touchpoint", "kontaktpunkt", "beruehrungspunkt", "bezeichnung"),
        "channel": ("kanal",),
        "online": ("online offline", "onlineoffline", "digital"),
        "device": ("endgeraet", "geraet", "device"),
        "department": ("abteilung", "owner", "zustaendig", "owning department"),
        "moment_of_truth": ("mot", "moment of truth", "moment der wahrheit"),
        "hidden": ("versteckt", "hidden touchpoint"),
        "notes": ("notiz", "anmerkungen", "kommentar"),
        "persona_ids": ("persona", "personas"),
        "evidence": ("beleg", "belege", "nachweise", "quellen"),
    },
    "personas": {
        "quote": ("zitat",),
        "income_band": ("einkommen", "income"),
        "occupation": ("job",),
        "location": ("ort", "stadt", "place", "wohnort"),
        "needs_goals": ("beduerfnisse", "ziele", "needs", "goals"),
        "pain_points": ("herausforderungen", "challenges"),
        "channels": ("kanaele",),
        "devices": ("geraete",),
        "segment_id": ("segment", "zielgruppe", "target group"),
        "evidence": ("beleg", "belege", "nachweise", "quellen"),
    },
}


# -- the grammar of list and evidence cells ------------------------------------------------
_FIELD_SEPARATORS = ";|"
_RECORD_SEPARATORS = "\r\n"
_NEEDS_QUOTES = re.compile(r'[;|\r\n]|^\s|\s$|^"')


def quote_item(text: str) -> str:
    """``text`` as one item of a list cell (quoted when it holds a separator)."""
    if _NEEDS_QUOTES.search(text):
        return '"' + text.replace('"', '""') + '"'
    return text


def join_items(items: list[str]) -> str:
    """A list cell: ``a; b; "c; d"``."""
    return LIST_SEPARATOR.join(quote_item(item) for item in items)


def split_records(text: str) -> list[list[str]]:
    """Split a cell into records (lines) of fields (``;`` or ``|``), quotes respected.

    An item that starts with ``"`` and whose closing quote is followed by a separator
    (or the end) is read as quoted; anything else is taken literally and trimmed.
    """
    records: list[list[str]] = []
    fields: list[str] = []
    i, n = 0, len(text)
    while True:
        while i < n and text[i] in " \t":
            i += 1
        start = i
        value: str | None = None
        if i < n and text[i] == '"':
            j, buf = i + 1, []
            closed = False
            while j < n:
                if text[j] == '"':
                    if j + 1 < n and text[j + 1] == '"':
                        buf.append('"')
                        j += 2
                        continue
                    closed = True
                    j += 1
                    break
                buf.append(text[j])
                j += 1
            k = j
            while k < n and text[k] in " \t":
                k += 1
            if closed and (k == n or text[k] in _FIELD_SEPARATORS + _RECORD_SEPARATORS):
                value, i = "".join(buf), k
        if value is None:
            k = start
            while k < n and text[k] not in _FIELD_SEPARATORS + _RECORD_SEPARATORS:
                k += 1
            value, i = text[start:k].strip(), k
        fields.append(value)
        if i >= n:
            records.append(fields)
            break
        if text[i] in _RECORD_SEPARATORS:
            if text[i] == "\r" and i + 1 < n and text[i + 1] == "\n":
                i += 1
            records.append(fields)
            fields = []
        i += 1
    return [r for r in records if any(f for f in r)]


def split_items(text: str) -> list[str]:
    """The items of a list cell (separated by ``;``, ``|`` or line breaks)."""
    return [item for record in split_records(text) for item in record if item]


def format_evidence(evidence: list[Evidence]) -> str:
    """One line per evidence record: ``Art; Quelle; Bezug; Notiz`` (empty tail dropped)."""
    lines = []
    for record in evidence:
        values = [getattr(record, name) for name in EVIDENCE_FIELDS]
        while len(values) > 1 and not values[-1]:
            values.pop()
        lines.append(join_items(values))
    return "\n".join(lines)


def parse_evidence(text: str) -> list[dict[str, str]]:
    """The evidence records of a cell; more than four fields in a line is an error."""
    found = []
    for record in split_records(text):
        if len(record) > len(EVIDENCE_FIELDS):
            raise ValueError(
                t("io_files.evidence_fields", count=len(record), line=join_items(record))
            )
        found.append(dict(zip(EVIDENCE_FIELDS, record, strict=False)))
    return found


def _table_fields(model: type[CJMModel]) -> list[str]:
    return list(model.model_fields)


FIELDS: dict[str, tuple[type[CJMModel], list[str], list[str]]] = {
    # collection: (model, importable fields, required fields)
    "touchpoints": (Touchpoint, _table_fields(Touchpoint), ["name", "phase", "channel"]),
    "personas": (Persona, _table_fields(Persona), ["name"]),
}


def _key(text: str) -> str:
    text = transliterate(str(text).strip().casefold())
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


def column_aliases(collection: str) -> dict[str, str]:
    """Map every accepted (normalised) column name to its field."""
    model, fields, _ = FIELDS[collection]
    label_key = model._label_key
    aliases: dict[str, str] = {}
    for name in fields:
        names = {name, name.replace("_", " ")}
        for lang in ("de", "en"):
            for prefix in (f"field.{label_key}.", "field.common."):
                text = catalogue(lang).get(prefix + name)
                if text:
                    names.add(text)
        names.update(SYNONYMS[collection].get(name, ()))
        for n in names:
            aliases.setdefault(_key(n), name)
    return aliases


@dataclass
class ImportResult:
    """What an import did; ``message`` is the German summary for the trainee."""

    collection: str
    count: int
    ignored_columns: list[str] = field(default_factory=list)
    message: str = ""
    #: The encoding the file was read with (a key of ``cjmlib.files.sniff.ENCODINGS``;
    #: ``"xlsx"`` for Excel files) and whether it was certain or a guess.
    encoding: str = "utf-8"
    encoding_certain: bool = True


@dataclass
class _Table:
    """Text cells of a file: the header, and each row with its number in the spreadsheet."""

    name: str
    columns: list[str]
    rows: list[tuple[int, list[str]]]
    encoding: str
    certain: bool


def _unreadable(name: str, reason_key: str, **params: Any) -> CJMError:
    reason = t(f"io_files.reason.{reason_key}", **params)
    return CJMError(t("io.unreadable", path=name, reason=reason), field="path", value=name)


def _source_bytes(source: str | Path | bytes, name: str) -> bytes:
    if isinstance(source, bytes):
        return source
    path = Path(source).expanduser()
    try:
        if not path.is_file():
            if path.is_dir():
                raise os_error(IsADirectoryError(21, "Is a directory"), path, "read")
            raise CJMError(t("io.file_missing", path=path), field="path", value=str(path))
        return path.read_bytes()
    except OSError as exc:
        raise os_error(exc, path, "read") from None


def _csv_cells(raw: bytes, name: str, encoding: str | None, sep: str | None) -> _Table:
    sniffed = sniff_text(raw, encoding=encoding, sep=sep, name=Path(name).name)
    delimiter = sniffed.sep or ";"
    reader = csv.reader(io.StringIO(sniffed.text, newline=""), delimiter=delimiter)
    # Spreadsheet row numbers: records, counted from 1 (a sep= line is not shown as a row).
    records: list[tuple[int, list[str]]] = []
    try:
        for number, record in enumerate(reader, start=1):
            if len(records) > MAX_ROWS:
                raise _unreadable(name, "too_many_rows", limit=MAX_ROWS)
            records.append((number, record))
    except csv.Error:
        raise _unreadable(name, "csv_structure", row=len(records) + 1) from None
    return _as_table(
        name, records, restore=restore_text, encoding=sniffed.encoding, certain=sniffed.certain
    )


def _xlsx_text(value: Any) -> str:
    """A cell value as text, the way the importer reads cells."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return t("io.yes") if value else t("io.no")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, (dt.date, dt.time, dt.timedelta)):
        return str(value)
    return restore_text(xlsx_unescape(str(value)))


def _xlsx_rows(raw: bytes, name: str) -> Iterator[tuple[int, list[str]]]:
    from openpyxl import load_workbook  # type: ignore[import-untyped]

    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        raise _unreadable(name, "not_xlsx") from None
    if unpacked > MAX_XLSX_BYTES:
        raise _unreadable(name, "too_big", megabytes=MAX_XLSX_BYTES // 2**20)
    try:
        book = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception:  # any parser error of a damaged file (zip, XML, openpyxl's own)
        raise _unreadable(name, "not_xlsx") from None
    try:
        if not book.worksheets:
            return
        sheet = book.worksheets[0]
        sheet.reset_dimensions()  # do not trust a size the file claims
        for count, cells in enumerate(sheet.iter_rows()):
            if count > MAX_ROWS:
                raise _unreadable(name, "too_many_rows", limit=MAX_ROWS)
            number = next((c.row for c in cells if getattr(c, "row", None)), None)
            if number is None:
                continue
            values = [_xlsx_text(c.value) for c in cells[: MAX_COLUMNS + 1]]
            yield number, values
    except CJMError:
        raise
    except Exception:
        raise _unreadable(name, "not_xlsx") from None
    finally:
        book.close()


def _as_table(
    name: str,
    records: list[tuple[int, list[str]]],
    *,
    restore: Callable[[str], str],
    encoding: str,
    certain: bool,
) -> _Table:
    rows = [(n, [restore(c) for c in cells]) for n, cells in records]
    rows = [(n, cells) for n, cells in rows if any(c.strip() for c in cells)]
    if not rows:
        raise CJMError(t("io.empty", path=name), field="path", value=name)
    _, header = rows[0]
    while header and not header[-1].strip():
        header = header[:-1]
    if len(header) > MAX_COLUMNS:
        raise _unreadable(name, "too_many_columns", limit=MAX_COLUMNS)
    columns: list[str] = []
    for i, label in enumerate(header, start=1):
        label = label.strip() or t("io_files.unnamed_column", number=i)
        unique, k = label, 1
        while unique in columns:
            k += 1
            unique = f"{label} ({k})"
        columns.append(unique)
    body: list[tuple[int, list[str]]] = []
    too_long: list[tuple[int, str, str]] = []
    for number, cells in rows[1:]:
        extra = [c for c in cells[len(columns) :] if c.strip()]
        if extra:
            reason = t(
                "io_files.too_many_cells", found=len(cells), expected=len(columns), value=extra[0]
            )
            column = t("io_files.unnamed_column", number=len(columns) + 1)
            too_long.append((number, column, reason))
            continue
        body.append((number, (cells + [""] * len(columns))[: len(columns)]))
    if too_long:
        lines = "\n".join(t("io.bad_row", row=r, column=c, reason=why) for r, c, why in too_long)
        raise ImportProblem(
            t("io.bad_rows", path=name, count=len(too_long), rows=lines), details=too_long
        )
    if not body:
        raise CJMError(t("io.empty", path=name), field="path", value=name)
    return _Table(name, columns, body, encoding, certain)


def _read_cells(
    source: str | Path | bytes,
    filename: str | None,
    encoding: str | None = None,
    sep: str | None = None,
) -> _Table:
    name = filename or (str(source) if not isinstance(source, bytes) else "upload.csv")
    suffix = Path(name).suffix.lower()
    if suffix not in READABLE:
        raise unknown_choice(
            "io.unsupported_format",
            allowed=READABLE,
            value=name,
            field="filename",
            path=name,
            suffix=suffix or "–",
        )
    raw = _source_bytes(source, name)
    if suffix in (".xlsx", ".xlsm"):
        return _as_table(
            name, list(_xlsx_rows(raw, name)), restore=str, encoding="xlsx", certain=True
        )
    return _csv_cells(raw, name, encoding, sep)


def read_table(
    source: str | Path | bytes,
    *,
    filename: str | None = None,
    encoding: str | None = None,
    sep: str | None = None,
) -> pd.DataFrame:
    """Read a CSV or Excel file (path or uploaded bytes) into text cells, no guessing of types.

    The index holds each row's number as the spreadsheet shows it (the header is row 1);
    blank rows are left out. ``encoding`` and ``sep`` override the detection. One leading
    apostrophe is removed from every cell (see :mod:`cjmlib.io.table_export`). Every
    problem is a German :class:`CJMError`.
    """
    table = _read_cells(source, filename, encoding, sep)
    return pd.DataFrame(
        [cells for _, cells in table.rows],
        columns=table.columns,
        index=[number for number, _ in table.rows],
        dtype=object,
    )


def _bool(value: str) -> bool:
    parsed = parse_yes_no(value)
    if parsed is not None:
        return parsed
    raise ValueError(t("io.bad_bool", value=value))


def _int(value: str) -> int | None:
    value = value.strip()
    if not value:
        return None
    try:
        number = float(value.replace(",", "."))
    except ValueError:
        raise ValueError(t("io.bad_number", value=value)) from None
    if not number.is_integer():
        raise ValueError(t("io.bad_number", value=value))
    return int(number)


class _RowError(Exception):
    def __init__(self, problems: list[tuple[str, str]]) -> None:
        self.problems = problems


Resolver = Callable[[str], str]


@dataclass(frozen=True)
class _Context:
    phase_model: PhaseModel
    resolve_persona: Resolver
    resolve_segment: Resolver


def _parse_row(
    collection: str, row: dict[str, str], columns: dict[str, str], context: _Context
) -> CJMModel:
    model, _, _ = FIELDS[collection]
    values: dict[str, Any] = {}
    problems: list[tuple[str, str]] = []
    for col, fname in columns.items():
        cell = str(row.get(col, "") or "").strip()
        annotation = str(model.model_fields[fname].annotation)
        try:
            if fname in ("id",) and not cell:
                continue
            if fname == "evidence":
                values[fname] = parse_evidence(cell)
            elif "bool" in annotation:
                values[fname] = _bool(cell) if cell else model.model_fields[fname].default
            elif "int" in annotation:
                number = _int(cell)
                if number is not None:
                    values[fname] = number
            elif annotation.startswith("list"):
                values[fname] = split_items(cell)
            elif fname == "phase":
                values[fname] = context.phase_model.resolve(cell, field=col) if cell else cell
            elif fname == "segment_id":
                values[fname] = context.resolve_segment(cell) if cell else None
            elif cell or model.model_fields[fname].is_required():
                values[fname] = cell
        except (ValueError, CJMError) as exc:
            reason = str(exc)
            if isinstance(exc, CJMError) and exc.allowed:
                reason = t("io.bad_value", value=cell, allowed=exc.allowed)
            problems.append((col, reason))
    if collection == "touchpoints" and "persona_ids" in values:
        resolved = []
        for key in values["persona_ids"]:
            try:
                resolved.append(context.resolve_persona(key))
            except CJMError as exc:
                reason = (
                    t("io.bad_value", value=exc.value, allowed=exc.allowed)
                    if exc.allowed
                    else exc.message
                )
                problems.append((_column_for(columns, "persona_ids"), reason))
                break
        values["persona_ids"] = resolved
    # Check each field on its own so that one row reports all of its bad cells.
    reported = {c for c, _ in problems}
    blank = model.model_construct()
    for fname, value in list(values.items()):
        try:
            model.__pydantic_validator__.validate_assignment(blank, fname, value)
        except ValidationError as exc:
            err = translate_validation_error(model, exc)
            column = _column_for(columns, fname)
            if column not in reported:
                shown = row.get(column, value)
                reason = (
                    t("io.bad_value", value=shown, allowed=err.allowed)
                    if err.allowed
                    else err.message
                )
                problems.append((column, reason))
                reported.add(column)
    item: CJMModel | None = None
    if not problems:
        try:
            item = model(**values)
        except CJMError as exc:
            problems.append((_column_for(columns, exc.field or ""), exc.message))
    if problems or item is None:
        raise _RowError(problems)
    return item


def _column_for(columns: dict[str, str], fname: str) -> str:
    for col, f in columns.items():
        if f == fname:
            return col
    return field_label(FIELDS["touchpoints"][0], fname)


def _resolver(items: list[Any], collection: str) -> Resolver:
    """Find an entry by its id (exactly) or by its name (case-insensitive, only if unique)."""

    def resolve(key: str) -> str:
        for item in items:
            if item.id == key:
                return str(item.id)
        hits = [i for i in items if key.casefold() == str(getattr(i, "name", "")).casefold()]
        if len(hits) == 1:
            return str(hits[0].id)
        if hits:
            matches = ", ".join(str(i.id) for i in hits)
            raise CJMError(
                t(
                    "error.ambiguous",
                    collection=t(f"collection.{collection}"),
                    value=key,
                    matches=matches,
                ),
                field=collection,
                value=key,
            )
        allowed = ", ".join(i.name for i in items) or t("allowed.none_yet")
        raise unknown_choice(
            "error.not_found",
            allowed=allowed,
            value=key,
            field=collection,
            collection=t(f"collection.{collection}"),
        )

    return resolve


def import_table(
    workbook: Workbook,
    collection: Literal["touchpoints", "personas"],
    source: str | Path | bytes,
    *,
    filename: str | None = None,
    mode: Literal["append", "replace"] = "append",
    encoding: str | None = None,
    sep: str | None = None,
) -> ImportResult:
    """Import personas or touchpoints from a CSV/Excel file into ``workbook``.

    All rows are checked first; if any is bad, nothing is imported and
    :class:`ImportProblem` lists each bad row (row number as in the file, column, reason).
    ``encoding`` (e.g. ``"mac_roman"``) and ``sep`` override what is detected.
    """
    if collection not in FIELDS:
        raise CJMError(
            t("error.unknown_collection", value=collection, allowed=", ".join(FIELDS)),
            field="collection",
            value=collection,
        )
    name = filename or (str(source) if not isinstance(source, bytes) else "upload")
    table = _read_cells(source, filename, encoding, sep)
    aliases = column_aliases(collection)
    columns: dict[str, str] = {}
    ignored: list[str] = []
    for col in table.columns:
        fname = aliases.get(_key(col))
        if fname and fname not in columns.values():
            columns[col] = fname
        else:
            ignored.append(col)
    model, importable, required = FIELDS[collection]
    missing = [field_label(model, f) for f in required if f not in columns.values()]
    if missing:
        allowed = ", ".join(dict.fromkeys(field_label(model, f) for f in importable))
        raise ImportProblem(
            t(
                "io.missing_columns",
                path=name,
                missing=", ".join(missing),
                found=", ".join(table.columns),
                allowed=allowed,
            ),
            field="columns",
            value=list(table.columns),
            allowed=allowed,
        )
    project = workbook.project
    context = _Context(
        project.phase_model,
        _resolver(project.personas, "personas"),
        _resolver(project.segments, "segments"),
    )
    items: list[CJMModel] = []
    problems: list[tuple[int, str, str]] = []
    seen_ids: dict[str, int] = {}
    existing = {i.id for i in getattr(project, collection)} if mode == "append" else set()
    for row_no, cells in table.rows:
        row = dict(zip(table.columns, cells, strict=True))
        try:
            item = _parse_row(collection, row, columns, context)
        except _RowError as err:
            problems.extend((row_no, column, reason) for column, reason in err.problems)
            continue
        item_id = str(getattr(item, "id", ""))  # both importable models have an id
        if item_id in seen_ids or item_id in existing:
            first = seen_ids.get(item_id)
            reason = (
                t("io.duplicate_in_file", value=item_id, first=first)
                if first
                else t("error.duplicate_id", collection=t(f"collection.{collection}"), id=item_id)
            )
            problems.append((row_no, _column_for(columns, "id"), reason))
            continue
        seen_ids[item_id] = row_no
        items.append(item)
    if problems:
        lines = "\n".join(t("io.bad_row", row=r, column=c, reason=why) for r, c, why in problems)
        bad_rows = len({r for r, _, _ in problems})
        raise ImportProblem(
            t("io.bad_rows", path=name, count=bad_rows, rows=lines), details=problems
        )
    coll = getattr(workbook, collection)
    revision_before = workbook.revision
    if mode == "replace":
        coll.replace_all(items)
    else:
        coll.add_many(items)
    message = t(
        "io.imported", count=len(items), collection=t(f"collection.{collection}"), path=name
    )
    if ignored:
        message += " " + t("io.unknown_columns", columns=", ".join(ignored))
    if not table.certain:
        other = "mac_roman" if table.encoding != "mac_roman" else "cp1252"
        message += " " + t(
            "io_files.encoding_guess",
            revision=revision_before,
            encoding=ENCODINGS.get(table.encoding, table.encoding),
            other=other,
            other_label=ENCODINGS[other],
        )
    return ImportResult(collection, len(items), ignored, message, table.encoding, table.certain)


def import_touchpoints(
    workbook: Workbook,
    source: str | Path | bytes,
    *,
    filename: str | None = None,
    mode: Literal["append", "replace"] = "append",
    encoding: str | None = None,
    sep: str | None = None,
) -> ImportResult:
    """Import touchpoints from CSV/Excel; see :func:`import_table`."""
    return import_table(
        workbook, "touchpoints", source, filename=filename, mode=mode, encoding=encoding, sep=sep
    )


def import_personas(
    workbook: Workbook,
    source: str | Path | bytes,
    *,
    filename: str | None = None,
    mode: Literal["append", "replace"] = "append",
    encoding: str | None = None,
    sep: str | None = None,
) -> ImportResult:
    """Import personas from CSV/Excel; see :func:`import_table`."""
    return import_table(
        workbook, "personas", source, filename=filename, mode=mode, encoding=encoding, sep=sep
    )


def _reference(item_id: str, items: list[Any]) -> str:
    """The name of the entry ``item_id`` where that name finds exactly it again, else its id."""
    match = [i for i in items if i.id == item_id]
    if not match:
        return item_id
    name = str(getattr(match[0], "name", item_id))
    same = [i for i in items if str(getattr(i, "name", "")).casefold() == name.casefold()]
    if len(same) == 1 and not any(i.id == name for i in items):
        return name
    return item_id


def _phase_label(pm: PhaseModel, phase_id: str) -> str:
    name = pm.name_of(phase_id)
    try:
        return name if pm.resolve(name) == phase_id else phase_id
    except CJMError:
        return phase_id


def table_frame(
    project: ProjectLike,
    collection: Literal["touchpoints", "personas"],
    *,
    language_labels: bool = True,
) -> pd.DataFrame:
    """The collection as a flat table, ready to export and to import again.

    Lists become ``a; b`` (items with a separator in quotes), phases and personas/segments
    are shown by name (by id where the name is ambiguous), evidence one record per line,
    and the columns carry the labels of the current language (or field names).
    """
    model, fields, _ = FIELDS[collection]
    proj = as_project(project)
    pm: PhaseModel = proj.phase_model
    rows = []
    for item in getattr(proj, collection):
        row: dict[str, Any] = {}
        for fname in fields:
            value = getattr(item, fname)
            if fname == "phase":
                value = _phase_label(pm, value)
            elif fname == "persona_ids":
                value = join_items([_reference(v, proj.personas) for v in value])
            elif fname == "segment_id":
                value = _reference(value, proj.segments) if value else ""
            elif fname == "evidence":
                value = format_evidence(value)
            elif isinstance(value, list):
                value = join_items(value)
            elif isinstance(value, bool):
                value = (
                    ("online" if value else "offline")
                    if fname == "online"
                    else (t("io.yes") if value else t("io.no"))
                )
            row[fname] = "" if value is None else value
        rows.append(row)
    frame = pd.DataFrame(rows, columns=fields)
    if language_labels:
        frame = frame.rename(columns={f: field_label(model, f) for f in fields})
    return frame


def export_collection(
    project: ProjectLike,
    collection: Literal["touchpoints", "personas"],
    path: str | Path,
) -> Path:
    """Write personas or touchpoints to ``path`` (.csv or .xlsx) for a later import.

    Every field comes back unchanged through :func:`import_personas` /
    :func:`import_touchpoints`; formulas are neutralised (see
    :mod:`cjmlib.io.table_export`).
    """
    from cjmlib.io.table_export import export_table

    return export_table(table_frame(project, collection), path)
