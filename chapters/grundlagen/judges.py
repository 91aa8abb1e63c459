"""Python-Grundlagen (primer): what each task expects. Each judge raises ``Incorrect``.

The tasks use the example of the industry the trainee picked on the start page (its first
persona, its phases, its customers), so each judge computes the expected value from that
industry's sample data.
"""

from typing import Any

import pandas as pd

from cjmlib import datasets
from cjmlib.course import my_industry
from cjmlib.grading.answers import Answers
from cjmlib.grading.checks import expect, same_items, same_number
from cjmlib.model import JourneyProject, Persona

Data = dict[str, Any]

CORRECT = {
    "a1": "Drei Werte, drei Arten: ein Text, eine ganze Zahl und eine Kommazahl.",
    "a2": "Deine Liste hat fünf Einträge, `phasen[0]` ist „Bewusstsein“.",
    "a3": 'Mit `steckbrief["alter"]` holst du jetzt das Alter aus dem Dictionary.',
    "a4": "Die Persona ist gültig – sie hat jedes Feld geprüft, das du ihr gegeben hast.",
    "a5": "Du hast eine Zahl aus einer Tabelle gelesen und in Python-Schreibweise notiert.",
    "a6": "Genau: Die Felder heißen englisch, die Meldung nennt dir alle gültigen Namen.",
}


def _example() -> JourneyProject:
    """The sample workbook of the picked industry (the example the setup cell shows)."""
    project = datasets.load(my_industry(), "workbook")
    assert isinstance(project, JourneyProject)  # load() gives the project for "workbook"
    return project


def _persona() -> Persona:
    """The example's first persona: the one the tasks ask about."""
    return _example().personas[0]


def judge_a1(answers: Answers, data: Data) -> None:
    want = _persona().channels[0]
    expect(
        answers["kanal"].strip() == want,
        f"`kanal` stimmt noch nicht: Der liebste Kanal der Persona heißt im Beispiel „{want}“. "
        "Achte auf die genaue Schreibweise.",
    )
    same_number(answers["relevanz"], 4, "relevanz", tol=0)
    expect(
        answers["emotion"] < 0,
        "`emotion` soll negativ sein: Die Persona ist leicht enttäuscht. Setz ein Minus davor.",
    )
    same_number(answers["emotion"], -0.5, "emotion", tol=0.001)


def judge_a2(answers: Answers, data: Data) -> None:
    names = [p.name for p in _example().phase_model.phases]
    same_items(answers["phasen"], names, "phasen", ordered=True)


def judge_a3(answers: Answers, data: Data) -> None:
    steckbrief, want = answers["steckbrief"], _persona()
    expect(steckbrief["name"] == want.name, f'Unter "name" soll „{want.name}“ stehen.')
    same_number(steckbrief["alter"], want.age or 0, 'steckbrief["alter"]', tol=0)
    same_items(steckbrief["kanaele"], want.channels, 'steckbrief["kanaele"]')


def judge_a4(answers: Answers, data: Data) -> None:
    persona, want = answers["persona"], _persona()
    expect(persona.name == want.name, f"Gib der Persona den Namen „{want.name}“ (`name=`).")
    expect(persona.age == want.age, f"Gib der Persona das Alter {want.age} (`age=`).")
    same_items(persona.channels, want.channels, "channels")


def judge_a5(answers: Answers, data: Data) -> None:
    customers = datasets.load(my_industry(), "customers")
    assert isinstance(customers, pd.DataFrame)  # load() gives a table for "customers"
    want = int((customers["city_size"] == "Großstadt").sum())
    same_number(answers["grossstadt"], want, "grossstadt", tol=0)


def judge_a6(answers: Answers, data: Data) -> None:
    expect(
        answers["richtiges_feld"].strip() == "age",
        "Das ist noch nicht der Feldname für das Alter. Lies die Liste hinter „Möglich "
        "sind:“ in der Meldung noch einmal.",
    )


JUDGES = {
    "a1": judge_a1,
    "a2": judge_a2,
    "a3": judge_a3,
    "a4": judge_a4,
    "a5": judge_a5,
    "a6": judge_a6,
}
