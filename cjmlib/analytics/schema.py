"""The event log's column contract, as the analytics read it.

An event log has one row per customer interaction with a touchpoint. Only
``customer_id`` and ``timestamp`` are required by every computation; each metric names
the further columns it reads (``touchpoint``, ``phase``, ``online``, ``value`` ...).
A company's table is mapped onto these names with
``load_events(..., columns={"customer_id": "Kundennummer", ...})``.

``timestamp`` is either a naive ``datetime64`` (local wall-clock time, as in the course's
sample data) or a time-zone-aware one. :func:`cjmlib.analytics.load_events` stores a
log with offsets or epoch numbers as the instant itself (UTC inside, shown in
``Europe/Berlin``), so events around the autumn clock change keep their order.
"""

from __future__ import annotations

#: Our column names and what they hold.
EVENT_COLUMNS: dict[str, str] = {
    "customer_id": "string: pseudonymous customer id, e.g. 'K004711'",
    "timestamp": "datetime64[ns] (local time) or datetime64[ns, Europe/Berlin] (an instant)",
    "touchpoint_id": "string: id of the touchpoint in the workbook, e.g. 'tp-shop-suche'",
    "touchpoint": "string: the touchpoint's name as in the workbook",
    "phase": "string: phase id of the workbook's phase model, e.g. 'kauf'",
    "channel": "string: channel, e.g. 'Online-Shop', 'Filiale', 'Hotline'",
    "device": "string: 'Smartphone', 'Desktop', 'Tablet', 'Telefon' or 'Vor Ort'",
    "online": "bool: True for digital touchpoints",
    "value": "float: revenue in EUR for purchase events, otherwise empty",
}

#: Columns every event log must have.
REQUIRED: tuple[str, ...] = ("customer_id", "timestamp")
#: At least one of these must be there, so that an event says what happened.
EVENT_ANY: tuple[str, ...] = ("touchpoint", "touchpoint_id")
#: Columns a funnel or path may be read from, in the order ``by=None`` tries them.
STEP_COLUMNS: tuple[str, ...] = ("phase", "touchpoint_id", "touchpoint", "channel", "device")
#: Text columns that are stored as categories in a loaded log.
CATEGORICAL: tuple[str, ...] = (
    "customer_id",
    "touchpoint_id",
    "touchpoint",
    "phase",
    "channel",
    "device",
)
#: The time zone in which local times are shown and calendar periods are cut.
LOCAL_TIME_ZONE = "Europe/Berlin"
