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

:func:`resolve_mapping` maps a source's columns onto these names, for the loader
(:mod:`cjmlib.analytics.events`) and the lazy scan (:mod:`cjmlib.analytics.scan`) alike.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from cjmlib.errors import CJMError, ImportProblem
from cjmlib.messages import t
from cjmlib.messages.choices import unknown_choice

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


def resolve_mapping(
    found: Sequence[str], columns: Mapping[str, str] | None, label: str
) -> dict[str, str]:
    """Return ours -> theirs for the columns of the source (German errors otherwise)."""
    ours = set(EVENT_COLUMNS)
    if columns is not None and not isinstance(columns, Mapping):
        raise CJMError(
            t("engine.error.columns_kind", kind=type(columns).__name__),
            field="columns",
            value=type(columns).__name__,
        )
    mapping: dict[str, str] = {}
    if columns:
        keys = {str(k) for k in columns}
        values = {str(v) for v in columns.values()}
        if keys <= ours:
            mapping = {str(k): str(v) for k, v in columns.items()}
        elif values <= ours:
            mapping = {str(v): str(k) for k, v in columns.items()}
        else:
            bad = sorted(k for k in keys if k not in ours)
            raise unknown_choice(
                "analytics.error.mapping",
                allowed=EVENT_COLUMNS,
                value=bad,
                field="columns",
                bad=", ".join(bad),
            )
        absent = [theirs for theirs in mapping.values() if theirs not in found]
        if absent:
            allowed = ", ".join(found) or "–"
            raise ImportProblem(
                t("analytics.error.mapping_absent", missing=", ".join(absent), allowed=allowed),
                field="columns",
                value=absent,
                allowed=allowed,
            )
    taken = set(mapping.values())
    for col in EVENT_COLUMNS:
        if col not in mapping and col in found and col not in taken:
            mapping[col] = col
    missing = [c for c in REQUIRED if c not in mapping]
    if not any(c in mapping for c in EVENT_ANY):
        missing.append(" / ".join(EVENT_ANY))
    if missing:
        allowed = ", ".join(found) or "–"
        raise ImportProblem(
            t(
                "analytics.error.events_missing",
                source=label,
                missing=", ".join(missing),
                allowed=allowed,
            ),
            field=missing[0],
            value=missing,
            allowed=allowed,
        )
    return {c: mapping[c] for c in EVENT_COLUMNS if c in mapping}
