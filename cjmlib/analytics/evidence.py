"""The figures behind evidence rules, computed on the engine in one pass per data source.

Every rule of a map names one figure (see :mod:`cjmlib.model.evidence` for the metrics
and their units). A verification of 50 rules must not read a 10-million-event log 50
times, so the rules are grouped by their source and each group is one SQL query
(:mod:`cjmlib.analytics.engine`: DuckDB by default, Spark for a Spark table):

events
    Per customer: the first time of every start step (one aggregation), the first
    time of the matching end step at or after it (the events joined back), the smallest
    and largest mode
    (online/offline, mobile/desktop) and the segment columns; then one aggregate row
    with the counts (and medians) of every rule. A customer "reached ``step_to``" in the
    same sense as a closed two-step :func:`~cjmlib.analytics.funnel` without window; a
    customer "switched" when their events are of both modes, which is the switchers count
    of :func:`~cjmlib.analytics.count_switches`.
survey
    One aggregate row: per rule the valid answers (whole numbers on the scale), the
    promoters and detractors (NPS), the answers 4–5 (CSAT), sum and sum of squares
    (CES), as the course's definitions in :mod:`cjmlib.analytics.survey`.
feedback
    One aggregate row: per rule the feedback items and those tagged with the theme.

Intervals (95 %)
----------------
Shares (drop-off, switchers, CSAT, feedback theme)
    Wilson score interval, in closed form (:func:`wilson_interval`; the same figures as
    :func:`cjmlib.analytics._common.wilson`, which asks statsmodels and so costs the
    import of statsmodels and scipy.stats, 2–5 s on a busy 2-core machine, in every
    verification process)::

        p̂ = k / n,  centre = (p̂ + z²/2n) / (1 + z²/n)
        half = z · sqrt(p̂(1 − p̂)/n + z²/4n²) / (1 + z²/n)
NPS
    Adjusted Wald interval of Rocks (2016): add 3/4 of a detractor, 3/2 of a passive and
    3/4 of a promoter (3 pseudo-answers), then a Wald interval for the difference of the
    two multinomial shares::

        ñ = n + 3,  p̃ = (promoters + 0.75) / ñ,  d̃ = (detractors + 0.75) / ñ
        NPS̃ = p̃ − d̃,  SE = sqrt((p̃ + d̃ − NPS̃²) / ñ)
        interval = 100 · (NPS̃ ± 1.96 · SE), cut to −100..100

    B. Rocks, "Interval Estimation for the 'Net Promoter Score'", *The American
    Statistician* 70(4), 2016, 365–372 (arXiv:1601.07235); Rocks found it among the best
    of six methods in coverage and width. The point estimate stays the plain NPS.
CES (mean)
    t interval: mean ± t(0.975, n−1) · s / √n, cut to the scale 1..7 (the t quantile
    from ``scipy.special.stdtrit``, imported only when a CES rule has answers).
Time between steps
    The median has no interval here (an exact one needs the ranks of every duration,
    a second pass over the log); the result says so.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from cjmlib.analytics.engine import Events, open_events
from cjmlib.errors import CJMError
from cjmlib.messages import t
from cjmlib.model import EvidenceRule, JourneyProject

__all__ = [
    "Figure",
    "compute_figures",
    "mean_interval",
    "nps_interval_adjusted_wald",
    "wilson_interval",
]

#: z for a two-sided 95 % interval.
Z95 = 1.959963984540054
HOUR_US = 3_600_000_000.0
#: Columns a segment or persona filter may read.
SEGMENT_COLUMNS = ("segment_id", "persona_id")


@dataclass
class Figure:
    """One rule's figure: value, 95 % interval, how many stand behind it, data date.

    ``problem`` (German) is set when the rule cannot be computed on this data.
    """

    value: float | None = None
    low: float | None = None
    high: float | None = None
    n: int = 0
    data_until: dt.date | None = None
    problem: str = ""


# -- intervals ------------------------------------------------------------------------------


def wilson_interval(k: int, n: int, *, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval of the share ``k / n`` (0..1); NaN for ``n == 0``."""
    if n <= 0:
        return float("nan"), float("nan")
    p = k / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


def nps_interval_adjusted_wald(
    promoters: int, passives: int, detractors: int, *, z: float = Z95
) -> tuple[float, float]:
    """Adjusted Wald interval of the NPS (Rocks 2016), in points (−100..100).

    Adds 3/4 promoter, 3/2 passive and 3/4 detractor, then a Wald interval of the
    difference of the two shares (see the module docstring). With no answers at all the
    interval is the whole scale's centre ± a wide margin, as the formula gives.
    """
    n = promoters + passives + detractors + 3.0
    p = (promoters + 0.75) / n
    d = (detractors + 0.75) / n
    centre = p - d
    se = math.sqrt(max(p + d - centre * centre, 0.0) / n)
    return max(-100.0, 100 * (centre - z * se)), min(100.0, 100 * (centre + z * se))


def mean_interval(
    n: int, mean: float, sd: float, *, lo: float = -math.inf, hi: float = math.inf
) -> tuple[float | None, float | None]:
    """t interval of a mean (95 %), cut to ``lo``..``hi``; None below two answers."""
    if n < 2 or math.isnan(sd):
        return None, None
    from scipy.special import stdtrit

    half = float(stdtrit(n - 1, 0.975)) * sd / math.sqrt(n)
    return max(lo, mean - half), min(hi, mean + half)


def _share(k: int, n: int) -> Figure:
    if n == 0:
        return Figure(n=0)
    low, high = wilson_interval(k, n)
    return Figure(value=100.0 * k / n, low=100.0 * low, high=100.0 * high, n=n)


# -- the data behind the rules --------------------------------------------------------------


def _segment_filter(rule: EvidenceRule, project: JourneyProject) -> tuple[str, str] | None:
    """(column, value) a rule's segment/persona filter reads, or None for all customers."""
    if not rule.segment:
        return None
    for seg in project.segments:
        if seg.id == rule.segment:
            return ("segment_id", seg.id)
    return ("persona_id", rule.segment)


def _persona_segment(project: JourneyProject, persona_id: str) -> str | None:
    for p in project.personas:
        if p.id == persona_id:
            return p.segment_id
    return None


def _with_segments(frame: Any, customers: Any, wanted: set[str]) -> Any:
    """The pandas ``frame`` with the segment columns ``wanted`` joined from ``customers``."""
    if not wanted or not isinstance(frame, pd.DataFrame) or not isinstance(customers, pd.DataFrame):
        return frame
    have = [c for c in wanted if c not in frame.columns and c in customers.columns]
    if not have or "customer_id" not in frame.columns or "customer_id" not in customers.columns:
        return frame
    table = customers[["customer_id", *have]].drop_duplicates("customer_id")
    table = table.assign(customer_id=table["customer_id"].astype(str))
    keys = frame["customer_id"].astype(str)
    joined = pd.DataFrame({"customer_id": keys}).merge(table, on="customer_id", how="left")
    extra = {c: joined[c].to_numpy() for c in have}
    return frame.assign(**extra)


def _rule_filter(
    rule: EvidenceRule, project: JourneyProject, ev: Events, alias: dict[str, str]
) -> tuple[str, str]:
    """SQL condition of a rule's segment filter (on column aliases) and a problem text."""
    found = _segment_filter(rule, project)
    if found is None:
        return "TRUE", ""
    column, value = found
    if column == "persona_id" and not ev.has("persona_id"):
        seg = _persona_segment(project, value)
        if seg is None:
            return "FALSE", t("living_map.problem.persona_without_segment", persona=value)
        column, value = "segment_id", seg
    if not ev.has(column):
        return "FALSE", t(
            "living_map.problem.no_segment_column",
            column=column,
            source=ev.label,
            columns=", ".join(ev.columns),
        )
    return f"{alias[column]} = {ev.dialect.lit(value)}", ""


def _as_date(value: Any) -> dt.date | None:
    if value is None:
        return None
    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError):
        return None
    if pd.isna(stamp):
        return None
    return stamp.date()


def _int(value: Any) -> int:
    return 0 if value is None or pd.isna(value) else int(value)


def _float(value: Any) -> float | None:
    if value is None or pd.isna(value):
        return None
    return float(value)


def _resolve_step(ev: Events, column: str, step: str) -> tuple[str | None, str]:
    """The step as the data spells it (case-insensitive), or a German problem."""
    values = ev.values(column)
    for v in values:
        if v == step:
            return v, ""
    folded = [v for v in values if v.casefold() == step.casefold()]
    if folded:
        return folded[0], ""
    shown = ", ".join(values[:25]) + (", …" if len(values) > 25 else "")
    return None, t(
        "living_map.problem.unknown_step", step=step, column=column, allowed=shown or "–"
    )


def _event_figures(
    ev: Events, rules: Sequence[EvidenceRule], project: JourneyProject
) -> dict[str, Figure]:
    from cjmlib.analytics.switches import mode_sql

    d = ev.dialect
    out: dict[str, Figure] = {}
    cols = [f"{ev.q('customer_id')} AS c", f"{ev.q('timestamp')} AS t"]
    alias: dict[str, str] = {}
    for j, column in enumerate(c for c in SEGMENT_COLUMNS if ev.has(c)):
        alias[column] = f"g{j}"
        cols.append(f"{d.text(ev.q(column))} AS g{j}")
    step_alias: dict[str, str] = {}
    mode_alias: dict[str, str] = {}
    starts: dict[tuple[str, str], str] = {}  # (column alias, start value) -> fa alias
    ends: dict[tuple[str, str, str], str] = {}  # (column alias, start, end) -> b alias
    plans: list[tuple[EvidenceRule, str, str, str]] = []  # rule, kind, key, condition
    for rule in rules:
        cond, problem = _rule_filter(rule, project, ev, alias)
        if problem:
            out[rule.id] = Figure(problem=problem)
            continue
        if rule.metric == "switch_share":
            if rule.switch_kind not in mode_alias:
                try:
                    expr = mode_sql(ev, rule.switch_kind)
                except CJMError as exc:
                    out[rule.id] = Figure(problem=exc.message)
                    continue
                mode_alias[rule.switch_kind] = f"m{len(mode_alias)}"
                cols.append(f"{expr} AS {mode_alias[rule.switch_kind]}")
            plans.append((rule, "switch", mode_alias[rule.switch_kind], cond))
            continue
        if not ev.has(rule.by):
            out[rule.id] = Figure(
                problem=t(
                    "living_map.problem.no_step_column",
                    column=rule.by,
                    source=ev.label,
                    columns=", ".join(ev.columns),
                )
            )
            continue
        a, problem_a = _resolve_step(ev, rule.by, rule.step_from)
        b, problem_b = _resolve_step(ev, rule.by, rule.step_to)
        if a is None or b is None:
            out[rule.id] = Figure(problem=problem_a or problem_b)
            continue
        if rule.by not in step_alias:
            step_alias[rule.by] = f"s{len(step_alias)}"
            col = ev.q(rule.by)
            text = col if ev.types.get(rule.by) == "text" else d.text(col)
            cols.append(f"{text} AS {step_alias[rule.by]}")
        s = step_alias[rule.by]
        starts.setdefault((s, a), f"fa{len(starts)}")
        ends.setdefault((s, a, b), f"b{len(ends)}")
        plans.append((rule, rule.metric, ends[(s, a, b)], cond))
    if not plans:
        return out
    # Two aggregations instead of a window: per customer the first time of every start
    # step (with the modes, segments and last event), then the first end step at or after
    # it on the events joined back. DuckDB runs this about twice as fast as a
    # ``min(...) OVER (PARTITION BY c)`` window over every event.
    firsts = ["max(t) AS lt"]
    firsts += [
        f"min(CASE WHEN {s} = {d.lit(a)} THEN t END) AS a_{fa}" for (s, a), fa in starts.items()
    ]
    for m in mode_alias.values():
        firsts += [f"min({m}) AS {m}_lo", f"max({m}) AS {m}_hi"]
    firsts += [f"max({g}) AS {g}" for g in alias.values()]
    stages = f"fa AS (SELECT c, {', '.join(firsts)} FROM e GROUP BY c)"
    if ends:
        wanted = ", ".join(sorted({d.lit(b) for (_s, _a, b) in ends}))
        step_cols = sorted({s for (s, _a, _b) in ends})
        in_ends = " OR ".join(f"{s} IN ({wanted})" for s in step_cols)
        seconds = ", ".join(
            f"min(CASE WHEN e.{s} = {d.lit(b)} AND e.t >= fa.a_{starts[(s, a)]} THEN e.t END)"
            f" AS {alias_b}"
            for (s, a, b), alias_b in ends.items()
        )
        stages += (
            f", cb AS (SELECT e.c AS c, {seconds} FROM e JOIN fa ON e.c = fa.c "
            f"WHERE {in_ends} GROUP BY e.c), "
            f"cu AS (SELECT fa.*, {', '.join(f'cb.{x}' for x in ends.values())} "
            "FROM fa LEFT JOIN cb ON fa.c = cb.c)"
        )
    else:
        stages += ", cu AS (SELECT * FROM fa)"
    start_of = {alias_b: starts[(s, a)] for (s, a, _b), alias_b in ends.items()}
    aggregates = ["max(lt) AS until"]
    for i, (_rule, kind, key, cond) in enumerate(plans):
        if kind == "switch":
            aggregates += [
                f"count(CASE WHEN {cond} AND {key}_lo IS NOT NULL THEN 1 END) AS n{i}",
                f"count(CASE WHEN {cond} AND {key}_lo = 0 AND {key}_hi = 1 THEN 1 END) AS k{i}",
            ]
            continue
        a_col = f"a_{start_of[key]}"
        if kind == "drop_off":
            aggregates += [
                f"count(CASE WHEN {cond} AND {a_col} IS NOT NULL THEN 1 END) AS n{i}",
                f"count(CASE WHEN {cond} AND {a_col} IS NOT NULL AND {key} IS NULL THEN 1 END)"
                f" AS k{i}",
            ]
        else:
            hours = f"({d.epoch_us(key)} - {d.epoch_us(a_col)}) / {HOUR_US!r}"
            aggregates += [
                f"count(CASE WHEN {cond} AND {key} IS NOT NULL THEN 1 END) AS n{i}",
                f"{d.quantile(f'CASE WHEN {cond} AND {key} IS NOT NULL THEN {hours} END', 0.5)}"
                f" AS v{i}",
            ]
    sql = (
        f"WITH e AS (SELECT {', '.join(cols)} FROM {ev.rel}), {stages} "
        f"SELECT {', '.join(aggregates)} FROM cu"
    )
    row = ev.fetch(sql).iloc[0]
    until = _as_date(row["until"])
    for i, (rule, kind, _key, _cond) in enumerate(plans):
        n = _int(row[f"n{i}"])
        if kind == "time_between":
            value = _float(row[f"v{i}"]) if n else None
            out[rule.id] = Figure(value=value, n=n, data_until=until)
        else:
            fig = _share(_int(row[f"k{i}"]), n)
            fig.data_until = until
            out[rule.id] = fig
    return out


SCALES = {"nps": (0, 10), "csat": (1, 5), "ces": (1, 7)}


def _number(ev: Events, column: str) -> str:
    col = ev.q(column)
    if ev.types.get(column) == "number":
        return f"CAST({col} AS DOUBLE)"
    if ev.dialect.name == "spark":
        return f"CAST({col} AS DOUBLE)"
    return f"TRY_CAST({col} AS DOUBLE)"


def _place_filter(rule: EvidenceRule, ev: Events, cond: str) -> tuple[str, str]:
    """Add the rule's touchpoint to ``cond``; a German problem if the column is missing."""
    if not rule.touchpoint_id:
        return cond, ""
    if not ev.has("touchpoint_id"):
        return "FALSE", t(
            "living_map.problem.no_touchpoint_column",
            source=ev.label,
            columns=", ".join(ev.columns),
        )
    col = ev.dialect.text(ev.q("touchpoint_id"))
    return f"{cond} AND {col} = {ev.dialect.lit(rule.touchpoint_id)}", ""


def _survey_figures(
    ev: Events, rules: Sequence[EvidenceRule], project: JourneyProject, time_column: str | None
) -> dict[str, Figure]:
    out: dict[str, Figure] = {}
    alias = {c: ev.q(c) for c in SEGMENT_COLUMNS if ev.has(c)}
    alias = {c: ev.dialect.text(q) for c, q in alias.items()}
    aggregates = [f"max({ev.q(time_column)}) AS until" if time_column else "NULL AS until"]
    plans: list[tuple[EvidenceRule, int]] = []
    for i, rule in enumerate(rules):
        cond, problem = _rule_filter(rule, project, ev, alias)
        if not problem:
            cond, problem = _place_filter(rule, ev, cond)
        metric = rule.metric
        if not problem and not ev.has(metric):
            problem = t(
                "living_map.problem.no_survey_column",
                column=metric,
                source=ev.label,
                columns=", ".join(ev.columns),
            )
        if problem:
            out[rule.id] = Figure(problem=problem)
            continue
        v = _number(ev, metric)
        lo, hi = SCALES[metric]
        ok = f"{cond} AND {v} BETWEEN {lo} AND {hi} AND {v} = floor({v})"
        aggregates.append(f"count(CASE WHEN {ok} THEN 1 END) AS n{i}")
        if metric == "nps":
            aggregates += [
                f"count(CASE WHEN {ok} AND {v} >= 9 THEN 1 END) AS p{i}",
                f"count(CASE WHEN {ok} AND {v} <= 6 THEN 1 END) AS d{i}",
            ]
        elif metric == "csat":
            aggregates.append(f"count(CASE WHEN {ok} AND {v} >= 4 THEN 1 END) AS k{i}")
        else:
            aggregates += [
                f"sum(CASE WHEN {ok} THEN {v} END) AS s{i}",
                f"sum(CASE WHEN {ok} THEN {v} * {v} END) AS ss{i}",
            ]
        plans.append((rule, i))
    return _in_one_pass(ev, aggregates, plans, _survey_figure, out)


def _survey_figure(rule: EvidenceRule, row: pd.Series, i: int) -> Figure:
    """The NPS, CSAT or CES of rule ``i`` from the counts and sums of :func:`_survey_figures`."""
    n = _int(row[f"n{i}"])
    if rule.metric == "nps":
        pro, det = _int(row[f"p{i}"]), _int(row[f"d{i}"])
        if not n:
            return Figure(n=0)
        low, high = nps_interval_adjusted_wald(pro, n - pro - det, det)
        return Figure(value=100.0 * (pro - det) / n, low=low, high=high, n=n)
    if rule.metric == "csat":
        return _share(_int(row[f"k{i}"]), n)
    fig = Figure(n=n)
    if n:
        s, ss = float(row[f"s{i}"]), float(row[f"ss{i}"])
        mean = s / n
        sd = math.sqrt(max(ss - s * s / n, 0.0) / (n - 1)) if n > 1 else float("nan")
        fig.value = mean
        fig.low, fig.high = mean_interval(n, mean, sd, lo=1.0, hi=7.0)
    return fig


def _in_one_pass(
    ev: Events,
    aggregates: list[str],
    plans: list[tuple[EvidenceRule, int]],
    figure: Callable[[EvidenceRule, pd.Series, int], Figure],
    out: dict[str, Figure],
) -> dict[str, Figure]:
    """Every planned rule's aggregates in one query over the source, one figure per rule.

    ``aggregates`` starts with ``... AS until`` (the data's last day); ``figure`` reads the
    aggregates of rule number ``i`` from the one result row.
    """
    if not plans:
        return out
    row = ev.fetch(f"SELECT {', '.join(aggregates)} FROM {ev.rel}").iloc[0]
    until = _as_date(row["until"])
    for rule, i in plans:
        fig = figure(rule, row, i)
        fig.data_until = until
        out[rule.id] = fig
    return out


def _tag_text(tags: Any) -> str | None:
    """ "|a|b|" (lower case) from a list of themes or a text "a; b"; None when empty."""
    if tags is None or (isinstance(tags, float) and math.isnan(tags)):
        return None
    if isinstance(tags, str):
        parts: Iterable[Any] = tags.replace(";", "|").replace(",", "|").split("|")
    else:
        try:
            parts = list(tags)
        except TypeError:
            parts = [tags]
    cleaned = [str(p).strip().lower() for p in parts if str(p).strip()]
    return "|" + "|".join(cleaned) + "|" if cleaned else None


def prepare_feedback(feedback: Any) -> Any:
    """Feedback ready for the engine: themes as one text column ``themes_text``.

    A pandas table's ``tags`` (lists or "a; b" texts) are used; without ``tags`` its text
    is tagged with the course's lexicon (:func:`~cjmlib.analytics.tag_feedback`). A Spark
    table's ``tags`` array is joined with "|". Other inputs are passed on unchanged.
    """
    if isinstance(feedback, pd.DataFrame):
        if "tags" in feedback.columns:
            tags = feedback["tags"]
        elif "text" in feedback.columns or "comment" in feedback.columns:
            from cjmlib.analytics.feedback_text import tag_feedback

            tags = tag_feedback(feedback)["theme_labels"]
        else:
            return feedback
        out = feedback.drop(columns=[c for c in ("tags",) if c in feedback.columns])
        themes: list[Any] = [_tag_text(v) for v in tags]
        return out.assign(themes_text=themes)
    module = type(feedback).__module__
    if module.startswith("pyspark.sql") and "tags" in getattr(feedback, "columns", []):
        from pyspark.sql import functions as F

        tags_type = dict(feedback.dtypes).get("tags", "")
        joined = F.concat_ws("|", F.col("tags")) if tags_type.startswith("array") else F.col("tags")
        value = F.concat(F.lit("|"), F.lower(joined), F.lit("|"))
        return feedback.withColumn("themes_text", value).drop("tags")
    return feedback


def _feedback_figures(
    ev: Events, rules: Sequence[EvidenceRule], project: JourneyProject, time_column: str | None
) -> dict[str, Figure]:
    out: dict[str, Figure] = {}
    alias = {c: ev.dialect.text(ev.q(c)) for c in SEGMENT_COLUMNS if ev.has(c)}
    aggregates = [f"max({ev.q(time_column)}) AS until" if time_column else "NULL AS until"]
    plans: list[tuple[EvidenceRule, int]] = []
    column = "themes_text" if ev.has("themes_text") else "tags" if ev.has("tags") else None
    for i, rule in enumerate(rules):
        cond, problem = _rule_filter(rule, project, ev, alias)
        if not problem:
            cond, problem = _place_filter(rule, ev, cond)
        if not problem and column is None:
            problem = t(
                "living_map.problem.no_themes", source=ev.label, columns=", ".join(ev.columns)
            )
        if problem:
            out[rule.id] = Figure(problem=problem)
            continue
        assert column is not None
        d = ev.dialect
        tags = f"lower({d.text(ev.q(column))})"
        if column == "tags":  # a text column of the source: "a|b" or "a; b"
            tags = f"concat('|', replace(replace({tags}, '; ', '|'), ';', '|'), '|')"
        wanted = d.lit("|" + rule.theme.strip().lower() + "|")
        aggregates += [
            f"count(CASE WHEN {cond} THEN 1 END) AS n{i}",
            f"count(CASE WHEN {cond} AND instr(COALESCE({tags}, ''), {wanted}) > 0 THEN 1 END)"
            f" AS k{i}",
        ]
        plans.append((rule, i))
    return _in_one_pass(ev, aggregates, plans, _theme_share, out)


def _theme_share(_rule: EvidenceRule, row: pd.Series, i: int) -> Figure:
    return _share(_int(row[f"k{i}"]), _int(row[f"n{i}"]))


def _time_column(source: Any, candidates: Sequence[str]) -> str | None:
    columns = [str(c) for c in getattr(source, "columns", [])]
    return next((c for c in candidates if c in columns), None)


def compute_figures(
    project: JourneyProject,
    rules: Sequence[EvidenceRule],
    *,
    events: Any = None,
    survey: Any = None,
    feedback: Any = None,
    customers: Any = None,
) -> tuple[dict[str, Figure], dict[str, str]]:
    """Compute the figure of every rule; return it per rule id, and the engines used.

    Parameters
    ----------
    project:
        The project the rules belong to (segments and personas of the filters).
    rules:
        The rules to compute.
    events, survey, feedback:
        The data: an event log (DataFrame, CSV/Parquet path, :func:`scan_events` log,
        DuckDB/Spark/Ibis table), survey answers and feedback items (DataFrame or engine
        table). A rule whose source is missing gets a figure with a German ``problem``.
    customers:
        Optional customer table with ``customer_id`` and ``segment_id`` (and
        ``persona_id``): joined onto pandas data for rules with a segment or persona.

    Returns
    -------
    (dict, dict)
        ``rule id -> Figure`` and ``source -> engine name`` ("duckdb" or "spark").
    """
    by_source: dict[str, list[EvidenceRule]] = {"events": [], "survey": [], "feedback": []}
    for rule in rules:
        by_source[rule.source].append(rule)
    data = {"events": events, "survey": survey, "feedback": feedback}
    figures: dict[str, Figure] = {}
    engines: dict[str, str] = {}
    for source, group in by_source.items():
        if not group:
            continue
        frame = data[source]
        if frame is None:
            problem = t(f"living_map.problem.no_{source}")
            figures.update({r.id: Figure(problem=problem) for r in group})
            continue
        wanted = {
            c
            for r in group
            if (f := _segment_filter(r, project)) is not None
            for c in (f[0], "segment_id")
        }
        frame = _with_segments(frame, customers, wanted)
        if source == "events":
            with open_events(frame, need=("customer_id", "timestamp"), name=source) as ev:
                figures.update(_event_figures(ev, group, project))
                engines[source] = ev.dialect.name
            continue
        if source == "feedback":
            frame = prepare_feedback(frame)
            time_col = _time_column(frame, ("received", "timestamp", "date"))
        else:
            time_col = _time_column(frame, ("timestamp", "received", "date"))
        with open_events(frame, need=(), name=source) as ev:
            compute = _survey_figures if source == "survey" else _feedback_figures
            figures.update(compute(ev, group, project, time_col))
            engines[source] = ev.dialect.name
    return figures, engines
