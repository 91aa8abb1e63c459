"""One exercise = one folder, and the ``pruefe`` object a notebook gets from it.

An exercise lives in ``course/source/<übung>/``::

    <übung>.ipynb   the notebook: texts, setup cell, answer cells (solution regions),
                    test cells (``pruefe.a1.test()``) — nbgrader's source notebook
    tasks.py        what each task fills in, its visible checks and hints (released)
    judges.py       what each task expects: one judge per task (never released)
    data.json       the data the trainee starts from (released; see cjmlib.grading.data)

``tasks.py`` defines ``TASKS = {"a1": Task(answers=("chancen",), check=..., hints=(...))}``;
``judges.py`` defines ``JUDGES = {"a1": judge_a1, ...}`` and may define ``CORRECT``
(a German line shown when a self-study answer is right). A check and a judge are
functions ``(answers, data) -> None`` that raise :class:`~cjmlib.grading.checks.Incorrect`;
they get the answers as handed over (:mod:`cjmlib.grading.answers`) and fresh data.

Which edition a notebook runs in follows from the folder :func:`find_exercise` finds:

- the *graded* edition (released by ``nbgrader generate_assignment``) has no
  ``judges.py`` beside it: ``check()``/``test()`` run only the visible checks, and there
  is no ``solution()``; the hidden judges run in the grader (:mod:`cjmlib.grading.verdicts`);
- the *self-study* edition (``exercises/``, ``solutions/``) reads the course folder
  ``../course/source/<übung>/``: ``check()`` runs visible check and judge, ``solution()``
  shows the reference code from the source notebook.

The setup cell binds the trainee's variables explicitly, as learntools does::

    pruefe = uebung("03_beduerfnisse", globals())
"""

from __future__ import annotations

import copy
import json
import sys
import types
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cjmlib.errors import CJMError
from cjmlib.grading.answers import AnswerError, Answers, round_trip
from cjmlib.grading.checks import Incorrect, NotAttempted, grading, show
from cjmlib.grading.data import load_data
from cjmlib.messages import t
from cjmlib.messages.text import wrap_lines
from cjmlib.placeholder import blanks_in

__all__ = [
    "JUDGES_FILE",
    "TASKS_FILE",
    "Check",
    "Exercise",
    "Task",
    "Verdict",
    "find_exercise",
    "judge",
    "load_exercise",
    "solution_code",
    "uebung",
    "uebungsdaten",
]

TASKS_FILE = "tasks.py"
JUDGES_FILE = "judges.py"
BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"

#: A visible check or a judge: raises Incorrect when the answers are not right.
Check = Callable[[Answers, dict[str, Any]], None]


@dataclass(frozen=True)
class Task:
    """One task as the trainee sees it: the variables it fills, visible check, hints."""

    answers: tuple[str, ...]
    check: Check | None = None
    hints: tuple[str, ...] = ()


@dataclass(frozen=True)
class Verdict:
    """The outcome of judging one task.

    ``kind`` is ``correct``, ``visible_passed`` (visible checks passed, no judge ran),
    ``not_attempted``, ``incorrect`` or ``error``; ``hidden`` tells that the judge, not
    the visible check, found the problem.
    """

    kind: str
    message: str
    hidden: bool = False

    @property
    def passed(self) -> bool:
        return self.kind in ("correct", "visible_passed")


@dataclass(frozen=True)
class Exercise:
    """The files of one exercise folder, loaded."""

    name: str
    folder: Path
    tasks: dict[str, Task]
    judges: dict[str, Check] | None = None
    correct: dict[str, str] = field(default_factory=dict)
    _data: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def self_study(self) -> bool:
        """True when the judges are here (self-study edition or the instructor's source)."""
        return self.judges is not None

    def data(self) -> dict[str, Any]:
        """Fresh copies of the exercise data (read once, copied for every judge)."""
        if not self._data:
            self._data.update(load_data(self.folder))
        return copy.deepcopy(self._data)


def _module(path: Path, name: str) -> types.ModuleType:
    """Run ``path`` as module ``name`` without writing bytecode beside it."""
    module = types.ModuleType(name)
    module.__file__ = str(path)
    sys.modules[name] = module  # dataclasses and typing look a module up by name
    exec(compile(path.read_text(encoding="utf-8"), str(path), "exec"), module.__dict__)
    return module


def load_exercise(folder: Path, *, judges: bool = True) -> Exercise:
    """Load the exercise in ``folder`` (its judges too, if there and ``judges``)."""
    folder = Path(folder).resolve()
    slug = "".join(c if c.isalnum() else "_" for c in folder.name)
    tasks_module = _module(folder / TASKS_FILE, f"cjm_uebung_{slug}_tasks")
    tasks = dict(getattr(tasks_module, "TASKS", {}))
    judge_map: dict[str, Check] | None = None
    correct: dict[str, str] = {}
    if judges and (folder / JUDGES_FILE).is_file():
        judges_module = _module(folder / JUDGES_FILE, f"cjm_uebung_{slug}_judges")
        judge_map = dict(getattr(judges_module, "JUDGES", {}))
        correct = dict(getattr(judges_module, "CORRECT", {}))
    return Exercise(folder.name, folder, tasks, judge_map, correct)


def find_exercise(name: str, start: Path | None = None) -> Path:
    """The folder of exercise ``name`` as seen from a notebook in ``start`` (default: cwd).

    - the notebook's own folder, if it is the exercise (graded release, autograded
      copy, the instructor's source folder);
    - ``../course/source/<name>`` (self-study: ``exercises/`` and ``solutions/`` sit
      beside ``course/`` in the repository);
    - ``./<name>`` (a folder beside the notebook: the checks of the chapters' Python
      primer live in ``chapters/grundlagen/``).
    """
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, here.parent / "course" / "source" / name, here / name):
        if folder.name == name and (folder / TASKS_FILE).is_file():
            return folder
    raise CJMError(
        t("grading.editions.not_found", name=name, folder=here), field="name", value=name
    )


def solution_code(source: str) -> str:
    """The code between the solution markers (the starter line before them dropped)."""
    lines = source.split("\n")
    if BEGIN not in lines or END not in lines:
        return source
    start, end = lines.index(BEGIN), lines.index(END)
    return "\n".join(lines[start + 1 : end])


def _cell_source(cell: dict[str, Any]) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def reference_solutions(notebook: Path) -> dict[str, str]:
    """``task -> reference code`` of the solution cells (``<task>_loesung``) of a notebook."""
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    out: dict[str, str] = {}
    for cell in nb.get("cells", []):
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", "")
        if cell.get("cell_type") == "code" and grade_id.endswith("_loesung"):
            out[grade_id.removesuffix("_loesung")] = solution_code(_cell_source(cell))
    return out


def judge(exercise: Exercise, task_id: str, answers: Answers) -> Verdict:
    """Judge ``answers`` to task ``task_id``: visible check, then the judge if there is one."""
    task = exercise.tasks[task_id]
    if any(blanks_in({name: answers.get(name)}) for name in task.answers):  # also in a dict
        names = ", ".join(f"`{n}`" for n in task.answers)
        return Verdict("not_attempted", t("grading.check.not_attempted_detail", names=names))
    data = exercise.data()
    steps: list[tuple[Check, bool]] = []
    if task.check is not None:
        steps.append((task.check, False))
    judge_fn = (exercise.judges or {}).get(task_id)
    if exercise.judges is not None:
        if judge_fn is None:
            return Verdict("error", t("grading.verdict.no_judge", task=task_id), hidden=True)
        steps.append((judge_fn, True))
    for step, hidden in steps:
        try:
            step(answers, data)
        except (Incorrect, NotAttempted, CJMError) as exc:
            kind = "not_attempted" if isinstance(exc, NotAttempted) else "incorrect"
            return Verdict(kind, str(exc), hidden=hidden)
        except Exception as exc:  # the trainee's answer broke our look at it
            message = t(
                "grading.check.error_detail", error=type(exc).__name__, message=str(exc)[:300]
            )
            return Verdict("error", message, hidden=hidden)
    if exercise.judges is None:
        return Verdict("visible_passed", t("grading.editions.visible_passed"))
    return Verdict("correct", exercise.correct.get(task_id, ""))


#: How IPython starts the last line of a failed test cell's traceback.
_ASSERTION = "AssertionError: "


class TaskCheck:
    """``pruefe.a1``: check, hint and test one task against the bound namespace."""

    def __init__(self, exercise: Exercise, task_id: str, namespace: dict[str, Any]) -> None:
        self._exercise = exercise
        self._task_id = task_id
        self._namespace = namespace

    def verdict(self) -> Verdict:
        """Judge the task's current answers (as the grader would receive them)."""
        task = self._exercise.tasks[self._task_id]
        try:
            with round_trip(self._namespace, task.answers) as answers:
                return judge(self._exercise, self._task_id, answers)
        except AnswerError as exc:
            return Verdict("error", str(exc))

    def check(self) -> None:
        """Judge the task and show the verdict (silent while nbgrader grades)."""
        if grading():
            return
        verdict = self.verdict()
        show(verdict.kind, verdict.message)

    def test(self) -> None:
        """Like :meth:`check`, but raise ``AssertionError`` unless the task passes.

        A task still holding ``____`` prints one German line instead (outside grading),
        so that Run All on an untouched notebook reaches the end.

        The test cells of the notebooks call this; nbgrader's *Validate* counts a cell
        that raises as failed. In graded grading the grader judges instead (the cell's
        code is not run there).
        """
        __tracebackhide__ = True  # IPython shows the trainee's cell and the message, not ours
        verdict = self.verdict()
        if verdict.kind == "not_attempted" and not grading():
            # Run All on a fresh notebook goes on to the next task; nbgrader's validate
            # (and the grader, which judges instead of running this) still count it as failed.
            names = ", ".join(f"`{n}`" for n in self._exercise.tasks[self._task_id].answers)
            print(wrap_lines(t("exercises.not_filled_in", task=self._task_id[1:], names=names)))
            return
        if not verdict.passed:
            # IPython shows "AssertionError: <message>"; JupyterLab would break a longer
            # line inside a word, so the message comes in lines of whole words.
            shown = wrap_lines(f"{_ASSERTION}{verdict.message}")
            raise AssertionError(shown.removeprefix(_ASSERTION))
        show(verdict.kind, verdict.message)

    def hint(self, n: int = 1) -> None:
        """Show hint ``n`` (1 = the gentlest)."""
        hints = self._exercise.tasks[self._task_id].hints
        if not hints:
            show("hint", t("grading.editions.no_hint"))
            return
        show("hint", hints[max(1, min(n, len(hints))) - 1])

    def __getattr__(self, name: str) -> Any:
        if name == "solution":
            raise AttributeError(t("grading.editions.no_solution_graded"))
        raise AttributeError(name)

    def __repr__(self) -> str:
        return f"<Aufgabe {self._task_id} der Übung {self._exercise.name}>"


class SelfStudyTaskCheck(TaskCheck):
    """A task of the self-study edition: it also shows the reference solution."""

    def solution(self) -> None:
        """Show the reference solution (from the exercise's source notebook)."""
        notebook = self._exercise.folder / f"{self._exercise.name}.ipynb"
        code = reference_solutions(notebook).get(self._task_id) if notebook.is_file() else None
        show("solution", code or t("grading.check.no_solution"))


class Uebung:
    """The checks of one exercise notebook, as attributes ``a1``, ``a2``, ..."""

    def __init__(self, exercise: Exercise, namespace: dict[str, Any]) -> None:
        self.name = exercise.name
        kind = SelfStudyTaskCheck if exercise.self_study else TaskCheck
        self._tasks = {key: kind(exercise, key, namespace) for key in exercise.tasks}
        for key, task in self._tasks.items():
            setattr(self, key, task)

    def __iter__(self) -> Iterator[TaskCheck]:
        return iter(self._tasks.values())

    def __repr__(self) -> str:
        return f"<Übung {self.name}: {', '.join(self._tasks)}>"


def uebung(name: str, namespace: dict[str, Any]) -> Uebung:
    """Return the checks of exercise ``name``, bound to the notebook's ``globals()``."""
    if not isinstance(namespace, dict):
        raise CJMError(t("grading.editions.bind_globals", name=name), field="namespace")
    return Uebung(load_exercise(find_exercise(name)), namespace)


def uebungsdaten(name: str) -> dict[str, Any]:
    """Return the data of exercise ``name`` (fresh copies; see :mod:`cjmlib.grading.data`)."""
    return load_data(find_exercise(name))
