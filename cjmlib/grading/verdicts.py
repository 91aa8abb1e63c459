"""Judge the test cells in the grader, on the values the trainee's kernel hands over.

Why: everything that runs in the trainee's kernel can be changed by the trainee's code
(patched builtins, ``pd.DataFrame.equals``, ``sys.modules``, IPython's
``set_custom_exc``, a swallowed ``KeyboardInterrupt``). So while nbgrader autogrades,
a test cell's own code is not run at all. :class:`SandboxExecute` (see
:mod:`cjmlib.grading.sandbox`) asks this module instead:

1. :meth:`Verdicts.handover_cell` — a one-line cell that makes the kernel publish the
   task's answer variables and the workbook file as JSON
   (:func:`cjmlib.grading.answers.emit`). It runs at the test cell's place, so the
   answers are those of that moment, with nbgrader's time-out and crash handling.
2. :meth:`Verdicts.outputs` — the grader decodes that one output (size-limited, plain
   data only, never pickle), runs the instructor's visible check and judge from
   ``course/source/<übung>/`` on it, and writes the test cell's outputs: an error on
   failure, one line on success. nbgrader's ``SaveAutoGrades`` then scores the cell as
   usual (an error output scores 0), so formgrader, feedback and export keep working.

The trainee can only hand over values, so a wrong answer stays wrong whatever the
kernel does; at worst the kernel hands over nothing and the cell scores 0. Test cells
are recognised by nbgrader metadata restored from the gradebook (grade cell, not a
solution, ``grade_id`` = ``<task>_tests``); in an assignment with judges, a test cell
without a judge fails closed.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from nbformat import NotebookNode
from nbgrader import utils
from nbgrader.coursedir import CourseDirectory
from traitlets.config import Config

from cjmlib.grading.answers import DEFAULT_LIMIT, MIME, AnswerError, decode
from cjmlib.grading.exercise import JUDGES_FILE, Exercise, judge, load_exercise
from cjmlib.grading.notes import SANDBOX_NOTES
from cjmlib.messages import t

__all__ = ["TEST_SUFFIX", "Verdicts"]

TEST_SUFFIX = "_tests"

log = logging.getLogger(__name__)


#: Exercises loaded in this process, by folder and the state of its files: nbgrader
#: makes a new preprocessor for every notebook, and loading the tasks, judges and data
#: anew each time cost 0.05 s per submission. An edited file loads the exercise again.
_loaded: dict[tuple[Path, tuple[tuple[str, int, int], ...]], Exercise] = {}


def _exercise(folder: Path) -> Exercise:
    stamp = tuple(
        (f.name, f.stat().st_mtime_ns, f.stat().st_size)
        for f in sorted(folder.iterdir())
        if f.is_file()
    )
    key = (folder, stamp)
    if key not in _loaded:
        _loaded[key] = load_exercise(folder)
    return _loaded[key]


def _node(**fields: Any) -> NotebookNode:
    return NotebookNode(**fields)  # type: ignore[no-untyped-call]


def _error(name: str, text: str) -> NotebookNode:
    return _node(output_type="error", ename=name, evalue=text, traceback=[f"{name}: {text}"])


class Verdicts:
    """The judges of one assignment, read from the instructor's source folder."""

    def __init__(self, exercise: Exercise, *, limit: int = DEFAULT_LIMIT) -> None:
        self.exercise = exercise
        self.limit = limit

    @classmethod
    def for_assignment(
        cls, config: Config, assignment: str, *, limit: int = DEFAULT_LIMIT
    ) -> Verdicts | None:
        """The verdicts of ``assignment``, or None if its source folder has no judges."""
        coursedir = CourseDirectory(config=config)
        folder = Path(coursedir.format_path(coursedir.source_directory, ".", assignment))
        if not (folder / JUDGES_FILE).is_file():
            return None
        return cls(_exercise(folder.resolve()), limit=limit)

    def task_of(self, cell: NotebookNode) -> str | None:
        """The task a graded test cell belongs to ("" if it has none), None for other cells."""
        if cell.cell_type != "code" or not utils.is_grade(cell) or utils.is_solution(cell):
            return None
        grade_id = cell.metadata.nbgrader.get("grade_id", "")
        task = grade_id.removesuffix(TEST_SUFFIX)
        return task if grade_id.endswith(TEST_SUFFIX) and task in self.exercise.tasks else ""

    def handover_cell(self, task: str) -> NotebookNode:
        """The code cell that makes the kernel hand over the answers of ``task``."""
        names = list(self.exercise.tasks[task].answers)
        code = (
            f"__import__('cjmlib.grading.answers', fromlist=['emit'])"
            f".emit(globals(), {names!r}, limit={self.limit})"
        )
        return _node(cell_type="code", source=code, metadata={}, outputs=[], execution_count=None)

    def _handed_over(self, outputs: list[NotebookNode]) -> str | list[NotebookNode]:
        """The one answers text among ``outputs``, or the error outputs to show instead."""
        errors = [o for o in outputs if o.get("output_type") == "error"]
        payloads = [
            o["data"][MIME]
            for o in outputs
            if o.get("output_type") in ("display_data", "execute_result")
            and isinstance(o.get("data"), dict)
            and MIME in o["data"]
        ]
        if errors:
            return errors
        if len(payloads) != 1 or not isinstance(payloads[0], str):
            return [_error("AnswersNotHandedOver", t("grading.answers.not_handed_over"))]
        return str(payloads[0])

    def outputs(self, cell: NotebookNode, task: str, handover: list[NotebookNode]) -> list[Any]:
        """The outputs of test cell ``cell`` after judging the handed-over answers."""
        grade_id = cell.metadata.nbgrader.get("grade_id", "")
        if not task:
            log.error("No task in tasks.py for test cell %s", grade_id)
            return [_error("NoJudge", t("grading.verdict.unknown_test_cell", cell=grade_id))]
        text = self._handed_over(handover)
        if not isinstance(text, str):
            # The sandbox's own note (time-out, crash) says why nothing came: keep it.
            # (Imported here: the sandbox's Execute step imports this module.)
            notes = [o for o in text if o.get("ename") in SANDBOX_NOTES]
            return notes or [_error("AnswersNotHandedOver", t("grading.answers.not_handed_over"))]
        try:
            with decode(text, limit=self.limit) as answers:
                verdict = judge(self.exercise, task, answers)
        except AnswerError as exc:
            return [_error("AnswersNotHandedOver", str(exc))]
        if verdict.passed:
            passed = t("grading.verdict.passed") + "\n"
            return [_node(output_type="stream", name="stdout", text=passed)]
        name = "HiddenTestFailed" if verdict.hidden else "VisibleTestFailed"
        return [_error(name, verdict.message)]
