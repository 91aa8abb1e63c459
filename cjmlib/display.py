"""What a trainee sees of a table or a text: German labels, German numbers, whole words.

Every table a chapter shows goes through :func:`show_table` (analysis results, raw data)
or :func:`show_entries` (entries of the workbook); every explanation it prints goes
through :func:`show_text`, which breaks lines between words. Both return a :class:`Table`, which
JupyterLab shows as a plain HTML table:

* column names in German (``conversion_rate`` -> "Conversion-Rate"), from the message
  catalogue (``display.column.*``) or the model's field labels;
* numbers the German way (``7.500``, ``40,8 %``, ``−0,5``), rounded to what the number is
  worth: counts whole, shares and percentages with one decimal, means with two;
* an interval's two columns (``ci_low``, ``ci_high``) joined into one ("38,6 bis 43,1 %");
* names instead of internal ids (``seg-bergsport`` -> "Ambitionierte Bergsportler",
  ``ueberlegung`` -> "Überlegung") when the project is given;
* "–" for missing values and "ja"/"nein" for yes/no, never ``NaN``, ``None`` or ``True``.

This module builds on :mod:`cjmlib.model` and :mod:`cjmlib.messages` only, so that any
layer above may use its formatting functions; it never imports widgets or charts.
"""

from __future__ import annotations

import datetime as dt
import html
import numbers
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from cjmlib.messages import has, p_value_text, t
from cjmlib.messages.text import fmt_num, wrap_lines
from cjmlib.model import COLLECTIONS, CJMModel, JourneyProject
from cjmlib.model.lookup import ProjectLike

MISSING = "–"

#: How the values of a known column are formatted (see :func:`format_value`).
COLUMN_KINDS: dict[str, str] = {
    # counts
    "customers": "count",
    "converted": "count",
    "conversions": "count",
    "customers_with": "count",
    "customers_without": "count",
    "drop_off": "count",
    "n": "count",
    "n_nps": "count",
    "n_csat": "count",
    "n_ces": "count",
    "mentions": "count",
    "pain_mentions": "count",
    "steps": "count",
    "retained": "count",
    "switches": "count",
    "step": "count",
    "cluster": "count",
    "transitions": "count",
    "rows": "count",
    "importance": "count",
    "satisfaction": "count",
    "relevance": "count",
    "severity": "count",
    "frequency": "count",
    "priority": "count",
    "impact": "count",
    "effort": "count",
    "age": "count",
    # shares 0..1 shown as percent
    "conversion_rate": "share",
    "conversion_from_start": "share",
    "conversion_from_previous": "share",
    "drop_off_rate": "share",
    "rate": "share",
    "rate_with": "share",
    "rate_without": "share",
    "ci_low": "share",
    "ci_high": "share",
    "share": "share",
    "retention_rate": "share",
    "repeat_rate": "share",
    "assumption_share": "share",
    # percentages 0..100
    "csat": "percent",
    "csat_low": "percent",
    "csat_high": "percent",
    "ces_agree": "percent",
    "ces_agree_low": "percent",
    "ces_agree_high": "percent",
    "share_percent": "percent",
    # percentage points
    "difference": "points",
    "diff_low": "points",
    "diff_high": "points",
    # scores
    "nps": "nps",
    "nps_low": "nps",
    "nps_high": "nps",
    "ces_mean": "mean",
    "ces_mean_low": "mean",
    "ces_mean_high": "mean",
    "emotion": "emotion",
    "emotion_nps": "emotion",
    "emotion_csat": "emotion",
    "emotion_ces": "emotion",
    "sentiment": "emotion",
    "opportunity": "decimal",
    "events_per_customer": "decimal",
    "median_hours": "decimal",
    "p90_hours": "decimal",
    "revenue_per_customer": "money",
    "value": "money",
    "p_value": "p",
    # yes / no
    "small_sample": "bool",
    "candidate": "bool",
    "underserved": "bool",
    "suppressed": "bool",
    "switcher": "bool",
    "small": "bool",
    "moment_of_truth": "bool",
    "hidden": "bool",
    "online": "online",
    # time
    "period": "month",
    "cohort": "month",
    "timestamp": "datetime",
    "received": "date",
    "due": "date",
    "held": "date",
    "next_review": "date",
    "created": "date",
}

#: Pairs of interval columns shown as one column "low bis high".
RANGES: tuple[tuple[str, str], ...] = (
    ("ci_low", "ci_high"),
    ("nps_low", "nps_high"),
    ("csat_low", "csat_high"),
    ("diff_low", "diff_high"),
    ("ces_mean_low", "ces_mean_high"),
    ("ces_agree_low", "ces_agree_high"),
)

#: Kinds whose cells are right-aligned (numbers).
NUMERIC_KINDS = frozenset(
    {"count", "share", "percent", "points", "nps", "mean", "emotion", "decimal", "money", "p"}
)

#: Kinds of computed scores; a column of whole numbers with such a name holds raw answers.
_SCORE_KINDS = frozenset({"nps", "percent", "mean", "decimal"})


# -- numbers --------------------------------------------------------------------------------


def is_missing(value: Any) -> bool:
    """True for None, NaN, pandas' NA/NaT and the empty string."""
    if value is None:
        return True
    if isinstance(value, str):
        return value.strip() == ""
    if isinstance(value, (list, tuple, set, frozenset, dict)):
        return False
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def format_number(value: Any, digits: int = 1, *, sign: bool = False) -> str:
    """A number the German way: ``1234.5`` -> "1.234,5"; negative with a real minus sign.

    ``sign=True`` puts "+" before positive numbers (for differences and scores).
    Missing values give "–".
    """
    if is_missing(value):
        return MISSING
    return fmt_num(float(value), digits, sign=sign)


def format_count(value: Any) -> str:
    """A whole number with thousands dots: ``7500`` -> "7.500"."""
    return format_number(value, 0)


def format_share(value: Any, digits: int = 1) -> str:
    """A share 0..1 as German percent: ``0.4079`` -> "40,8 %"."""
    if is_missing(value):
        return MISSING
    return f"{format_number(100 * float(value), digits)} %"


def format_p(value: Any) -> str:
    """A p-value as researchers write it: "p < 0,001" or "p = 0,031" (three decimals)."""
    if is_missing(value):
        return MISSING
    return f"p {p_value_text(value)}"


def yes_no(value: Any) -> str:
    """``True`` -> "ja", ``False`` -> "nein", missing -> "–"."""
    if is_missing(value):
        return MISSING
    if isinstance(value, str):
        lowered = value.strip().casefold()
        if lowered in ("true", "ja", "yes", "1"):
            return t("display.yes")
        if lowered in ("false", "nein", "no", "0"):
            return t("display.no")
        return value
    return t("display.yes") if bool(value) else t("display.no")


def _month(value: Any) -> str:
    stamp = pd.Timestamp(value)
    months = t("display.months").split(",")
    return f"{months[stamp.month - 1]} {stamp.year}"


def format_value(value: Any, kind: str = "auto") -> str:
    """Format one value for a table cell; ``kind`` as in :data:`COLUMN_KINDS`.

    ``"auto"`` decides from the value: whole numbers with thousands dots, other numbers
    with one decimal, yes/no for booleans, dates as ``31.12.2026``, lists joined by ", ".
    """
    if isinstance(value, (list, tuple, set, frozenset)):
        parts = [format_value(v, "auto") for v in value if not is_missing(v)]
        return ", ".join(parts) if parts else MISSING
    if is_missing(value):
        return MISSING
    if kind == "online":
        if isinstance(value, str) and value.strip().casefold() in ("online", "offline"):
            return t(f"display.{value.strip().casefold()}")
        return t("display.online") if yes_no(value) == t("display.yes") else t("display.offline")
    if kind in ("bool",) or isinstance(value, (bool,)) or type(value).__name__ == "bool_":
        return yes_no(value)
    if kind == "month":
        return _month(value)
    if kind == "date" or (kind == "auto" and isinstance(value, dt.date)):
        if isinstance(value, (dt.datetime, pd.Timestamp)) and kind == "auto":
            return _datetime(value)
        return pd.Timestamp(value).strftime("%d.%m.%Y")
    if kind == "datetime":
        return _datetime(value)
    if isinstance(value, str):
        return value
    if not isinstance(value, numbers.Number):
        return str(value)
    number = float(value)  # type: ignore[arg-type]
    if kind == "count":
        return format_count(number)
    if kind == "share":
        return format_share(number)
    if kind == "percent":
        return f"{format_number(number, 1)} %"
    if kind == "points":
        return format_number(number, 1, sign=True)
    if kind == "nps":
        return format_number(number, 0, sign=True)
    if kind == "mean":
        return format_number(number, 2)
    if kind == "emotion":
        if float(number).is_integer():
            return format_number(number, 0, sign=True)
        return format_number(number, 2, sign=True)
    if kind == "money":
        return f"{format_number(number, 2)} €"
    if kind == "p":
        return format_p(number).removeprefix("p ").removeprefix("= ")
    if kind == "decimal":
        return format_number(number, 1)
    if isinstance(value, numbers.Integral) or number.is_integer():
        return format_count(number)
    return format_number(number, 1)


def _datetime(value: Any) -> str:
    stamp = pd.Timestamp(value)
    if (stamp.hour, stamp.minute, stamp.second) == (0, 0, 0):
        return stamp.strftime("%d.%m.%Y")
    return stamp.strftime("%d.%m.%Y %H:%M")


# -- names ------------------------------------------------------------------------------


def _project_of(project: ProjectLike | None) -> JourneyProject | None:
    if project is None:
        return None
    inner = getattr(project, "project", project)
    return inner if isinstance(inner, JourneyProject) else None


def _title(item: Any) -> str:
    kind, source = getattr(item, "kind", None), getattr(item, "source", None)
    if isinstance(kind, str) and isinstance(source, str):
        return f"{kind} ({source})" if source else kind
    for attr in ("name", "title", "need", "assumption", "text"):
        value = getattr(item, attr, None)
        if isinstance(value, str) and value:
            return value
    return str(getattr(item, "id", item))


def names_of(project: ProjectLike | None) -> dict[str, str]:
    """Every internal id of ``project`` (phases and all entries) with its readable name."""
    proj = _project_of(project)
    if proj is None:
        return {}
    names = {p.id: p.name for p in proj.phase_model.phases}
    for collection in COLLECTIONS:
        for item in getattr(proj, collection):
            names[item.id] = _title(item)
    return names


# -- labels -----------------------------------------------------------------------------


def _model_labels() -> dict[str, str]:
    labels: dict[str, str] = {}
    for model in COLLECTIONS.values():
        for name, label in model.labels().items():
            labels.setdefault(name, label)
    return labels


def _kind_of(name: Any) -> str:
    """The format of a column: by its code name, or by a German field label it carries."""
    if not isinstance(name, str):
        return "auto"
    if name in COLUMN_KINDS:
        return COLUMN_KINDS[name]
    for model in COLLECTIONS.values():
        for field_name, label in model.labels().items():
            if label == name and field_name in COLUMN_KINDS:
                return COLUMN_KINDS[field_name]
    return "auto"


def column_label(name: Any, frame: pd.DataFrame | None = None) -> str:
    """The German header of a column (unknown names stay as they are)."""
    if not isinstance(name, str):
        return format_value(name)
    if name == "group" and frame is not None:
        by = frame.attrs.get("by")
        if isinstance(by, str) and has(f"display.column.{by}"):
            return t(f"display.column.{by}")
    if has(f"display.column.{name}"):
        return t(f"display.column.{name}")
    return _model_labels().get(name, name)


# -- the table --------------------------------------------------------------------------


_T = ".jp-RenderedHTMLCommon table.cjm-display"  # beats JupyterLab's own table style
_STYLE = (
    "<style>"
    ".cjm-display-wrap{max-width:100%;overflow-x:auto}"
    f"{_T}{{border-collapse:collapse;font-size:13px;margin:2px 0 6px 0;table-layout:auto}}"
    f"{_T} th{{text-align:left;vertical-align:bottom;padding:4px 7px;"
    "border-bottom:2px solid #c9d1dc;background:#eef1f5;white-space:normal;max-width:12em}"
    f"{_T} td{{padding:3px 7px;border-bottom:1px solid #e3e7ec;vertical-align:top;"
    "max-width:24em;white-space:normal;overflow-wrap:break-word;text-align:left}"
    f"{_T} td.cjm-num{{text-align:right;white-space:nowrap}}{_T} th.cjm-num{{text-align:right}}"
    # The title is a block above the table: a <caption> would wrap at a narrow table's width.
    ".cjm-display-caption{font-weight:600;padding:0 0 4px 0;font-size:13px}"
    "</style>"
)


@dataclass
class Table:
    """A table ready for a trainee's eyes.

    ``frame`` holds the formatted cells (all strings) under German headers; ``numeric``
    tells which columns hold numbers (shown right-aligned); ``caption`` is shown above.
    """

    frame: pd.DataFrame
    numeric: list[bool] = field(default_factory=list)
    caption: str = ""
    empty: str = ""

    @property
    def columns(self) -> list[str]:
        """The German headers."""
        return [str(c) for c in self.frame.columns]

    def _repr_html_(self) -> str:
        numeric = self.numeric or [False] * len(self.frame.columns)
        head = "".join(
            f"<th{' class=cjm-num' if num else ''}>{html.escape(str(c))}</th>"
            for c, num in zip(self.frame.columns, numeric, strict=True)
        )
        rows = []
        for values in self.frame.itertuples(index=False):
            cells = "".join(
                f"<td{' class=cjm-num' if num else ''}>{html.escape(str(v))}</td>"
                for v, num in zip(values, numeric, strict=True)
            )
            rows.append(f"<tr>{cells}</tr>")
        if not rows:
            rows.append(
                f'<tr><td colspan="{max(len(self.frame.columns), 1)}">'
                f"{html.escape(self.empty or t('display.empty'))}</td></tr>"
            )
        caption = (
            f'<div class="cjm-display-caption" lang="de">{html.escape(self.caption)}</div>'
            if self.caption
            else ""
        )
        return (
            f'{_STYLE}<div class="cjm-display-wrap">{caption}<table class="cjm-display" lang="de">'
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
        )

    def __repr__(self) -> str:
        if len(self.frame):
            text = self.frame.to_string(index=False)
        else:
            text = self.empty or t("display.empty")
        return f"{self.caption}\n{text}" if self.caption else text

    def __len__(self) -> int:
        return len(self.frame)


def _as_frame(data: Any) -> pd.DataFrame:
    if isinstance(data, pd.DataFrame):
        return data
    if isinstance(data, pd.Series):
        name = data.name if data.name is not None else t("display.value")
        frame = data.to_frame(name=name)
        frame.attrs.update(data.attrs)
        return frame
    if isinstance(data, Mapping):
        return pd.Series(dict(data), name=t("display.value")).to_frame()
    if isinstance(data, Iterable) and not isinstance(data, (str, bytes)):
        return pd.DataFrame({t("display.value"): list(data)})
    raise TypeError(f"show_table needs a DataFrame, Series, mapping or list, got {type(data)}")


def _flat_header(name: Any) -> Any:
    if isinstance(name, tuple):
        return " ".join(str(part) for part in name if str(part))
    return name


def _keep_index(frame: pd.DataFrame) -> bool:
    """Row numbers (an unnamed whole-number index) are noise; every other index is data."""
    index = frame.index
    if any(name is not None for name in index.names):
        return True
    return not pd.api.types.is_integer_dtype(index.dtype)


def show_table(
    data: Any,
    project: ProjectLike | None = None,
    *,
    columns: Sequence[Any] | None = None,
    labels: Mapping[Any, str] | None = None,
    kinds: Mapping[Any, str] | None = None,
    caption: str = "",
    max_rows: int | None = None,
    empty: str = "",
) -> Table:
    """Prepare ``data`` for a trainee: German headers and numbers, names for ids.

    Parameters
    ----------
    data:
        A DataFrame (an analysis result, raw data), a Series or a mapping.
    project:
        The workbook or project whose ids (phases, segments, touchpoints, ...) are shown
        by name.
    columns:
        The columns to show, in this order (original names); default: all.
    labels:
        Headers for columns the catalogue does not know (original name -> German).
    kinds:
        How to format columns the catalogue does not know (see :data:`COLUMN_KINDS`),
        e.g. ``{"Anteil": "share"}``.
    caption:
        A title shown above the table.
    max_rows:
        Show only the first rows.
    empty:
        What to say when there are no rows (default: "(keine Zeilen)").
    """
    frame = _as_frame(data)
    attrs = dict(frame.attrs)
    if isinstance(frame.index, pd.MultiIndex) or _keep_index(frame):
        unnamed = frame.index.nlevels == 1 and frame.index.name is None
        frame = frame.reset_index()
        if unnamed:
            frame = frame.rename(columns={frame.columns[0]: ""})
    else:
        frame = frame.reset_index(drop=True)
    frame.columns = [_flat_header(c) for c in frame.columns]
    frame.attrs.update(attrs)
    if columns is not None:
        frame = frame[list(columns)]
    if max_rows is not None:
        frame = frame.head(max_rows)
    names = names_of(project)
    labels = dict(labels or {})
    kinds = dict(kinds or {})
    cells: dict[str, list[str]] = {}
    numeric: list[bool] = []
    done: set[Any] = set()
    for col in frame.columns:
        if col in done:
            continue
        pair = next((p for p in RANGES if p[0] == col and p[1] in frame.columns), None)
        if pair is not None:
            kind = kinds.get(col, COLUMN_KINDS.get(col, "auto"))
            header = labels.get(col) or t(f"display.range.{pair[0]}")
            cells[header] = [
                _range(lo, hi, kind) for lo, hi in zip(frame[pair[0]], frame[pair[1]], strict=True)
            ]
            numeric.append(True)
            done.update(pair)
            continue
        kind = kinds.get(col) or _kind_of(col)
        header = labels.get(col) or column_label(col, frame)
        series = frame[col]
        if kind == "auto" and pd.api.types.is_bool_dtype(series.dtype):
            kind = "bool"
        elif kind in _SCORE_KINDS and pd.api.types.is_integer_dtype(series.dtype):
            kind = "count"  # raw answers (NPS 0..10, CSAT 1..5) are whole numbers
        values = [_cell(v, kind, names) for v in series]
        while header in cells:
            header += " "
        cells[header] = values
        numeric.append(kind in NUMERIC_KINDS or (kind == "auto" and _all_numbers(series)))
        done.add(col)
    out = pd.DataFrame(cells, index=range(len(frame)))
    return Table(out, numeric, caption, empty)


def _all_numbers(series: pd.Series) -> bool:
    values = [v for v in series if not is_missing(v)]
    return bool(values) and all(
        isinstance(v, numbers.Number) and not isinstance(v, bool) for v in values
    )


def _cell(value: Any, kind: str, names: Mapping[str, str]) -> str:
    if isinstance(value, str) and value in names:
        return names[value]
    if isinstance(value, (list, tuple)) and names:
        value = [names.get(v, v) if isinstance(v, str) else v for v in value]
    return format_value(value, kind)


def _range(low: Any, high: Any, kind: str) -> str:
    if is_missing(low) or is_missing(high):
        return MISSING
    lo, hi = format_value(low, kind), format_value(high, kind)
    for unit in (" %", " €"):
        if lo.endswith(unit) and hi.endswith(unit):
            return t("display.range_text", low=lo.removesuffix(unit), high=hi)
    return t("display.range_text", low=lo, high=hi)


def show_entries(
    project: ProjectLike | None,
    entries: str | Iterable[CJMModel],
    fields: Sequence[str] | None = None,
    *,
    sort_by: str | None = None,
    caption: str = "",
) -> Table:
    """Show entries of the workbook as a table with German headers and names for links.

    ``entries`` is the name of a collection (``"pain_points"``) or a list of entries
    (e.g. ``[tp for tp in wb.touchpoints if tp.hidden]``); ``fields`` chooses and orders
    the columns (default: every field except the internal id); ``sort_by`` names a field
    to sort by (``"-priority"``: highest first).
    """
    proj = _project_of(project)
    if isinstance(entries, str):
        if proj is None:
            raise TypeError("show_entries needs the project to look up a collection by name")
        items = list(getattr(proj, entries))
        model: type[CJMModel] | None = COLLECTIONS.get(entries)
    else:
        items = list(entries)
        model = type(items[0]) if items else None
    if model is None:
        return Table(pd.DataFrame(), [], caption)
    if sort_by:
        name = sort_by.lstrip("-")
        items.sort(key=lambda item: getattr(item, name), reverse=sort_by.startswith("-"))
    wanted = list(fields) if fields is not None else [f for f in model.model_fields if f != "id"]
    labels = model.labels()
    codes = model.value_labels()
    rows = []
    for item in items:
        row = {}
        for name in wanted:
            value = getattr(item, name)
            if name in codes and isinstance(value, str):
                value = codes[name].get(value, value)
            elif isinstance(value, CJMModel):
                value = _title(value)
            elif isinstance(value, list) and value and isinstance(value[0], CJMModel):
                value = [_title(v) for v in value]
            row[name] = value
        rows.append(row)
    frame = pd.DataFrame(rows, columns=wanted)
    extra = {name: labels[name] for name in wanted if name in labels}
    return show_table(frame, proj, labels=extra, caption=caption)


def show_text(text: object) -> None:
    """Print ``text`` (an explanation, a report) with its lines broken between words.

    JupyterLab breaks a printed line that is wider than the output area anywhere, also
    inside a word; :func:`cjmlib.messages.text.wrap_lines` keeps every line within
    :data:`~cjmlib.messages.text.TEXT_WIDTH` characters so that this never happens.
    """
    print(wrap_lines(text))
