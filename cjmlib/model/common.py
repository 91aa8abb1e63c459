"""Small value types shared by several models."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from cjmlib.model.base import CJMModel

NonEmpty = Annotated[str, Field(min_length=1, max_length=500)]
Text = Annotated[str, Field(max_length=5000)]
Score5 = Annotated[int, Field(ge=1, le=5)]
Score10 = Annotated[int, Field(ge=1, le=10)]
Emotion = Annotated[int, Field(ge=-2, le=2)]

EvidenceKind = Literal[
    "Interview",
    "Umfrage",
    "Web-Analyse",
    "CRM-Daten",
    "Social Media",
    "Kundenfeedback",
    "Beobachtung",
    "Verkaufsdaten",
    "Workshop",
    "Annahme",
]
EVIDENCE_KINDS: tuple[str, ...] = EvidenceKind.__args__  # type: ignore[attr-defined]

DEPARTMENTS: tuple[str, ...] = (
    "Marketing",
    "Vertrieb",
    "Kundenservice",
    "Produktentwicklung",
    "IT",
    "Personal",
    "Finanzen",
    "Logistik",
    "Forschung und Entwicklung",
    "Qualitätsmanagement",
    "Geschäftsführung",
    "Kommunikation",
)

CHANNELS: tuple[str, ...] = (
    "Website",
    "Online-Shop",
    "App",
    "E-Mail",
    "Social Media",
    "Suchmaschine",
    "Bewertungsportal",
    "Chat",
    "Hotline",
    "Filiale",
    "Praxis",
    "Außendienst",
    "Print",
    "TV/Radio",
    "Post",
    "Veranstaltung",
)

DEVICES: tuple[str, ...] = ("Smartphone", "Desktop", "Tablet", "Telefon", "Vor Ort", "Papier")


class Evidence(CJMModel):
    """What a statement rests on: an interview, survey, analytics figure, or an assumption."""

    _label_key = "evidence"
    kind: EvidenceKind = "Annahme"
    source: Text = ""
    about: Text = ""
    note: Text = ""

    @property
    def is_assumption(self) -> bool:
        return self.kind == "Annahme"
