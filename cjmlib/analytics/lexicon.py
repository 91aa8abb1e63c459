"""The German keyword lexicon for tagging feedback text (data, not messages).

Keywords are matched as lower-case substrings after folding umlauts (ä -> ae, ...), so
"Wartezeit", "warten" and "wartete" all hit the stem "wart". Theme names shown to the
trainee come from the message catalogue (``analytics.theme.<key>``).
"""

from __future__ import annotations

from cjmlib.messages.text import transliterate

#: theme key -> keyword stems (folded: ae/oe/ue/ss).
THEMES: dict[str, tuple[str, ...]] = {
    "wartezeit": (
        "wart",
        "warteschleife",
        "dauert",
        "dauerte",
        "lange gedauert",
        "ewig",
        "verspaet",
        "langsam",
        "zu spaet",
        "stunden",
    ),
    "erreichbarkeit": (
        "nicht erreichbar",
        "niemand erreicht",
        "besetzt",
        "keiner ran",
        "rueckruf",
        "erreichbar",
    ),
    "freundlichkeit": ("freundlich", "nett", "hoeflich", "unfreundlich", "patzig", "herablassend"),
    "beratung": ("beratung", "berat", "kompetent", "ahnung", "fachwissen", "erklaert"),
    "preis": ("preis", "teuer", "guenstig", "kosten", "gebuehr", "rabatt", "angebot"),
    "bedienung": (
        "unuebersichtlich",
        "kompliziert",
        "umstaendlich",
        "einfach",
        "intuitiv",
        "bedien",
        "menue",
        "klick",
        "formular",
        "fehlermeldung",
    ),
    "technik": (
        "absturz",
        "stuerzt",
        "abgestuerzt",
        "fehler",
        "laedt nicht",
        "funktioniert nicht",
        "bug",
        "haengt",
        "login",
        "passwort",
        "app",
    ),
    "lieferung": ("liefer", "versand", "paket", "zustell", "sendung"),
    "information": (
        "information",
        "info",
        "unklar",
        "verstaendlich",
        "transparent",
        "beschreibung",
        "hinweis",
        "nicht gefunden",
        "finde",
    ),
    "zahlung": ("zahlung", "bezahl", "kasse", "checkout", "rechnung", "paypal", "karte"),
    "kanalwechsel": (
        "filiale",
        "online",
        "hotline",
        "noch einmal erklaeren",
        "nochmal erklaeren",
        "von vorne",
        "weitergeleitet",
        "weiterverbunden",
    ),
    "retoure": (
        "retoure",
        "ruecksend",
        "umtausch",
        "erstattung",
        "reklamation",
        "zurueckgeschickt",
    ),
}

#: Markers of a pain point: something went wrong for the customer.
PAIN_MARKERS: tuple[str, ...] = (
    "nicht",
    "kein",
    "keine",
    "zu lange",
    "zu teuer",
    "aerger",
    "aergerlich",
    "leider",
    "schlecht",
    "enttaeusch",
    "umstaendlich",
    "kompliziert",
    "unfreundlich",
    "fehler",
    "problem",
    "nervig",
    "frust",
    "katastroph",
    "mangel",
    "schade",
    "nie wieder",
    "abgebrochen",
    "unuebersichtlich",
    "verwirr",
    "stuerzt",
    "warten",
    "wartete",
    "ewig",
)

#: Phrases that turn a pain marker into praise ("kein Problem", "nicht schlecht").
NEGATED_PRAISE: tuple[str, ...] = (
    "kein problem",
    "keine probleme",
    "nicht schlecht",
    "nichts auszusetzen",
    "keine wartezeit",
    "nie warten",
)


def fold(text: str) -> str:
    """Lower-case ``text`` and fold German umlauts and ß (Ä -> ae, ß -> ss)."""
    return transliterate(str(text).casefold())


#: Theme -> pain point category of :class:`cjmlib.model.PainPoint` (for complaints);
#: a complaint whose themes map to none of these gets "Sonstiges".
PAIN_CATEGORIES: dict[str, str] = {
    "wartezeit": "Wartezeit",
    "erreichbarkeit": "Wartezeit",
    "bedienung": "Bedienung",
    "technik": "Bedienung",
    "information": "Information fehlt",
    "preis": "Preis",
    "kanalwechsel": "Kanalbruch",
}
