"""Measure how long each chapter takes a trainee, and write the times into the chapters.

Usage::

    python tools/chapter_times.py          # print the table
    python tools/chapter_times.py write    # update the chapter heads and the start page
    python tools/chapter_times.py check    # exit 1 when a stated time is out of date

The method (also stated on the start page):

* **Reading**: every word a trainee reads – the Markdown cells, the checklist and the
  knowledge check (questions, cases, tables, options and explanations) – at
  ``READING_WPM`` words per minute. Adults read non-fiction silently at about 240 words
  per minute in English and noticeably slower in German; learners who meet the terms
  for the first time, many of them not technical, read learning material at about half
  to two thirds of that speed, so we count 130.
* **Doing**: half a minute per code cell (run it, wait, look at the output), one more
  minute per chart and half a minute per table to read what it shows, one minute per
  knowledge-check item to choose (the explanation is counted as reading), two minutes
  for the checklist, and the time for the chapter's own step ("Dein Schritt") from
  ``TASK_MINUTES``: what the chapter asks the trainee to enter, times a realistic time
  per entry.

Times are rounded up to five minutes. A test (``tests/test_chapter_times.py``) fails
when a chapter states another time than this script measures.
"""

from __future__ import annotations

import math
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = ROOT / "chapters"
READING_WPM = 130
CODE_CELL_MIN = 0.5
CHART_MIN = 1.0
TABLE_MIN = 0.5
QUIZ_ITEM_MIN = 1.0
CHECKLIST_MIN = 2.0
#: The Python primer between the start page and chapter 1, and its catalogue key.
PRIMER = CHAPTERS / "00b_Python_Grundlagen.ipynb"
PRIMER_KEY = "grundlagen"

#: Minutes for "Dein Schritt": what the chapter asks for, times a time per entry.
TASK_MINUTES: dict[int | str, tuple[float, str]] = {
    0: (3, "name and industry of the project"),
    1: (20, "two goals and 2-4 KPIs (8 min), 2-3 target groups along five criteria (4 min each)"),
    2: (30, "1-3 personas with profile and evidence, about 12 min each for two"),
    3: (20, "3-5 needs per persona with four ratings, about 1.5 min each for 12"),
    4: (30, "a phase model (3 min) and 10-20 touchpoints with nine fields, 1.5 min each for 18"),
    5: (15, "evidence for each touchpoint, about 1 min each for 15"),
    6: (10, "check the emotion of every touchpoint, export the map"),
    7: (15, "3-5 pain points with links, ratings and evidence, 3-4 min each"),
    8: (15, "a solution for each important pain point with impact, effort, owner, KPI"),
    9: (15, "a hypothesis for each important solution, with method, metric and criterion"),
    10: (10, "the first entries of the feedback log"),
    11: (15, "3-5 actions with owner, date, KPI and target"),
    12: (10, "the first review with trigger, findings, decisions, next date"),
    13: (30, "scenario (5 min), a thought per phase (10), the target map (10), the report (5)"),
    PRIMER_KEY: (8, "six small tasks: four to type (1.5 min each), two to read off (1 min each)"),
}

_WORD = re.compile(r"[\w\-–’']+", re.UNICODE)
_MARKER = re.compile(r"^\*\*Zeitbedarf:\*\*.*$", re.M)
_TABLE_START, _TABLE_END = "<!-- zeiten:start -->", "<!-- zeiten:ende -->"


def words(text: str) -> int:
    # The times table on the start page is not counted: it would change its own result.
    text = re.sub(rf"{_TABLE_START}.*?{_TABLE_END}", " ", text, flags=re.DOTALL)
    text = re.sub(r"```.*?```", " ", text, flags=re.DOTALL)
    text = re.sub(r"<!--.*?-->", " ", text, flags=re.DOTALL)
    text = re.sub(r"\]\([^)]*\)", "]", text)
    return len(_WORD.findall(text))


class Timed:
    """A time measured from words to read and things to do (chapters and exercises).

    ``reading`` is the words at ``READING_WPM``; ``doing`` the minutes a subclass counts.
    The total is the sum of the two parts, each rounded up to five minutes, so that the
    stated numbers add up.
    """

    read_words: int

    @property
    def reading(self) -> float:
        return self.read_words / READING_WPM

    @property
    def doing(self) -> float:
        raise NotImplementedError

    @property
    def total(self) -> int:
        return round5(self.reading) + round5(self.doing)


@dataclass(frozen=True)
class ChapterTime(Timed):
    number: int | str
    title: str
    read_words: int
    code_cells: int
    charts: int
    tables: int
    quiz_items: int
    task: float
    checklist: bool = True

    @property
    def doing(self) -> float:
        return (
            self.code_cells * CODE_CELL_MIN
            + self.charts * CHART_MIN
            + self.tables * TABLE_MIN
            + self.quiz_items * QUIZ_ITEM_MIN
            + (CHECKLIST_MIN if self.checklist else 0.0)
            + self.task
        )


def round5(minutes: float) -> int:
    return int(5 * math.ceil(minutes / 5))


def measure(path: Path) -> ChapterTime:
    from cjmlib import content
    from cjmlib.messages import set_language

    set_language("de")
    n: int | str = PRIMER_KEY if path.name == PRIMER.name else int(path.name[:2])
    nb = nbformat.read(str(path), as_version=4)
    markdown = [c.source for c in nb.cells if c.cell_type == "markdown"]
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    quiz = content.quiz(n)
    quiz_words = sum(
        words(" ".join([q.case, q.text, *q.choices, q.explanation, *map(" ".join, q.table)]))
        for q in quiz
    )
    checklist = content.checklist(n)
    checklist_words = sum(words(text) for _, text in checklist)
    title = markdown[0].splitlines()[0].split(":", 1)[1].strip()
    return ChapterTime(
        number=n,
        title=title,
        read_words=sum(words(m) for m in markdown) + quiz_words + checklist_words,
        code_cells=len(code),
        charts=sum(len(re.findall(r"\w+_chart\(", c)) for c in code),
        tables=sum(len(re.findall(r"\bshow_(?:table|entries)\(", c)) for c in code),
        quiz_items=len(quiz),
        task=TASK_MINUTES[n][0],
        checklist=bool(checklist),
    )


def chapters() -> list[Path]:
    """Every notebook a trainee reads: the start page, the primer, the chapters 1-13."""
    numbered = sorted(CHAPTERS.glob("[0-9][0-9]_*.ipynb"))
    return sorted([*numbered, PRIMER] if PRIMER.exists() else numbered, key=lambda p: p.name)


def head_line(ct: ChapterTime) -> str:
    return (
        f"**Zeitbedarf:** etwa {ct.total} Minuten – etwa {round5(ct.reading)} zum Lesen und "
        f"{round5(ct.doing)} zum Ausprobieren und Eintragen (wie wir das messen, steht auf "
        "der [Startseite](00_Start.ipynb))."
    )


def start_table(times: list[ChapterTime]) -> str:
    rows = [
        "| Kapitel | Lesen | Ausprobieren und Eintragen | zusammen |",
        "|---|---|---|---|",
    ]
    for ct in times:
        label = f"{ct.number} {ct.title}" if isinstance(ct.number, int) else f"Vorkurs: {ct.title}"
        rows.append(
            f"| {label} | {round5(ct.reading)} Min. | {round5(ct.doing)} Min. "
            f"| **{ct.total} Min.** |"
        )
    total = sum(ct.total for ct in times)
    rows.append(f"| **alle Kapitel** | | | **{total} Min. (etwa {total / 60:.0f} Stunden)** |")
    method = (
        "*So messen wir:* Lesen mit 130 Wörtern pro Minute – so schnell liest man einen "
        "Lerntext mit neuen Fachbegriffen aufmerksam –, dazu eine halbe Minute pro "
        "Code-Zelle, eine Minute pro Diagramm, eine halbe pro Tabelle, eine Minute pro "
        "Frage im Wissenscheck, zwei für die Checkliste und die Zeit für deinen eigenen "
        "Schritt, geschätzt aus dem, was das Kapitel einzutragen bittet. Aufgerundet auf "
        "fünf Minuten."
    )
    return "\n".join(rows) + "\n\n" + method


def apply(times: list[ChapterTime]) -> dict[Path, str]:
    """The new text of every chapter file whose stated times differ."""
    changed = {}
    for path, ct in zip(chapters(), times, strict=True):
        nb = nbformat.read(str(path), as_version=4)
        first = nb.cells[0]
        first.source = _MARKER.sub(head_line(ct).replace("\\", "\\\\"), first.source)
        if ct.number == 0:
            for cell in nb.cells:
                if _TABLE_START in cell.source:
                    before, rest = cell.source.split(_TABLE_START, 1)
                    _, after = rest.split(_TABLE_END, 1)
                    cell.source = (
                        f"{before}{_TABLE_START}\n{start_table(times)}\n{_TABLE_END}{after}"
                    )
        text = nbformat.writes(nb) + "\n"
        if text != path.read_text(encoding="utf-8"):
            changed[path] = text
    return changed


def main(argv: list[str]) -> int:
    times = [measure(p) for p in chapters()]
    command = argv[0] if argv else "show"
    if command == "show":
        print("Kap  Wörter  Zellen  Diagr.  Tab.  Fragen  Schritt  Lesen  Tun  zusammen")
        for ct in times:
            print(
                f"{str(ct.number)[:3]:>3} {ct.read_words:>7} {ct.code_cells:>7} {ct.charts:>7} "
                f"{ct.tables:>5} {ct.quiz_items:>7} {ct.task:>8.0f} {ct.reading:>6.1f} "
                f"{ct.doing:>5.1f} {ct.total:>8}"
            )
        total = sum(ct.total for ct in times)
        print(f"alle Kapitel: {total} Minuten = {total / 60:.1f} Stunden")
        return 0
    changed = apply(times)
    if command == "write":
        for path, text in changed.items():
            path.write_text(text, encoding="utf-8")
            print(f"updated {path.relative_to(ROOT)}")
        return 0
    if changed:
        print("stated times are out of date in: " + ", ".join(p.name for p in changed))
        print("run: python tools/chapter_times.py write && python tools/notebooks.py normalise")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
