"""Building blocks shared by the hand-written industry contents.

Each ``content_<industry>.py`` module defines two plain data structures:

``PROJECT``
    keyword arguments of :class:`cjmlib.model.JourneyProject` (the ready workbook).
``SIM``
    the parameters of the simulated customers (segments, routes, touchpoint weights,
    comment themes) read by :mod:`cjmlib.datasets.simulate`.

The German survey comments are assembled from the phrases below plus the
industry's own themes, so the texts vary without being random noise.
"""

from __future__ import annotations

from typing import Any


def ev(kind: str, source: str, about: str = "", note: str = "") -> dict[str, str]:
    """One evidence entry (kind from ``cjmlib.model.EVIDENCE_KINDS``)."""
    return {"kind": kind, "source": source, "about": about, "note": note}


def tp(
    id: str,
    name: str,
    phase: str,
    channel: str,
    online: bool,
    device: str,
    department: str,
    relevance: int,
    emotion: int,
    *,
    mot: bool = False,
    hidden: bool = False,
    personas: tuple[str, ...] = (),
    notes: str = "",
    evidence: tuple[dict[str, str], ...] = (),
) -> dict[str, Any]:
    """One touchpoint as keyword arguments of :class:`cjmlib.model.Touchpoint`."""
    return {
        "id": id,
        "name": name,
        "phase": phase,
        "channel": channel,
        "online": online,
        "device": device,
        "department": department,
        "relevance": relevance,
        "emotion": emotion,
        "moment_of_truth": mot,
        "hidden": hidden,
        "persona_ids": list(personas),
        "notes": notes,
        "evidence": list(evidence),
    }


def need(
    id: str,
    persona: str,
    text: str,
    expectation: str,
    exceed: str,
    importance: int,
    satisfaction: int,
    products: str = "",
) -> dict[str, Any]:
    """One need as keyword arguments of :class:`cjmlib.model.Need`."""
    return {
        "id": id,
        "persona_id": persona,
        "need": text,
        "expectation": expectation,
        "exceed": exceed,
        "importance": importance,
        "satisfaction": satisfaction,
        "related_products": products,
    }


#: Openers and closers that frame a comment (chosen by tone).
OPENERS: dict[str, list[str]] = {
    "pos": [
        "",
        "",
        "",
        "Alles in allem gut. ",
        "Positiv überrascht! ",
        "Kurz gesagt: Top. ",
        "Wie immer zuverlässig. ",
    ],
    "neg": [
        "",
        "",
        "",
        "Leider enttäuschend. ",
        "Schade. ",
        "Nicht zum ersten Mal! ",
        "Ärgerlich. ",
    ],
    "mix": ["", "", "Na ja. ", "Geht so. ", "Gemischte Gefühle. "],
}
CLOSERS: dict[str, list[str]] = {
    "pos": [
        "",
        "",
        " Gerne wieder!",
        " Weiter so.",
        " Das hat mich überzeugt.",
        " Danke dafür!",
        " Würde ich weiterempfehlen.",
    ],
    "neg": [
        "",
        "",
        " Das muss besser werden.",
        " So verspielt man Vertrauen.",
        " Beim nächsten Mal überlege ich mir das.",
        " Bitte ändern!",
        " Da erwarte ich mehr.",
    ],
    "mix": ["", " Da ist noch Luft nach oben.", " Könnte einfacher sein.", ""],
}

#: Theme -> tone -> phrases. Industries add their own themes in ``SIM["themes"]``.
THEMES: dict[str, dict[str, list[str]]] = {
    "Wartezeit": {
        "pos": [
            "es ging schnell, ich musste kaum warten.",
            "die Wartezeit war kürzer als angekündigt.",
            "nach zwei Minuten war jemand für mich da.",
        ],
        "neg": [
            "die Wartezeit war viel zu lang.",
            "über 20 Minuten warten, das ist einfach zu viel.",
            "man wartet ewig, bis sich jemand kümmert.",
            "es hat einfach zu lange gedauert, bis es weiterging.",
        ],
        "mix": [
            "die Wartezeit war okay, aber nicht toll.",
            "ein bisschen warten musste ich schon.",
        ],
    },
    "Warteschleife": {
        "pos": [
            "am Telefon kam ich sofort durch.",
            "nach einer Minute in der Warteschleife war jemand dran.",
        ],
        "neg": [
            "ich hing über 20 Minuten in der Warteschleife.",
            "die Musik in der Warteschleife kann ich inzwischen mitsingen.",
            "nach einer Viertelstunde Warteschleife bin ich rausgeflogen.",
        ],
        "mix": [
            "nach ein paar Minuten Warteschleife war jemand dran.",
            "die Warteschleife war lang, das Gespräch dann gut.",
        ],
    },
    "Lieferung": {
        "pos": [
            "die Lieferung kam schon am nächsten Tag.",
            "das Paket war pünktlich und gut verpackt.",
            "die Sendungsverfolgung hat super funktioniert.",
        ],
        "neg": [
            "die Lieferung hat fast eine Woche gedauert.",
            "das Paket lag beim Nachbarn, ohne Benachrichtigung.",
            "der Liefertermin wurde zweimal verschoben.",
        ],
        "mix": [
            "die Lieferung war in Ordnung, der Zeitpunkt unklar.",
            "Paket kam, aber später als versprochen.",
        ],
    },
    "Preis": {
        "pos": [
            "Preis und Leistung passen.",
            "der Preis war fair.",
            "mit dem Rabatt war es ein gutes Angebot.",
        ],
        "neg": [
            "der Preis ist zu hoch für das, was man bekommt.",
            "woanders war es deutlich günstiger.",
            "die Zusatzkosten kamen erst ganz am Ende.",
        ],
        "mix": [
            "der Preis ist nicht günstig, aber vertretbar.",
            "preislich eher oberes Mittelfeld.",
        ],
    },
    "Beratung": {
        "pos": [
            "die Beratung war kompetent und freundlich.",
            "man hat sich richtig Zeit für mich genommen.",
            "die Mitarbeiterin wusste genau, wovon sie spricht.",
        ],
        "neg": [
            "die Beratung war oberflächlich.",
            "niemand konnte meine Frage beantworten.",
            "ich fühlte mich eher zum Kauf gedrängt als beraten.",
        ],
        "mix": [
            "die Beratung war nett, aber nicht sehr tiefgehend.",
            "beraten wurde ich, aber erst nach einer Weile.",
        ],
    },
    "App": {
        "pos": [
            "die App ist übersichtlich und schnell.",
            "in der App finde ich alles mit zwei Klicks.",
            "die App-Funktionen sind wirklich praktisch.",
        ],
        "neg": [
            "die App stürzt immer wieder ab.",
            "in der App musste ich mich dreimal neu anmelden.",
            "die App ist langsam und unübersichtlich.",
        ],
        "mix": [
            "die App funktioniert, wirkt aber etwas altbacken.",
            "die App ist okay, manche Menüs sind versteckt.",
        ],
    },
    "Rückgabe": {
        "pos": [
            "die Rückgabe war völlig unkompliziert.",
            "das Geld war nach der Rückgabe schnell wieder da.",
            "umtauschen ging ohne Diskussion.",
        ],
        "neg": [
            "die Rückgabe war kompliziert und dauerte lange.",
            "auf die Erstattung warte ich immer noch.",
            "bei der Rückgabe wurde ich von Stelle zu Stelle geschickt.",
        ],
        "mix": [
            "die Rückgabe hat geklappt, war aber umständlich.",
            "Rückgabe okay, die Erstattung dauerte etwas.",
        ],
    },
    "Website": {
        "pos": [
            "die Website ist klar aufgebaut.",
            "ich habe sofort gefunden, was ich suchte.",
            "die Suche auf der Website liefert gute Treffer.",
        ],
        "neg": [
            "auf der Website findet man nichts.",
            "die Suche zeigt lauter unpassende Ergebnisse.",
            "die Seite lädt auf dem Handy ewig.",
        ],
        "mix": [
            "die Website ist in Ordnung, die Filter könnten besser sein.",
            "man findet es, aber nur über Umwege.",
        ],
    },
    "Personal": {
        "pos": [
            "das Personal war sehr freundlich.",
            "super nettes Team vor Ort.",
            "man wurde herzlich empfangen.",
        ],
        "neg": [
            "das Personal wirkte genervt.",
            "niemand fühlte sich zuständig.",
            "unfreundlicher Empfang, kein Lächeln.",
        ],
        "mix": [
            "das Personal war korrekt, aber distanziert.",
            "freundlich, aber sichtbar im Stress.",
        ],
    },
    "Information": {
        "pos": [
            "alle Informationen waren verständlich erklärt.",
            "ich wusste jederzeit, wie es weitergeht.",
            "die Infos waren vollständig und aktuell.",
        ],
        "neg": [
            "wichtige Informationen fehlten.",
            "die Angaben waren widersprüchlich.",
            "niemand hat mir gesagt, wie es weitergeht.",
        ],
        "mix": [
            "die Infos waren da, aber schwer zu finden.",
            "das meiste war klar, einzelne Punkte nicht.",
        ],
    },
    "Bezahlung": {
        "pos": [
            "die Bezahlung ging schnell und einfach.",
            "meine bevorzugte Zahlungsart wurde angeboten.",
        ],
        "neg": [
            "die Bezahlung ist zweimal abgebrochen.",
            "meine Zahlungsart wurde nicht angeboten.",
        ],
        "mix": ["die Bezahlung hat geklappt, aber erst im zweiten Versuch."],
    },
}
