"""Übung 2 · Personas: what each task expects (instructor only: never released)."""

from typing import Any

from cjmlib.grading.answers import Answers
from cjmlib.grading.checks import fail, same_items

Data = dict[str, Any]

#: Persona field -> key of the interview notes it comes from.
FIELDS = {"age": "alter", "gender": "geschlecht", "occupation": "beruf", "location": "wohnort"}
LISTS = {
    "needs_goals": "ziele",
    "pain_points": "aergernisse",
    "channels": "kanaele",
    "devices": "geraete",
}


def _persona(answers: Answers, data: Data, name: str, index: int) -> None:
    """The persona of interview ``index`` is in the workbook, true to the notes."""
    notes = data["interviews"][index]
    personas = answers.workbook.personas
    if notes["name"] not in personas:
        fail("not_in_workbook", name=name, item=notes["name"])
    persona = personas[notes["name"]]
    for field, key in FIELDS.items():
        if getattr(persona, field) != notes[key]:
            fail("field_off", name=name, field=field)
    for field, key in LISTS.items():
        if set(getattr(persona, field)) != set(notes[key]):
            fail("field_off", name=name, field=field)
    if not any(e.kind == "Interview" for e in persona.evidence) or persona.assumption_share:
        fail("evidence_missing", name=name)


def judge_a1(answers: Answers, data: Data) -> None:
    _persona(answers, data, "lena", 0)


def judge_a2(answers: Answers, data: Data) -> None:
    _persona(answers, data, "werner", 1)
    count = len(answers.workbook.personas)
    if count != 2:
        fail("count_off", name="wb.personas", given=count, expected=2)


#: Keys of a short note -> the profile area (chapter 2) they tell something about.
AREAS = {
    "alter": "Demografie",
    "beruf": "Demografie",
    "wohnort": "Demografie",
    "geschlecht": "Demografie",
    "kaufgewohnheiten": "Verhalten",
    "ziele": "Bedürfnisse und Ziele",
    "aergernisse": "Herausforderungen und Pain Points",
    "kanaele": "Bevorzugte Kanäle",
}


def judge_a3(answers: Answers, data: Data) -> None:
    covered = {AREAS[k] for k in data["notiz_sabine"] if k in AREAS}
    missing = [area for area in data["bereiche"] if area not in covered]
    same_items(answers["fehlende_bereiche"], missing, "fehlende_bereiche")


JUDGES = {"a1": judge_a1, "a2": judge_a2, "a3": judge_a3}
