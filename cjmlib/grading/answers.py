"""Hand a trainee's answers over as plain data, and read them back.

A graded verdict must not depend on anything the trainee's code can change. So the
kernel only *hands over* the answer values of a task (see :func:`emit`), as JSON, and
the grader judges them in its own process (:mod:`cjmlib.grading.verdicts`). The
self-study checks take the same round trip, so a judge sees exactly the same values
in both editions.

What crosses over:

- numbers, text, ``True``/``False``/``None``, lists, tuples, sets, dictionaries (any
  hashable keys), dates and times, ``pd.NA``/``NaT``, the starter value ``____``;
- pandas ``DataFrame``, ``Series`` and ``Index`` column by column with their dtypes;
- validated models of :mod:`cjmlib.model` (``Persona``, ``Segment`` ...) as their
  JSON form, validated again on arrival;
- the workbook ``wb`` as the text of its file, opened on arrival with the workbook's
  own validating loader (:meth:`cjmlib.workbook.Workbook.open`).

Everything else arrives as an :class:`Unsupported` marker that equals nothing. Never
pickle: decoding builds only the types above, so a value cannot carry behaviour (a
list whose ``__eq__`` always says yes arrives as a plain list).
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import numpy as np
import pandas as pd

from cjmlib.errors import CJMError
from cjmlib.grading.checks import Placeholder, ____
from cjmlib.messages import t

if TYPE_CHECKING:
    from cjmlib.workbook import Workbook

__all__ = [
    "FORMAT",
    "MIME",
    "AnswerError",
    "Answers",
    "Unsupported",
    "collect",
    "decode",
    "emit",
    "round_trip",
]

FORMAT: Final = "cjmlib-answers/1"
#: The MIME type of the one display output that carries the answers out of the kernel.
MIME: Final = "application/x-cjmlib-answers"
#: Name of the workbook variable every exercise's setup cell binds.
WORKBOOK: Final = "wb"
DEFAULT_LIMIT: Final = 32 * 1024 * 1024  # characters of JSON
_MAX_DEPTH: Final = 40


class AnswerError(CJMError):
    """The answers could not be handed over or read back; the message says why."""


class Unsupported:
    """Stands for a value of a type that does not cross over; it equals nothing."""

    def __init__(self, type_name: str) -> None:
        self.type_name = type_name

    def __eq__(self, other: object) -> bool:
        return False

    def __hash__(self) -> int:
        return hash(("Unsupported", self.type_name))

    def __repr__(self) -> str:
        return f"<{self.type_name}>"


# -- encoding (runs in the trainee's kernel) ----------------------------------------------
def _scalar_or_none(value: Any) -> Any:
    """``value`` as a JSON-ready scalar, or ``None`` if it is not a scalar we know."""
    if value is None or isinstance(value, bool | str):
        return str.__str__(value) if isinstance(value, str) else value
    if isinstance(value, int):
        return int.__index__(value)
    if isinstance(value, float):
        return float.__float__(value)
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    return None


def _encode(value: Any, depth: int = 0) -> Any:
    if depth > _MAX_DEPTH:
        return {"$unsupported": "zu tief verschachtelt"}
    plain = _scalar_or_none(value)
    if plain is not None or value is None:
        return plain
    if isinstance(value, np.str_):
        return str(value)
    if isinstance(value, Placeholder):
        return {"$placeholder": 1}
    if value is pd.NA:
        return {"$na": 1}
    if value is pd.NaT:
        return {"$nat": 1}
    if isinstance(value, pd.Timestamp | dt.datetime):
        return {"$datetime": pd.Timestamp(value).isoformat()}
    if isinstance(value, dt.date):
        return {"$date": value.isoformat()}
    if isinstance(value, dt.time):
        return {"$time": value.isoformat()}
    if isinstance(value, pd.Timedelta | dt.timedelta):
        return {"$timedelta": int(pd.Timedelta(value).value)}
    if isinstance(value, np.datetime64):
        return {"$datetime": pd.Timestamp(value).isoformat()}
    if isinstance(value, pd.DataFrame):
        return {
            "$frame": {
                "columns": _encode_index(value.columns, depth),
                "index": _encode_index(value.index, depth),
                "data": [_encode_column(value.iloc[:, i], depth) for i in range(value.shape[1])],
            }
        }
    if isinstance(value, pd.Series):
        return {
            "$series": {
                "index": _encode_index(value.index, depth),
                "values": _encode_column(value, depth),
                "name": _encode(value.name, depth + 1),
            }
        }
    if isinstance(value, pd.Index):
        return {"$index": _encode_index(value, depth)}
    if isinstance(value, np.ndarray):
        return {"$array": [_encode(v, depth + 1) for v in value.tolist()]}
    if isinstance(value, dict):
        return {"$dict": [[_encode(k, depth + 1), _encode(v, depth + 1)] for k, v in value.items()]}
    if isinstance(value, list):
        return [_encode(v, depth + 1) for v in value]
    if isinstance(value, tuple):
        return {"$tuple": [_encode(v, depth + 1) for v in value]}
    if isinstance(value, set | frozenset):
        items = [_encode(v, depth + 1) for v in value]
        return {"$set": sorted(items, key=lambda x: json.dumps(x, sort_keys=True))}
    model = _model_name(value)
    if model is not None:
        return {"$model": model, "data": value.model_dump(mode="json")}
    return {"$unsupported": type(value).__name__}


def _model_name(value: Any) -> str | None:
    from cjmlib import model

    cls = type(value)
    name: str = cls.__name__
    if isinstance(value, model.CJMModel) and getattr(model, name, None) is cls:
        return name
    return None


def _encode_column(column: pd.Series, depth: int) -> dict[str, Any]:
    dtype = str(column.dtype)
    missing = column.isna().to_numpy()
    if column.dtype.kind == "M":
        # Nanoseconds since the epoch (UTC for time-zone aware columns): exact and compact.
        ns = column.dt.as_unit("ns").array.asi8.tolist()
        return {"dtype": dtype, "ns": [None if m else v for v, m in zip(ns, missing, strict=True)]}
    if column.dtype.kind in "iufb" and isinstance(column.dtype, np.dtype):
        return {"dtype": dtype, "plain": column.to_numpy().tolist()}
    if _plain_with_gaps(column):
        values = column.astype(object).tolist()
        return {
            "dtype": dtype,
            "plain": [None if m else v for v, m in zip(values, missing, strict=True)],
        }
    if depth + 1 <= _MAX_DEPTH and pd.api.types.infer_dtype(column, skipna=False) == "string":
        # Only text, nothing missing (an event log's columns): pandas checks that in C, and
        # the values go over as they are instead of one by one through _encode.
        return {"dtype": dtype, "plain": column.tolist()}
    # Text is by far the most common value of an object column and _encode would hand it
    # back unchanged; the check keeps the hand-over of mixed columns cheap for the kernel.
    deep = depth + 1 > _MAX_DEPTH
    values = [v if type(v) is str and not deep else _encode(v, depth + 1) for v in column.tolist()]
    return {"dtype": dtype, "values": values}


def _plain_with_gaps(column: pd.Series) -> bool:
    """Whether every value of ``column`` is text, a whole number or yes/no, or missing.

    Such a column goes over as a plain list (None where a value is missing) and its dtype
    restores the rest: text columns, categories of text (an event log's touchpoints and
    channels) and pandas' nullable integers and booleans.
    """
    dtype = column.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        return pd.api.types.infer_dtype(dtype.categories, skipna=False) == "string"
    if isinstance(dtype, np.dtype):
        return False
    return pd.api.types.is_string_dtype(dtype) or dtype.kind in "ib"


def _encode_index(index: pd.Index, depth: int) -> dict[str, Any]:
    if isinstance(index, pd.RangeIndex):
        return {"range": [index.start, index.stop, index.step], "name": _encode(index.name)}
    if isinstance(index, pd.MultiIndex):
        return {
            "tuples": [_encode(tuple(v), depth + 1) for v in index.tolist()],
            "names": [_encode(n) for n in index.names],
        }
    return {"column": _encode_column(index.to_series(), depth), "name": _encode(index.name)}


def collect(namespace: Mapping[str, Any], names: tuple[str, ...] | list[str]) -> str:
    """Encode the variables ``names`` of ``namespace`` (and the workbook) as JSON text.

    A name that is not defined travels as the starter value ``____`` ("not attempted").
    """
    values = {name: _encode(namespace.get(name, ____)) for name in names}
    workbook: str | None = None
    wb = namespace.get(WORKBOOK)
    from cjmlib.workbook import Workbook

    if isinstance(wb, Workbook):
        path = Path(wb.path)
        if path.is_file():
            workbook = path.read_bytes().decode("utf-8", errors="replace")
    document = {"format": FORMAT, "values": values, "workbook": workbook}
    return json.dumps(document, ensure_ascii=False, allow_nan=True)


def emit(namespace: Mapping[str, Any], names: list[str], *, limit: int = DEFAULT_LIMIT) -> None:
    """Publish the answers ``names`` as the one display output the grader reads.

    Called by the grader in the trainee's kernel (see :mod:`cjmlib.grading.verdicts`);
    nothing else is shown, and the trainee's names stay as they were.
    """
    text = collect(namespace, names)
    if len(text) > limit:
        raise AnswerError(t("grading.answers.too_large", limit_mib=limit // (1024 * 1024)))
    from IPython.display import display

    display({MIME: text}, raw=True)  # type: ignore[no-untyped-call]


# -- decoding (runs in the grader, or in the kernel for self-study) ------------------------
class _Invalid(Exception):
    """The handed-over text is not what :func:`collect` writes."""


def _decode(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list):
        return [_decode(v) for v in value]
    if not isinstance(value, dict) or not (len(value) == 1 or set(value) == {"$model", "data"}):
        raise _Invalid("object")
    tag = next(iter(value))
    body = value[tag]
    if tag == "$placeholder":
        return ____
    if tag == "$na":
        return pd.NA
    if tag == "$nat":
        return pd.NaT
    if tag == "$datetime":
        return pd.Timestamp(_text(body))
    if tag == "$date":
        return dt.date.fromisoformat(_text(body))
    if tag == "$time":
        return dt.time.fromisoformat(_text(body))
    if tag == "$timedelta":
        return pd.Timedelta(int(body), unit="ns")
    if tag == "$tuple":
        return tuple(_decode(v) for v in _items(body))
    if tag == "$set":
        return {_decode(v) for v in _items(body)}
    if tag == "$dict":
        out: dict[Any, Any] = {}
        for pair in _items(body):
            if not isinstance(pair, list) or len(pair) != 2:
                raise _Invalid("dict")
            out[_decode(pair[0])] = _decode(pair[1])
        return out
    if tag == "$array":
        return [_decode(v) for v in _items(body)]
    if tag == "$frame":
        return _decode_frame(body)
    if tag == "$series":
        return _decode_series(body)
    if tag == "$index":
        return _decode_index(body)
    if tag == "$model":
        return _decode_model(body, value.get("data"))
    if tag == "$unsupported":
        return Unsupported(_text(body))
    raise _Invalid(tag)


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise _Invalid("text")
    return value


def _items(value: Any) -> list[Any]:
    if not isinstance(value, list):
        raise _Invalid("list")
    return value


def _fields(value: Any, *names: str) -> dict[str, Any]:
    if not isinstance(value, dict) or not set(names) <= set(value):
        raise _Invalid("fields")
    return value


def _decode_model(name: Any, data: Any) -> Any:
    from pydantic import ValidationError

    from cjmlib import model

    cls = getattr(model, _text(name), None)
    if not (isinstance(cls, type) and issubclass(cls, model.CJMModel)):
        return Unsupported(str(name))
    try:
        return cls.model_validate(data)
    except (ValidationError, ValueError, TypeError):
        return Unsupported(str(name))


def _dtype(name: Any) -> Any:
    try:
        return pd.api.types.pandas_dtype(_text(name))
    except (TypeError, ValueError):
        return None


def _decode_column(body: Any) -> pd.Series:
    body = _fields(body, "dtype")
    dtype = _dtype(body["dtype"])
    if "ns" in body:
        stamps = pd.to_datetime(pd.array(_items(body["ns"]), dtype="Int64"), unit="ns")
        series = pd.Series(stamps)
        tz = getattr(dtype, "tz", None)
        if tz is not None:
            series = series.dt.tz_localize("UTC").dt.tz_convert(tz)
        elif dtype is not None:
            series = series.astype(dtype)
        return series
    if "plain" in body:
        # Numbers and text as JSON gave them: nothing in there can carry behaviour.
        values = _items(body["plain"])
    else:
        # Parsed JSON: anything but a list or an object is a plain value that _decode
        # would hand back unchanged, so only those go through it (an event log's text
        # column: 0.5 s of the grader's CPU per submission before).
        values = [
            v if not isinstance(v, dict | list) else _decode(v) for v in _items(body.get("values"))
        ]
    series = pd.Series(values, dtype=object)
    if dtype is not None:
        try:
            return series.astype(dtype)
        except (TypeError, ValueError, OverflowError):
            pass
    return series.infer_objects()


def _decode_index(body: Any) -> pd.Index:
    body = _fields(body)
    if "range" in body:
        start, stop, step = (int(x) for x in _items(body["range"]))
        if abs(stop - start) // max(abs(step), 1) > 10_000_000:
            raise _Invalid("range")
        return pd.RangeIndex(start, stop, step, name=_decode(body.get("name")))
    if "tuples" in body:
        tuples = [_decode(v) for v in _items(body["tuples"])]
        if not all(isinstance(v, tuple) for v in tuples):
            raise _Invalid("multiindex")
        names = [_decode(n) for n in _items(body.get("names", []))]
        if not tuples:
            return pd.MultiIndex.from_arrays([[] for _ in names], names=names)
        return pd.MultiIndex.from_tuples(tuples, names=names or None)
    column = _decode_column(body.get("column"))
    index: pd.Index = pd.Index(column, name=_decode(body.get("name")))
    return index


def _decode_series(body: Any) -> pd.Series:
    body = _fields(body, "index", "values")
    index = _decode_index(body["index"])
    values = _decode_column(body["values"])
    if len(values) != len(index):
        raise _Invalid("series")
    values.index = index
    values.name = _decode(body.get("name"))
    return values


def _decode_frame(body: Any) -> pd.DataFrame:
    body = _fields(body, "columns", "index", "data")
    columns = _decode_index(body["columns"])
    index = _decode_index(body["index"])
    data = [_decode_column(c) for c in _items(body["data"])]
    if len(data) != len(columns) or any(len(c) != len(index) for c in data):
        raise _Invalid("frame")
    frame = pd.concat([c.reset_index(drop=True) for c in data], axis=1) if data else None
    if frame is None:
        return pd.DataFrame(index=index, columns=columns)
    frame.columns = columns
    frame.index = index
    return frame


class Answers(Mapping[str, Any]):
    """The handed-over answers of one task: ``answers["top3"]``, ``answers.workbook``.

    Use it as a context manager (or call :meth:`close`): the workbook is opened from a
    private temporary copy that is removed afterwards.
    """

    def __init__(self, values: dict[str, Any], workbook_text: str | None) -> None:
        self._values = values
        self._workbook_text = workbook_text
        self._workbook: Workbook | None = None
        self._folder: Path | None = None

    def __getitem__(self, name: str) -> Any:
        return self._values[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    @property
    def has_workbook(self) -> bool:
        """True when a workbook was handed over (``wb`` was bound to a saved workbook)."""
        return self._workbook_text is not None

    @property
    def workbook(self) -> Workbook:
        """The trainee's workbook, read from its file with the validating loader."""
        from cjmlib.grading.checks import fail
        from cjmlib.workbook import Workbook

        if self._workbook is None:
            if self._workbook_text is None:
                fail("no_workbook")
            self._folder = Path(tempfile.mkdtemp(prefix="cjm-antwort-"))
            path = self._folder / "uebung.cjm.json"
            path.write_text(self._workbook_text or "", encoding="utf-8")
            self._workbook = Workbook.open(path)
        return self._workbook

    def close(self) -> None:
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None

    def __enter__(self) -> Answers:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def decode(text: str, *, limit: int = DEFAULT_LIMIT) -> Answers:
    """Read answers written by :func:`collect`; raise :class:`AnswerError` if they are not."""
    if not isinstance(text, str):
        raise AnswerError(t("grading.answers.invalid"))
    if len(text) > limit:
        raise AnswerError(t("grading.answers.too_large", limit_mib=limit // (1024 * 1024)))
    try:
        document = json.loads(text)
        if not isinstance(document, dict) or document.get("format") != FORMAT:
            raise _Invalid("format")
        raw_values = document.get("values")
        if not isinstance(raw_values, dict):
            raise _Invalid("values")
        values = {str(name): _decode(value) for name, value in raw_values.items()}
        workbook = document.get("workbook")
        if workbook is not None and not isinstance(workbook, str):
            raise _Invalid("workbook")
    except (_Invalid, ValueError, TypeError, KeyError, OverflowError, RecursionError):
        raise AnswerError(t("grading.answers.invalid")) from None
    return Answers(values, workbook)


def round_trip(namespace: Mapping[str, Any], names: tuple[str, ...] | list[str]) -> Answers:
    """The answers as the grader would see them: encoded and decoded again."""
    return decode(collect(namespace, names))
