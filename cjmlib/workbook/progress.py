"""The trainee's progress across chapters, exercises and the capstone, in one overview.

:func:`trainee_progress` reads

- the **chapters** from the workbook (checklist ticks and knowledge-check scores that the
  chapter widgets save): a chapter is done when every checklist item is ticked and the
  knowledge check reached :data:`PASS_SCORE`;
- the **exercises** from the trainee's saved exercise notebooks (``exercises/*.ipynb``):
  the last verdict each instant check (``pruefe.a1.check()``) printed – correct, not yet
  correct, not attempted – as JupyterLab saved it with the notebook;
- the **capstone** from :func:`cjmlib.workbook.completeness.capstone_checks`.

Everything a trainee reads is German and says what is missing.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cjmlib.messages import catalogue, has, t
from cjmlib.model import JourneyProject
from cjmlib.workbook.completeness import IST_SNAPSHOT, Check, capstone_checks
from cjmlib.workbook.workbook import Workbook

#: The chapters of the course: the start page, the twelve steps and the capstone.
CHAPTERS: tuple[str, ...] = tuple(f"{n:02d}" for n in range(14))
#: Share of right answers in a knowledge check that counts as passed.
PASS_SCORE = 0.6
_CHECK_CALL = re.compile(r"(\w+)\.(\w+)\.check\(\s*\)")
_VERDICTS = ("correct", "incorrect", "not_attempted", "error")


@dataclass(frozen=True)
class ChapterState:
    """One chapter: checklist ticks, knowledge-check score, state and what is missing."""

    key: str
    title: str
    ticked: int
    items: int
    quiz_score: float | None
    state: str  # "done", "started" or "open"
    missing: tuple[str, ...] = ()

    @property
    def done(self) -> bool:
        return self.state == "done"


@dataclass(frozen=True)
class ExerciseState:
    """One exercise notebook: its instant checks and their last verdicts."""

    name: str
    title: str
    tasks: int
    correct: int
    failed: tuple[str, ...] = ()  # tasks whose last check said "not yet correct" or failed
    state: str = "open"  # "done", "started" or "open"

    @property
    def done(self) -> bool:
        return self.state == "done"


@dataclass(frozen=True)
class TraineeProgress:
    """Chapters, exercises and the capstone checks of one trainee."""

    chapters: tuple[ChapterState, ...]
    exercises: tuple[ExerciseState, ...]
    capstone: tuple[Check, ...]
    exercises_found: bool = True
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def chapters_done(self) -> list[ChapterState]:
        return [c for c in self.chapters if c.done]

    @property
    def capstone_complete(self) -> bool:
        return all(c.passed for c in self.capstone)

    def summary(self) -> str:
        """One German line: chapters, exercises and capstone parts done."""
        return t(
            "capstone.progress.summary",
            chapters=len(self.chapters_done),
            chapter_total=len(self.chapters),
            exercises=sum(e.done for e in self.exercises),
            exercise_total=len(self.exercises),
            parts=sum(c.passed for c in self.capstone),
            part_total=len(self.capstone),
        )


def chapter_title(key: str) -> str:
    """The German title of chapter ``key`` ("00" … "13")."""
    own = f"capstone.progress.chapter_{key}"
    return t(own) if has(own) else t(f"widgets.progress.step_{key}")


def checklist_size(key: str) -> int:
    """How many items the checklist of chapter ``key`` has in the catalogue."""
    prefix = f"chapter.{key}.checklist."
    return sum(1 for k in catalogue("de") if k.startswith(prefix))


def _chapter(project: JourneyProject, key: str) -> ChapterState:
    progress = project.progress.get(key)
    items = checklist_size(key)
    ticked = sum(progress.checklist.values()) if progress else 0
    score = progress.quiz_score if progress else None
    missing: list[str] = []
    if ticked < items:
        missing.append(t("capstone.progress.ticks_missing", missing=items - ticked, total=items))
    if score is None:
        missing.append(t("capstone.progress.quiz_missing"))
    elif score < PASS_SCORE:
        missing.append(
            t(
                "capstone.progress.quiz_low",
                percent=round(score * 100),
                needed=round(PASS_SCORE * 100),
            )
        )
    if (progress and progress.done) or not missing:
        state, missing = "done", []
    elif ticked or score is not None:
        state = "started"
    else:
        state = "open"
    return ChapterState(key, chapter_title(key), ticked, items, score, state, tuple(missing))


def default_exercises_dir() -> Path:
    """The self-study exercises beside the course (``exercises/`` of the repository)."""
    return Path(__file__).resolve().parents[2] / "exercises"


def _outputs_text(cell: dict[str, Any]) -> str:
    parts: list[str] = []
    for out in cell.get("outputs", []):
        if "text" in out:
            parts.append("".join(out["text"]) if isinstance(out["text"], list) else out["text"])
        data = out.get("data", {})
        for mime in ("text/markdown", "text/plain"):
            if mime in data:
                value = data[mime]
                parts.append("".join(value) if isinstance(value, list) else str(value))
    return "\n".join(parts)


def _verdict(text: str) -> str | None:
    heads = {kind: t(f"grading.check.{kind}") for kind in _VERDICTS}
    found = [(text.rfind(head), kind) for kind, head in heads.items() if head in text]
    return max(found)[1] if found else None


def read_exercise(path: Path) -> ExerciseState:
    """The instant checks of one saved exercise notebook and their last verdicts."""
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
        cells = nb.get("cells", [])
    except (OSError, ValueError, AttributeError):
        return ExerciseState(path.stem, path.stem, 0, 0, (), "unreadable")
    title = path.stem
    for cell in cells:
        if cell.get("cell_type") == "markdown":
            first = "".join(cell.get("source", "")).strip().splitlines()
            if first:
                title = first[0].lstrip("#").strip()
            break
    verdicts: dict[str, str | None] = {}
    for cell in cells:
        if cell.get("cell_type") != "code":
            continue
        source = "".join(cell.get("source", ""))
        for match in _CHECK_CALL.finditer(source):
            verdicts[match.group(2)] = _verdict(_outputs_text(cell))
    correct = sum(v == "correct" for v in verdicts.values())
    failed = tuple(task for task, v in verdicts.items() if v in ("incorrect", "error"))
    if verdicts and correct == len(verdicts):
        state = "done"
    elif any(v is not None for v in verdicts.values()):
        state = "started"
    else:
        state = "open"
    return ExerciseState(path.stem, title, len(verdicts), correct, failed, state)


def trainee_progress(
    wb: Workbook | JourneyProject,
    *,
    exercises: str | os.PathLike[str] | None = None,
    ist: str | JourneyProject | None = IST_SNAPSHOT,
) -> TraineeProgress:
    """What the trainee has done and what is missing: chapters, exercises, capstone.

    Parameters
    ----------
    wb:
        The trainee's workbook.
    exercises:
        The folder of the trainee's exercise notebooks (default: ``exercises/`` of the
        course).
    ist:
        The as-is state for the capstone's Ist/Soll check (snapshot name or project).
    """
    project = wb if isinstance(wb, JourneyProject) else wb.project
    folder = Path(exercises) if exercises is not None else default_exercises_dir()
    files = sorted(folder.glob("[0-9][0-9]_*.ipynb")) if folder.is_dir() else []
    notes: list[str] = []
    if not files:
        notes.append(t("capstone.progress.no_exercises", folder=folder))
    return TraineeProgress(
        chapters=tuple(_chapter(project, key) for key in CHAPTERS),
        exercises=tuple(read_exercise(p) for p in files),
        capstone=tuple(capstone_checks(wb, ist=ist)),
        exercises_found=bool(files),
        notes=tuple(notes),
    )
