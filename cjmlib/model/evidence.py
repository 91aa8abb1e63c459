"""The living map's data model: evidence rules on the map's claims and verification records.

A journey map makes claims: a touchpoint frustrates (its emotion), a touchpoint is a
moment of truth, a pain point exists, a hypothesis holds, a KPI is on track. An
:class:`EvidenceRule` says which figure in the data would support one claim — a metric
on the event log, the survey or the feedback, a comparison and a threshold, optionally
for one segment or persona — and how long a confirmation stays good (drift tolerance,
review interval).

A :class:`Verification` is one run of every rule against the data of that day: per rule
a :class:`RuleResult` with the figure, its interval, the status and the reason. The
workbook keeps every verification, so a later review can show what changed (see
:func:`cjmlib.analytics.compare_verifications`).

Units of the figures (and so of ``threshold`` and ``drift_tolerance``):

==================  ===========================================================  =========
metric              figure                                                       unit
==================  ===========================================================  =========
``drop_off``        customers who reached ``step_from`` but never ``step_to``      % (0–100)
                    at or after it, of all who reached ``step_from``
``switch_share``    customers whose events are both online and offline (or         % (0–100)
                    mobile and desktop), of all customers with such events
``time_between``    median time from the first ``step_from`` to the first          hours
                    ``step_to`` at or after it
``nps``             Net Promoter Score of the survey answers                       points
                                                                                   (−100–100)
``csat``            share of CSAT answers 4 or 5 (1–5 scale)                        % (0–100)
``ces``             mean CES answer (1–7 scale, 7 = very easy)                     1–7
``theme_share``     share of feedback items tagged with ``theme``                   % (0–100)
==================  ===========================================================  =========
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Annotated, Final, Literal

from pydantic import Field, ValidationInfo, model_validator

from cjmlib.errors import CJMError
from cjmlib.messages import t
from cjmlib.model.base import CJMModel, new_id
from cjmlib.model.common import NonEmpty, Text

ClaimKind = Literal["emotion", "moment_of_truth", "pain_point", "hypothesis", "kpi"]
CLAIM_KINDS: tuple[str, ...] = ClaimKind.__args__  # type: ignore[attr-defined]
MetricKind = Literal[
    "drop_off", "switch_share", "time_between", "nps", "csat", "ces", "theme_share"
]
METRICS: tuple[str, ...] = MetricKind.__args__  # type: ignore[attr-defined]
Comparison = Literal[">=", ">", "<=", "<"]
COMPARISONS: tuple[str, ...] = Comparison.__args__  # type: ignore[attr-defined]
StepColumn = Literal["touchpoint_id", "touchpoint", "phase", "channel"]
SwitchKind = Literal["online", "device"]
Status = Literal["bestätigt", "widerlegt", "veraltet", "ohne Beleg"]
#: The statuses in the order a review should look at them (most urgent first).
STATUSES: tuple[str, ...] = ("widerlegt", "veraltet", "ohne Beleg", "bestätigt")
CONFIRMED: Final = "bestätigt"
REFUTED: Final = "widerlegt"
STALE: Final = "veraltet"
UNEVIDENCED: Final = "ohne Beleg"
#: An ASCII code per status (message keys, CSS classes, chart fields).
STATUS_CODE: dict[str, str] = {
    CONFIRMED: "confirmed",
    REFUTED: "refuted",
    STALE: "stale",
    UNEVIDENCED: "unevidenced",
}
Reason = Literal[
    "holds",  # the figure meets the threshold
    "fails",  # the figure misses the threshold
    "drift",  # meets it, but moved more than the tolerance since the last confirmation
    "old_data",  # meets it, but the newest data behind it is older than the review interval
    "overdue",  # the last verification is older than the review interval
    "too_few",  # fewer than ``min_n`` answers/customers behind the figure
    "no_data",  # nothing in the data the rule can count
    "problem",  # the rule cannot be computed on this data (``problem`` says why)
    "no_rule",  # the claim has no rule at all
]

#: Where a metric's figure comes from.
METRIC_SOURCE: dict[str, str] = {
    "drop_off": "events",
    "switch_share": "events",
    "time_between": "events",
    "nps": "survey",
    "csat": "survey",
    "ces": "survey",
    "theme_share": "feedback",
}
#: Allowed range of a metric's figure (and so of its threshold).
METRIC_RANGE: dict[str, tuple[float, float | None]] = {
    "drop_off": (0.0, 100.0),
    "switch_share": (0.0, 100.0),
    "time_between": (0.0, None),
    "nps": (-100.0, 100.0),
    "csat": (0.0, 100.0),
    "ces": (1.0, 7.0),
    "theme_share": (0.0, 100.0),
}
#: Metrics whose figure is a share of customers, answers or feedback items (Wilson).
SHARE_METRICS = frozenset({"drop_off", "switch_share", "csat", "theme_share"})
#: Fields that define what a rule measures; a changed one makes old figures incomparable.
BASIS_FIELDS = ("metric", "by", "step_from", "step_to", "switch_kind", "touchpoint_id", "theme")


def _rule_error(key: str, rule: EvidenceRule, field: str, **params: object) -> CJMError:
    return CJMError(
        t(f"living_map.rule.{key}", title=rule.title, **params),
        field=field,
        value=getattr(rule, field, None),
    )


class EvidenceRule(CJMModel):
    """Which figure in the data would support one claim of the map.

    Examples
    --------
    >>> EvidenceRule(                                   # doctest: +SKIP
    ...     title="An der Kasse bricht jeder Dritte ab",
    ...     claim="pain_point", target="pp-checkout",
    ...     metric="drop_off", step_from="tp-warenkorb", step_to="tp-kasse",
    ...     comparison=">=", threshold=30, drift_tolerance=5, review_days=180)
    """

    @classmethod
    def value_labels(cls) -> dict[str, dict[str, str]]:
        """The kind of claim and the figure in the trainee's words."""
        return {
            "claim": {kind: t(f"living_map.claim.{kind}") for kind in CLAIM_KINDS},
            "metric": {metric: t(f"living_map.metric.{metric}") for metric in METRICS},
        }

    _label_key = "evidencerule"
    id: str = Field(default_factory=lambda: new_id("rule"))
    title: NonEmpty
    claim: ClaimKind
    target: NonEmpty
    metric: MetricKind
    by: StepColumn = "touchpoint_id"
    step_from: Annotated[str, Field(max_length=500)] = ""
    step_to: Annotated[str, Field(max_length=500)] = ""
    switch_kind: SwitchKind = "online"
    touchpoint_id: Annotated[str, Field(max_length=500)] = ""
    theme: Annotated[str, Field(max_length=500)] = ""
    comparison: Comparison = ">="
    threshold: float
    segment: Annotated[str, Field(max_length=500)] = ""
    drift_tolerance: Annotated[float, Field(ge=0)] | None = None
    review_days: Annotated[int, Field(ge=1, le=3650)] = 365
    min_n: Annotated[int, Field(ge=1, le=1_000_000)] = 30
    note: Text = ""

    @model_validator(mode="after")
    def _check_metric(self, info: ValidationInfo) -> EvidenceRule:
        # A form checks one field at a time on a blank rule (``model_construct``): the
        # cross-field checks wait until the rule is whole, and on an assignment they
        # report only a problem of the field being assigned.
        if any(not hasattr(self, f) for f in ("title", "metric", "threshold")):
            return self
        problem = self._metric_problem()
        if problem is not None and info.field_name in (None, problem.field):
            raise problem
        return self

    def _metric_problem(self) -> CJMError | None:
        metric = self.metric
        name = t(f"living_map.metric.{metric}")
        if metric in ("drop_off", "time_between"):
            missing = [f for f in ("step_from", "step_to") if not getattr(self, f)]
            if missing:
                return _rule_error("steps_missing", self, missing[0], metric=name, by=self.by)
            if self.step_from.casefold() == self.step_to.casefold():
                return _rule_error("steps_same", self, "step_to", step=self.step_from)
        if metric == "theme_share" and not self.theme:
            return _rule_error("theme_missing", self, "theme")
        lo, hi = METRIC_RANGE[metric]
        if (
            self.threshold != self.threshold
            or self.threshold < lo
            or (hi is not None and self.threshold > hi)
        ):
            allowed = (
                t("living_map.rule.range", lo=_num(lo), hi=_num(hi))
                if hi is not None
                else t("living_map.rule.range_open", lo=_num(lo))
            )
            return CJMError(
                t(
                    "living_map.rule.threshold",
                    title=self.title,
                    metric=name,
                    value=_num(self.threshold),
                    allowed=allowed,
                    unit=t(f"living_map.unit.{metric}"),
                ),
                field="threshold",
                value=self.threshold,
                allowed=allowed,
            )
        return None

    @property
    def source(self) -> str:
        """Where the figure comes from: ``"events"``, ``"survey"`` or ``"feedback"``."""
        return METRIC_SOURCE[self.metric]

    def basis(self) -> str:
        """A short key of what the rule measures (metric, steps, place, segment).

        Two figures are comparable (for the drift check) only when their rules had the
        same basis; a rule whose threshold changed keeps its basis, a rule whose comparison
        turned around (``>=`` to ``<``) gets a new one.
        """
        data = {f: getattr(self, f) for f in BASIS_FIELDS}
        data["segment"] = self.segment
        # A claim turned around in a review ("at least" -> "below") is a new claim: its
        # old confirmations are no baseline. Only the downward direction is written, so
        # the basis of an upward rule is the one it had before this distinction.
        if self.comparison in ("<", "<="):
            data["direction"] = "down"
        raw = json.dumps(data, sort_keys=True, ensure_ascii=False).encode("utf-8")
        return hashlib.sha1(raw).hexdigest()[:12]

    def holds(self, value: float) -> bool:
        """Whether ``value`` meets the rule's comparison with its threshold."""
        op = self.comparison
        if op == ">=":
            return value >= self.threshold
        if op == ">":
            return value > self.threshold
        if op == "<=":
            return value <= self.threshold
        return value < self.threshold


def _num(value: float | None) -> str:
    if value is None:
        return "–"
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",").replace("-", "−")


class RuleResult(CJMModel):
    """The outcome of one rule in one verification."""

    _label_key = "ruleresult"
    rule_id: NonEmpty
    status: Status
    reason: Reason
    value: float | None = None
    low: float | None = None
    high: float | None = None
    n: Annotated[int, Field(ge=0)] = 0
    data_until: dt.date | None = None
    baseline: float | None = None
    baseline_on: dt.date | None = None
    basis: str = ""
    problem: Text = ""
    #: The rule in words as it was checked (a later review may change the rule).
    rule_text: Text = ""


class Verification(CJMModel):
    """One run of every evidence rule against the data of one day (kept in the workbook)."""

    _label_key = "verification"
    id: str = Field(default_factory=lambda: new_id("ver"))
    title: NonEmpty
    checked_on: dt.date = Field(default_factory=dt.date.today)
    checked_at: dt.datetime = Field(
        default_factory=lambda: dt.datetime.now().replace(microsecond=0)
    )
    engine: Annotated[str, Field(max_length=100)] = "duckdb"
    sources: dict[str, Annotated[str, Field(max_length=500)]] = Field(default_factory=dict)
    results: list[RuleResult] = Field(default_factory=list)

    def result(self, rule_id: str) -> RuleResult | None:
        """The result of rule ``rule_id`` in this verification (None if it was not run)."""
        for r in self.results:
            if r.rule_id == rule_id:
                return r
        return None


@dataclass(frozen=True)
class Claim:
    """One claim the map makes, with where it sits on the map.

    ``target`` is what a rule names in :attr:`EvidenceRule.target`: the id of the
    touchpoint, pain point, hypothesis or action, or the text of a goal KPI.
    """

    kind: str
    target: str
    name: str
    phase: str | None
    touchpoint_ids: tuple[str, ...] = ()


def claim_key(kind: str, target: str) -> tuple[str, str]:
    """The key that ties rules to a claim (KPI texts compared case-insensitively)."""
    return (kind, target.casefold() if kind == "kpi" else target)
