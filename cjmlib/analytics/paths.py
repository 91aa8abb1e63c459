"""Paths: the most common sequences of steps, who follows whom, and how long it takes.

Each customer's events are ordered by time; events at the same time are ordered by the
step value, so the order is the same on every engine. Rows whose step column is empty
are not steps and are left out of the sequences (``attrs["ignored_rows"]`` says how
many). With ``collapse_repeats`` the same step several times in a row counts once.
"""

from __future__ import annotations

from collections.abc import Sequence
from numbers import Integral
from typing import TYPE_CHECKING, Any

from cjmlib.analytics._common import (
    check_by,
    check_steps,
    fmt_int,
    fmt_num,
    fmt_pct,
    resolve_steps,
    step_expr,
)
from cjmlib.analytics.engine import Events, open_events
from cjmlib.analytics.funnels import chain_sql
from cjmlib.errors import CJMError
from cjmlib.messages import t

if TYPE_CHECKING:
    import pandas as pd

ARROW = " → "
PATH_COLUMNS = ["path", "steps", "customers", "share"]


def sequence_sql(
    ev: Events, by: str, collapse_repeats: bool, with_time: bool = False, first_flag: bool = False
) -> str:
    """CTEs ``e`` (all events, ``s`` NULL where the step is empty) and ``d`` (the sequence
    of steps, repeats collapsed or not).

    ``d`` has ``c`` (customer), ``t`` (time), ``s`` (step as text), with ``with_time``
    ``u`` (microseconds since 1970), with ``first_flag`` ``f`` (TRUE on a customer's
    first step).
    """
    d = ev.dialect
    s = step_expr(ev, by)
    rel = ev.rel if collapse_repeats else ev.rel_distinct
    u = f", {d.epoch_us(ev.q('timestamp'))} AS u" if with_time else ""
    keep = "c, t, s" + (", u" if with_time else "")
    e = (
        f"e AS (SELECT {ev.q('customer_id')} AS c, {ev.q('timestamp')} AS t, {s} AS s{u} "
        f"FROM {rel})"
    )
    lag = "lag(s) OVER (PARTITION BY c ORDER BY t, s)"
    if not collapse_repeats:
        flag = f", {lag} IS NULL AS f" if first_flag else ""
        return f"WITH {e}, d AS (SELECT {keep}{flag} FROM e WHERE s IS NOT NULL)"
    flag = ", p IS NULL AS f" if first_flag else ""
    return (
        f"WITH {e}, d AS (SELECT {keep}{flag} FROM (SELECT {keep}, {lag} AS p "
        "FROM e WHERE s IS NOT NULL) AS z WHERE p IS NULL OR p <> s)"
    )


def _check_int(value: object, name: str, minimum: int) -> int:
    # numbers.Integral covers numpy's integers too, without importing numpy before the query.
    if isinstance(value, bool) or not isinstance(value, Integral) or value < minimum:
        key = "analytics.error.path_length" if name == "length" else "engine.error.top_n"
        raise CJMError(t(key, value=value), field=name, value=value)
    return int(value)


def top_paths(
    events: Any,
    *,
    length: int = 3,
    n: int = 20,
    by: str = "touchpoint",
    collapse_repeats: bool = True,
) -> pd.DataFrame:
    """Find the most common paths: runs of ``length`` consecutive steps of one customer.

    Parameters
    ----------
    events:
        Event log with ``customer_id``, ``timestamp`` and the column ``by`` (a DataFrame,
        a file path, a scanned log or an engine table, see :func:`funnel`).
    length:
        Number of consecutive steps in a path (2 or more).
    n:
        How many paths to return (the most common first; 1 or more).
    by:
        Column that holds the steps, e.g. ``"touchpoint"`` or ``"phase"``.
    collapse_repeats:
        True: the same step several times in a row counts once (a reload is no new step).

    Returns
    -------
    pandas.DataFrame
        Columns ``path`` (steps joined with " → "), ``steps`` (tuple), ``customers``
        (distinct customers whose journey contains the path at least once) and ``share``
        (customers / all customers with a step in the log, 0..1). Ties are ordered by
        ``path``.
    """
    length = _check_int(length, "length", 2)
    n = _check_int(n, "n", 1)
    with open_events(events, need=("customer_id", "timestamp")) as ev:
        by = check_by(ev, by)
        dl = ev.dialect
        seq = sequence_sql(ev, by, collapse_repeats)
        over = "OVER (PARTITION BY c ORDER BY t, s)"
        leads = ", ".join(f"lead(s, {j}) {over} AS s{j + 1}" for j in range(1, length))
        cols = ", ".join(f"s{j}" for j in range(1, length + 1))
        last = f"s{length}"
        # The paths as a skilled analyst writes them (two window passes, one aggregate); the
        # customers with a step and the rows without one come from a second, cheap query:
        # folding them into the window query made it about 15 % slower.
        found = ev.fetch(
            f"""{seq},
            g AS (SELECT c, s AS s1, {leads} FROM d),
            a AS (SELECT {cols}, count(DISTINCT c) AS customers FROM g
                  WHERE {last} IS NOT NULL GROUP BY {cols})
            SELECT {cols}, customers, concat_ws({dl.lit(ARROW)}, {cols}) AS path FROM a
            ORDER BY customers DESC, path LIMIT {n}"""
        )
        step = ev.q(by)
        counts = ev.fetch(
            f"SELECT count(DISTINCT CASE WHEN {step} IS NOT NULL THEN {ev.q('customer_id')} END)"
            f" AS total, count(*) - count({step}) AS ignored FROM {ev.rel}"
        )
    import numpy as np
    import pandas as pd

    n_people = int(counts["total"].iloc[0])
    ignored = int(counts["ignored"].iloc[0])
    steps = [tuple(str(row[f"s{j}"]) for j in range(1, length + 1)) for _, row in found.iterrows()]
    out = pd.DataFrame(
        {
            "path": [ARROW.join(s) for s in steps],
            "steps": steps,
            "customers": found["customers"].astype("int64").to_numpy(),
        }
    )
    out = out.sort_values(["customers", "path"], ascending=[False, True], kind="stable")
    out = out.reset_index(drop=True)
    out["share"] = out["customers"] / n_people if n_people else np.nan
    out = out[PATH_COLUMNS]
    out.attrs.update(
        by=by,
        length=length,
        customers_total=n_people,
        ignored_rows=ignored,
        collapse_repeats=collapse_repeats,
    )
    if len(out):
        top = out.iloc[0]
        text = t(
            "analytics.paths.summary",
            length=length,
            total=fmt_int(n_people),
            path=top["path"],
            count=fmt_int(top["customers"]),
            share=fmt_pct(top["share"]),
        )
    else:
        text = t("engine.paths.empty", length=length, total=fmt_int(n_people))
    if collapse_repeats:
        text += " " + t("analytics.paths.collapsed")
    out.attrs["explanation"] = text
    return out


def transition_matrix(
    events: Any,
    *,
    by: str = "touchpoint",
    collapse_repeats: bool = True,
    normalize: bool = False,
) -> pd.DataFrame:
    """Count which step follows which (consecutive events of the same customer).

    Parameters
    ----------
    events:
        Event log with ``customer_id``, ``timestamp`` and the column ``by``.
    by:
        Column that holds the steps.
    collapse_repeats:
        True: repeated steps in a row count once, so the diagonal stays empty.
    normalize:
        True: each row is divided by its sum (share of "what comes next", 0..1).

    Returns
    -------
    pandas.DataFrame
        Rows = from (index name ``from``), columns = to (name ``to``), transition counts
        (or row shares with ``normalize=True``). Every step appears as row and column.
    """
    import numpy as np
    import pandas as pd

    with open_events(events, need=("customer_id", "timestamp")) as ev:
        by = check_by(ev, by)
        seq = sequence_sql(ev, by, collapse_repeats)
        pairs = ev.fetch(
            f"""{seq},
            p AS (SELECT s AS f, lead(s) OVER (PARTITION BY c ORDER BY t, s) AS nx FROM d)
            SELECT f, nx, count(*) AS n FROM p WHERE nx IS NOT NULL GROUP BY f, nx"""
        )
        ignored = int(
            ev.fetch(f"SELECT count(*) AS n FROM {ev.rel} WHERE {ev.q(by)} IS NULL")["n"].iloc[0]
        )
        values = ev.values(by)
    labels = pd.Index(values, dtype=object)
    counts = pd.DataFrame(0, index=labels.rename("from"), columns=labels.rename("to"))
    for f, nx, k in zip(pairs["f"].astype(str), pairs["nx"].astype(str), pairs["n"], strict=True):
        counts.loc[f, nx] = int(k)
    out = counts.astype("int64")
    if normalize:
        sums = out.sum(axis=1).replace(0, np.nan)
        out = out.div(sums, axis=0)
    out.attrs.update(
        by=by,
        ignored_rows=ignored,
        explanation=t("analytics.paths.matrix_share" if normalize else "analytics.paths.matrix"),
    )
    return out


TIME_COLUMNS = ["from_step", "to_step", "transitions", "median_hours", "p90_hours"]


def time_between_steps(
    events: Any, steps: Sequence[str] | None = None, *, by: str = "touchpoint"
) -> pd.DataFrame:
    """Measure the time between steps: median and 90th percentile in hours.

    Parameters
    ----------
    events:
        Event log with ``customer_id``, ``timestamp`` and the column ``by``.
    steps:
        None: every pair of consecutive, different steps in the journeys.
        A list: the steps of a closed funnel (same rules as :func:`funnel` without window);
        one row per step transition, over the customers who made it.
    by:
        Column that holds the steps.

    Returns
    -------
    pandas.DataFrame
        Columns ``from_step, to_step, transitions, median_hours, p90_hours``.
    """
    import pandas as pd

    with open_events(events, need=("customer_id", "timestamp")) as ev:
        by = check_by(ev, by)
        d = ev.dialect
        if steps is None:
            seq = sequence_sql(ev, by, collapse_repeats=True, with_time=True)
            h = "(nu - u) / 3600000000.0"
            out = ev.fetch(
                f"""{seq},
                p AS (SELECT s AS f, lead(s) OVER (PARTITION BY c ORDER BY t, s) AS nx,
                             u, lead(u) OVER (PARTITION BY c ORDER BY t, s) AS nu FROM d)
                SELECT f AS from_step, nx AS to_step, count(*) AS transitions,
                       {d.quantile(h, 0.5)} AS median_hours, {d.quantile(h, 0.9)} AS p90_hours
                FROM p WHERE nx IS NOT NULL GROUP BY f, nx
                ORDER BY from_step, to_step"""
            )
        else:
            wanted = resolve_steps(check_steps(steps, by), ev.values(by), by)
            chain = chain_sql(ev, by, wanted)
            u = d.epoch_us
            parts = []
            for k in range(1, len(wanted)):
                h = f"({u('b.t')} - {u('a.t')}) / 3600000000.0"
                parts.append(
                    f"SELECT {k} AS k, count(*) AS transitions, {d.quantile(h, 0.5)} AS "
                    f"median_hours, {d.quantile(h, 0.9)} AS p90_hours "
                    f"FROM f{k} AS a JOIN f{k + 1} AS b ON a.c = b.c"
                )
            found = ev.fetch(chain + " " + " UNION ALL ".join(parts)).set_index("k")
            out = pd.DataFrame(
                {
                    "from_step": wanted[:-1],
                    "to_step": wanted[1:],
                    "transitions": [
                        int(str(found.loc[k, "transitions"])) for k in range(1, len(wanted))
                    ],
                    "median_hours": [found.loc[k, "median_hours"] for k in range(1, len(wanted))],
                    "p90_hours": [found.loc[k, "p90_hours"] for k in range(1, len(wanted))],
                }
            )
    out["transitions"] = out["transitions"].astype("int64")
    for col in ("median_hours", "p90_hours"):
        out[col] = pd.to_numeric(out[col], errors="coerce").astype(float)
    out["from_step"] = out["from_step"].astype(str)
    out["to_step"] = out["to_step"].astype(str)
    out = out[TIME_COLUMNS].reset_index(drop=True)
    if len(out) and out["transitions"].sum():
        slow = out.iloc[int(out["median_hours"].to_numpy().argmax())]
        text = t(
            "analytics.paths.time_slowest",
            source=slow["from_step"],
            target=slow["to_step"],
            median=fmt_num(slow["median_hours"]),
            p90=fmt_num(slow["p90_hours"]),
        )
    else:
        text = t("analytics.paths.time_empty")
    out.attrs["explanation"] = t("analytics.paths.time_intro") + " " + text
    return out
