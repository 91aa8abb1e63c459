"""Column contracts of the course's tables: event logs, customers, survey answers, feedback.

The sample data, the analytics and the charts all use these names. A table from a
company is mapped onto them with ``cjmlib.analytics.load_events(..., columns={...})``.
"""

from __future__ import annotations

#: One row per customer interaction with a touchpoint.
EVENT_COLUMNS: dict[str, str] = {
    "customer_id": "string: pseudonymous customer id, e.g. 'K004711'",
    "timestamp": "datetime64[ns]: when it happened (local time, no time zone)",
    "touchpoint_id": "string: id of the touchpoint in the workbook, e.g. 'tp-shop-suche'",
    "touchpoint": "string: the touchpoint's name as in the workbook",
    "phase": "string: phase id of the workbook's phase model, e.g. 'kauf'",
    "channel": "string: channel, e.g. 'Online-Shop', 'Filiale', 'Hotline'",
    "device": "string: 'Smartphone', 'Desktop', 'Tablet', 'Telefon' or 'Vor Ort'",
    "online": "bool: True for digital touchpoints",
    "value": "float: revenue in EUR for purchase events, otherwise NaN",
}

#: One row per customer (attributes for segments and personas; no direct identifiers).
CUSTOMER_COLUMNS: dict[str, str] = {
    "customer_id": "string",
    "segment_id": "string: id of a segment in the workbook",
    "age_band": "string: '18-29', '30-44', '45-59', '60+'",
    "gender": "string: 'weiblich', 'männlich', 'divers', 'keine Angabe'",
    "region": "string: German region, e.g. 'Nord', 'Süd', 'West', 'Ost'",
    "city_size": "string: 'Großstadt', 'Mittelstadt', 'Land'",
    "first_seen": "datetime64[ns]",
    "converted": "bool: reached the purchase/conversion touchpoint at least once",
}

#: One row per survey answer after a touchpoint.
SURVEY_COLUMNS: dict[str, str] = {
    "response_id": "string",
    "customer_id": "string",
    "timestamp": "datetime64[ns]",
    "touchpoint_id": "string",
    "phase": "string: phase id",
    "nps": "Int64: 0..10 (likelihood to recommend), may be missing",
    "csat": "Int64: 1..5 (satisfaction), may be missing",
    "ces": "Int64: 1..7 (effort; 7 = very easy, agreement with 'it was easy'), may be missing",
    "comment": "string: German free text, may be empty",
}

#: Feedback items as a table (the same fields as cjmlib.model.FeedbackItem).
FEEDBACK_COLUMNS: dict[str, str] = {
    "id": "string",
    "received": "date",
    "source": "string",
    "text": "string",
    "touchpoint_id": "string",
    "phase": "string",
    "sentiment": "int -2..2",
    "score": "Int64 0..10",
    "tags": "list of strings",
}

KINDS: tuple[str, ...] = ("workbook", "events", "customers", "survey", "feedback")
INDUSTRIES: dict[str, str] = {
    "einzelhandel": "Einzelhandel",
    "bank": "Bank",
    "telekommunikation": "Telekommunikation",
    "reise": "Reise",
    "gesundheit": "Gesundheit",
}
RUNNING_CASE = "einzelhandel"
