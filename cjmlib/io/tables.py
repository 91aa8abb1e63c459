"""Import and export of personas and touchpoints as CSV or Excel.

Column names may be German labels ("Kanal", "Relevanz"), English field names
("channel") or English labels ("Channel"). An import is all or nothing: one bad row
stops it, and the German report names every bad row with its number, column and
reason. The workbook keeps what it had.
"""

from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import pandas as pd
from pydantic import ValidationError

from cjmlib.errors import CJMError, ImportProblem
from cjmlib.messages import catalogue, t
from cjmlib.model import Persona, PhaseModel, Touchpoint, field_label
from cjmlib.model.base import CJMModel, translate_validation_error

READABLE = (".csv", ".txt", ".xlsx", ".xlsm")
LIST_SEPARATOR = "; "

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
    },
}


def _table_fields(model: type[CJMModel]) -> list[str]:
    # Evidence is a list of records, which a flat table cannot hold; everything else is a column.
    return [name for name in model.model_fields if name != "evidence"]


FIELDS: dict[str, tuple[type[CJMModel], list[str], list[str]]] = {
    # collection: (model, importable fields, required fields)
    "touchpoints": (Touchpoint, _table_fields(Touchpoint), ["name", "phase", "channel"]),
    "personas": (Persona, _table_fields(Persona), ["name"]),
}

_TRUE = {"ja", "j", "yes", "y", "true", "wahr", "1", "x", "online", "digital"}
_FALSE = {"nein", "n", "no", "false", "falsch", "0", "", "offline", "analog"}


def _key(text: str) -> str:
    text = str(text).strip().casefold()
    for a, b in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        text = text.replace(a, b)
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


def read_table(source: str | Path | bytes, *, filename: str | None = None) -> pd.DataFrame:
    """Read a CSV or Excel file (path or uploaded bytes) into text cells, no guessing of types."""
    name = filename or (str(source) if not isinstance(source, bytes) else "upload.csv")
    suffix = Path(name).suffix.lower()
    if suffix not in READABLE:
        raise CJMError(
            t(
                "io.unsupported_format",
                path=name,
                suffix=suffix or "–",
                allowed=", ".join(READABLE),
            ),
            field="filename",
            value=name,
            allowed=", ".join(READABLE),
        )
    if isinstance(source, bytes):
        raw = source
    else:
        path = Path(source)
        if not path.is_file():
            raise CJMError(t("io.file_missing", path=path), field="path", value=str(path))
        raw = path.read_bytes()
    try:
        if suffix in (".xlsx", ".xlsm"):
            frame = pd.read_excel(
                io.BytesIO(raw), dtype=str, keep_default_na=False, engine="openpyxl"
            )
        else:
            text = _decode(raw)
            header = text.lstrip().splitlines()[0] if text.strip() else ""
            delimiter = max(";,\t", key=header.count)
            frame = pd.read_csv(
                io.StringIO(text),
                sep=delimiter,
                dtype=str,
                keep_default_na=False,
                skipinitialspace=True,
            )
    except CJMError:
        raise
    except Exception as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise CJMError(
            t("io.unreadable", path=name, reason=reason), field="path", value=name
        ) from None
    frame.columns = [str(c).strip() for c in frame.columns]
    frame = frame.loc[~(frame.astype(str).apply(lambda c: c.str.strip()) == "").all(axis=1)]
    if frame.empty:
        raise CJMError(t("io.empty", path=name), field="path", value=name)
    return frame


def _decode(raw: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")


def _bool(value: str) -> bool:
    key = value.strip().casefold()
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
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


def _list(value: str) -> list[str]:
    parts = re.split(r"[;\n|]", value)
    return [p.strip() for p in parts if p.strip()]


class _RowError(Exception):
    def __init__(self, problems: list[tuple[str, str]]) -> None:
        self.problems = problems


def _parse_row(
    collection: str, row: dict[str, str], columns: dict[str, str], context: dict[str, Any]
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
            if "bool" in annotation:
                values[fname] = _bool(cell) if cell else model.model_fields[fname].default
            elif "int" in annotation:
                number = _int(cell)
                if number is not None:
                    values[fname] = number
            elif annotation.startswith("list"):
                values[fname] = _list(cell)
            elif fname == "phase":
                values[fname] = context["phase_model"].resolve(cell, field=col) if cell else cell
            elif fname == "segment_id":
                values[fname] = context["resolve_segment"](cell) if cell else None
            elif cell or model.model_fields[fname].is_required():
                values[fname] = cell
        except (ValueError, CJMError) as exc:
            reason = exc.allowed if isinstance(exc, CJMError) and exc.allowed else str(exc)
            if isinstance(exc, CJMError) and exc.allowed:
                reason = t("io.bad_value", value=cell, allowed=exc.allowed)
            problems.append((col, reason))
    if collection == "touchpoints" and "persona_ids" in values:
        try:
            values["persona_ids"] = [context["resolve_persona"](p) for p in values["persona_ids"]]
        except CJMError as exc:
            problems.append(
                (
                    _column_for(columns, "persona_ids"),
                    t("io.bad_value", value=exc.value, allowed=exc.allowed),
                )
            )
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
                problems.append(
                    (column, t("io.bad_value", value=row.get(column, value), allowed=err.allowed))
                )
                reported.add(column)
    if not problems:
        try:
            item = model(**values)
        except CJMError as exc:
            problems.append((_column_for(columns, exc.field or ""), exc.message))
    if problems:
        raise _RowError(problems)
    return item


def _column_for(columns: dict[str, str], fname: str) -> str:
    for col, f in columns.items():
        if f == fname:
            return col
    return field_label(FIELDS["touchpoints"][0], fname)


def _resolver(items: list[Any], collection: str):
    def resolve(key: str) -> str:
        for item in items:
            if key in (item.id,) or key.casefold() == getattr(item, "name", "").casefold():
                return item.id
        allowed = ", ".join(i.name for i in items) or t("allowed.none_yet")
        raise CJMError(
            t(
                "error.not_found",
                collection=t(f"collection.{collection}"),
                value=key,
                allowed=allowed,
            ),
            field=collection,
            value=key,
            allowed=allowed,
        )

    return resolve


def import_table(
    workbook: Any,
    collection: Literal["touchpoints", "personas"],
    source: str | Path | bytes,
    *,
    filename: str | None = None,
    mode: Literal["append", "replace"] = "append",
) -> ImportResult:
    """Import personas or touchpoints from a CSV/Excel file into ``workbook``.

    All rows are checked first; if any is bad, nothing is imported and
    :class:`ImportProblem` lists each bad row (row number as in the file, column, reason).
    """
    if collection not in FIELDS:
        raise CJMError(
            t("error.unknown_collection", value=collection, allowed=", ".join(FIELDS)),
            field="collection",
            value=collection,
        )
    name = filename or (str(source) if not isinstance(source, bytes) else "upload")
    frame = read_table(source, filename=filename)
    aliases = column_aliases(collection)
    columns: dict[str, str] = {}
    ignored: list[str] = []
    for col in frame.columns:
        fname = aliases.get(_key(col))
        if fname and fname not in columns.values():
            columns[col] = fname
        else:
            ignored.append(col)
    _, _, required = FIELDS[collection]
    missing = [field_label(FIELDS[collection][0], f) for f in required if f not in columns.values()]
    if missing:
        allowed = ", ".join(
            dict.fromkeys(field_label(FIELDS[collection][0], f) for f in FIELDS[collection][1])
        )
        raise ImportProblem(
            t(
                "io.missing_columns",
                path=name,
                missing=", ".join(missing),
                found=", ".join(frame.columns),
                allowed=allowed,
            ),
            field="columns",
            value=list(frame.columns),
            allowed=allowed,
        )
    project = workbook.project
    context = {
        "phase_model": project.phase_model,
        "resolve_persona": _resolver(project.personas, "personas"),
        "resolve_segment": _resolver(project.segments, "segments"),
    }
    items: list[CJMModel] = []
    problems: list[tuple[int, str, str]] = []
    seen_ids: dict[str, int] = {}
    existing = {i.id for i in getattr(project, collection)} if mode == "append" else set()
    # Row numbers as a spreadsheet shows them: the header is row 1.
    for offset, (_, row) in enumerate(frame.iterrows()):
        row_no = offset + 2
        try:
            item = _parse_row(collection, row.to_dict(), columns, context)
        except _RowError as err:
            problems.extend((row_no, column, reason) for column, reason in err.problems)
            continue
        if item.id in seen_ids or item.id in existing:
            first = seen_ids.get(item.id)
            reason = (
                t("io.duplicate_in_file", value=item.id, first=first)
                if first
                else t("error.duplicate_id", collection=t(f"collection.{collection}"), id=item.id)
            )
            problems.append((row_no, _column_for(columns, "id"), reason))
            continue
        seen_ids[item.id] = row_no
        items.append(item)
    if problems:
        lines = "\n".join(t("io.bad_row", row=r, column=c, reason=why) for r, c, why in problems)
        bad_rows = len({r for r, _, _ in problems})
        raise ImportProblem(
            t("io.bad_rows", path=name, count=bad_rows, rows=lines), details=problems
        )
    coll = getattr(workbook, collection)
    if mode == "replace":
        coll.replace_all(items)
    else:
        coll.add_many(items)
    message = t(
        "io.imported", count=len(items), collection=t(f"collection.{collection}"), path=name
    )
    if ignored:
        message += " " + t("io.unknown_columns", columns=", ".join(ignored))
    return ImportResult(collection, len(items), ignored, message)


def import_touchpoints(
    workbook: Any,
    source: str | Path | bytes,
    *,
    filename: str | None = None,
    mode: Literal["append", "replace"] = "append",
) -> ImportResult:
    """Import touchpoints from CSV/Excel; see :func:`import_table`."""
    return import_table(workbook, "touchpoints", source, filename=filename, mode=mode)


def import_personas(
    workbook: Any,
    source: str | Path | bytes,
    *,
    filename: str | None = None,
    mode: Literal["append", "replace"] = "append",
) -> ImportResult:
    """Import personas from CSV/Excel; see :func:`import_table`."""
    return import_table(workbook, "personas", source, filename=filename, mode=mode)


def table_frame(
    project: Any, collection: Literal["touchpoints", "personas"], *, language_labels: bool = True
) -> pd.DataFrame:
    """The collection as a flat table, ready to export and to import again.

    Lists become "a; b", phases and personas/segments are shown by name, and the
    columns carry the labels of the current language (or field names).
    """
    model, fields, _ = FIELDS[collection]
    pm: PhaseModel = project.phase_model
    persona_names = {p.id: p.name for p in project.personas}
    segment_names = {s.id: s.name for s in project.segments}
    rows = []
    for item in getattr(project, collection):
        row: dict[str, Any] = {}
        for fname in fields:
            value = getattr(item, fname)
            if fname == "phase":
                value = pm.name_of(value)
            elif fname == "persona_ids":
                value = LIST_SEPARATOR.join(persona_names.get(v, v) for v in value)
            elif fname == "segment_id":
                value = segment_names.get(value, value) if value else ""
            elif isinstance(value, list):
                value = LIST_SEPARATOR.join(value)
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
    project: Any, collection: Literal["touchpoints", "personas"], path: str | Path
) -> Path:
    """Write personas or touchpoints to ``path`` (.csv or .xlsx), formulas neutralised."""
    from cjmlib.io.table_export import export_table

    return export_table(table_frame(project, collection), path)
