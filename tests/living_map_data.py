"""Small hand-built projects and logs for the living-map tests (every figure countable by hand)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd

from cjmlib.model import (
    Action,
    EvidenceRule,
    Goal,
    Hypothesis,
    JourneyProject,
    PainPoint,
    Persona,
    Segment,
    Touchpoint,
    preset,
)

#: touchpoint id -> (name, phase, channel, online)
TOUCHPOINTS = {
    "tp-anzeige": ("Anzeige", "bewusstsein", "Social Media", True),
    "tp-suche": ("Suche", "ueberlegung", "Website", True),
    "tp-beratung": ("Beratung", "ueberlegung", "Filiale", False),
    "tp-warenkorb": ("Warenkorb", "entscheidung", "Online-Shop", True),
    "tp-kasse": ("Kasse", "kauf", "Online-Shop", True),
    "tp-hotline": ("Hotline", "nachkauf", "Hotline", False),
}
EMOTIONS = {"tp-warenkorb": -1, "tp-kasse": -2, "tp-beratung": 2}
START = pd.Timestamp("2026-03-02 09:00")


def project(**extra: Any) -> JourneyProject:
    """A five-phase project with six touchpoints, one pain point, a hypothesis and KPIs."""
    tps = [
        Touchpoint(
            id=tid,
            name=name,
            phase=phase,
            channel=channel,
            online=online,
            emotion=EMOTIONS.get(tid, 0),
            moment_of_truth=tid == "tp-kasse",
        )
        for tid, (name, phase, channel, online) in TOUCHPOINTS.items()
    ]
    data: dict[str, Any] = {
        "name": "Testladen",
        "phase_model": preset("fuenf_phasen"),
        "goal": Goal(kpis=["Abbruchquote Kasse"]),
        "segments": [Segment(id="seg-a", name="Stammkunden"), Segment(id="seg-b", name="Neue")],
        "personas": [Persona(id="per-a", name="Anna", segment_id="seg-a")],
        "touchpoints": tps,
        "pain_points": [
            PainPoint(id="pp-kasse", title="Kasse bricht ab", touchpoint_ids=["tp-kasse"])
        ],
        "hypotheses": [
            Hypothesis(
                id="hyp-1", assumption="Ein Gastzugang senkt Abbrüche", pain_point_id="pp-kasse"
            )
        ],
        "actions": [Action(id="act-1", title="Gastzugang", owner="IT", kpi="Abbruchquote")],
    }
    data.update(extra)
    return JourneyProject(**data)


def journeys(
    paths: dict[str, Sequence[str]], *, start: pd.Timestamp = START, hours: float = 1.0
) -> pd.DataFrame:
    """An event log: each customer's touchpoints in order, ``hours`` apart."""
    rows = []
    for i, (cust, tps) in enumerate(paths.items()):
        for j, tid in enumerate(tps):
            name, phase, channel, online = TOUCHPOINTS.get(tid, (tid, None, "Sonstiges", True))
            rows.append(
                {
                    "customer_id": cust,
                    "timestamp": start + pd.Timedelta(days=i % 7, hours=j * hours),
                    "touchpoint_id": tid,
                    "touchpoint": name,
                    "phase": phase,
                    "channel": channel,
                    "online": online,
                }
            )
    return pd.DataFrame(rows)


def drop_off_log(reached: int, dropped: int, *, prefix: str = "K") -> pd.DataFrame:
    """``reached + dropped`` customers at the basket; ``reached`` of them check out."""
    paths: dict[str, list[str]] = {}
    for i in range(reached):
        paths[f"{prefix}{i:03d}"] = ["tp-suche", "tp-warenkorb", "tp-kasse"]
    for i in range(reached, reached + dropped):
        paths[f"{prefix}{i:03d}"] = ["tp-suche", "tp-warenkorb"]
    return journeys(paths)


def survey(
    answers: Iterable[tuple[str, str, Any, Any, Any]], *, when: dt.date | None = None
) -> pd.DataFrame:
    """Survey answers: (customer, touchpoint, nps, csat, ces) per row."""
    day = pd.Timestamp(when or "2026-03-10")
    rows = [
        {
            "response_id": f"R{i:04d}",
            "customer_id": c,
            "timestamp": day,
            "touchpoint_id": tp,
            "nps": nps,
            "csat": csat,
            "ces": ces,
        }
        for i, (c, tp, nps, csat, ces) in enumerate(answers)
    ]
    frame = pd.DataFrame(rows)
    for col in ("nps", "csat", "ces"):
        frame[col] = frame[col].astype("Int64")
    return frame


def drop_rule(**fields: Any) -> EvidenceRule:
    """ "Kasse bricht ab": the drop-off from basket to checkout is at least 30 % (min. 5)."""
    base: dict[str, Any] = dict(
        title="Kasse bricht ab",
        claim="pain_point",
        target="pp-kasse",
        metric="drop_off",
        step_from="tp-warenkorb",
        step_to="tp-kasse",
        threshold=30,
        min_n=5,
    )
    return EvidenceRule(**{**base, **fields})
