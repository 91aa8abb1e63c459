"""Projects built in code for the chart and export tests (no sample data needed)."""

from __future__ import annotations

import random

from cjmlib.model import (
    CHANNELS,
    DEPARTMENTS,
    Action,
    Goal,
    JourneyProject,
    Need,
    PainPoint,
    Persona,
    Solution,
    Touchpoint,
)

XSS = "<img src=x onerror=alert(1)>"


def small_project(name: str = "Testprojekt") -> JourneyProject:
    """Two personas, six touchpoints in three phases, two pain points, two solutions."""
    personas = [
        Persona(id="per-lena", name="Lena", age=34, quote="Schnell soll es gehen."),
        Persona(id="per-max", name="Max", occupation="Lehrer"),
    ]
    tps = [
        Touchpoint(
            id="tp-ads",
            name="Instagram-Anzeige",
            phase="bewusstsein",
            channel="Social Media",
            emotion=1,
            department="Marketing",
        ),
        Touchpoint(
            id="tp-search",
            name="Produktsuche",
            phase="ueberlegung",
            channel="Website",
            emotion=-1,
            relevance=5,
            persona_ids=["per-lena"],
            department="IT",
        ),
        Touchpoint(
            id="tp-store",
            name="Beratung in der Filiale",
            phase="entscheidung",
            channel="Filiale",
            online=False,
            emotion=2,
            moment_of_truth=True,
            persona_ids=["per-max"],
            department="Vertrieb",
        ),
        Touchpoint(
            id="tp-hotline",
            name="Hotline",
            phase="entscheidung",
            channel="Hotline",
            online=False,
            emotion=-2,
            hidden=True,
            department="Kundenservice",
        ),
        Touchpoint(
            id="tp-checkout",
            name="Checkout",
            phase="kauf",
            channel="Online-Shop",
            emotion=0,
            moment_of_truth=True,
            persona_ids=["per-lena"],
            department="IT",
        ),
        Touchpoint(
            id="tp-return",
            name="Retoure",
            phase="nachkauf",
            channel="Post",
            online=False,
            emotion=-1,
            department="Logistik",
        ),
    ]
    pains = [
        PainPoint(
            id="pp-wait",
            title="Lange Wartezeit",
            touchpoint_ids=["tp-hotline"],
            category="Wartezeit",
            severity=5,
            frequency=4,
        ),
        PainPoint(
            id="pp-search",
            title="Suche findet nichts",
            phase="ueberlegung",
            persona_ids=["per-lena"],
            severity=3,
            frequency=3,
        ),
    ]
    sols = [
        Solution(
            id="sol-callback",
            title="Rückrufservice",
            pain_point_ids=["pp-wait"],
            impact=4,
            effort=2,
            owner="Service",
        ),
        Solution(
            id="sol-filter",
            title="Bessere Filter",
            pain_point_ids=["pp-search"],
            impact=3,
            effort=4,
        ),
    ]
    needs = [
        Need(
            id="need-1", persona_id="per-lena", need="Schnell finden", importance=9, satisfaction=3
        ),
        Need(id="need-2", need="Gute Beratung", importance=6, satisfaction=7),
    ]
    actions = [
        Action(
            id="act-1", title="Rückruf einführen", owner="Frau Schulz", solution_id="sol-callback"
        )
    ]
    return JourneyProject(
        name=name,
        industry="Einzelhandel",
        personas=personas,
        touchpoints=tps,
        pain_points=pains,
        solutions=sols,
        needs=needs,
        actions=actions,
        goal=Goal(business_goal="Mehr Abschlüsse", kpis=["NPS"]),
    )


def big_project(n: int, *, seed: int = 7) -> JourneyProject:
    """``n`` random touchpoints over all channels and phases (for size and speed checks)."""
    rnd = random.Random(seed)
    personas = [Persona(id=f"per-{i}", name=f"Persona {i}") for i in range(4)]
    phases = JourneyProject().phase_model.ids
    tps = []
    for i in range(n):
        channel = rnd.choice(CHANNELS)
        tps.append(
            Touchpoint(
                id=f"tp-{i}",
                name=f"Touchpoint Nummer {i} mit einem recht langen Namen",
                phase=rnd.choice(phases),
                channel=channel,
                online=rnd.random() < 0.6,
                emotion=rnd.randint(-2, 2),
                relevance=rnd.randint(1, 5),
                moment_of_truth=rnd.random() < 0.1,
                department=rnd.choice(DEPARTMENTS),
                persona_ids=rnd.choice([[], ["per-0"], ["per-1", "per-2"]]),
                notes="Notiz " * 20,
            )
        )
    pains = [
        PainPoint(id=f"pp-{i}", title=f"Pain Point {i}", touchpoint_ids=[f"tp-{i}"])
        for i in range(min(n, 40))
    ]
    sols = [
        Solution(id=f"sol-{i}", title=f"Lösung {i}", pain_point_ids=[f"pp-{i}"])
        for i in range(min(n, 20))
    ]
    return JourneyProject(
        name=f"Großes Projekt ({n})",
        personas=personas,
        touchpoints=tps,
        pain_points=pains,
        solutions=sols,
    )
