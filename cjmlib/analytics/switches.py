"""Channel and device switches: online <-> offline, mobile <-> desktop.

A switch is a pair of consecutive events of one customer (sorted by time; events at the
same time by mode, then by the ``at`` value) whose mode differs. ``kind="online"`` reads
the ``online`` column (online / offline); ``kind="device"`` reads ``device``
(Smartphone and Tablet = mobile, Desktop = desktop; events on other devices such as a
phone call or a shop visit are skipped, so a device switch is measured between
consecutive *digital* events).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from cjmlib.analytics._common import (
    check_by,
    conversion_sql,
    fmt_int,
    fmt_pct,
    step_expr,
    wilson,
)
from cjmlib.analytics.engine import Events, open_events
from cjmlib.errors import CJMError
from cjmlib.messages import t
from cjmlib.messages.choices import unknown_choice
from cjmlib.model import PhaseModel
from cjmlib.model.lookup import ProjectLike, project_of

KINDS = ("online", "device")
MOBILE = ("smartphone", "tablet", "handy", "mobil", "mobile")
DESKTOP = ("desktop", "laptop", "pc", "computer")
SWITCH_COLUMNS = ["direction", "from_mode", "to_mode", "at", "switches", "customers"]


def _check_kind(kind: object) -> str:
    if kind not in KINDS:
        raise unknown_choice("analytics.error.switch_kind", allowed=KINDS, value=kind, field="kind")
    return str(kind)


def mode_sql(ev: Events, kind: str) -> str:
    """SQL: 0 (online / mobile), 1 (offline / desktop) or NULL (not counted)."""
    column = "online" if kind == "online" else "device"
    if not ev.has(column):
        from cjmlib.analytics.engine import _check_need

        _check_need(ev.columns, [column], ev.label)
    if kind == "online":
        yes = ev.is_true("online")
        return f"(CASE WHEN {yes} THEN 0 WHEN NOT {yes} THEN 1 END)"
    d = ev.dialect
    dev = f"lower(trim({step_expr(ev, 'device')}))"
    mobile = ", ".join(d.lit(w) for w in MOBILE)
    desktop = ", ".join(d.lit(w) for w in DESKTOP)
    return f"(CASE WHEN {dev} IN ({mobile}) THEN 0 WHEN {dev} IN ({desktop}) THEN 1 END)"


def mode_names(kind: str) -> list[str]:
    """German names of the two modes (index 0 and 1)."""
    if kind == "online":
        return [t("analytics.switch.online"), t("analytics.switch.offline")]
    return [t("analytics.switch.mobile"), t("analytics.switch.desktop")]


def count_switches(
    events: Any,
    *,
    kind: str = "online",
    at: str | None = "phase",
    project: ProjectLike | None = None,
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
    project:
        Your workbook or project: with ``at="phase"`` the rows of each direction follow
        the journey's phase order (Bewusstsein before Überlegung), not the alphabet.

    Returns
    -------
    pandas.DataFrame
        Columns ``direction, from_mode, to_mode, at, switches, customers`` (``customers``
        = distinct customers with at least one such switch there). ``attrs`` hold
        ``switchers`` (customers with any switch), ``customers_total`` and a German
        ``explanation``.
    """
    kind = _check_kind(kind)
    names = mode_names(kind)
    with open_events(events, need=("customer_id", "timestamp")) as ev:
        d = ev.dialect
        mode = mode_sql(ev, kind)
        a = step_expr(ev, check_by(ev, at)) if at is not None else d.text("NULL")
        frame = ev.fetch(
            f"""WITH m AS (SELECT {ev.q("customer_id")} AS c, {ev.q("timestamp")} AS t,
                           {mode} AS m, {a} AS a FROM {ev.rel}),
            q AS (SELECT c, m, a, lag(m) OVER (PARTITION BY c ORDER BY t, m, a NULLS LAST) AS pm
                  FROM m WHERE m IS NOT NULL),
            sw AS (SELECT c, m, a FROM q WHERE pm IS NOT NULL AND pm <> m),
            g AS (SELECT m, a, count(*) AS switches, count(DISTINCT c) AS customers
                  FROM sw GROUP BY m, a),
            k AS (SELECT (SELECT count(DISTINCT c) FROM q) AS total,
                         (SELECT count(DISTINCT c) FROM sw) AS switchers,
                         (SELECT count(*) FROM sw) AS n_switches)
            SELECT k.total, k.switchers, k.n_switches, g.* FROM k LEFT JOIN g ON TRUE
            ORDER BY g.m, g.a NULLS FIRST"""
        )
    total = int(frame["total"].iloc[0])
    switchers = int(frame["switchers"].iloc[0])
    n_switches = int(frame["n_switches"].iloc[0])
    rows = frame.dropna(subset=["m"])
    to = rows["m"].astype(int).tolist()
    out = pd.DataFrame(
        {
            "direction": [f"{names[1 - m]} → {names[m]}" for m in to],
            "from_mode": [names[1 - m] for m in to],
            "to_mode": [names[m] for m in to],
            "at": [None if at is None or pd.isna(v) else str(v) for v in rows["a"]],
            "switches": rows["switches"].astype("int64").to_numpy(),
            "customers": rows["customers"].astype("int64").to_numpy(),
        },
        columns=SWITCH_COLUMNS,
    )
    if project is not None and at == "phase":
        out = _in_phase_order(out, project_of(project, "project").phase_model)
    out.attrs.update(
        kind=kind,
        switchers=switchers,
        customers_total=total,
        at=at,
        explanation=t(
            "analytics.switch.summary",
            kind=t(f"analytics.switch.{kind}_kind"),
            switches=fmt_int(n_switches),
            switchers=fmt_int(switchers),
            total=fmt_int(total),
            share=fmt_pct(switchers / total if total else float("nan")),
        ),
    )
    return out


def _in_phase_order(frame: pd.DataFrame, phases: PhaseModel) -> pd.DataFrame:
    """``frame`` by direction, then by the phase of ``at`` in the journey's order.

    A phase the model does not know (a typo in the log) comes last, in the alphabet.
    """

    def position(phase: str | None) -> int:
        try:
            return phases.index_of(phase) if phase is not None else len(phases.phases)
        except CJMError:
            return len(phases.phases)

    rank = frame["at"].map(position)
    order = frame.assign(_rank=rank).sort_values(["direction", "_rank", "at"], kind="stable")
    return order.drop(columns="_rank").reset_index(drop=True)


def compare_switchers(
    events: Any, *, kind: str = "online", conversion: str | None = None
) -> pd.DataFrame:
    """Compare the conversion rate of customers who switch with those who do not.

    A customer is a switcher when a switch happens before their first conversion event
    (strictly earlier; customers who never convert: anywhere in their journey).

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
    kind = _check_kind(kind)
    with open_events(events, need=("customer_id", "timestamp")) as ev:
        conv = conversion_sql(ev, conversion)
        mode = mode_sql(ev, kind)
        frame = ev.fetch(
            f"""WITH b AS (SELECT {ev.q("customer_id")} AS c, {ev.q("timestamp")} AS t,
                           {conv} AS cv, {mode} AS m FROM {ev.rel}),
            fc AS (SELECT c, min(CASE WHEN cv THEN t END) AS ct FROM b GROUP BY c),
            q AS (SELECT c, t, m, lag(m) OVER (PARTITION BY c ORDER BY t, m) AS pm
                  FROM b WHERE m IS NOT NULL),
            sw AS (SELECT DISTINCT q.c AS c FROM q JOIN fc ON q.c = fc.c
                   WHERE q.pm IS NOT NULL AND q.pm <> q.m AND (fc.ct IS NULL OR q.t < fc.ct))
            SELECT CASE WHEN sw.c IS NULL THEN 0 ELSE 1 END AS switcher,
                   count(*) AS customers, count(fc.ct) AS converted
            FROM fc LEFT JOIN sw ON fc.c = sw.c GROUP BY 1"""
        )
    found = {
        int(s): (int(n), int(k))
        for s, n, k in zip(
            frame["switcher"].tolist(),
            frame["customers"].tolist(),
            frame["converted"].tolist(),
            strict=True,
        )
    }
    rows = []
    for flag in (True, False):
        n, k = found.get(int(flag), (0, 0))
        rows.append(
            (flag, t("analytics.switch.group_yes" if flag else "analytics.switch.group_no"), n, k)
        )
    out = pd.DataFrame(rows, columns=["switcher", "group", "customers", "converted"])
    out["conversion_rate"] = out["converted"] / out["customers"].where(out["customers"] > 0)
    low, high = wilson(out["converted"].to_numpy(), out["customers"].to_numpy())
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
