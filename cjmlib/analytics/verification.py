"""Verify the map: every evidence rule against the current data, one status per claim.

:func:`verify_map` computes every rule's figure on the engine (see
:mod:`cjmlib.analytics.evidence`), decides a status per rule and keeps the result in the
workbook as a :class:`~cjmlib.model.Verification`. The statuses:

*bestätigt*
    The figure meets the rule's threshold.
*widerlegt*
    The figure misses the threshold.
*veraltet*
    The figure meets the threshold, but (a) it moved by more than the rule's drift
    tolerance since the rule was last confirmed (same measurement basis), or (b) the
    newest data behind it is older than the rule's review interval, or (c) — when the
    statuses are read later with :func:`claim_statuses` — the verification itself is
    older than the review interval.
*ohne Beleg*
    The claim has no rule, the rule cannot be computed on the data (the result says why),
    nothing in the data counts, or fewer than the rule's ``min_n`` stand behind it.

A claim with several rules takes the most urgent status of its rules (widerlegt before
veraltet before bestätigt before ohne Beleg). :func:`compare_verifications` lists what
changed between two verifications; :func:`revisit_first` orders the claims for a review.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from typing import Any

import pandas as pd

from cjmlib.analytics._common import fmt_int, fmt_num
from cjmlib.analytics.evidence import Figure, compute_figures
from cjmlib.errors import CJMError
from cjmlib.messages import t
from cjmlib.messages.choices import unknown_choice
from cjmlib.model import (
    STATUSES,
    Claim,
    EvidenceRule,
    JourneyProject,
    RuleResult,
    Verification,
    claims_of,
)
from cjmlib.model.evidence import (
    CONFIRMED,
    REFUTED,
    SHARE_METRICS,
    STALE,
    STATUS_CODE,
    UNEVIDENCED,
    claim_key,
)
from cjmlib.model.lookup import ProjectLike, project_of

__all__ = [
    "claim_statuses",
    "compare_verifications",
    "decide_status",
    "describe_rule",
    "format_value",
    "revisit_first",
    "revisit_table",
    "verification_table",
    "verify_map",
]

#: Precedence of a claim's status when it has several rules (most urgent first).
_CLAIM_ORDER = (REFUTED, STALE, CONFIRMED, UNEVIDENCED)


# -- one rule ----------------------------------------------------------------------------------


def _last_confirmation(
    rule: EvidenceRule, history: Sequence[Verification]
) -> tuple[RuleResult, dt.date] | None:
    """The latest earlier result of ``rule`` that was *bestätigt* on the same basis."""
    basis = rule.basis()
    for record in sorted(history, key=lambda v: (v.checked_on, v.checked_at), reverse=True):
        found = record.result(rule.id)
        if (
            found is not None
            and found.status == CONFIRMED
            and found.basis == basis
            and found.value is not None
        ):
            return found, record.checked_on
    return None


def decide_status(
    rule: EvidenceRule,
    figure: Figure,
    history: Sequence[Verification],
    today: dt.date,
) -> RuleResult:
    """The result of ``rule`` for ``figure``, given the earlier verifications ``history``.

    See the module docstring for the rules; ``today`` is the day of the verification.
    """
    last = _last_confirmation(rule, history)
    base: dict[str, Any] = {
        "rule_id": rule.id,
        "value": figure.value,
        "low": figure.low,
        "high": figure.high,
        "n": figure.n,
        "data_until": figure.data_until,
        "baseline": last[0].value if last else None,
        "baseline_on": last[1] if last else None,
        "basis": rule.basis(),
    }
    value = figure.value
    if figure.problem:
        return RuleResult(**base, status=UNEVIDENCED, reason="problem", problem=figure.problem)
    if figure.n == 0 or value is None or math.isnan(value):
        return RuleResult(**base, status=UNEVIDENCED, reason="no_data")
    if figure.n < rule.min_n:
        return RuleResult(**base, status=UNEVIDENCED, reason="too_few")
    if not rule.holds(value):
        return RuleResult(**base, status=REFUTED, reason="fails")
    if (
        last is not None
        and rule.drift_tolerance is not None
        and last[0].value is not None
        and abs(value - last[0].value) > rule.drift_tolerance
    ):
        return RuleResult(**base, status=STALE, reason="drift")
    if figure.data_until is not None and figure.data_until < today - dt.timedelta(
        days=rule.review_days
    ):
        return RuleResult(**base, status=STALE, reason="old_data")
    return RuleResult(**base, status=CONFIRMED, reason="holds")


# -- the whole map -----------------------------------------------------------------------------


def _describe_source(obj: Any) -> str:
    if obj is None:
        return ""
    if isinstance(obj, pd.DataFrame):
        return t("living_map.source.frame", rows=fmt_int(len(obj)))
    name = getattr(obj, "name", None) or getattr(obj, "path", None)
    if isinstance(obj, str) or hasattr(obj, "__fspath__"):
        return str(obj)
    if name is not None and not callable(name):
        return str(getattr(name, "name", name))
    return type(obj).__name__


def verify_map(
    workbook: ProjectLike,
    *,
    events: Any = None,
    survey: Any = None,
    feedback: Any = None,
    customers: Any = None,
    title: str | None = None,
    today: dt.date | str | None = None,
    save: bool = True,
) -> Verification:
    """Check every evidence rule of the map against the data; keep the result.

    Parameters
    ----------
    workbook:
        Your workbook (``wb``) or a :class:`~cjmlib.model.JourneyProject`.
    events, survey, feedback:
        The data to check against: an event log (DataFrame, CSV/Parquet path, a
        :func:`scan_events` log, a DuckDB or Spark table), survey answers and feedback
        (DataFrame or engine table). Pass what your rules need; a rule without its data
        becomes *ohne Beleg* with a German note.
    customers:
        Customer table with ``customer_id`` and ``segment_id`` (``persona_id``), for
        rules that filter by segment or persona.
    title:
        Name of this verification, e.g. "Export Juli 2027"; default "Prüfung vom <date>".
    today:
        The day the verification counts for (default: today); the review interval is
        measured back from it.
    save:
        With a workbook: keep the verification in it (``wb.verifications``). Ignored for
        a bare project.

    Returns
    -------
    Verification
        One :class:`~cjmlib.model.RuleResult` per rule. Show it with
        :func:`verification_table`, on the map with ``journey_map_chart(wb,
        verification=...)`` and as a report with :func:`cjmlib.io.verification_report`.
    """
    project = project_of(workbook)
    rules = list(project.evidence_rules)
    if not rules:
        raise CJMError(t("living_map.error.no_rules"), field="evidence_rules")
    day = _day(today)
    figures, engines = compute_figures(
        project, rules, events=events, survey=survey, feedback=feedback, customers=customers
    )
    history = list(project.verifications)
    results = [
        decide_status(rule, figures[rule.id], history, day).copy_with(
            rule_text=describe_rule(project, rule)
        )
        for rule in rules
    ]
    sources = {
        name: _describe_source(obj)
        for name, obj in (("events", events), ("survey", survey), ("feedback", feedback))
        if obj is not None
    }
    record = Verification(
        title=title or t("living_map.verify.default_title", date=day.strftime("%d.%m.%Y")),
        checked_on=day,
        engine=", ".join(sorted(set(engines.values()))) or "–",
        sources=sources,
        results=results,
    )
    collection = getattr(workbook, "verifications", None)
    if save and not isinstance(workbook, JourneyProject) and hasattr(collection, "add"):
        return collection.add(record)  # type: ignore[union-attr, no-any-return]
    return record


def _day(value: dt.date | str | None) -> dt.date:
    if value is None:
        return dt.date.today()
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise CJMError(
            t("living_map.error.bad_date", value=value), field="today", value=value
        ) from None


def _latest(project: JourneyProject) -> Verification | None:
    if not project.verifications:
        return None
    return max(project.verifications, key=lambda v: (v.checked_on, v.checked_at))


def pick_verification(project: JourneyProject, which: Any) -> Verification | None:
    """The verification meant by ``which``: a record, its id or title (the latest of that
    title), or None = the latest of all."""
    if which is None or which is True:
        return _latest(project)
    if isinstance(which, Verification):
        return which
    # A title may repeat (the same export checked twice): the latest run counts.
    found = [v for v in project.verifications if which in (v.id, v.title)]
    if found:
        return max(found, key=lambda v: (v.checked_on, v.checked_at))
    allowed = ", ".join(f"{v.title} ({v.id})" for v in project.verifications) or t(
        "allowed.none_yet"
    )
    raise unknown_choice(
        "living_map.error.unknown_verification", allowed=allowed, value=which, field="verification"
    )


# -- reading the results -----------------------------------------------------------------------


def _overdue(result: RuleResult, rule: EvidenceRule, checked_on: dt.date, today: dt.date) -> bool:
    return result.status == CONFIRMED and checked_on < today - dt.timedelta(days=rule.review_days)


def claim_statuses(
    workbook: ProjectLike, verification: Any = None, *, today: dt.date | str | None = None
) -> list[dict[str, Any]]:
    """One entry per claim of the map with its status after ``verification``.

    ``verification`` is a record, its id or title, or None for the latest one; with
    ``today`` a confirmation older than the rule's review interval counts as *veraltet*
    (reason ``"overdue"``). Each entry holds ``claim`` (:class:`~cjmlib.model.Claim`),
    ``status``, ``reason``, ``rules`` (the rules of the claim) and ``results``.
    """
    project = project_of(workbook)
    record = pick_verification(project, verification)
    day = _day(today) if today is not None else None
    rules_of: dict[tuple[str, str], list[EvidenceRule]] = {}
    for rule in project.evidence_rules:
        rules_of.setdefault(claim_key(rule.claim, rule.target), []).append(rule)
    out: list[dict[str, Any]] = []
    for claim in claims_of(project):
        rules = rules_of.get(claim_key(claim.kind, claim.target), [])
        results: list[RuleResult] = []
        for rule in rules:
            found = record.result(rule.id) if record is not None else None
            if found is None:
                found = RuleResult(rule_id=rule.id, status=UNEVIDENCED, reason="no_data")
            elif (
                record is not None
                and day is not None
                and _overdue(found, rule, record.checked_on, day)
            ):
                found = found.copy_with(status=STALE, reason="overdue")
            results.append(found)
        if not results:
            status, reason = UNEVIDENCED, "no_rule"
        else:
            best = min(results, key=lambda r: _CLAIM_ORDER.index(r.status))
            status, reason = best.status, best.reason
        out.append(
            {"claim": claim, "status": status, "reason": reason, "rules": rules, "results": results}
        )
    return out


def format_value(metric: str, value: float | None) -> str:
    """A figure in German: "34,2 %", "+12", "4,3", "26,5 Std."."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if metric in SHARE_METRICS:
        return f"{fmt_num(value)} %"
    if metric == "nps":
        sign = "+" if value > 0 else "−" if value < 0 else ""
        return sign + fmt_num(abs(value))
    if metric == "time_between":
        return t("living_map.format.hours", value=fmt_num(value))
    return fmt_num(value)


def format_delta(metric: str, delta: float | None, *, sign: bool = False) -> str:
    """A difference of two figures: shares in percentage points ("+1,0 Pp."), else as the
    figure ("+0,2", "+3,5 Std.")."""
    if delta is None or (isinstance(delta, float) and math.isnan(delta)):
        return "–"
    mark = ("+" if delta > 0 else "−" if delta < 0 else "±") if sign else ""
    if metric in SHARE_METRICS:
        return mark + t("living_map.format.points", value=fmt_num(abs(delta)))
    return mark + format_value(metric, abs(delta)).lstrip("+−")


def format_interval(metric: str, low: float | None, high: float | None) -> str:
    """ "31,0–37,5 %" or "–" when there is no interval."""
    if low is None or high is None:
        return "–"
    return f"{format_value(metric, low)} – {format_value(metric, high)}"


def _step_name(project: JourneyProject, rule: EvidenceRule, step: str) -> str:
    if rule.by == "touchpoint_id":
        for tp in project.touchpoints:
            if tp.id == step:
                return tp.name
    if rule.by == "phase":
        return project.phase_model.name_of(step)
    return step


def describe_rule(project: JourneyProject, rule: EvidenceRule) -> str:
    """The rule in words, e.g. "Abbruch von „Warenkorb“ bis „Kasse“ ≥ 30 %"."""
    where = ""
    if rule.touchpoint_id:
        names = {tp.id: tp.name for tp in project.touchpoints}
        where = t("living_map.describe.at", place=names.get(rule.touchpoint_id, rule.touchpoint_id))
    if rule.metric in ("drop_off", "time_between"):
        what = t(
            f"living_map.describe.{rule.metric}",
            a=_step_name(project, rule, rule.step_from),
            b=_step_name(project, rule, rule.step_to),
        )
    elif rule.metric == "switch_share":
        what = t(f"living_map.describe.switch_{rule.switch_kind}")
    elif rule.metric == "theme_share":
        what = t("living_map.describe.theme_share", theme=rule.theme)
    else:
        what = t(f"living_map.metric.{rule.metric}")
    # Strict comparisons in words: "<" and ">" do not survive every label cleaner.
    op = {">=": "≥", "<=": "≤"}.get(rule.comparison) or t(
        f"living_map.describe.{'above' if rule.comparison == '>' else 'below'}"
    )
    text = f"{what}{where} {op} {format_value(rule.metric, rule.threshold)}"
    if rule.segment:
        groups = {s.id: s.name for s in project.segments}
        groups.update({p.id: p.name for p in project.personas})
        text += t("living_map.describe.segment", name=groups.get(rule.segment, rule.segment))
    return text


def reason_text(result: RuleResult, rule: EvidenceRule | None) -> str:
    """Why a result has its status, in German (with the figures it compares)."""
    metric = rule.metric if rule is not None else ""
    if result.reason == "problem":
        return result.problem
    params = {
        "value": format_value(metric, result.value),
        "baseline": format_value(metric, result.baseline),
        "baseline_on": result.baseline_on.strftime("%d.%m.%Y") if result.baseline_on else "–",
        "tolerance": format_delta(metric, rule.drift_tolerance) if rule else "–",
        "days": rule.review_days if rule else "–",
        "until": result.data_until.strftime("%d.%m.%Y") if result.data_until else "–",
        "n": fmt_int(result.n),
        "min_n": rule.min_n if rule else "–",
    }
    return t(f"living_map.reason.{result.reason}", **params)


def _rules_by_id(project: JourneyProject) -> dict[str, EvidenceRule]:
    return {r.id: r for r in project.evidence_rules}


def _claim_name(project: JourneyProject, rule: EvidenceRule) -> str:
    for claim in claims_of(project):
        if claim_key(claim.kind, claim.target) == claim_key(rule.claim, rule.target):
            return claim.name
    return rule.target


TABLE_KEYS = (
    "claim",
    "kind",
    "title",
    "rule",
    "value",
    "interval",
    "n",
    "status",
    "reason",
    "data_until",
)


def verification_table(workbook: ProjectLike, verification: Any = None) -> pd.DataFrame:
    """The results of a verification as a German table, most urgent first.

    One row per rule: claim, kind of claim, the rule's title and what it measures, the
    figure with its 95 %
    interval and count, the status and why, the date of the newest data.
    """
    project = project_of(workbook)
    record = pick_verification(project, verification)
    rules = _rules_by_id(project)
    rows = []
    for result in record.results if record is not None else []:
        rule = rules.get(result.rule_id)
        if rule is None:
            continue
        rows.append(
            {
                "claim": _claim_name(project, rule),
                "kind": t(f"living_map.claim.{rule.claim}"),
                "title": rule.title,
                "rule": result.rule_text or describe_rule(project, rule),
                "value": format_value(rule.metric, result.value),
                "interval": format_interval(rule.metric, result.low, result.high),
                "n": fmt_int(result.n),
                "status": result.status,
                "reason": reason_text(result, rule),
                "data_until": result.data_until.strftime("%d.%m.%Y") if result.data_until else "–",
                "_order": STATUSES.index(result.status),
            }
        )
    frame = pd.DataFrame(rows, columns=[*TABLE_KEYS, "_order"])
    frame = frame.sort_values("_order", kind="stable").drop(columns="_order")
    frame = frame.rename(columns={k: t(f"living_map.table.{k}") for k in TABLE_KEYS})
    frame = frame.reset_index(drop=True)
    counts = {s: int((frame[t("living_map.table.status")] == s).sum()) for s in STATUSES}
    title = "–"
    if record is not None:
        date = record.checked_on.strftime("%d.%m.%Y")
        title = record.title if date in record.title else f"{record.title} ({date})"
    frame.attrs["explanation"] = t(
        "living_map.table.summary", title=title, **{STATUS_CODE[k]: v for k, v in counts.items()}
    )
    return frame


COMPARE_KEYS = (
    "claim",
    "rule",
    "status_before",
    "status_after",
    "value_before",
    "value_after",
    "change",
    "verdict",
)


def compare_verifications(workbook: ProjectLike, before: Any, after: Any = None) -> pd.DataFrame:
    """What changed between two verifications: one row per rule, changed ones first.

    ``before`` and ``after`` are records, ids or titles; ``after=None`` is the latest.
    Columns (German): claim, rule, status before/after, value before/after, the change of
    the value and a verdict ("neu widerlegt", "neu veraltet", "wieder bestätigt",
    "unverändert", ...).
    """
    project = project_of(workbook)
    old = pick_verification(project, before)
    new = pick_verification(project, after)
    if old is None or new is None:
        raise CJMError(t("living_map.error.nothing_to_compare"), field="before")
    rules = _rules_by_id(project)
    ids = list(dict.fromkeys([r.rule_id for r in new.results] + [r.rule_id for r in old.results]))
    rows = []
    for rule_id in ids:
        a, b = old.result(rule_id), new.result(rule_id)
        rule = rules.get(rule_id)
        metric = rule.metric if rule else ""
        sa = a.status if a else "–"
        sb = b.status if b else "–"
        va = a.value if a else None
        vb = b.value if b else None
        if a is None:
            verdict = t("living_map.compare.new_rule")
        elif b is None:
            verdict = t("living_map.compare.gone_rule")
        elif sa == sb:
            verdict = t("living_map.compare.same")
        else:
            verdict = t(f"living_map.compare.now_{STATUS_CODE[sb]}")
        change = "–"
        if va is not None and vb is not None and a is not None and b is not None:
            same_basis = a.basis == b.basis
            change = (
                format_delta(metric, vb - va, sign=True)
                if same_basis
                else t("living_map.compare.other_basis")
            )
        rows.append(
            {
                "claim": _claim_name(project, rule) if rule else rule_id,
                "rule": (b.rule_text if b else "")
                or (describe_rule(project, rule) if rule else "–"),
                "status_before": sa,
                "status_after": sb,
                "value_before": format_value(metric, va),
                "value_after": format_value(metric, vb),
                "change": change,
                "verdict": verdict,
                "_changed": int(sa == sb),
                "_order": STATUSES.index(sb) if sb in STATUSES else len(STATUSES),
            }
        )
    frame = pd.DataFrame(rows, columns=[*COMPARE_KEYS, "_changed", "_order"])
    frame = frame.sort_values(["_changed", "_order"], kind="stable")
    changed = int((frame["_changed"] == 0).sum())
    frame = frame.drop(columns=["_changed", "_order"]).reset_index(drop=True)
    frame = frame.rename(columns={k: t(f"living_map.compare.{k}") for k in COMPARE_KEYS})
    frame.attrs.update(
        changed=changed,
        explanation=t(
            "living_map.compare.summary",
            before=old.title,
            after=new.title,
            changed=changed,
            total=len(frame),
        ),
    )
    return frame


def revisit_first(
    workbook: ProjectLike, verification: Any = None, *, today: dt.date | str | None = None
) -> list[dict[str, Any]]:
    """The claims in the order a review should take them, each with what to do.

    Refuted claims first (the map says something the data contradicts), then stale ones,
    then claims without evidence (moments of truth and pain points before the rest),
    confirmed claims last. Each entry of :func:`claim_statuses` gains ``todo`` (German).
    """
    entries = claim_statuses(workbook, verification, today=today)
    weight = {"moment_of_truth": 0, "pain_point": 1, "emotion": 2, "kpi": 3, "hypothesis": 4}
    for entry in entries:
        status, reason = entry["status"], entry["reason"]
        key = reason if status == UNEVIDENCED else STATUS_CODE[status]
        entry["todo"] = t(
            f"living_map.todo.{key}", kind=t(f"living_map.claim.{entry['claim'].kind}")
        )
    return sorted(
        entries,
        key=lambda e: (STATUSES.index(e["status"]), weight.get(e["claim"].kind, 9)),
    )


def claim_phase_name(project: JourneyProject, claim: Claim) -> str:
    """The name of the phase a claim sits in, or "–" when it has none."""
    return project.phase_model.name_of(claim.phase) if claim.phase else "–"


def claim_reason(entry: dict[str, Any]) -> str:
    """Why a claim of :func:`claim_statuses` has its status: the text of its most urgent rule."""
    pairs = list(zip(entry["rules"], entry["results"], strict=True))
    if not pairs:
        return t("living_map.reason.no_rule")
    rule, result = min(pairs, key=lambda p: STATUSES.index(p[1].status))
    return reason_text(result, rule)


REVISIT_KEYS = ("status", "kind", "claim", "phase", "why", "todo")


def revisit_rows(project: JourneyProject, entries: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Entries of :func:`revisit_first` as plain German texts: status, kind, claim, phase,
    why and what to do (the rows of :func:`revisit_table` and of the report)."""
    return [
        {
            "status": e["status"],
            "kind": t(f"living_map.claim.{e['claim'].kind}"),
            "claim": e["claim"].name,
            "phase": claim_phase_name(project, e["claim"]),
            "why": claim_reason(e),
            "todo": e["todo"],
        }
        for e in entries
    ]


def revisit_table(
    workbook: ProjectLike,
    verification: Any = None,
    *,
    today: dt.date | str | None = None,
    with_unruled: bool = False,
) -> pd.DataFrame:
    """The claims in the order a review takes them, as a German table (see :func:`revisit_first`).

    One row per claim: status, kind of claim, the claim, its phase, why it has its status
    and what to do. Claims without any rule are left out unless ``with_unruled``: a map has
    many of them, and the report lists them apart.
    """
    project = project_of(workbook)
    record = pick_verification(project, verification)
    entries = [
        e
        for e in revisit_first(project, record, today=today)
        if with_unruled or e["reason"] != "no_rule"
    ]
    frame = pd.DataFrame(revisit_rows(project, entries), columns=list(REVISIT_KEYS))
    frame = frame.rename(columns={k: t(f"living_review.revisit.{k}") for k in REVISIT_KEYS})
    counts = {s: sum(1 for e in entries if e["status"] == s) for s in STATUSES}
    title = record.title if record is not None else "–"
    frame.attrs["explanation"] = t(
        "living_map.table.summary", title=title, **{STATUS_CODE[k]: v for k, v in counts.items()}
    )
    return frame
