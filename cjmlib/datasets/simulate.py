"""Deterministic simulation of customers, events, survey answers and feedback.

The simulation reads an industry's validated content (the workbook project and its
:class:`~cjmlib.datasets.settings.SimulationSettings`, see
:mod:`cjmlib.datasets.industry_data`) and walks each simulated customer through the
phase model: a few touchpoints per phase, a chance to advance to the next phase (raised
by moments of truth, lowered by weak touchpoints), a purchase route (online, in store,
click & collect ...), after-sales touchpoints and repeat purchases. Everything is drawn
from one ``numpy.random.default_rng(seed)``, so the same seed gives the same tables.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple, TypeVar, cast

import numpy as np
import pandas as pd

from cjmlib.datasets.schema import (
    CUSTOMERS,
    EVENTS,
    FEEDBACK,
    ONLINE_DEVICES,
    SURVEY,
    TABLES,
)
from cjmlib.datasets.settings import (
    CommentPhrases,
    IndustryComments,
    SegmentBehaviour,
    SimulationSettings,
    Tones,
)
from cjmlib.model import JourneyProject
from cjmlib.model.entities import Gender

K = TypeVar("K", bound=str)

GENDERS: dict[Gender, float] = {
    "weiblich": 0.49,
    "männlich": 0.47,
    "divers": 0.01,
    "keine Angabe": 0.03,
}
FEEDBACK_SOURCES = ("Umfrage", "Bewertung", "Social Media", "E-Mail", "Direkt", "Interview")

#: One event row, in the order of ``schema.EVENTS``.
Event = tuple[str, pd.Timestamp, str, str, str, str, str, bool, float]


class _EventRow(NamedTuple):
    """An event as ``DataFrame.itertuples`` yields it (the types pandas cannot declare)."""

    customer_id: str
    timestamp: pd.Timestamp
    touchpoint_id: str
    touchpoint: str
    phase: str
    channel: str
    device: str
    online: bool
    value: float


def _rows(events: pd.DataFrame) -> Iterable[_EventRow]:
    return cast(Iterable[_EventRow], events.itertuples(index=False))


def _pick(rng: np.random.Generator, weights: Mapping[K, float]) -> K:
    keys = list(weights)
    p = np.asarray([weights[k] for k in keys], dtype=float)
    return keys[int(rng.choice(len(keys), p=p / p.sum()))]


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def _logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))


class _Simulator:
    def __init__(
        self,
        project: JourneyProject,
        sim: SimulationSettings,
        phrases: CommentPhrases,
        comments: IndustryComments,
    ) -> None:
        self.project = project
        self.sim = sim
        self.comments = comments
        self.openers, self.closers = phrases.openers, phrases.closers
        # An industry's own theme replaces a shared one of the same name.
        self.themes: dict[str, Tones] = {**phrases.themes, **comments.themes}
        self.rng = np.random.default_rng(sim.seed)
        self.phases = project.phase_model.ids
        self.tps = {t.id: t for t in project.touchpoints}
        self.start = pd.Timestamp(sim.start)
        self.end = pd.Timestamp(sim.end) + pd.Timedelta(hours=23, minutes=59)
        self.pools: dict[str, tuple[list[str], np.ndarray[Any, np.dtype[np.float64]]]] = {}
        for phase in self.phases:
            ids = [
                t.id
                for t in project.touchpoints
                if t.phase == phase and sim.behaviour(t.id).weight > 0
            ]
            w = np.asarray([sim.behaviour(i).weight for i in ids], dtype=float)
            self.pools[phase] = (ids, w)
        self.purchase_index = self.phases.index(sim.purchase_phase)
        self.routes = sim.all_routes()
        self.events: list[Event] = []
        self.visited: set[str] = set()

    # -- one event -------------------------------------------------------------
    def _device(self, tp_id: str, device: str, switch: float) -> str:
        tp = self.tps[tp_id]
        if not tp.online:
            return tp.device.split(",")[0].strip() or "Vor Ort"
        allowed = [d.strip() for d in tp.device.split(",") if d.strip() in ONLINE_DEVICES]
        if not allowed:
            allowed = list(ONLINE_DEVICES[:2])
        if "Desktop" in allowed and "Tablet" not in allowed:
            allowed.append("Tablet")
        if switch and self.rng.random() < switch:
            others = [d for d in allowed if d != device]
            if others:
                return others[int(self.rng.integers(len(others)))]
        return device if device in allowed else allowed[0]

    def _advance_time(self, t: pd.Timestamp, phase: str, online: bool) -> pd.Timestamp:
        hours = self.rng.exponential(self.sim.gap_hours[phase]) + 0.05
        t = t + pd.Timedelta(minutes=int(hours * 60))
        if not online and not 9 <= t.hour < 19:
            # Stores and offices are open 9-19: move to the next opening time.
            day = t.normalize() + pd.Timedelta(days=1 if t.hour >= 19 else 0)
            t = day + pd.Timedelta(hours=9, minutes=int(self.rng.integers(0, 540)))
        return t

    def _emit(
        self, cid: str, t: pd.Timestamp, tp_id: str, device: str, value: float = float("nan")
    ) -> None:
        tp = self.tps[tp_id]
        self.visited.add(tp_id)
        self.events.append((cid, t, tp_id, tp.name, tp.phase, tp.channel, device, tp.online, value))

    # -- one customer ------------------------------------------------------------
    def _visit(
        self, cid: str, t: pd.Timestamp, tp_id: str, device: str, switch: float
    ) -> tuple[pd.Timestamp, str]:
        tp = self.tps[tp_id]
        t = self._advance_time(t, tp.phase, tp.online)
        dev = self._device(tp_id, device, switch)
        self._emit(cid, t, tp_id, dev)
        follow = self.sim.behaviour(tp_id).followed_by
        if follow:
            t = t + pd.Timedelta(minutes=int(self.rng.integers(1, 25)))
            self._emit(cid, t, follow, self._device(follow, device, 0))
        if tp.online and dev in ONLINE_DEVICES:
            device = dev  # a switch sticks for a while
        return t, device

    def _phase_visits(
        self,
        cid: str,
        t: pd.Timestamp,
        phase: str,
        device: str,
        seg: SegmentBehaviour,
        route: str,
        switch: float,
        n: int | None = None,
    ) -> tuple[pd.Timestamp, str, float]:
        ids, w = self.pools[phase]
        if not ids:
            return t, device, 0.0
        w = w.copy()
        offline = np.asarray([not self.tps[i].online for i in ids])
        w[offline] *= 0.4 if route == "online" else 2.0
        if n is None:
            n = 1 + int(self.rng.poisson(seg.extra_visits))
        chosen = self.rng.choice(len(ids), size=n, p=w / w.sum())
        boost = 0.0
        for idx in dict.fromkeys(chosen.tolist()):
            boost += self.sim.behaviour(ids[idx]).advance_boost
        for idx in chosen.tolist():
            t, device = self._visit(cid, t, ids[idx], device, switch)
        return t, device, boost

    def _route(
        self,
        cid: str,
        t: pd.Timestamp,
        route_key: str,
        device: str,
        seg: SegmentBehaviour,
        bonus: float,
    ) -> tuple[pd.Timestamp, str, bool]:
        route = self.routes[route_key]
        *pre, purchase = route.steps
        for step in pre:
            t, device = self._visit(cid, t, step, device, 0.1)
        for step, p in route.optional.items():
            if self.rng.random() < p:
                t, device = self._visit(cid, t, step, device, 0)
        if self.rng.random() >= _sigmoid(_logit(route.complete) + 0.5 * bonus):
            return t, device, False
        tp = self.tps[purchase]
        t = self._advance_time(t, tp.phase, tp.online)
        dev = device
        for target, p in route.purchase_device.items():
            if tp.online and self.rng.random() < p:
                dev = target
        dev = self._device(purchase, dev, 0)
        worth = route.purchase_value or seg.purchase_value
        value = round(float(self.rng.lognormal(worth.log_mean, worth.log_sd)), 2)
        self._emit(cid, t, purchase, dev, value)
        for step in route.after:
            if self.rng.random() < 0.93:
                t, _ = self._visit(cid, t, step, device, 0)
        return t, device, True

    def customer(self, number: int) -> dict[str, Any]:
        rng = self.rng
        sim = self.sim
        seg_id = _pick(rng, {k: v.share for k, v in sim.segments.items()})
        seg = sim.segments[seg_id]
        cid = f"{sim.customer_prefix}{number:06d}"
        self.visited = set()
        span = (self.end - self.start).total_seconds() - 20 * 86400
        t = self.start + pd.Timedelta(seconds=int(rng.uniform(0, span)))
        device: str = _pick(rng, seg.devices)
        route = _pick(rng, seg.routes)
        bonus = 0.0
        converted = False
        for i, phase in enumerate(self.phases):
            switch = 0.08 if i < 2 else 0.22
            if i == self.purchase_index:
                t, device, converted = self._route(cid, t, route, device, seg, bonus)
                if not converted:
                    break
            else:
                t, device, boost = self._phase_visits(cid, t, phase, device, seg, route, switch)
                bonus += boost
            if i == len(self.phases) - 1:
                break
            p = _sigmoid(_logit(seg.advance[i]) + 0.8 * bonus)
            if rng.random() >= p:
                break
        if converted:
            self._repeat(cid, t, device, seg)
        return {
            "customer_id": cid,
            "segment_id": seg_id,
            "age_band": _pick(rng, seg.age_bands),
            "gender": _pick(rng, GENDERS),
            "region": _pick(rng, sim.regions),
            "city_size": _pick(rng, seg.city_sizes),
        }

    def _repeat(self, cid: str, t: pd.Timestamp, device: str, seg: SegmentBehaviour) -> None:
        rng = self.rng
        # A good experience after the purchase (e.g. an easy return) brings customers back.
        chance = seg.repeat + sum(self.sim.behaviour(v).repeat_boost for v in self.visited)
        before = self.sim.repeat.browse_phase
        after = self.phases[self.purchase_index + 1 :]
        routes = self.sim.repeat.routes
        while rng.random() < chance and t < self.end:
            days = float(rng.gamma(2.0, self.sim.repeat.gap_days / 2))
            t = t + pd.Timedelta(minutes=int(days * 1440))
            route = _pick(rng, routes or seg.routes)
            if before and rng.random() < 0.6:
                t, device, _ = self._phase_visits(cid, t, before, device, seg, route, 0.2, n=1)
            t, device, done = self._route(cid, t, route, device, seg, 1.0)
            if done and after and rng.random() < 0.3:
                t, device, _ = self._phase_visits(cid, t, after[0], device, seg, route, 0.1, n=1)
            chance *= 0.75

    # -- tables ---------------------------------------------------------------------
    def run(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        customers = [self.customer(n + 1) for n in range(self.sim.customers)]
        events = pd.DataFrame(self.events, columns=EVENTS.names)
        events = events[events["timestamp"] <= self.end]
        events = events.sort_values(["timestamp", "customer_id"], kind="stable")
        events = events.reset_index(drop=True)
        cust = pd.DataFrame(customers)
        first = events.groupby("customer_id")["timestamp"].min()
        purchase_ids = {r.steps[-1] for r in self.sim.routes.values()}
        buyers = set(events.loc[events["touchpoint_id"].isin(purchase_ids), "customer_id"])
        cust = cust[cust["customer_id"].isin(first.index)].copy()
        cust["first_seen"] = cust["customer_id"].map(first)
        cust["converted"] = cust["customer_id"].isin(buyers)
        cust = cust[CUSTOMERS.names].reset_index(drop=True)
        return events, cust

    # -- comments -------------------------------------------------------------------
    def comment(self, tp_id: str, tone: str) -> tuple[str, str]:
        rng = self.rng
        themes = self.comments.touchpoint_themes
        options = themes.get(tp_id) or self.comments.default_themes
        theme = options[int(rng.integers(len(options)))]
        phrases = self.themes[theme].of(tone)
        phrase = phrases[int(rng.integers(len(phrases)))]
        openers, closers = self.openers.of(tone), self.closers.of(tone)
        opener = openers[int(rng.integers(len(openers)))]
        closer = closers[int(rng.integers(len(closers)))]
        return (opener + phrase[0].upper() + phrase[1:] + closer).strip(), theme

    def _latent(self, tp_id: str, seg_mood: float) -> float:
        return 0.7 * self.tps[tp_id].emotion + seg_mood + 0.3 + float(self.rng.normal(0, 1.1))

    @staticmethod
    def _tone(latent: float) -> str:
        return "pos" if latent > 0.45 else "neg" if latent < -0.45 else "mix"

    def survey(self, events: pd.DataFrame, customers: pd.DataFrame) -> pd.DataFrame:
        rng = self.rng
        seg_of = dict(zip(customers["customer_id"], customers["segment_id"], strict=True))
        rates = np.asarray([self.sim.behaviour(t).survey_rate for t in events["touchpoint_id"]])
        picked = events[rng.random(len(events)) < rates]
        rows = []
        for n, ev_row in enumerate(_rows(picked), start=1):
            mood = self.sim.segments[seg_of[ev_row.customer_id]].mood
            z = self._latent(ev_row.touchpoint_id, mood)
            nps = int(np.clip(round(7.2 + 1.7 * z + rng.normal(0, 0.8)), 0, 10))
            csat = int(np.clip(round(3.7 + 0.8 * z + rng.normal(0, 0.4)), 1, 5))
            ces = int(np.clip(round(4.9 + 1.0 * z + rng.normal(0, 0.7)), 1, 7))
            comment = ""
            if rng.random() < 0.45:
                comment, _ = self.comment(ev_row.touchpoint_id, self._tone(z))
            ts = ev_row.timestamp + pd.Timedelta(minutes=int(rng.exponential(180)) + 5)
            rows.append(
                (
                    f"{self.sim.customer_prefix}R{n:06d}",
                    ev_row.customer_id,
                    ts,
                    ev_row.touchpoint_id,
                    ev_row.phase,
                    None if rng.random() < 0.08 else nps,
                    None if rng.random() < 0.15 else csat,
                    None if rng.random() < 0.25 else ces,
                    comment,
                )
            )
        survey = pd.DataFrame(rows, columns=SURVEY.names)
        return survey[survey["timestamp"] <= self.end].reset_index(drop=True)

    def feedback(self, events: pd.DataFrame) -> pd.DataFrame:
        rng = self.rng
        n = int(rng.integers(180, 320))
        with_theme = events[events["touchpoint_id"].isin(list(self.comments.touchpoint_themes))]
        picked = with_theme.iloc[np.sort(rng.choice(len(with_theme), size=n, replace=False))]
        rows = []
        for i, ev_row in enumerate(_rows(picked), start=1):
            z = self._latent(ev_row.touchpoint_id, 0.0) - 0.4  # feedback skews negative
            tone = self._tone(z)
            text, theme = self.comment(ev_row.touchpoint_id, tone)
            channel = ev_row.channel
            if channel in ("Hotline", "Chat"):
                source = channel
            elif tone == "neg" and rng.random() < 0.35:
                source = "Beschwerde"
            else:
                source = FEEDBACK_SOURCES[int(rng.integers(len(FEEDBACK_SOURCES)))]
            score = None if rng.random() < 0.3 else int(np.clip(round(6.5 + 2 * z), 0, 10))
            tags = [theme] + ([channel] if rng.random() < 0.4 else [])
            received = ev_row.timestamp + pd.Timedelta(days=int(rng.integers(0, 4)))
            rows.append(
                (
                    f"fbx-{i:04d}",
                    received.normalize(),
                    source,
                    text,
                    ev_row.touchpoint_id,
                    ev_row.phase,
                    int(np.clip(round(z), -2, 2)),
                    score,
                    tags,
                )
            )
        fb = pd.DataFrame(rows, columns=FEEDBACK.names)
        return fb[fb["received"] <= self.end].reset_index(drop=True)


def normalise(kind: str, df: pd.DataFrame) -> pd.DataFrame:
    """Give a table exactly the columns and dtypes of :mod:`cjmlib.datasets.schema`."""
    table = TABLES[kind]
    df = df[table.names].copy()
    for column in table.columns:
        col = column.name
        if column.type == "string":
            df[col] = df[col].astype("str")
        elif column.type == "datetime":
            df[col] = pd.to_datetime(df[col]).astype("datetime64[ns]")
        elif column.type == "bool":
            df[col] = df[col].astype(bool)
        elif column.type == "float":
            df[col] = df[col].astype("float64")
        elif column.type == "Int64":
            df[col] = (
                pd.array(df[col].tolist(), dtype="Int64")
                if df[col].dtype == object
                else df[col].astype("Int64")
            )
        elif column.type == "int":
            df[col] = df[col].astype("int64")
        elif column.type == "string_list":
            df[col] = [[str(x) for x in v] for v in df[col]]
    return df


def simulate(
    project: JourneyProject,
    sim: SimulationSettings,
    phrases: CommentPhrases,
    comments: IndustryComments,
) -> dict[str, pd.DataFrame]:
    """Return the four tables (events, customers, survey, feedback) of one industry."""
    s = _Simulator(project, sim, phrases, comments)
    events, customers = s.run()
    survey = s.survey(events, customers)
    feedback = s.feedback(events)
    return {
        "events": normalise("events", events),
        "customers": normalise("customers", customers),
        "survey": normalise("survey", survey),
        "feedback": normalise("feedback", feedback),
    }
