"""Finding the project and its parts in what a trainee hands over (a workbook or a project).

Charts, io, analytics and the evidence rules all accept ``wb`` or ``wb.project``; the
checks live here once, in the model layer, so that no layer borrows them from another.
"""

from __future__ import annotations

from typing import Protocol, TypeAlias

from cjmlib.errors import CJMError
from cjmlib.messages import t
from cjmlib.messages.choices import unknown_choice
from cjmlib.model.entities import Persona, Touchpoint
from cjmlib.model.project import JourneyProject


class HasProject(Protocol):
    """Anything that holds a journey project, above all a :class:`~cjmlib.Workbook`."""

    @property
    def project(self) -> JourneyProject: ...


#: What the public functions accept as "the project": a workbook or the project itself.
ProjectLike: TypeAlias = "JourneyProject | HasProject"


def as_project(obj: object, *, arg: str = "project") -> JourneyProject:
    """The project of a Workbook (anything with ``.project``) or a JourneyProject itself.

    Raises a German :class:`CJMError` naming the trainee's argument ``arg`` otherwise.
    """
    if isinstance(obj, JourneyProject):
        return obj
    inner = getattr(obj, "project", None)
    if isinstance(inner, JourneyProject):
        return inner
    raise CJMError(
        t("charts.error.not_a_project", arg=arg, given=type(obj).__name__),
        field=arg,
        value=type(obj).__name__,
        allowed="Workbook, JourneyProject",
    )


def project_of(obj: object, arg: str = "workbook") -> JourneyProject:
    """:func:`as_project` for functions whose argument is the trainee's ``workbook``."""
    return as_project(obj, arg=arg)


def resolve_persona(project: JourneyProject, persona: Persona | str | None) -> Persona | None:
    """Return the persona meant by ``persona`` (id, name or Persona), or None for all."""
    if persona is None:
        return None
    key = persona.id if isinstance(persona, Persona) else str(persona).strip()
    for p in project.personas:
        if p.id == key:
            return p
    hits = [p for p in project.personas if p.name.casefold() == key.casefold()]
    if len(hits) == 1:
        return hits[0]
    allowed = ", ".join(f"{p.name} ({p.id})" for p in project.personas) or t(
        "charts.error.no_personas"
    )
    raise unknown_choice(
        "charts.error.unknown_persona", allowed=allowed, value=key, field="persona"
    )


def applies_to(persona_ids: list[str], persona: Persona | None) -> bool:
    """An empty ``persona_ids`` list means: applies to every persona."""
    return persona is None or not persona_ids or persona.id in persona_ids


def touchpoints_for(project: JourneyProject, persona: Persona | None) -> list[Touchpoint]:
    """The touchpoints ``persona`` meets (all of them for ``None``)."""
    return [tp for tp in project.touchpoints if applies_to(tp.persona_ids, persona)]
