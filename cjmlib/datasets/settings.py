"""Typed models of an industry's data files beside the workbook content.

The workbook content (``project.yaml``, ``touchpoints.yaml`` ...) is validated by the
workbook's own models (:mod:`cjmlib.model`). The files here describe what the workbook
does not hold: the industry's entry in the catalogue (``industry.yaml``), how simulated
customers behave (``simulation.yaml``) and which comment texts they write
(``comments.yaml`` plus the shared ``comment_phrases.yaml``).

Every default is a visible field, and an unknown key is an error (``extra="forbid"``),
so a misspelled setting cannot be silently ignored.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from cjmlib.datasets.schema import AgeBand, CitySize, OnlineDevice, Region

Probability = Annotated[float, Field(ge=0, le=1)]
Weight = Annotated[float, Field(ge=0)]
Name = Annotated[str, Field(min_length=1)]

#: Regions of customers when an industry gives none (order matters: it is drawn from).
DEFAULT_REGIONS: dict[Region, float] = {"Süd": 0.34, "West": 0.30, "Nord": 0.20, "Ost": 0.16}


class ContentModel(BaseModel):
    """Base of the data-file models: strict keys, no changes after loading."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    #: key of the model's German name in ``content_data.model.*`` (for error messages).
    _label_key: ClassVar[str]


# -- industry.yaml ---------------------------------------------------------------------


class Translated(ContentModel):
    """A short text in every language of the message catalogue."""

    _label_key = "translated"
    de: Name
    en: Name


class CaseExport(ContentModel):
    """A raw export of the case company, as a system hands it out (chapter 5)."""

    _label_key = "case_export"
    #: file name below ``chapters/daten/``.
    file: Name
    #: column of the event log -> column name in the file.
    columns: dict[str, Name]
    #: touchpoint names of the file, in the order the chapter's funnel counts them.
    funnel: list[Name] = Field(min_length=2)


class DemoRule(ContentModel):
    """An evidence rule chapter 10's demo adds to the case's map (see RuleDemo)."""

    _label_key = "demo_rule"
    #: the rule's title, e.g. "Der Checkout kostet Mühe".
    title: Name
    #: the claim's entry: a touchpoint id (survey and builder rule) or a pain point id.
    target: Name
    #: the touchpoint whose answers or comments count.
    touchpoint_id: Name
    threshold: float
    #: the comment theme (feedback rule only).
    theme: str = ""
    #: fewest answers or comments that count (cjmlib.model.EvidenceRule's default: 30).
    min_n: Annotated[int, Field(ge=1)] = 30


class RuleDemo(ContentModel):
    """Chapter 10's evidence-rule demo on the case's own map.

    The chapter writes the kind of each rule (claim, metric, comparison) into its code and
    takes the entries and figures from here; every rule holds on the case's first export
    (the chapter says so, a test checks it).
    """

    _label_key = "rule_demo"
    #: a touchpoint with a negative emotion whose CES lies below ``threshold``
    #: (claim "emotion", metric "ces", comparison "<").
    survey: DemoRule
    #: a pain point whose touchpoint's comments carry ``theme`` in at least ``threshold`` %
    #: (claim "pain_point", metric "theme_share", comparison ">=").
    feedback: DemoRule
    #: a moment of truth whose CSAT is at least ``threshold`` %, added in the rule builder
    #: (claim "moment_of_truth", metric "csat", comparison ">=").
    builder: DemoRule


class CaseTrack(ContentModel):
    """What the chapters need to tell one industry's case in its own words.

    Every chapter follows the industry the trainee picked on the start page; the names a
    chapter shows (company, product words, the steps of a demo) come from here, never from
    sentences written into the notebooks.
    """

    _label_key = "case_track"
    #: the case company as the chapters name it, e.g. "Gipfelglück Outdoor".
    company: Name
    #: the company in a file name (lower case ASCII), e.g. "gipfelglueck".
    slug: Annotated[str, Field(pattern=r"^[a-z0-9_]+$")]
    #: words that belong to this case only (product, places, brands); the tests check
    #: that no other industry's track ever shows them.
    words: list[Name] = Field(min_length=1)
    #: two touchpoint ids of the last steps before the purchase (chapter 7's funnel by device).
    purchase_steps: list[Name] = Field(min_length=2)
    #: names of the two variants in chapter 9's A/B test (before, after).
    test_variants: tuple[Name, Name]
    #: the solution chapter 12 marks as done in its review demo.
    review_solution: Name
    #: a touchpoint chapter 12 adds in its review demo (fields of cjmlib.model.Touchpoint).
    new_touchpoint: dict[str, str | bool | int]
    #: chapter 5's raw export.
    export: CaseExport
    #: chapter 10's evidence-rule demo.
    rule_demo: RuleDemo


class IndustryInfo(ContentModel):
    """The industry's entry in the catalogue of sample data."""

    _label_key = "industry"
    #: position in lists of industries (the running case comes first).
    order: int
    #: name of the industry, e.g. "Einzelhandel"; the German one is the workbook's ``industry``.
    name: Translated
    #: one line about the case company and its journey.
    case: Translated
    #: phase id where the case story loses the largest share of customers (tests check it).
    biggest_leak: Name
    #: what the chapters need to tell this industry's case (the industry track).
    track: CaseTrack


# -- chapter_texts.yaml ------------------------------------------------------------------

#: a chapter of the course: "00" ... "13" (the start page is "00", the primer "00b").
ChapterNumber = Annotated[str, Field(pattern=r"^[0-9]{2}b?$")]
#: the name of one text within a chapter, e.g. "blueprint".
TextKey = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]


class ChapterTexts(ContentModel):
    """The sentences of the chapters that tell one industry's case in its own words.

    A chapter's Markdown teaches the method and holds for every industry. Where the story
    needs the concrete case (a persona, the company, a product), a code cell shows one of
    these texts (:meth:`cjmlib.course.Case.tell`). Every industry has the same chapters and
    keys, so a chapter finds its text whichever industry the trainee picked.
    """

    _label_key = "chapter_texts"
    #: chapter -> text key -> Markdown naming this industry's case.
    chapters: dict[ChapterNumber, dict[TextKey, Name]] = Field(min_length=1)

    def keys(self) -> set[str]:
        """Every text as ``"<chapter>.<key>"``, e.g. ``"00.blueprint"``."""
        return {f"{chapter}.{key}" for chapter, texts in self.chapters.items() for key in texts}

    def text(self, key: str) -> str | None:
        """The text ``"<chapter>.<key>"``, or None when this industry has none."""
        chapter, _, name = key.partition(".")
        return self.chapters.get(chapter, {}).get(name)


# -- simulation.yaml -------------------------------------------------------------------


class PurchaseValue(ContentModel):
    """Revenue of one purchase: log-normal, ``exp(log_mean)`` is the median in EUR."""

    _label_key = "purchase_value"
    log_mean: float
    log_sd: Annotated[float, Field(ge=0)]


class SegmentBehaviour(ContentModel):
    """How the customers of one workbook segment behave."""

    _label_key = "segment_behaviour"
    #: relative number of customers in the segment.
    share: Weight
    #: device a customer starts on (weights).
    devices: dict[OnlineDevice, Weight] = Field(min_length=1)
    #: chance to go on from each phase to the next (one value per step between phases).
    advance: list[Probability] = Field(min_length=1)
    #: purchase route (a key of ``routes``) -> weight.
    routes: dict[str, Weight] = Field(min_length=1)
    purchase_value: PurchaseValue
    #: chance to buy again after a first purchase (before touchpoint ``repeat_boost``).
    repeat: Probability
    #: mean number of extra touchpoint visits per phase (Poisson), beside the first one.
    extra_visits: Annotated[float, Field(ge=0)]
    #: shift of survey answers and comments: above 0 happier, below 0 more critical.
    mood: float
    age_bands: dict[AgeBand, Weight] = Field(min_length=1)
    city_sizes: dict[CitySize, Weight] = Field(min_length=1)


class TouchpointBehaviour(ContentModel):
    """How often a touchpoint is visited and what a visit changes."""

    _label_key = "touchpoint_behaviour"
    #: visit weight within its phase; 0 means "only as a step of a purchase route".
    weight: Weight = 1.0
    #: raises (or lowers) the chance to go on to the next phase after a visit.
    advance_boost: float = 0.0
    #: added to the chance to buy again when the customer visited this touchpoint.
    repeat_boost: float = 0.0
    #: share of visits that are followed by a survey answer.
    survey_rate: Probability = 0.075
    #: touchpoint id that always follows a visit right away (e.g. the waiting loop).
    followed_by: str | None = None


class Route(ContentModel):
    """A purchase route: touchpoints in order; the last step is the purchase."""

    _label_key = "route"
    steps: list[Name] = Field(min_length=1)
    #: chance that the purchase step is reached once the route is started.
    complete: Probability
    #: touchpoint id -> chance that it is visited before the purchase.
    optional: dict[str, Probability] = Field(default_factory=dict)
    #: device -> chance that an online purchase happens on it instead.
    purchase_device: dict[OnlineDevice, Probability] = Field(default_factory=dict)
    #: touchpoints of the next phase that follow a completed purchase.
    after: list[Name] = Field(default_factory=list)
    #: revenue of the purchase; none: the segment's ``purchase_value``.
    purchase_value: PurchaseValue | None = None


class RepeatPurchases(ContentModel):
    """How customers come back after their first purchase."""

    _label_key = "repeat_purchases"
    #: mean days between two purchases.
    gap_days: Annotated[float, Field(gt=0)]
    #: phase whose touchpoints a returning customer may visit first (none: straight to buying).
    browse_phase: str | None = None
    #: route -> weight for repeat purchases; empty: the segment's own ``routes``.
    routes: dict[str, Weight] = Field(default_factory=dict)
    #: routes that only returning customers take (e.g. opening a savings account).
    extra_routes: dict[str, Route] = Field(default_factory=dict)


class SimulationSettings(ContentModel):
    """Everything the simulation of one industry's customers needs beside the workbook."""

    _label_key = "simulation"
    #: seed of the random generator: the same seed gives the same tables.
    seed: int
    customers: Annotated[int, Field(gt=0)]
    start: dt.date
    end: dt.date
    #: first letter(s) of customer ids, e.g. "G" -> "G000001".
    customer_prefix: Name
    #: phase of the purchase routes (its touchpoints are visited only on routes).
    purchase_phase: Name
    regions: dict[Region, Weight] = Field(default_factory=lambda: dict(DEFAULT_REGIONS))
    #: workbook segment id -> behaviour (every segment of the workbook, no other).
    segments: dict[str, SegmentBehaviour] = Field(min_length=1)
    #: touchpoint id -> behaviour; a touchpoint not listed gets the defaults.
    touchpoints: dict[str, TouchpointBehaviour] = Field(default_factory=dict)
    routes: dict[str, Route] = Field(min_length=1)
    #: phase id -> mean hours between two events in that phase (every phase).
    gap_hours: dict[str, Annotated[float, Field(gt=0)]]
    repeat: RepeatPurchases

    def behaviour(self, touchpoint_id: str) -> TouchpointBehaviour:
        """Return the behaviour of ``touchpoint_id`` (the defaults when it is not listed)."""
        return self.touchpoints.get(touchpoint_id, _DEFAULT_BEHAVIOUR)

    def all_routes(self) -> dict[str, Route]:
        """Return the purchase routes and the routes only returning customers take."""
        return {**self.routes, **self.repeat.extra_routes}


_DEFAULT_BEHAVIOUR = TouchpointBehaviour()


# -- periods/<key>.yaml: a later data period of the same case ---------------------------------


class UnmappedTouchpoint(ContentModel):
    """A touchpoint customers use in a period that the workbook's map does not show.

    It appears in the period's event log (a "hidden touchpoint" to find in the data) but
    never in the shipped workbook.
    """

    _label_key = "unmapped_touchpoint"
    name: Name
    phase: Name
    channel: Name
    online: bool = True
    #: devices as in the workbook ("Smartphone, Desktop"), or the one offline device.
    device: str = ""
    #: how customers feel there (-2..+2); it shapes their survey answers and comments.
    emotion: Annotated[int, Field(ge=-2, le=2)] = 0
    behaviour: TouchpointBehaviour = TouchpointBehaviour()


class ReviewFinding(ContentModel):
    """What the review of the later period finds about one evidence rule, and why.

    Chapter 12 shows the text beside the status the verification really gives; the tests
    check that the period's data give ``status``.
    """

    _label_key = "review_finding"
    #: id of the evidence rule (``evidence_rules.yaml``).
    rule: Name
    #: the status the verification on this period gives the rule.
    status: Literal["widerlegt", "veraltet", "bestätigt"]
    #: why, in the case's words; ``{wert}`` and ``{vorher}`` become the figure now and at
    #: the last confirmation (formatted like the verification table).
    text: Name


class ReviewChange(ContentModel):
    """One change of the workbook a review decides: an update of an entry, or a new one."""

    _label_key = "review_change"
    #: the workbook collection, e.g. ``touchpoints`` or ``evidence_rules``.
    collection: Name
    #: the entry to change; empty: ``fields`` make a new entry.
    id: str = ""
    #: field -> new value (the fields of the collection's model in cjmlib.model).
    fields: dict[str, str | int | float | bool | list[str]] = Field(min_length=1)


class ReviewDecision(ContentModel):
    """One decision of the review: what the team decides, and the changes it makes."""

    _label_key = "review_decision"
    text: Name
    changes: list[ReviewChange] = Field(default_factory=list)


class PeriodReview(ContentModel):
    """The review of the map against this period, as chapter 12 tells it for the case."""

    _label_key = "period_review"
    #: the rules the review looks at first (refuted and stale ones), in this order.
    findings: list[ReviewFinding] = Field(min_length=1)
    #: what the team decides; applying all changes leaves no rule refuted.
    decisions: list[ReviewDecision] = Field(min_length=1)


class Period(ContentModel):
    """A later data period of the case: what changed against ``simulation.yaml``.

    The workbook stays as shipped (the map the trainee reviews); only the lived journey
    changes. Everything not named here is as in ``simulation.yaml``.
    """

    _label_key = "period"
    name: Translated
    seed: int
    start: dt.date
    end: dt.date
    #: first letter(s) of the period's customer ids (other than the first period's).
    customer_prefix: Name
    #: number of customers; none: as in ``simulation.yaml``.
    customers: Annotated[int, Field(gt=0)] | None = None
    #: touchpoint id -> its behaviour in this period (replaces the first period's).
    touchpoints: dict[str, TouchpointBehaviour] = Field(default_factory=dict)
    #: touchpoint id -> how customers now feel there (-2..+2), instead of the map's emotion.
    experience: dict[str, Annotated[int, Field(ge=-2, le=2)]] = Field(default_factory=dict)
    #: route key -> the route in this period (replaces the first period's).
    routes: dict[str, Route] = Field(default_factory=dict)
    #: touchpoint id -> a touchpoint the data show but the map does not.
    unmapped: dict[str, UnmappedTouchpoint] = Field(default_factory=dict)
    #: the review of the map against this period (chapter 12).
    review: PeriodReview

    def settings(self, base: SimulationSettings) -> SimulationSettings:
        """The simulation settings of this period: ``base`` with the period's changes."""
        touchpoints = {**base.touchpoints, **self.touchpoints}
        touchpoints.update({k: u.behaviour for k, u in self.unmapped.items()})
        return base.model_copy(
            update={
                "seed": self.seed,
                "start": self.start,
                "end": self.end,
                "customer_prefix": self.customer_prefix,
                "customers": self.customers or base.customers,
                "touchpoints": touchpoints,
                "routes": {**base.routes, **self.routes},
            }
        )


# -- comments.yaml and comment_phrases.yaml ------------------------------------------------


class Tones(ContentModel):
    """Texts by tone of the comment: positive, negative, mixed."""

    _label_key = "tones"
    pos: list[str] = Field(min_length=1)
    neg: list[str] = Field(min_length=1)
    mix: list[str] = Field(min_length=1)

    def of(self, tone: str) -> list[str]:
        """Return the texts of ``tone`` ("pos", "neg" or "mix")."""
        texts: list[str] = getattr(self, tone)
        return texts


class CommentPhrases(ContentModel):
    """The shared phrases of survey comments and feedback (``comment_phrases.yaml``)."""

    _label_key = "comment_phrases"
    #: put before the theme phrase ("" for none).
    openers: Tones
    #: put after the theme phrase ("" for none).
    closers: Tones
    #: theme -> phrases by tone, e.g. "Wartezeit".
    themes: dict[str, Tones] = Field(min_length=1)


class IndustryComments(ContentModel):
    """Which themes customers of one industry write about (``comments.yaml``)."""

    _label_key = "comments"
    #: themes of touchpoints not listed in ``touchpoint_themes``.
    default_themes: list[Name] = Field(min_length=1)
    #: touchpoint id -> themes; feedback items are drawn only from these touchpoints.
    touchpoint_themes: dict[str, Annotated[list[Name], Field(min_length=1)]] = Field(min_length=1)
    #: the industry's own themes (beside the shared ones; the same name replaces a shared one).
    themes: dict[str, Tones] = Field(default_factory=dict)
