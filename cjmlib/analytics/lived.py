"""The designed journey held against the lived one: what the event log says about the map.

The map designs a journey: phases in an order, touchpoints in each phase, channels. The
event log shows the journeys customers lived. This module compares the two with SQL on
the engine (:mod:`cjmlib.analytics.engine`; DuckDB or Spark), no process-mining package:

:func:`directly_follows`
    The directly-follows graph: how often step B came right after step A in one
    customer's journey (repeats of the same step collapsed), with where journeys start
    and end. Steps are touchpoints or phases.
:func:`journey_variants`
    The most frequent complete journeys (the sequence of phases or touchpoints).
:func:`compare_design`
    Per segment (or persona): how many journeys follow the designed phase order, which
    phases they skip, where they loop back, and which touchpoints and channels the
    data show that the map does not ("hidden touchpoints found in data").

Phases of events come from the log's ``phase`` column (phase ids or names of the phase
model) or, without one, from the map's touchpoint (``touchpoint_id``). Events at the same
time are ordered by phase (then step), so a tie never counts as a loop back.

Definitions
-----------
in order
    The journey's phases (repeats collapsed) never go back to an earlier phase.
skipped phase
    A phase between the journey's first and last phase that it never visited.
loop back
    A move from a phase to an earlier one.
follows the design
    In order and no phase skipped (it may start late or end early: dropping out is
    what a funnel measures, not a deviation from the designed order).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from cjmlib.analytics._common import check_by, fmt_int, fmt_pct, step_expr
from cjmlib.analytics.engine import Events, open_events
from cjmlib.analytics.paths import sequence_sql
from cjmlib.errors import CJMError
from cjmlib.messages import t
from cjmlib.model import JourneyProject
from cjmlib.model.lookup import ProjectLike, project_of

__all__ = [
    "DesignComparison",
    "compare_design",
    "directly_follows",
    "hidden_touchpoints",
    "journey_variants",
]

ARROW = " → "
_SEP = "\u001f"  # joins a journey's steps inside SQL; no step name holds it
DFG_COLUMNS = [
    "source",
    "target",
    "source_label",
    "target_label",
    "transitions",
    "customers",
    "share",
    "kind",
    "source_phase",
    "target_phase",
]
VARIANT_COLUMNS = ["rank", "variant", "steps", "length", "customers", "share", "cumulative"]
START, END = "__start__", "__end__"


def _project(obj: Any) -> JourneyProject | None:
    return None if obj is None else project_of(obj, "project")


def _check_n(n: object) -> int:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise CJMError(t("engine.error.top_n", value=n), field="n", value=n)
    return int(n)


# -- phases of the events ----------------------------------------------------------------------


def _phase_index_sql(ev: Events, project: JourneyProject) -> tuple[str, str]:
    """SQL giving each event its phase's position in the phase model (NULL if unknown).

    Returns the expression and where it comes from (``"phase"`` or ``"touchpoint_id"``).
    """
    d = ev.dialect
    pm = project.phase_model
    if ev.has("phase"):
        col = f"lower(trim({step_expr(ev, 'phase')}))"
        whens = []
        for i, ph in enumerate(pm.phases):
            names = sorted({ph.id.lower(), ph.name.lower()})
            whens.append(f"WHEN {col} IN ({', '.join(d.lit(x) for x in names)}) THEN {i}")
        return f"(CASE {' '.join(whens)} END)", "phase"
    if ev.has("touchpoint_id") and project.touchpoints:
        col = step_expr(ev, "touchpoint_id")
        order = {pid: i for i, pid in enumerate(pm.ids)}
        whens = [
            f"WHEN {col} = {d.lit(tp.id)} THEN {order[tp.phase]}" for tp in project.touchpoints
        ]
        return f"(CASE {' '.join(whens)} END)", "touchpoint_id"
    raise CJMError(
        t("living_map.lived.no_phase", name=ev.label, columns=", ".join(ev.columns)),
        field="phase",
        value=None,
    )


# -- directly-follows graph --------------------------------------------------------------------


def _labels(project: JourneyProject | None, by: str) -> dict[str, str]:
    if project is None:
        return {}
    if by == "touchpoint_id":
        return {tp.id: tp.name for tp in project.touchpoints}
    if by == "phase":
        out = {p.id: p.name for p in project.phase_model.phases}
        out.update({p.name: p.name for p in project.phase_model.phases})
        return out
    return {}


def _phase_rank(project: JourneyProject | None, by: str) -> dict[str, int]:
    """Position in the designed order of each step value (phases, or touchpoints' phases)."""
    if project is None:
        return {}
    pm = project.phase_model
    order = {pid: i for i, pid in enumerate(pm.ids)}
    if by == "phase":
        out = {p.id: i for i, p in enumerate(pm.phases)}
        out.update({p.name: i for i, p in enumerate(pm.phases)})
        return out
    if by == "touchpoint_id":
        return {tp.id: order[tp.phase] for tp in project.touchpoints}
    if by == "touchpoint":
        return {tp.name: order[tp.phase] for tp in project.touchpoints}
    return {}


def _rank_of(value: str, rank: dict[str, int]) -> float:
    """Position of a step in the designed order (-1 for Start, 99 for End, NaN unknown)."""
    if value == START:
        return -1.0
    if value == END:
        return 99.0
    found = rank.get(value)
    return float("nan") if found is None else float(found)


def _edge_kind(a: str, b: str, rank: dict[str, int]) -> str:
    if a == START:
        return "start"
    if b == END:
        return "end"
    ra, rb = rank.get(a), rank.get(b)
    if ra is None or rb is None:
        return "unknown"
    if rb < ra:
        return "back"
    if rb > ra + 1:
        return "skip"
    return "forward" if rb > ra else "within"


def directly_follows(
    events: Any,
    *,
    by: str = "touchpoint_id",
    project: ProjectLike | None = None,
    collapse_repeats: bool = True,
) -> pd.DataFrame:
    """The directly-follows graph of the journeys: which step follows which, how often.

    Parameters
    ----------
    events:
        Event log with ``customer_id``, ``timestamp`` and the column ``by`` (DataFrame,
        CSV/Parquet path, :func:`scan_events` log, DuckDB/Spark table).
    by:
        The steps: ``"touchpoint_id"``, ``"touchpoint"``, ``"phase"``, ``"channel"``.
    project:
        Your workbook or project: names for the ids, and whether an edge goes forward in
        the designed phase order, skips a phase or goes back.
    collapse_repeats:
        The same step several times in a row counts once.

    Returns
    -------
    pandas.DataFrame
        One row per edge: ``source, target`` (values of ``by``; ``"__start__"`` and
        ``"__end__"`` for where journeys begin and end), their labels, ``transitions``
        (how often), ``customers`` (distinct customers with this edge), ``share``
        (transitions / all transitions out of ``source``) and ``kind`` (``"forward"`` to
        the next phase, ``"within"`` one phase, ``"skip"`` over phases, ``"back"`` to an
        earlier phase, ``"start"``, ``"end"``, or ``"unknown"`` for steps the
        map does not place), ``source_phase, target_phase`` (position of the step's
        phase in the designed order; -1 Start, 99 End, NaN when the map does not place
        it). Most frequent first; ``attrs`` hold ``customers_total``.
    """
    proj = _project(project)
    with open_events(events, need=("customer_id", "timestamp"), name="events") as ev:
        by = check_by(ev, by)
        seq = sequence_sql(ev, by, collapse_repeats)
        frame = ev.fetch(
            f"""{seq},
            p AS (SELECT c, s, lead(s) OVER (PARTITION BY c ORDER BY t, s) AS nx,
                         lag(s) OVER (PARTITION BY c ORDER BY t, s) AS pv FROM d)
            SELECT 0 AS k, s AS f, nx, count(*) AS n, count(DISTINCT c) AS cu
            FROM p WHERE nx IS NOT NULL GROUP BY s, nx
            UNION ALL SELECT 1 AS k, s AS f, s AS nx, count(*) AS n, count(DISTINCT c) AS cu
            FROM p WHERE pv IS NULL GROUP BY s
            UNION ALL SELECT 2 AS k, s AS f, s AS nx, count(*) AS n, count(DISTINCT c) AS cu
            FROM p WHERE nx IS NULL GROUP BY s
            UNION ALL SELECT 3 AS k, NULL AS f, NULL AS nx, count(DISTINCT c) AS n,
                   count(DISTINCT c) AS cu FROM d"""
        )
    total_row = frame[frame["k"] == 3]
    total = int(total_row["n"].iloc[0]) if len(total_row) else 0
    frame = frame[frame["k"] < 3]
    kinds = frame["k"].astype(int).to_numpy()
    f = frame["f"].astype(str).to_numpy()
    nx = frame["nx"].astype(str).to_numpy()
    source = np.where(kinds == 1, START, f)
    target = np.where(kinds == 2, END, nx)
    labels = _labels(proj, by)
    rank = _phase_rank(proj, by)
    start_label, end_label = t("living_map.lived.start"), t("living_map.lived.end")

    def label(v: str) -> str:
        return start_label if v == START else end_label if v == END else labels.get(v, v)

    out = pd.DataFrame(
        {
            "source": source,
            "target": target,
            "source_label": [label(v) for v in source],
            "target_label": [label(v) for v in target],
            "transitions": frame["n"].astype("int64").to_numpy(),
            "customers": frame["cu"].astype("int64").to_numpy(),
        }
    )
    outgoing = out.groupby("source")["transitions"].transform("sum")
    out["share"] = out["transitions"] / outgoing
    out["kind"] = [
        _edge_kind(a, b, rank) for a, b in zip(out["source"], out["target"], strict=True)
    ]
    out["source_phase"] = [_rank_of(v, rank) for v in out["source"]]
    out["target_phase"] = [_rank_of(v, rank) for v in out["target"]]
    out = out.sort_values(["transitions", "source", "target"], ascending=[False, True, True])
    out = out[DFG_COLUMNS].reset_index(drop=True)
    back = int(out.loc[out["kind"] == "back", "transitions"].sum())
    inner = int(out.loc[~out["kind"].isin(["start", "end"]), "transitions"].sum())
    out.attrs.update(
        by=by,
        customers_total=total,
        explanation=t(
            "living_map.lived.dfg_summary",
            customers=fmt_int(total),
            edges=fmt_int(int((~out["kind"].isin(["start", "end"])).sum())),
            back=fmt_pct(back / inner if inner else float("nan")),
        ),
    )
    return out


# -- variants ----------------------------------------------------------------------------------


def _ordered_steps_sql(ev: Events) -> str:
    """Per customer the steps of ``d`` in order, joined with the separator."""
    d = ev.dialect
    if d.name == "spark":
        return (
            f"concat_ws({d.lit(_SEP)}, transform(array_sort(collect_list(struct(t, s))), x -> x.s))"
        )
    return f"string_agg(s, {d.lit(_SEP)} ORDER BY t, s)"


def journey_variants(
    events: Any,
    *,
    by: str = "phase",
    project: ProjectLike | None = None,
    n: int = 10,
    collapse_repeats: bool = True,
) -> pd.DataFrame:
    """The most frequent journeys: each customer's whole sequence of steps.

    Parameters
    ----------
    events:
        Event log (see :func:`directly_follows`).
    by:
        ``"phase"`` (default), ``"touchpoint_id"``, ``"touchpoint"`` or ``"channel"``.
    project:
        Your workbook or project: names for the ids and, for phases, whether a variant
        follows the designed order (column ``follows_design``).
    n:
        How many variants to return (the most frequent first).
    collapse_repeats:
        The same step several times in a row counts once.

    Returns
    -------
    pandas.DataFrame
        ``rank, variant`` (steps joined with " → ", names where known), ``steps``
        (tuple of values), ``length``, ``customers``, ``share`` (of all customers),
        ``cumulative`` (share of the variants up to this one) and, with a project,
        ``follows_design``. ``attrs``: ``variants_total``, ``customers_total``.
    """
    n = _check_n(n)
    proj = _project(project)
    with open_events(events, need=("customer_id", "timestamp"), name="events") as ev:
        by = check_by(ev, by)
        seq = sequence_sql(ev, by, collapse_repeats)
        frame = ev.fetch(
            f"""{seq},
            v AS (SELECT c, {_ordered_steps_sql(ev)} AS path FROM d GROUP BY c),
            g AS (SELECT path, count(*) AS customers FROM v GROUP BY path),
            k AS (SELECT count(*) AS variants, sum(customers) AS total FROM g),
            top AS (SELECT path, customers FROM g ORDER BY customers DESC, path LIMIT {n})
            SELECT k.variants, k.total, top.path, top.customers FROM k LEFT JOIN top ON TRUE"""
        )
    total = int(frame["total"].iloc[0]) if len(frame) and pd.notna(frame["total"].iloc[0]) else 0
    variants = int(frame["variants"].iloc[0]) if len(frame) else 0
    found = frame.dropna(subset=["path"])
    labels = _labels(proj, by)
    steps = [tuple(str(p).split(_SEP)) for p in found["path"]]
    out = pd.DataFrame(
        {
            "variant": [ARROW.join(labels.get(s, s) for s in st) for st in steps],
            "steps": steps,
            "length": [len(s) for s in steps],
            "customers": found["customers"].astype("int64").to_numpy(),
        }
    )
    out = out.assign(_key=[ARROW.join(s) for s in steps])
    out = out.sort_values(["customers", "_key"], ascending=[False, True], kind="stable")
    out = out.drop(columns="_key").reset_index(drop=True)
    out.insert(0, "rank", range(1, len(out) + 1))
    out["share"] = out["customers"] / total if total else np.nan
    out["cumulative"] = out["share"].cumsum()
    columns = list(VARIANT_COLUMNS)
    if proj is not None and by in ("phase", "touchpoint_id", "touchpoint"):
        rank = _phase_rank(proj, by)
        out["follows_design"] = [_follows([rank.get(s) for s in st]) for st in out["steps"]]
        columns.append("follows_design")
    out = out[columns]
    top_share = float(out["cumulative"].iloc[-1]) if len(out) else float("nan")
    out.attrs.update(
        by=by,
        variants_total=variants,
        customers_total=total,
        explanation=t(
            "living_map.lived.variants_summary",
            shown=len(out),
            variants=fmt_int(variants),
            customers=fmt_int(total),
            share=fmt_pct(top_share),
        ),
    )
    return out


def _follows(ranks: Sequence[int | None]) -> bool:
    """In order (never back) and no phase skipped; steps the map lacks break it."""
    if any(r is None for r in ranks):
        return False
    known = [r for r in ranks if r is not None]
    phases = [r for i, r in enumerate(known) if i == 0 or r != known[i - 1]]
    return all(b == a + 1 for a, b in itertools.pairwise(phases))


# -- the design against the data ---------------------------------------------------------------


@dataclass
class DesignComparison:
    """The designed journey against the lived one (see :func:`compare_design`).

    Attributes
    ----------
    summary:
        One row per group (segment/persona; "Alle" first): ``group, customers,
        in_order, in_order_share, follows_design, follows_design_share, skipping,
        skipping_share, looping, looping_share``.
    skipped:
        ``group, phase, phase_name, customers, share``: who skipped which phase (share of
        the group's customers whose journey spans that phase).
    loops:
        ``from_phase, to_phase`` (names), ``transitions, customers``: where journeys go back.
    hidden:
        From :func:`hidden_touchpoints`: what the data show that the map lacks.
    explanation:
        A German summary.
    """

    summary: pd.DataFrame
    skipped: pd.DataFrame
    loops: pd.DataFrame
    hidden: pd.DataFrame
    explanation: str = ""
    attrs: dict[str, Any] = field(default_factory=dict)


def _segment_source(events: Any, customers: Any, column: str | None) -> tuple[Any, str | None]:
    if column is None:
        return events, None
    if column not in ("segment_id", "persona_id"):
        raise CJMError(
            t("living_map.lived.bad_segment", value=column), field="segment", value=column
        )
    if isinstance(events, pd.DataFrame) and column not in events.columns:
        from cjmlib.analytics.evidence import _with_segments

        events = _with_segments(events, customers, {column})
    return events, column


def compare_design(
    events: Any,
    project: ProjectLike,
    *,
    segment: str | None = None,
    customers: Any = None,
) -> DesignComparison:
    """How the lived journeys follow the designed phase order, per segment or persona.

    Parameters
    ----------
    events:
        Event log with ``customer_id``, ``timestamp`` and ``phase`` (or ``touchpoint_id``
        of the map's touchpoints).
    project:
        Your workbook or project (the designed phase order and the map's touchpoints).
    segment:
        ``"segment_id"`` or ``"persona_id"``: compare the groups; None = all customers.
    customers:
        Customer table with ``customer_id`` and the ``segment`` column, when the event
        log does not carry it.

    Returns
    -------
    DesignComparison
        ``summary``, ``skipped``, ``loops``, ``hidden`` tables and a German explanation
        (definitions in the module docstring).
    """
    proj = _project(project)
    assert proj is not None
    source, seg = _segment_source(events, customers, segment)
    pm = proj.phase_model
    k = len(pm.phases)
    with open_events(source, need=("customer_id", "timestamp"), name="events") as ev:
        d = ev.dialect
        idx, _origin = _phase_index_sql(ev, proj)
        if seg is not None and not ev.has(seg):
            raise CJMError(
                t(
                    "living_map.problem.no_segment_column",
                    column=seg,
                    source=ev.label,
                    columns=", ".join(ev.columns),
                ),
                field="segment",
                value=seg,
            )
        g = d.text(ev.q(seg)) if seg else d.text("NULL")
        base = f"""WITH e AS (SELECT {ev.q("customer_id")} AS c, {ev.q("timestamp")} AS t,
                            {idx} AS x, {g} AS g FROM {ev.rel}),
            z AS (SELECT c, t, x, g, lag(x) OVER (PARTITION BY c ORDER BY t, x) AS p
                  FROM e WHERE x IS NOT NULL),
            q AS (SELECT c, t, x, g, lag(x) OVER (PARTITION BY c ORDER BY t, x) AS p
                  FROM z WHERE p IS NULL OR p <> x)"""
        visits = ", ".join(f"max(CASE WHEN x = {i} THEN 1 ELSE 0 END) AS v{i}" for i in range(k))
        per_customer = f"""cu AS (SELECT c, max(g) AS g, min(x) AS lo, max(x) AS hi,
                    sum(CASE WHEN p > x THEN 1 ELSE 0 END) AS back, {visits}
                    FROM q GROUP BY c)"""
        skip_terms = [
            f"(CASE WHEN lo < {i} AND {i} < hi AND v{i} = 0 THEN 1 ELSE 0 END)" for i in range(k)
        ]
        skips = " + ".join(skip_terms) if skip_terms else "0"
        spans = ", ".join(
            f"sum(CASE WHEN lo < {i} AND {i} < hi THEN 1 ELSE 0 END) AS span{i}, "
            f"sum(CASE WHEN lo < {i} AND {i} < hi AND v{i} = 0 THEN 1 ELSE 0 END) AS skip{i}"
            for i in range(k)
        )
        summary = ev.fetch(
            f"""{base}, {per_customer},
            s AS (SELECT c, g, back, {skips} AS skipped FROM cu)
            SELECT s.g AS g, count(*) AS customers,
                   sum(CASE WHEN back = 0 THEN 1 ELSE 0 END) AS in_order,
                   sum(CASE WHEN back = 0 AND skipped = 0 THEN 1 ELSE 0 END) AS follows,
                   sum(CASE WHEN skipped > 0 THEN 1 ELSE 0 END) AS skipping,
                   sum(CASE WHEN back > 0 THEN 1 ELSE 0 END) AS looping
            FROM s GROUP BY s.g"""
        )
        spans_frame = ev.fetch(f"{base}, {per_customer} SELECT g, {spans} FROM cu GROUP BY g")
        loops = ev.fetch(
            f"""{base} SELECT p AS f, x AS tt, count(*) AS n, count(DISTINCT c) AS cu
            FROM q WHERE p > x GROUP BY p, x"""
        )
    hidden = hidden_touchpoints(source, proj)
    return _assemble(proj, seg, summary, spans_frame, loops, hidden)


def _group_names(project: JourneyProject, seg: str | None) -> dict[str, str]:
    if seg == "segment_id":
        return {s.id: s.name for s in project.segments}
    if seg == "persona_id":
        return {p.id: p.name for p in project.personas}
    return {}


def _assemble(
    project: JourneyProject,
    seg: str | None,
    summary: pd.DataFrame,
    spans: pd.DataFrame,
    loops: pd.DataFrame,
    hidden: pd.DataFrame,
) -> DesignComparison:
    pm = project.phase_model
    names = _group_names(project, seg)
    everyone = t("living_map.lived.everyone")
    unknown = t("living_map.lived.no_group")

    def group_name(v: Any) -> str:
        if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA:
            return unknown
        return names.get(str(v), str(v))

    counts = ["customers", "in_order", "follows", "skipping", "looping"]
    summary = summary.copy()
    for c in counts:
        summary[c] = pd.to_numeric(summary[c]).fillna(0).astype("int64")
    summary["group"] = [group_name(v) for v in summary["g"]]
    summary = summary.sort_values("group", kind="stable")
    total = summary[counts].sum().to_frame().T
    total.insert(0, "group", everyone)
    rows = pd.concat([total, summary[["group", *counts]]], ignore_index=True) if seg else total
    rows = rows.rename(columns={"follows": "follows_design"})
    for c in ("in_order", "follows_design", "skipping", "looping"):
        rows[f"{c}_share"] = rows[c] / rows["customers"].where(rows["customers"] > 0)
    rows = rows[
        [
            "group",
            "customers",
            "in_order",
            "in_order_share",
            "follows_design",
            "follows_design_share",
            "skipping",
            "skipping_share",
            "looping",
            "looping_share",
        ]
    ].reset_index(drop=True)
    rows["customers"] = rows["customers"].astype("int64")

    k = len(pm.phases)
    skip_rows = []
    spans = spans.copy()
    spans["group"] = [group_name(v) for v in spans["g"]]
    groups = [(everyone, spans)] + (
        [(name, block) for name, block in spans.groupby("group", sort=True)] if seg else []
    )
    for name, block in groups:
        for i in range(1, k - 1):
            span = int(pd.to_numeric(block[f"span{i}"]).fillna(0).sum())
            skipped = int(pd.to_numeric(block[f"skip{i}"]).fillna(0).sum())
            skip_rows.append(
                {
                    "group": name,
                    "phase": pm.ids[i],
                    "phase_name": pm.names[i],
                    "customers": skipped,
                    "share": skipped / span if span else np.nan,
                }
            )
    skipped_frame = pd.DataFrame(
        skip_rows, columns=["group", "phase", "phase_name", "customers", "share"]
    )
    loop_frame = pd.DataFrame(
        {
            "from_phase": [pm.names[int(i)] for i in loops["f"]],
            "to_phase": [pm.names[int(i)] for i in loops["tt"]],
            "transitions": loops["n"].astype("int64").to_numpy(),
            "customers": loops["cu"].astype("int64").to_numpy(),
        }
    )
    loop_frame = loop_frame.sort_values(
        ["transitions", "from_phase", "to_phase"], ascending=[False, True, True]
    ).reset_index(drop=True)
    first = rows.iloc[0]
    worst_skip = skipped_frame[skipped_frame["group"] == everyone].sort_values(
        "customers", ascending=False
    )
    parts = [
        t(
            "living_map.lived.design_summary",
            customers=fmt_int(int(first["customers"])),
            in_order=fmt_pct(float(first["in_order_share"])),
            follows=fmt_pct(float(first["follows_design_share"])),
            looping=fmt_pct(float(first["looping_share"])),
        )
    ]
    if len(worst_skip) and int(worst_skip["customers"].iloc[0]) > 0:
        parts.append(
            t(
                "living_map.lived.most_skipped",
                phase=worst_skip["phase_name"].iloc[0],
                count=fmt_int(int(worst_skip["customers"].iloc[0])),
            )
        )
    if len(loop_frame):
        parts.append(
            t(
                "living_map.lived.most_loops",
                a=loop_frame["from_phase"].iloc[0],
                b=loop_frame["to_phase"].iloc[0],
                count=fmt_int(int(loop_frame["transitions"].iloc[0])),
            )
        )
    only_data = hidden[hidden["finding"] == "data_only"] if len(hidden) else hidden
    if len(only_data):
        parts.append(
            t(
                "living_map.lived.hidden_found",
                count=len(only_data),
                names=", ".join(only_data["name"].head(5)),
            )
        )
    return DesignComparison(
        summary=rows,
        skipped=skipped_frame,
        loops=loop_frame,
        hidden=hidden,
        explanation=" ".join(parts),
        attrs={"segment": seg},
    )


def _missing(value: Any) -> bool:
    return value is None or bool(pd.isna(value))


HIDDEN_COLUMNS = ["finding", "kind", "id", "name", "channel", "phase", "events", "customers"]


def hidden_touchpoints(events: Any, project: ProjectLike) -> pd.DataFrame:
    """What the data show that the map lacks, and what the map shows that no data has.

    Touchpoints are matched by ``touchpoint_id`` (or, without it, by name); channels by
    name (case-insensitive).

    Returns
    -------
    pandas.DataFrame
        ``finding`` (``"data_only"``: in the data, not on the map — a hidden touchpoint
        or channel; ``"map_only"``: on the map, never in the data), ``kind``
        (``"touchpoint"`` or ``"channel"``), ``id``, ``name``, ``channel``, ``phase``
        (from the data, or the map), ``events`` and ``customers`` (0 for map-only rows).
        Data-only rows first, most frequent first.
    """
    proj = _project(project)
    assert proj is not None
    with open_events(events, need=("customer_id", "timestamp"), name="events") as ev:
        d = ev.dialect
        key = (
            "touchpoint_id"
            if ev.has("touchpoint_id")
            else "touchpoint"
            if ev.has("touchpoint")
            else None
        )
        parts = []
        if key is not None:
            k = step_expr(ev, key)
            if key == "touchpoint_id" and ev.has("touchpoint"):
                # A loaded export maps the names it knows to ids (load_events(project=));
                # a contact the map lacks keeps no id, only its name: count it by name.
                k = f"coalesce({k}, {step_expr(ev, 'touchpoint')})"
            name = (
                step_expr(ev, "touchpoint") if ev.has("touchpoint") and key != "touchpoint" else k
            )
            chan = step_expr(ev, "channel") if ev.has("channel") else d.text("NULL")
            ph = step_expr(ev, "phase") if ev.has("phase") else d.text("NULL")
            parts.append(
                f"SELECT 'touchpoint' AS kind, {k} AS id, max({name}) AS name, "
                f"max({chan}) AS channel, max({ph}) AS phase, count(*) AS events, "
                f"count(DISTINCT {ev.q('customer_id')}) AS customers "
                f"FROM {ev.rel} WHERE {k} IS NOT NULL GROUP BY {k}"
            )
        if ev.has("channel"):
            chan = step_expr(ev, "channel")
            parts.append(
                f"SELECT 'channel' AS kind, {chan} AS id, {chan} AS name, {chan} AS channel, "
                f"{d.text('NULL')} AS phase, count(*) AS events, "
                f"count(DISTINCT {ev.q('customer_id')}) AS customers "
                f"FROM {ev.rel} WHERE {chan} IS NOT NULL GROUP BY {chan}"
            )
        found = ev.fetch(" UNION ALL ".join(parts)) if parts else pd.DataFrame()
    pm = proj.phase_model
    rows: list[dict[str, Any]] = []
    map_ids = {tp.id for tp in proj.touchpoints}
    map_names = {tp.name.casefold() for tp in proj.touchpoints}
    map_channels = {tp.channel.casefold() for tp in proj.touchpoints}
    seen_tp: set[str] = set()
    seen_ch: set[str] = set()
    for r in found.to_dict("records") if len(found) else []:
        ident = str(r["id"])
        if r["kind"] == "touchpoint":
            known = ident in map_ids if key == "touchpoint_id" else ident.casefold() in map_names
            seen_tp.add(ident if key == "touchpoint_id" else ident.casefold())
        else:
            known = ident.casefold() in map_channels
            seen_ch.add(ident.casefold())
        if known:
            continue
        phase: str | None = None if _missing(r["phase"]) else str(r["phase"])
        if phase is not None:
            try:
                phase = pm.name_of(pm.resolve(phase))
            except CJMError:
                pass
        rows.append(
            {
                "finding": "data_only",
                "kind": r["kind"],
                "id": ident,
                "name": ident if _missing(r["name"]) else str(r["name"]),
                "channel": None if _missing(r["channel"]) else str(r["channel"]),
                "phase": phase,
                "events": int(r["events"]),
                "customers": int(r["customers"]),
            }
        )
    if key is not None:
        for tp in proj.touchpoints:
            ident = tp.id if key == "touchpoint_id" else tp.name.casefold()
            if ident not in seen_tp:
                rows.append(
                    {
                        "finding": "map_only",
                        "kind": "touchpoint",
                        "id": tp.id,
                        "name": tp.name,
                        "channel": tp.channel,
                        "phase": pm.name_of(tp.phase),
                        "events": 0,
                        "customers": 0,
                    }
                )
    out = pd.DataFrame(rows, columns=HIDDEN_COLUMNS)
    out = out.sort_values(
        ["finding", "customers", "kind", "name"],
        ascending=[True, False, False, True],
        kind="stable",
    ).reset_index(drop=True)
    out["events"] = out["events"].astype("int64")
    out["customers"] = out["customers"].astype("int64")
    n_hidden = int((out["finding"] == "data_only").sum())
    out.attrs["explanation"] = t(
        "living_map.lived.hidden_summary",
        hidden=n_hidden,
        unseen=int((out["finding"] == "map_only").sum()),
    )
    return out
