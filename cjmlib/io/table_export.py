"""CSV and Excel export of tables, safe to open in Excel (no formula ever runs).

The neutralisation rule (the same for CSV and Excel, stated once here)
-----------------------------------------------------------------------
On export, a text cell gets one apostrophe ``'`` in front when its first character
(after any leading spaces) is one a spreadsheet could read as the start of a formula –
``=``, ``+``, ``-``, ``@``, a tab, a carriage return or a line break, or their full-width
forms ``＝ ＋ － ＠`` – or is itself an apostrophe. "+49 171 …" is written as
"'+49 171 …", "=SUMME(A1)" as "'=SUMME(A1)". Numbers, yes/no values and dates are written
as such; column names follow the same rule.

On import (:func:`cjmlib.io.tables.read_table`) exactly one leading apostrophe is removed
from every cell, as Excel does with the apostrophe people type to mark a cell as text.
So every text comes back exactly as it was exported ("'+49 171 …" → "+49 171 …",
"'Zitat" → exported "''Zitat" → "'Zitat"), while in the file itself no cell can start
a formula, in Excel, LibreOffice or any program the file is passed on to.

Excel files also keep characters XML cannot hold (control characters, a carriage return)
in Excel's own ``_xHHHH_`` notation, and every text cell is stored as text.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import os
import re
from numbers import Number
from pathlib import Path
from typing import Any

import pandas as pd

from cjmlib.errors import CJMError
from cjmlib.io._target import encode_text, export_target, write_export, write_exports
from cjmlib.messages import t
from cjmlib.model import Action, JourneyProject, Need, PainPoint, Persona, Solution, Touchpoint
from cjmlib.model import field_label as label
from cjmlib.model.lookup import ProjectLike

FORMATS = (".csv", ".xlsx")
#: First characters a spreadsheet may read as a formula (plus the apostrophe itself, so
#: that the import can always remove exactly one).
DANGEROUS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20", "'")
APOSTROPHE = "'"
LIST_SEPARATOR = "; "

# Characters XML 1.0 cannot carry in a cell (or would turn into another one, like CR).
_XML_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0d\x0e-\x1f\ufffe\uffff]")
_OOXML_ESCAPE = re.compile("_(x[0-9A-Fa-f]{4}_)")
_OOXML_CODE = re.compile("_x([0-9A-Fa-f]{4})_")


def neutralise(value: Any) -> Any:
    """Return ``value`` so that no spreadsheet reads it as a formula (see the module rule)."""
    if isinstance(value, (list, tuple, set)):
        value = LIST_SEPARATOR.join(str(v) for v in value)
    elif isinstance(value, dict):
        value = LIST_SEPARATOR.join(f"{k}: {v}" for k, v in value.items())
    if isinstance(value, str) and value.lstrip(" ").startswith(DANGEROUS):
        return APOSTROPHE + value
    return value


def restore_text(text: str) -> str:
    """The import half of the rule: remove exactly one leading apostrophe."""
    return text[1:] if text.startswith(APOSTROPHE) else text


def xlsx_escape(text: str) -> str:
    """``text`` in Excel's ``_xHHHH_`` notation for characters XML cannot hold.

    A literal ``_xHHHH_`` in the text gets its underscore escaped (``_x005F_``), as Excel does.
    """
    text = _OOXML_ESCAPE.sub(r"_x005F_\1", text)
    return _XML_UNSAFE.sub(lambda m: f"_x{ord(m.group()):04X}_", text)


def _unescape_code(match: re.Match[str]) -> str:
    char = chr(int(match.group(1), 16))
    # Only what xlsx_escape (and Excel) encode: characters XML cannot hold, and "_" of an
    # escaped literal. LibreOffice writes a literal "_x0041_" unescaped; it stays as it is.
    return char if char == "_" or _XML_UNSAFE.fullmatch(char) else match.group()


def xlsx_unescape(text: str) -> str:
    """Undo :func:`xlsx_escape` (also reads what Excel itself writes)."""
    if "_x" not in text:
        return text
    return _OOXML_CODE.sub(_unescape_code, text)


def safe_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` with every text cell and column label neutralised."""
    out = df.copy()
    for col in out.columns:
        if not (
            pd.api.types.is_numeric_dtype(out[col])
            or pd.api.types.is_bool_dtype(out[col])
            or pd.api.types.is_datetime64_any_dtype(out[col])
        ):
            out[col] = out[col].map(neutralise).astype(object)
    out.columns = [neutralise(str(c)) for c in out.columns]
    return out


def _target(path: str | os.PathLike[str]) -> Path:
    return export_target(path, FORMATS, "export.table.unknown_format")


def _sheet_name(name: str) -> str:
    bad = "[]:*?/\\"
    cleaned = "".join("_" if ch in bad else ch for ch in name).strip("'") or "Tabelle"
    return _XML_UNSAFE.sub("_", cleaned)[:31]


def _xlsx_value(value: Any) -> Any:
    """A cell value for openpyxl: texts neutralised and escaped, numbers and dates as such."""
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, Number) and not isinstance(value, complex):
        number = float(value)  # type: ignore[arg-type]
        if math.isnan(number):
            return None
        return value if math.isfinite(number) else str(value)
    if isinstance(value, (dt.datetime, dt.date, pd.Timestamp)):
        return value
    neutral = neutralise(value)
    return xlsx_escape(neutral if isinstance(neutral, str) else str(neutral))


def _csv_bytes(df: pd.DataFrame, target: Path) -> bytes:
    text = safe_frame(df).to_csv(None, sep=";", decimal=",", index=False, lineterminator="\r\n")
    return encode_text(text, target, bom=True)


def _xlsx_bytes(tables: dict[str, pd.DataFrame]) -> bytes:
    from openpyxl import Workbook as ExcelWorkbook  # type: ignore[import-untyped]
    from openpyxl.styles import Font  # type: ignore[import-untyped]
    from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]

    book = ExcelWorkbook()
    book.remove(book.active)
    used: set[str] = set()
    for name, df in tables.items():
        sheet = _sheet_name(name)
        while sheet in used:
            sheet = _sheet_name(sheet[:28] + f"_{len(used)}")
        used.add(sheet)
        ws = book.create_sheet(sheet)
        rows = [[_xlsx_value(str(c)) for c in df.columns]]
        rows += [[_xlsx_value(v) for v in row] for row in df.itertuples(index=False, name=None)]
        for r, values in enumerate(rows, start=1):
            for c, value in enumerate(values, start=1):
                cell = ws.cell(row=r, column=c, value=value)
                if isinstance(value, str):
                    cell.data_type = "s"  # always text: never a formula or an error code
        ws.freeze_panes = "A2"
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for i, header in enumerate(rows[0], start=1):
            longest = max([len(str(header))] + [len(str(row[i - 1])) for row in rows[1:201]])
            ws.column_dimensions[get_column_letter(i)].width = min(max(10, longest + 2), 60)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def export_table(
    df: pd.DataFrame, path: str | os.PathLike[str], *, sheet_name: str | None = None
) -> Path:
    """Write ``df`` to ``path`` (``.csv`` or ``.xlsx``) with formulas neutralised.

    CSV files use the German Excel dialect: ``;`` between cells, decimal comma,
    CRLF line ends (RFC 4180; a cell holding a line break is quoted), UTF-8 with BOM so
    that umlauts show correctly. See the module docstring for the neutralisation rule.

    The file is written atomically: on a full disk, in a read-only folder or without
    permission a German :class:`CJMError` says what to do, and a file that was there
    before is unchanged.

    Returns
    -------
    pathlib.Path
        The file written.
    """
    if not isinstance(df, pd.DataFrame):
        raise CJMError(
            t("export.table.not_a_frame", given=type(df).__name__),
            field="df",
            value=type(df).__name__,
        )
    target = _target(path)
    if target.suffix.lower() == ".csv":
        return write_export(target, _csv_bytes(df, target))
    return write_export(target, _xlsx_bytes({sheet_name or t("export.table.default_sheet"): df}))


def export_tables(tables: dict[str, pd.DataFrame], path: str | os.PathLike[str]) -> Path:
    """Write several tables as one ``.xlsx``, one sheet per table (in the given order).

    The same rules as :func:`export_table` (neutralised formulas, atomic write, German
    errors); for CSV, which holds one table only, call :func:`export_table` per table.
    """
    target = _target(path)
    if target.suffix.lower() != ".xlsx":
        raise CJMError(
            t("export.tables.need_xlsx", path=target.name), field="path", value=str(path)
        )
    return write_export(target, _xlsx_bytes(tables))


def _date(value: dt.date | None) -> str:
    return value.strftime("%d.%m.%Y") if value else ""


def _yes(value: bool) -> str:
    return t("charts.common.yes") if value else t("charts.common.no")


def project_tables(project: ProjectLike) -> dict[str, pd.DataFrame]:
    """The inventory and the boards of ``project`` as DataFrames with German columns.

    Keys (sheet names): personas, needs, touchpoints (the inventory), pain points,
    solutions, actions – in the order of the method's steps.
    """
    from cjmlib.model.lookup import as_project

    p: JourneyProject = as_project(project)
    pm = p.phase_model
    persona = {x.id: x.name for x in p.personas}
    tp_name = {x.id: x.name for x in p.touchpoints}
    pp_name = {x.id: x.title for x in p.pain_points}
    sol_name = {x.id: x.title for x in p.solutions}
    everyone = t("charts.map.all_personas")

    def names(ids: list[str], lookup: dict[str, str], empty: str = "") -> str:
        return LIST_SEPARATOR.join(lookup.get(i, i) for i in ids) or empty

    tables: dict[str, pd.DataFrame] = {}
    tables[t("collection.personas")] = pd.DataFrame(
        [
            {
                label(Persona, "name"): x.name,
                label(Persona, "age"): x.age if x.age else "",
                label(Persona, "gender"): x.gender,
                label(Persona, "occupation"): x.occupation,
                label(Persona, "location"): x.location,
                label(Persona, "quote"): x.quote,
                label(Persona, "needs_goals"): LIST_SEPARATOR.join(x.needs_goals),
                label(Persona, "pain_points"): LIST_SEPARATOR.join(x.pain_points),
                label(Persona, "channels"): LIST_SEPARATOR.join(x.channels),
                label(Persona, "devices"): LIST_SEPARATOR.join(x.devices),
            }
            for x in p.personas
        ],
        columns=[
            label(Persona, f)
            for f in (
                "name",
                "age",
                "gender",
                "occupation",
                "location",
                "quote",
                "needs_goals",
                "pain_points",
                "channels",
                "devices",
            )
        ],
    )
    tables[t("collection.needs")] = pd.DataFrame(
        [
            {
                label(Need, "need"): x.need,
                label(Need, "persona_id"): persona.get(x.persona_id or "", everyone),
                label(Need, "importance"): x.importance,
                label(Need, "satisfaction"): x.satisfaction,
                t("export.table.opportunity"): x.opportunity,
                label(Need, "expectation"): x.expectation,
                label(Need, "exceed"): x.exceed,
            }
            for x in p.needs
        ],
        columns=[
            label(Need, "need"),
            label(Need, "persona_id"),
            label(Need, "importance"),
            label(Need, "satisfaction"),
            t("export.table.opportunity"),
            label(Need, "expectation"),
            label(Need, "exceed"),
        ],
    )
    order = {pid: i for i, pid in enumerate(pm.ids)}
    tps = sorted(p.touchpoints, key=lambda x: order.get(x.phase, 99))
    tp_cols = [
        "phase",
        "name",
        "channel",
        "online",
        "device",
        "department",
        "relevance",
        "emotion",
        "moment_of_truth",
        "hidden",
        "persona_ids",
        "notes",
    ]
    tables[t("collection.touchpoints")] = pd.DataFrame(
        [
            {
                label(Touchpoint, "phase"): pm.name_of(x.phase),
                label(Touchpoint, "name"): x.name,
                label(Touchpoint, "channel"): x.channel,
                label(Touchpoint, "online"): t("charts.common.online")
                if x.online
                else t("charts.common.offline"),
                label(Touchpoint, "device"): x.device,
                label(Touchpoint, "department"): x.department,
                label(Touchpoint, "relevance"): x.relevance,
                label(Touchpoint, "emotion"): x.emotion,
                label(Touchpoint, "moment_of_truth"): _yes(x.moment_of_truth),
                label(Touchpoint, "hidden"): _yes(x.hidden),
                label(Touchpoint, "persona_ids"): names(x.persona_ids, persona, everyone),
                label(Touchpoint, "notes"): x.notes,
            }
            for x in tps
        ],
        columns=[label(Touchpoint, f) for f in tp_cols],
    )
    pains = sorted(p.pain_points, key=lambda x: -x.priority)
    tables[t("collection.pain_points")] = pd.DataFrame(
        [
            {
                label(PainPoint, "title"): x.title,
                label(PainPoint, "phase"): pm.name_of(x.phase) if x.phase else "",
                label(PainPoint, "category"): x.category,
                label(PainPoint, "severity"): x.severity,
                label(PainPoint, "frequency"): x.frequency,
                t("export.table.priority"): x.priority,
                label(PainPoint, "touchpoint_ids"): names(x.touchpoint_ids, tp_name),
                label(PainPoint, "description"): x.description,
            }
            for x in pains
        ],
        columns=[
            label(PainPoint, "title"),
            label(PainPoint, "phase"),
            label(PainPoint, "category"),
            label(PainPoint, "severity"),
            label(PainPoint, "frequency"),
            t("export.table.priority"),
            label(PainPoint, "touchpoint_ids"),
            label(PainPoint, "description"),
        ],
    )
    tables[t("collection.solutions")] = pd.DataFrame(
        [
            {
                label(Solution, "title"): x.title,
                t("export.table.quadrant"): x.quadrant,
                label(Solution, "impact"): x.impact,
                label(Solution, "effort"): x.effort,
                label(Solution, "status"): x.status,
                label(Solution, "owner"): x.owner,
                label(Solution, "kpi"): x.kpi,
                label(Solution, "pain_point_ids"): names(x.pain_point_ids, pp_name),
            }
            for x in p.solutions
        ],
        columns=[
            label(Solution, "title"),
            t("export.table.quadrant"),
            label(Solution, "impact"),
            label(Solution, "effort"),
            label(Solution, "status"),
            label(Solution, "owner"),
            label(Solution, "kpi"),
            label(Solution, "pain_point_ids"),
        ],
    )
    act_cols = ["title", "owner", "department", "due", "kpi", "target", "status", "solution_id"]
    tables[t("collection.actions")] = pd.DataFrame(
        [
            {
                label(Action, "title"): x.title,
                label(Action, "owner"): x.owner,
                label(Action, "department"): x.department,
                label(Action, "due"): _date(x.due),
                label(Action, "kpi"): x.kpi,
                label(Action, "target"): x.target,
                label(Action, "status"): x.status,
                label(Action, "solution_id"): sol_name.get(x.solution_id or "", ""),
            }
            for x in p.actions
        ],
        columns=[label(Action, f) for f in act_cols],
    )
    return tables


def export_project_tables(project: ProjectLike, path: str | os.PathLike[str]) -> list[Path]:
    """Export the inventory and the boards of ``project``.

    ``.xlsx``: one file with one sheet per table. ``.csv``: one file per table, named
    ``<name>_<table>.csv`` beside ``path``. Returns the files written.
    """
    from cjmlib.model import slugify

    target = _target(path)
    tables = project_tables(project)
    if target.suffix.lower() == ".xlsx":
        return [write_export(target, _xlsx_bytes(tables))]
    files = []
    for name, df in tables.items():
        one = target.with_name(f"{target.stem}_{slugify(name)}.csv")
        files.append((one, _csv_bytes(df, one)))
    return write_exports(files)
