"""Measure how long each exercise takes a trainee, and write the time into its head.

Usage::

    python tools/exercise_times.py          # print the table
    python tools/exercise_times.py write    # update the heads of course/source/<übung>/
    python tools/exercise_times.py check    # exit 1 when a stated time is out of date

The method is that of ``tools/chapter_times.py`` (reading at ``READING_WPM`` words per
minute, half a minute per code cell and per table shown), applied to the self-study
edition, plus what an exercise asks the trainee to do:

* **each blank** ``____`` in an answer cell: one minute (find the value in the table or
  text, work it out, type it);
* **each task**: two minutes for running the instant check, reading its message and
  correcting once (the novice paths in ``tests/test_novice_paths.py`` show that a first
  wrong answer is the normal case);
* **the reflection**: eight minutes for three or four sentences.

``LEFT_OUT`` names exercises that do not (yet) follow the method (none at present).
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))
from chapter_times import CODE_CELL_MIN, TABLE_MIN, Timed, round5, words

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "course" / "source"
BLANK_MIN = 1.0
TASK_MIN = 2.0
REFLECTION_MIN = 8.0
LEFT_OUT: frozenset[str] = frozenset()
_MARKER = re.compile(r"^\*\*Zeitbedarf:\*\*.*$", re.M)


@dataclass(frozen=True)
class ExerciseTime(Timed):
    name: str
    read_words: int
    code_cells: int
    tables: int
    blanks: int
    tasks: int
    reflections: int

    @property
    def doing(self) -> float:
        return (
            self.code_cells * CODE_CELL_MIN
            + self.tables * TABLE_MIN
            + self.blanks * BLANK_MIN
            + self.tasks * TASK_MIN
            + self.reflections * REFLECTION_MIN
        )


def _edition_cells(nb: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    """The cells a self-learner sees (the graded-only ones dropped)."""
    return [c for c in nb.cells if "bewertet" not in c.metadata.get("tags", [])]


def measure(folder: Path) -> ExerciseTime:
    nb = nbformat.read(str(folder / f"{folder.name}.ipynb"), as_version=4)
    cells = _edition_cells(nb)
    markdown = [c.source for c in cells if c.cell_type == "markdown"]
    code = [c for c in cells if c.cell_type == "code"]
    answers = [c for c in code if c.metadata.get("nbgrader", {}).get("solution")]
    starters = [c.source.split("### BEGIN SOLUTION")[0] for c in answers]
    reflections = [
        c
        for c in cells
        if c.cell_type == "markdown" and c.metadata.get("nbgrader", {}).get("solution")
    ]
    # the reflection's reference answer is not read by the trainee
    read = sum(words(m) for m in markdown) - sum(words(c.source) for c in reflections)
    return ExerciseTime(
        name=folder.name,
        read_words=read,
        code_cells=len(code),
        tables=sum(len(re.findall(r"\bshow_(?:table|entries)\(", c.source)) for c in code),
        blanks=sum(s.count("____") for s in starters),
        tasks=len(answers),
        reflections=len(reflections),
    )


def head_line(et: ExerciseTime) -> str:
    return (
        f"**Zeitbedarf:** etwa {et.total} Minuten – etwa {round5(et.reading)} zum Lesen und "
        f"{round5(et.doing)} zum Lösen (gemessen wie bei den Kapiteln: Lesetempo, je Lücke "
        "eine Minute, je Aufgabe ein Korrekturversuch, die Reflexion)."
    )


def exercises() -> list[Path]:
    return sorted(
        p for p in SOURCE.iterdir() if (p / "tasks.py").is_file() and p.name not in LEFT_OUT
    )


def stated(folder: Path) -> str | None:
    nb = nbformat.read(str(folder / f"{folder.name}.ipynb"), as_version=4)
    found = _MARKER.search(nb.cells[0].source)
    return found.group(0) if found else None


def apply(folder: Path) -> bool:
    """Write the measured time into the exercise's first cell; True if it changed."""
    path = folder / f"{folder.name}.ipynb"
    nb = nbformat.read(str(path), as_version=4)
    line, head = head_line(measure(folder)), nb.cells[0].source
    new = (
        _MARKER.sub(line, head)
        if _MARKER.search(head)
        else head.replace("\n\n", f"\n\n{line}\n\n", 1)
    )
    if new == head:
        return False
    nb.cells[0].source = new
    nbformat.write(nb, str(path))
    return True


def main(argv: list[str]) -> int:
    times = [measure(f) for f in exercises()]
    if argv[:1] == ["write"]:
        for folder in exercises():
            apply(folder)
        return 0
    if argv[:1] == ["check"]:
        stale = [t.name for t in times if stated(SOURCE / t.name) != head_line(t)]
        for name in stale:
            print(f"{name}: Zeitbedarf veraltet – python tools/exercise_times.py write")
        return 1 if stale else 0
    for t in times:
        print(
            f"{t.name:20} {t.total:3} min  (lesen {t.reading:4.1f}, tun {t.doing:4.1f}; "
            f"{t.read_words} Wörter, {t.blanks} Lücken, {t.tasks} Aufgaben)"
        )
    print(f"{'Summe':20} {sum(t.total for t in times):3} min")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
