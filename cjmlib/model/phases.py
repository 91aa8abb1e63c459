"""Phase models: the columns of a journey map (4 to 8 phases)."""

from __future__ import annotations

import re
import unicodedata

from pydantic import Field, field_validator, model_validator

from cjmlib.errors import CJMError
from cjmlib.messages import t
from cjmlib.messages.choices import unknown_choice
from cjmlib.messages.text import transliterate
from cjmlib.model.base import CJMModel
from cjmlib.model.common import NonEmpty, Text

MIN_PHASES, MAX_PHASES = 4, 8
#: The collections whose entries sit in a phase; none may lose it when the model changes.
PHASED_COLLECTIONS = ("touchpoints", "pain_points", "feedback")


def slugify(text: str) -> str:
    """Return a stable, ASCII id for a German name ("Überlegung" -> "ueberlegung")."""
    text = transliterate(text.strip().lower())
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-") or "phase"


class Phase(CJMModel):
    """One phase of the journey. The id stays when the phase is renamed."""

    _label_key = "phase"
    id: str = ""
    name: NonEmpty
    description: Text = ""

    @model_validator(mode="after")
    def _default_id(self) -> Phase:
        if not self.id:
            # Safe: slugify() always returns a non-empty ASCII id, and a validated
            # assignment inside an "after" validator would re-enter this validator.
            object.__setattr__(self, "id", slugify(self.name))
        return self


class PhaseModel(CJMModel):
    """An ordered list of 4 to 8 phases."""

    _label_key = "phasemodel"
    name: NonEmpty = "Eigenes Phasenmodell"
    preset: str | None = None
    phases: list[Phase] = Field(default_factory=list)

    @field_validator("phases", mode="before")
    @classmethod
    def _accept_names(cls, value: object) -> object:
        if isinstance(value, (list, tuple)):
            return [{"name": v} if isinstance(v, str) else v for v in value]
        return value

    @model_validator(mode="after")
    def _check(self) -> PhaseModel:
        n = len(self.phases)
        if not MIN_PHASES <= n <= MAX_PHASES:
            allowed = t("allowed.phase_count", lo=MIN_PHASES, hi=MAX_PHASES)
            raise unknown_choice(
                "error.phase_count",
                allowed=allowed,
                value=n,
                field="phases",
                count=n,
                names=", ".join(p.name for p in self.phases),
            )
        for attr in ("id", "name"):
            seen: set[str] = set()
            for p in self.phases:
                key = getattr(p, attr).casefold()
                if key in seen:
                    raise CJMError(
                        t("error.phase_duplicate", name=getattr(p, attr)),
                        field="phases",
                        value=getattr(p, attr),
                    )
                seen.add(key)
        return self

    @property
    def ids(self) -> list[str]:
        return [p.id for p in self.phases]

    @property
    def names(self) -> list[str]:
        return [p.name for p in self.phases]

    def resolve(self, phase: str, *, field: str = "phase") -> str:
        """Return the id of ``phase`` given by id or name (case-insensitive)."""
        # An exact id wins over a name: after renames a phase's name may equal another
        # phase's id, and stored references (ids) must never move to another phase.
        for p in self.phases:
            if p.id == phase:
                return p.id
        wanted = phase.strip().casefold() if isinstance(phase, str) else phase
        for p in self.phases:
            if wanted in (p.id.casefold(), p.name.casefold()):
                return p.id
        allowed = ", ".join(self.names)
        raise CJMError(
            t("error.unknown_phase", value=phase, allowed=allowed, field=field),
            field=field,
            value=phase,
            allowed=allowed,
        )

    def name_of(self, phase_id: str) -> str:
        for p in self.phases:
            if p.id == phase_id:
                return p.name
        return phase_id

    def index_of(self, phase_id: str) -> int:
        return self.ids.index(self.resolve(phase_id))

    def carry_over(self, phase_id: str, old: PhaseModel) -> str | None:
        """The id in this model for ``phase_id`` of ``old``: same id, else same name; or None.

        The one rule for switching phase models (``Workbook.set_phase_model`` and the
        phase editor's mapping dropdowns): what has no home here must be mapped by hand.
        """
        for key in (phase_id, old.name_of(phase_id)):
            try:
                return self.resolve(key)
            except CJMError:
                continue
        return None


PRESETS: dict[str, tuple[str, list[str]]] = {
    "fuenf_phasen": (
        "Fünf Phasen",
        ["Bewusstsein", "Überlegung", "Entscheidung", "Kauf", "Nachkauf"],
    ),
    "sechs_kategorien": (
        "Sechs Touchpoint-Kategorien",
        ["Awareness", "Entdecken", "Informieren", "Bewerten", "Kaufen", "Nutzung"],
    ),
    "vier_phasen": ("Vier Phasen", ["Aktivierung", "Information", "Aktion", "Bindung"]),
}


def preset(key: str = "fuenf_phasen") -> PhaseModel:
    """Return one of the three phase models from the course sources.

    ``"fuenf_phasen"`` (Bewusstsein ... Nachkauf), ``"sechs_kategorien"`` (Awareness ...
    Nutzung) or ``"vier_phasen"`` (Aktivierung ... Bindung).
    """
    if key not in PRESETS:
        allowed = ", ".join(PRESETS)
        raise unknown_choice("error.unknown_preset", allowed=allowed, value=key, field="preset")
    name, phases = PRESETS[key]
    return PhaseModel.model_validate({"name": name, "preset": key, "phases": phases})
