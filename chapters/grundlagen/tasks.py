"""Python-Grundlagen (primer): what each task fills in, its form checks and hints.

The primer is not graded; ``judges.py`` beside this file checks the values. Both are
content of the primer (like an exercise folder in ``course/source/``), not library code.
"""

from typing import Any

from cjmlib.grading import Task
from cjmlib.grading.answers import Answers
from cjmlib.grading.checks import expect
from cjmlib.model import Persona

Data = dict[str, Any]


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def check_a1(answers: Answers, data: Data) -> None:
    kanal, relevanz, emotion = answers["kanal"], answers["relevanz"], answers["emotion"]
    expect(
        isinstance(kanal, str),
        '`kanal` soll ein Text sein: Schreib ihn in Anführungszeichen, also `"…"`.',
    )
    expect(
        not isinstance(relevanz, str),
        "`relevanz` ist ein Text, weil die Zahl in Anführungszeichen steht. "
        "Zahlen schreibst du ohne Anführungszeichen.",
    )
    expect(_is_number(relevanz), "`relevanz` soll eine ganze Zahl sein, zum Beispiel `3`.")
    expect(
        not isinstance(emotion, tuple | list),
        "`emotion` besteht aus zwei Zahlen – du hast wohl ein Komma geschrieben. "
        "In Python steht vor den Nachkommastellen ein Punkt: `-0.5` statt `-0,5`.",
    )
    expect(_is_number(emotion), "`emotion` soll eine Zahl sein, zum Beispiel `0.5`.")


def check_a2(answers: Answers, data: Data) -> None:
    phasen = answers["phasen"]
    expect(
        isinstance(phasen, list),
        "`phasen` soll eine Liste sein: Einträge zwischen eckigen Klammern `[` und `]`, "
        "durch Kommas getrennt.",
    )
    expect(
        all(isinstance(p, str) for p in phasen),
        "Jeder Eintrag in `phasen` soll ein Text in Anführungszeichen sein.",
    )


def check_a3(answers: Answers, data: Data) -> None:
    steckbrief = answers["steckbrief"]
    expect(
        isinstance(steckbrief, dict),
        "`steckbrief` soll ein Dictionary sein: Paare `Schlüssel: Wert` zwischen "
        "geschweiften Klammern `{` und `}`.",
    )
    missing = [k for k in ("name", "alter", "kanaele") if k not in steckbrief]
    expect(not missing, f"In `steckbrief` fehlen die Schlüssel: {', '.join(missing)}.")


def check_a4(answers: Answers, data: Data) -> None:
    persona = answers["persona"]
    expect(
        isinstance(persona, Persona),
        "`persona` soll eine Persona sein: `Persona(name=..., age=..., channels=...)`.",
    )


def check_a5(answers: Answers, data: Data) -> None:
    value = answers["grossstadt"]
    expect(
        not isinstance(value, str),
        "Schreib die Zahl ohne Anführungszeichen und ohne Tausenderpunkt, also zum Beispiel "
        '`1234` statt `"1.234"`.',
    )
    expect(
        _is_number(value) and float(value).is_integer(),
        "`grossstadt` soll eine ganze Zahl sein. Der Punkt in einer Tabelle wie „7.500“ "
        "trennt nur die Tausender; in Python schreibst du die Zahl ohne Punkt.",
    )


def check_a6(answers: Answers, data: Data) -> None:
    expect(
        isinstance(answers["richtiges_feld"], str),
        "`richtiges_feld` soll ein Text sein, also in Anführungszeichen.",
    )


TASKS = {
    "a1": Task(
        answers=("kanal", "relevanz", "emotion"),
        check=check_a1,
        hints=(
            "Text steht in Anführungszeichen, Zahlen nicht. Nachkommastellen trennst du "
            "mit einem Punkt.",
            'So sieht es aus: `kanal = "…"` mit dem ersten Kanal der Persona aus dem Beispiel, '
            "`relevanz = 4`, `emotion = -0.5`.",
        ),
    ),
    "a2": Task(
        answers=("phasen",),
        check=check_a2,
        hints=(
            "Das Beispiel unter der Einrichtungszelle nennt die Phasen in der richtigen "
            "Reihenfolge.",
            'Das Gerüst: `phasen = ["…", "…", …]` – jede Phase in Anführungszeichen, '
            "dazwischen Kommas, in der Reihenfolge aus dem Beispiel.",
        ),
    ),
    "a3": Task(
        answers=("steckbrief",),
        check=check_a3,
        hints=(
            "Die Werte stehen im Beispiel unter der Einrichtungszelle: Name, Alter und Kanäle "
            "der Persona.",
            'Das Gerüst: `steckbrief = {"name": "…", "alter": …, "kanaele": ["…", "…", "…"]}` '
            "– das Alter ohne Anführungszeichen.",
        ),
    ),
    "a4": Task(
        answers=("persona",),
        check=check_a4,
        hints=(
            "Die Werte kennst du aus Aufgabe 3. Die Feldnamen sind englisch: `name`, "
            "`age`, `channels`.",
            'So: `persona = Persona(name="…", age=…, channels=["…", "…", "…"])` – mit den '
            "Werten aus Aufgabe 3.",
        ),
    ),
    "a5": Task(
        answers=("grossstadt",),
        check=check_a5,
        hints=(
            "Lies in der Tabelle die Zeile „Großstadt“ und dort die Spalte „Anzahl“.",
            "Der Punkt in einer Zahl wie „7.500“ trennt nur die Tausender. Python schreibt "
            "dieselbe Zahl ohne Punkt: `7500`.",
        ),
    ),
    "a6": Task(
        answers=("richtiges_feld",),
        check=check_a6,
        hints=(
            "Die Meldung zählt hinter „Möglich sind:“ alle Feldnamen einer Persona auf. "
            "Welcher davon bedeutet Alter?",
        ),
    ),
}
