"""Channel and device switches: online <-> offline, mobile <-> desktop.

A switch is a pair of consecutive events of one customer (sorted by time) whose mode
differs. ``kind="online"`` reads the ``online`` column (online / offline);
``kind="device"`` reads ``device`` (Smartphone and Tablet = mobile, Desktop = desktop;
events on other devices such as a phone call or a shop visit are skipped, so a device
switch is measured between consecutive *digital* events).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cjmlib.analytics._common import (
    check_by,
    codes_of,
    conversion_mask,
    fmt_pct,
    require_columns,
    require_frame,
    sequence,
    wilson,
)
from cjmlib.analytics.events import parse_bool
from cjmlib.errors import CJMError
from cjmlib.messages import t

KINDS = ("online", "device")
MOBILE = ("smartphone", "tablet", "handy", "mobil", "mobile")
DESKTOP = ("desktop", "laptop", "pc", "computer")
SWITCH_COLUMNS = ["direction", "from_mode", "to_mode", "at", "switches", "customers"]


def mode_codes(events: pd.DataFrame, kind: str) -> tuple[np.ndarray, list[str]]:
    """Return per row 0/1 for the two modes (-1 = not counted) and the mode names."""
    if kind not in KINDS:
        raise CJMError(
            t("analytics.error.switch_kind", value=kind, allowed=", ".join(KINDS)),
            field="kind",
            value=kind,
            allowed=", ".join(KINDS),
        )
    if kind == "online":
        require_columns(events, ["online"], "events")
        col = events["online"]
        if not pd.api.types.is_bool_dtype(col):
            col, _ = parse_bool(col)  # "ja"/"nein", "true"/"false", 1/0
        out = np.where(col.isna(), -1, np.where(col.fillna(False).astype(bool), 0, 1))
        return out.astype(np.int8), [t("analytics.switch.online"), t("analytics.switch.offline")]
    require_columns(events, ["device"], "events")
    codes, cats = codes_of(events["device"])
    table = np.array(
        [
            0 if str(c).casefold() in MOBILE else 1 if str(c).casefold() in DESKTOP else -1
            for c in cats
        ]
        + [-1],
        dtype=np.int8,
    )
    return table[codes], [t("analytics.switch.mobile"), t("analytics.switch.desktop")]


def _switch_arrays(events: pd.DataFrame, kind: str):
    modes_all, names = mode_codes(events, kind)
    seq = sequence(events, mask=modes_all >= 0)
    modes = seq.take(modes_all)
    is_switch = np.zeros(len(modes), dtype=bool)
    if len(modes) > 1:
        is_switch[1:] = (modes[1:] != modes[:-1]) & (seq.customer[1:] == seq.customer[:-1])
    return seq, modes, is_switch, names


def count_switches(
    events: pd.DataFrame, *, kind: str = "online", at: str | None = "phase"
) -> pd.DataFrame:
    """Count switches between online and offline (or mobile and desktop), by direction.

    Parameters
    ----------
    events:
        Event log with ``customer_id``, ``timestamp`` and ``online`` (or ``device``).
    kind:
        ``"online"`` (online <-> offline) or ``"device"`` (mobile <-> desktop).
    at:
        Column that says where in the journey the switch lands (the value of the event
        after the switch), e.g. ``"phase"``; None = no breakdown.

    Returns
    -------
    pandas.DataFrame
        Columns ``direction, from_mode, to_mode, at, switches, customers`` (``customers``
        = distinct customers with at least one such switch there). ``attrs`` hold
        ``switchers`` (customers with any switch), ``customers_total`` and a German
        ``explanation``.
    """
    require_frame(events, "events")
    seq, modes, is_switch, names = _switch_arrays(events, kind)
    if at is not None:
        check_by(events, at)
        at_codes_all, at_cats = codes_of(events[at])
        at_codes = seq.take(at_codes_all)
    else:
        at_codes, at_cats = np.zeros(len(modes), dtype=np.int64), np.array([""], dtype=object)
    idx = np.flatnonzero(is_switch)
    frame = pd.DataFrame({"to": modes[idx], "at": at_codes[idx], "c": seq.customer[idx]})
    grouped = frame.groupby(["to", "at"], sort=True)
    out = pd.DataFrame(
        {"switches": grouped.size(), "customers": grouped["c"].nunique()}
    ).reset_index()
    out["from_mode"] = [names[1 - m] for m in out["to"]]
    out["to_mode"] = [names[m] for m in out["to"]]
    out["direction"] = [f"{a} → {b}" for a, b in zip(out["from_mode"], out["to_mode"], strict=True)]
    out["at"] = [None if a < 0 else str(at_cats[a]) for a in out["at"]] if at else None
    out = out[SWITCH_COLUMNS].astype({"switches": "int64", "customers": "int64"})
    total = int(np.count_nonzero(seq.starts))
    switchers = len(np.unique(seq.customer[idx]))
    out.attrs.update(
        kind=kind,
        switchers=switchers,
        customers_total=total,
        at=at,
        explanation=t(
            "analytics.switch.summary",
            kind=t(f"analytics.switch.{kind}_kind"),
            switches=len(idx),
            switchers=switchers,
            total=total,
            share=fmt_pct(switchers / total if total else float("nan")),
        ),
    )
    return out


def compare_switchers(
    events: pd.DataFrame, *, kind: str = "online", conversion: str | None = None
) -> pd.DataFrame:
    """Compare the conversion rate of customers who switch with those who do not.

    A customer is a switcher when a switch happens before their first conversion event
    (customers who never convert: anywhere in their journey).

    Parameters
    ----------
    events:
        Event log; see :func:`count_switches`.
    kind:
        ``"online"`` or ``"device"``.
    conversion:
        The conversion step (touchpoint id, touchpoint name or phase id); None = events
        with a ``value`` (purchases).

    Returns
    -------
    pandas.DataFrame
        One row per group (``switcher`` True/False) with ``group, customers, converted,
        conversion_rate, ci_low, ci_high`` (Wilson interval, 95 %).
    """
    require_frame(events, "events")
    conv_all = conversion_mask(events, conversion)
    seq = sequence(events)
    conv = seq.take(conv_all)
    modes_all, _ = mode_codes(events, kind)
    modes = seq.take(modes_all)
    cust = seq.customer
    n_c = seq.n_customers
    # First conversion position per customer (len = none).
    first_conv = np.full(n_c, len(cust), dtype=np.int64)
    pos = np.flatnonzero(conv)
    np.minimum.at(first_conv, cust[pos], pos)
    # Switches between consecutive *countable* events.
    known = np.flatnonzero(modes >= 0)
    sw = np.zeros(0, dtype=np.int64)
    if len(known) > 1:
        a, b = known[:-1], known[1:]
        hit = (modes[a] != modes[b]) & (cust[a] == cust[b])
        sw = b[hit]
    before = sw[sw < first_conv[cust[sw]]]
    switcher = np.zeros(n_c, dtype=bool)
    switcher[cust[before]] = True
    present = np.zeros(n_c, dtype=bool)
    present[cust] = True
    converted = first_conv < len(cust)
    rows = []
    for flag in (True, False):
        members = present & (switcher == flag)
        n = int(members.sum())
        k = int((members & converted).sum())
        rows.append(
            (flag, t("analytics.switch.group_yes" if flag else "analytics.switch.group_no"), n, k)
        )
    out = pd.DataFrame(rows, columns=["switcher", "group", "customers", "converted"])
    out["conversion_rate"] = out["converted"] / out["customers"].where(out["customers"] > 0)
    low, high = wilson(out["converted"], out["customers"])
    out["ci_low"], out["ci_high"] = low, high
    out.attrs.update(kind=kind, ci_method="Wilson, 95 %")
    a, b = out["conversion_rate"].tolist()
    out.attrs["explanation"] = t(
        "analytics.switch.compare",
        kind=t(f"analytics.switch.{kind}_kind"),
        a=fmt_pct(a),
        b=fmt_pct(b),
    )
    return out
