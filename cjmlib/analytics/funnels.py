"""Funnels: how many customers reach each step, where the biggest leak is.

Definitions (also in the German explanation of every result):

closed funnel
    A customer reaches step *i* when their events contain steps 1..*i* in this order. A
    step counts when it happens at the same time as the previous step or later; a step
    whose value already occurred earlier in the funnel (``["Besuch", "Besuch"]``) must
    happen strictly later, so that one event never counts twice.
closed funnel with ``window``
    All steps must lie within ``window`` after the journey's entry into step 1.
    ``start="best"`` (the default, as ClickHouse's ``windowFunnel``) takes for every
    customer the step-1 event from which they get furthest; ``start="first"`` only the
    journey that begins at the customer's first step-1 event. Without a window both
    give the same counts.
open funnel
    Order does not matter: a customer counts at step *i* when they have any event of
    step *i* (with ``window``: within ``window`` after their first event of any step of
    the funnel). Later steps can therefore hold more customers than earlier ones.

The counting is SQL (see :mod:`cjmlib.analytics.engine`): without a window a chain of
"earliest next step" aggregates, with the best start a running maximum of the latest
possible entry per step (one window function per step).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from cjmlib.analytics._common import (
    check_by,
    check_steps,
    fmt_int,
    fmt_pct,
    resolve_steps,
    step_expr,
)
from cjmlib.analytics.engine import Events, open_events
from cjmlib.analytics.schema import STEP_COLUMNS
from cjmlib.errors import CJMError
from cjmlib.messages import t
from cjmlib.messages.choices import unknown_choice

if TYPE_CHECKING:
    import pandas as pd

FUNNEL_COLUMNS = [
    "step",
    "label",
    "customers",
    "conversion_from_start",
    "conversion_from_previous",
    "drop_off",
    "drop_off_rate",
]
STARTS = ("best", "first")


def window_us(window: object) -> int | None:
    """Return a conversion window as int microseconds (None = no window)."""
    if window is None:
        return None
    import pandas as pd

    try:
        delta = pd.Timedelta(window)  # type: ignore[arg-type]
    except (ValueError, TypeError, OverflowError):
        delta = None
    if delta is None or pd.isna(delta) or delta < pd.Timedelta(0):
        raise CJMError(t("analytics.error.window", value=window), field="window", value=window)
    return int(delta.value // 1000)


def _strict(steps: Sequence[str], k: int) -> bool:
    """Whether step ``k`` (0-based) must happen strictly after step ``k - 1``."""
    return steps[k] in steps[:k]


def chain_sql(ev: Events, by: str, steps: Sequence[str], window: int | None = None) -> str:
    """CTEs ``e`` (funnel events) and ``f1..fK`` (per customer the time of step k).

    Greedy "earliest next step" from the customer's first step-1 event; with ``window``
    every step must lie within it after that entry (``start="first"``).
    """
    d = ev.dialect
    s = step_expr(ev, by)
    lits = [d.lit(v) for v in steps]
    wanted = ", ".join(dict.fromkeys(lits))
    u = f", {d.epoch_us(ev.q('timestamp'))} AS u" if window is not None else ""
    parts = [
        f"e AS (SELECT {ev.q('customer_id')} AS c, {ev.q('timestamp')} AS t, {s} AS s{u} "
        f"FROM {ev.rel} WHERE {s} IN ({wanted}))",
        f"f1 AS (SELECT c, min(t) AS t{', min(u) AS u0' if window is not None else ''} "
        f"FROM e WHERE s = {lits[0]} GROUP BY c)",
    ]
    for k in range(1, len(steps)):
        op = ">" if _strict(steps, k) else ">="
        cond = f"e.s = {lits[k]} AND e.t {op} p.t"
        carry = ""
        if window is not None:
            cond += f" AND e.u - p.u0 <= {window}"
            carry = ", min(p.u0) AS u0"
        parts.append(
            f"f{k + 1} AS (SELECT e.c AS c, min(e.t) AS t{carry} FROM e "
            f"JOIN f{k} AS p ON e.c = p.c WHERE {cond} GROUP BY e.c)"
        )
    return "WITH " + ",\n".join(parts)


def _best_start_sql(ev: Events, by: str, steps: Sequence[str], window: int) -> str:
    """Levels with the best start: b_k = latest entry time of a valid chain ending here."""
    d = ev.dialect
    s = step_expr(ev, by)
    lits = [d.lit(v) for v in steps]
    wanted = ", ".join(dict.fromkeys(lits))
    parts = [
        f"e AS (SELECT {ev.q('customer_id')} AS c, {s} AS s, "
        f"{d.epoch_us(ev.q('timestamp'))} AS u FROM {ev.rel} WHERE {s} IN ({wanted}))",
        f"x1 AS (SELECT c, s, u, CASE WHEN s = {lits[0]} THEN u END AS b1 FROM e)",
    ]
    cols = "c, s, u, b1"
    for k in range(1, len(steps)):
        upto = "1 PRECEDING" if _strict(steps, k) else "CURRENT ROW"
        parts.append(
            f"x{k + 1} AS (SELECT {cols}, CASE WHEN s = {lits[k]} AND m >= u - {window} "
            f"THEN m END AS b{k + 1} FROM (SELECT {cols}, max(b{k}) OVER (PARTITION BY c "
            f"ORDER BY u RANGE BETWEEN UNBOUNDED PRECEDING AND {upto}) AS m FROM x{k}) AS z{k})"
        )
        cols += f", b{k + 1}"
    level = " ".join(f"WHEN b{k} IS NOT NULL THEN {k}" for k in range(len(steps), 0, -1))
    parts.append(
        f"lv AS (SELECT c, max(CASE {level} ELSE 0 END) AS lvl FROM x{len(steps)} GROUP BY c)"
    )
    counts = ",\n".join(
        f"count(CASE WHEN lvl >= {k} THEN 1 END) AS n{k}" for k in range(1, len(steps) + 1)
    )
    return "WITH " + ",\n".join(parts) + f"\nSELECT {counts} FROM lv"


def _counts(
    ev: Events, by: str, steps: Sequence[str], closed: bool, window: int | None, start: str
) -> tuple[list[int], set[str]]:
    """Customers per step and the step values that occur at all."""
    d = ev.dialect
    present_sql = "SELECT DISTINCT s FROM e"
    if not closed:
        s = step_expr(ev, by)
        lits = [d.lit(v) for v in steps]
        wanted = ", ".join(dict.fromkeys(lits))
        u = d.epoch_us(ev.q("timestamp"))
        base = (
            f"WITH e AS (SELECT {ev.q('customer_id')} AS c, {s} AS s, {u} AS u "
            f"FROM {ev.rel} WHERE {s} IN ({wanted}))"
        )
        if window is None:
            sql = f"{base} SELECT s, count(DISTINCT c) AS n FROM e GROUP BY s"
        else:
            sql = (
                f"{base}, en AS (SELECT c, min(u) AS u0 FROM e GROUP BY c) "
                f"SELECT e.s AS s, count(DISTINCT CASE WHEN e.u - en.u0 <= {window} "
                "THEN e.c END) AS n FROM e JOIN en ON e.c = en.c GROUP BY e.s"
            )
        frame = ev.fetch(sql)
        found = dict(zip(frame["s"].astype(str), frame["n"].astype(int), strict=True))
        return [found.get(v, 0) for v in steps], set(found)
    if window is not None and start == "best":
        frame = ev.fetch(_best_start_sql(ev, by, steps, window))
        first = frame.iloc[0].tolist()
        counts = [int(first[k]) for k in range(len(steps))]
        present = set(ev.fetch(_present_sql(ev, by, steps))["s"].astype(str))
        return counts, present
    chain = chain_sql(ev, by, steps, window)
    none = d.text("NULL")
    unions = " UNION ALL ".join(
        f"SELECT {k} AS k, {none} AS s, count(*) AS n FROM f{k}" for k in range(1, len(steps) + 1)
    )
    frame = ev.fetch(
        f"{chain} {unions} UNION ALL SELECT 0 AS k, s, 0 AS n FROM ({present_sql}) AS ps"
    )
    levels = frame[frame["k"] > 0]
    by_level = dict(zip(levels["k"].tolist(), levels["n"].tolist(), strict=True))
    counts = [int(by_level[k]) for k in range(1, len(steps) + 1)]
    present = set(frame.loc[frame["k"] == 0, "s"].astype(str))
    return counts, present


def _present_sql(ev: Events, by: str, steps: Sequence[str]) -> str:
    s = step_expr(ev, by)
    wanted = ", ".join(dict.fromkeys(ev.dialect.lit(v) for v in steps))
    return f"SELECT DISTINCT {s} AS s FROM {ev.rel} WHERE {s} IN ({wanted})"


def _guess_by(ev: Events, steps: Sequence[str]) -> str:
    """The first step column (phase, touchpoint_id, touchpoint, ...) holding every step."""
    tried = []
    for col in STEP_COLUMNS:
        if not ev.has(col):
            continue
        tried.append(col)
        folded = {v.casefold() for v in ev.values(col)}
        if all(s.casefold() in folded for s in steps):
            return col
    allowed = ", ".join(tried) or "–"
    raise CJMError(
        t("engine.error.by_not_found", steps=", ".join(steps), tried=allowed),
        field="by",
        value=None,
        allowed=allowed,
    )


def fmt_window(delta: pd.Timedelta) -> str:
    """Say a conversion window in words: "30 Tagen", "12 Stunden", "90 Minuten"."""
    seconds = int(delta.total_seconds())
    for unit, size in (("days", 86400), ("hours", 3600), ("minutes", 60)):
        if seconds and seconds % size == 0:
            return t(f"analytics.unit.{unit}", n=fmt_int(seconds // size))
    return t("analytics.unit.seconds", n=fmt_int(seconds))


def frame_from_counts(counts: Sequence[int], labels: Sequence[str]) -> pd.DataFrame:
    """Build the agreed funnel table from the step counts."""
    import numpy as np
    import pandas as pd

    c = np.asarray(counts, dtype=np.int64)
    prev = np.concatenate([c[:1], c[:-1]])
    start = c[0] if len(c) else 0
    with np.errstate(divide="ignore", invalid="ignore"):
        from_start = np.where(start > 0, c / max(start, 1), np.nan)
        from_prev = np.where(prev > 0, c / np.maximum(prev, 1), np.nan)
    drop = prev - c
    return pd.DataFrame(
        {
            "step": np.arange(1, len(c) + 1),
            "label": list(labels),
            "customers": c,
            "conversion_from_start": from_start,
            "conversion_from_previous": from_prev,
            "drop_off": drop,
            "drop_off_rate": 1 - from_prev,
        },
        columns=FUNNEL_COLUMNS,
    )


def funnel(
    events: Any,
    steps: Sequence[str],
    *,
    by: str | None = None,
    closed: bool = True,
    window: object = None,
    start: str = "best",
    labels: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Count how many customers reach each step of a funnel and name the biggest leak.

    Parameters
    ----------
    events:
        Event log with ``customer_id``, ``timestamp`` and the column ``by``: a DataFrame,
        a file path, a :func:`~cjmlib.analytics.scan_events` log, a DuckDB relation, a
        Spark or an Ibis table.
    steps:
        The values of ``by`` that make up the funnel, in order (at least two).
    by:
        Column that holds the steps: ``"phase"``, ``"touchpoint_id"``, ``"touchpoint"`` ...
        None = the first of ``phase, touchpoint_id, touchpoint, channel, device`` that
        holds every step (a raw log without phases works as it is).
    closed:
        True: steps must happen in order (see module docstring); False: open funnel.
    window:
        Conversion window such as ``"30D"`` or ``pd.Timedelta(days=30)``; None = no limit.
    start:
        With a window: ``"best"`` (default) counts the step-1 event from which a customer
        gets furthest, ``"first"`` only their first step-1 event.
    labels:
        Optional display names per step value (e.g. phase id -> phase name).

    Returns
    -------
    pandas.DataFrame
        Columns ``step, label, customers, conversion_from_start, conversion_from_previous,
        drop_off, drop_off_rate`` (rates as shares 0..1). ``attrs["biggest_leak"]`` is a
        dict (``step, label, from_label, drop_off, drop_off_rate``) or None;
        ``attrs["explanation"]`` says in German what the numbers mean.
    """
    # pandas is imported only after the query: on a file, DuckDB reads while pandas loads
    # in a background thread (engine._warm_up).
    win = window_us(window)
    if start not in STARTS:
        raise unknown_choice("engine.error.start", allowed=STARTS, value=start, field="start")
    wanted = check_steps(steps, by or "phase")
    with open_events(events, need=("customer_id", "timestamp")) as ev:
        col = _guess_by(ev, wanted) if by is None else check_by(ev, by)
        if by is None:
            wanted = resolve_steps(wanted, ev.values(col), col)
        counts, present = _counts(ev, col, wanted, closed, win, start)
        if not set(wanted) <= present:
            resolved = resolve_steps(wanted, ev.values(col), col)
            if resolved != wanted:
                wanted = resolved
                counts, _ = _counts(ev, col, wanted, closed, win, start)
    import pandas as pd

    shown = [str((labels or {}).get(nm, nm)) for nm in wanted]
    out = frame_from_counts(counts, shown)
    out.attrs["by"] = col
    out.attrs["closed"] = closed
    out.attrs["start"] = start
    out.attrs["window"] = None if window is None else fmt_window(pd.Timedelta(win or 0, "us"))
    out.attrs["biggest_leak"] = biggest_leak(out)
    out.attrs["explanation"] = explain_funnel(out)
    return out


def biggest_leak(table: pd.DataFrame) -> dict[str, Any] | None:
    """Return the step with the largest drop-off rate (None when nobody drops off)."""
    rest = table.iloc[1:]
    rest = rest[rest["drop_off"] > 0]
    if rest.empty:
        return None
    at = int(rest["drop_off_rate"].to_numpy().argmax())
    row = rest.iloc[at]
    pos = int(table.index.tolist().index(rest.index[at]))
    return {
        "step": int(row["step"]),
        "label": str(row["label"]),
        "from_label": str(table.iloc[pos - 1]["label"]),
        "drop_off": int(row["drop_off"]),
        "drop_off_rate": float(row["drop_off_rate"]),
    }


def explain_funnel(table: pd.DataFrame) -> str:
    """Return the German explanation of a funnel table."""
    closed = table.attrs.get("closed", True)
    window = table.attrs.get("window")
    parts = [t("engine.funnel.closed" if closed else "analytics.funnel.open")]
    if window:
        start = table.attrs.get("start", "best")
        parts.append(
            t(
                f"engine.funnel.window_{start}" if closed else "analytics.funnel.window",
                window=window,
            )
        )
    if len(table) and table["customers"].iloc[0] > 0:
        last = table.iloc[-1]
        parts.append(
            t(
                "analytics.funnel.summary",
                start=fmt_int(table["customers"].iloc[0]),
                first=table["label"].iloc[0],
                end=fmt_int(last["customers"]),
                last=last["label"],
                share=fmt_pct(last["conversion_from_start"]),
            )
        )
    else:
        parts.append(t("analytics.funnel.empty"))
    leak = table.attrs.get("biggest_leak")
    if leak:
        parts.append(
            t(
                "analytics.funnel.leak",
                source=leak["from_label"],
                target=leak["label"],
                lost=fmt_int(leak["drop_off"]),
                rate=fmt_pct(leak["drop_off_rate"]),
            )
        )
    if not closed:
        parts.append(t("analytics.funnel.open_note"))
    return " ".join(parts)
