"""Column contracts of the course's tables: event logs, customers, survey answers, feedback.

The sample data, the analytics and the charts all use these names. A table from a
company is mapped onto them with ``cjmlib.analytics.load_events(..., columns={...})``.

Each table is a :class:`Table` of typed :class:`Column` objects, so code reads a column's
type from a field instead of parsing prose; the value sets that the simulation draws
from (age bands, regions, city sizes, devices) are ``Literal`` types, checked by the
simulation settings. ``EVENT_COLUMNS`` and its siblings stay as ``name -> description``
mappings for readers and for the modules that import them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

from cjmlib.model.entities import Gender

#: How a column is stored (pandas dtype after :func:`cjmlib.datasets.simulate.normalise`).
ColumnType = Literal["string", "datetime", "bool", "float", "Int64", "int", "string_list"]

AgeBand = Literal["18-29", "30-44", "45-59", "60+"]
Region = Literal["Nord", "Süd", "West", "Ost"]
CitySize = Literal["Großstadt", "Mittelstadt", "Land"]
OnlineDevice = Literal["Smartphone", "Desktop", "Tablet"]
#: an online touchpoint's device, or the first device of an offline one (``model.DEVICES``).
EventDevice = Literal["Smartphone", "Desktop", "Tablet", "Telefon", "Vor Ort", "Papier"]

AGE_BANDS: tuple[str, ...] = get_args(AgeBand)
REGIONS: tuple[str, ...] = get_args(Region)
CITY_SIZES: tuple[str, ...] = get_args(CitySize)
GENDERS: tuple[str, ...] = get_args(Gender)
ONLINE_DEVICES: tuple[str, ...] = get_args(OnlineDevice)
EVENT_DEVICES: tuple[str, ...] = get_args(EventDevice)


@dataclass(frozen=True)
class Column:
    """One column: its name, storage type, meaning and (where closed) its values."""

    name: str
    type: ColumnType
    description: str = ""
    values: tuple[str, ...] = ()

    def describe(self) -> str:
        """Return ``"type: description"`` (the readable one-liner of the column)."""
        text = self.description
        if self.values:
            listed = ", ".join(repr(v) for v in self.values)
            text = f"{text} {listed}".strip() if text else listed
        return f"{self.type}: {text}" if text else self.type


@dataclass(frozen=True)
class Table:
    """The columns of one table kind, in their order."""

    kind: str
    description: str
    columns: tuple[Column, ...]

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    def describe(self) -> dict[str, str]:
        """Return ``column name -> "type: description"`` in column order."""
        return {c.name: c.describe() for c in self.columns}


EVENTS = Table(
    "events",
    "One row per customer interaction with a touchpoint.",
    (
        Column("customer_id", "string", "pseudonymous customer id, e.g. 'K004711'"),
        Column("timestamp", "datetime", "when it happened (local time, no time zone)"),
        Column("touchpoint_id", "string", "id of the touchpoint in the workbook"),
        Column("touchpoint", "string", "the touchpoint's name as in the workbook"),
        Column("phase", "string", "phase id of the workbook's phase model, e.g. 'kauf'"),
        Column("channel", "string", "channel, e.g. 'Online-Shop', 'Filiale', 'Hotline'"),
        Column("device", "string", "one of", EVENT_DEVICES),
        Column("online", "bool", "True for digital touchpoints"),
        Column("value", "float", "revenue in EUR for purchase events, otherwise NaN"),
    ),
)

CUSTOMERS = Table(
    "customers",
    "One row per customer (attributes for segments and personas; no direct identifiers).",
    (
        Column("customer_id", "string"),
        Column("segment_id", "string", "id of a segment in the workbook"),
        Column("age_band", "string", "one of", AGE_BANDS),
        Column("gender", "string", "one of", GENDERS),
        Column("region", "string", "German region, one of", REGIONS),
        Column("city_size", "string", "one of", CITY_SIZES),
        Column("first_seen", "datetime"),
        Column("converted", "bool", "reached the purchase/conversion touchpoint at least once"),
    ),
)

SURVEY = Table(
    "survey",
    "One row per survey answer after a touchpoint.",
    (
        Column("response_id", "string"),
        Column("customer_id", "string"),
        Column("timestamp", "datetime"),
        Column("touchpoint_id", "string"),
        Column("phase", "string", "phase id"),
        Column("nps", "Int64", "0..10 (likelihood to recommend), may be missing"),
        Column("csat", "Int64", "1..5 (satisfaction), may be missing"),
        Column("ces", "Int64", "1..7 (effort; 7 = very easy), may be missing"),
        Column("comment", "string", "German free text, may be empty"),
    ),
)

FEEDBACK = Table(
    "feedback",
    "Feedback items as a table (the same fields as cjmlib.model.FeedbackItem).",
    (
        Column("id", "string"),
        Column("received", "datetime", "the day it came in (midnight)"),
        Column("source", "string"),
        Column("text", "string"),
        Column("touchpoint_id", "string"),
        Column("phase", "string"),
        Column("sentiment", "int", "-2..2"),
        Column("score", "Int64", "0..10, may be missing"),
        Column("tags", "string_list"),
    ),
)

#: table kind -> its columns, in the order :func:`cjmlib.datasets.load` offers them.
TABLES: dict[str, Table] = {t.kind: t for t in (EVENTS, CUSTOMERS, SURVEY, FEEDBACK)}

#: ``column -> "type: description"`` of each table (kept for readers and importers).
EVENT_COLUMNS: dict[str, str] = EVENTS.describe()
CUSTOMER_COLUMNS: dict[str, str] = CUSTOMERS.describe()
SURVEY_COLUMNS: dict[str, str] = SURVEY.describe()
FEEDBACK_COLUMNS: dict[str, str] = FEEDBACK.describe()

KINDS: tuple[str, ...] = ("workbook", *TABLES)
RUNNING_CASE = "einzelhandel"
