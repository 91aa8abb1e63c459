"""Keep hidden tests out of the feedback a trainee gets back.

nbgrader saves each test cell's full source (hidden tests included) in the gradebook
and writes it back into the autograded notebook; ``generate_feedback`` then renders
that notebook, so the default feedback HTML shows the hidden test code and its
traceback. :class:`HideHiddenTests` runs in ``GenerateFeedback.preprocessors`` (see
``course/nbgrader_config.py``): in every autograded test cell it replaces the hidden
region with one German line and shortens errors to a German verdict without
traceback (and without the message, if the cell has hidden tests or a judge in the grader
failed it, see :mod:`cjmlib.grading.verdicts`).

The page itself is German: :data:`TEMPLATE_DIR` holds the HTML template ``feedback_de``
(headings, points, comments, the score summary), rendered by :class:`GermanFeedbackExporter`
(``GenerateFeedback.exporter_class`` in the course config, so the formgrader keeps its own
template), and :class:`GermanFeedback` hands it the texts from the message catalogue.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from nbconvert.exporters import HTMLExporter
from nbformat import NotebookNode
from nbgrader import utils
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Unicode

from cjmlib.display import format_number
from cjmlib.grading.notes import SANDBOX_NOTES
from cjmlib.messages import t

__all__ = [
    "TEMPLATE_DIR",
    "GermanFeedback",
    "GermanFeedbackExporter",
    "HideHiddenTests",
    "strip_hidden",
]

#: The folder of the feedback page's template (``feedback_de``), for
#: ``HTMLExporter.extra_template_basedirs``.
TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"


class GermanFeedbackExporter(HTMLExporter):  # type: ignore[misc]
    """nbconvert's HTML exporter under a name of its own, for ``generate_feedback`` only.

    The course config gives this class the German template (``feedback_de``); config set
    on ``HTMLExporter`` itself would reach every HTML exporter in the process, the
    formgrader's included.
    """


#: Error names whose message would tell about hidden tests (or nothing useful).
_HIDDEN_FAILURES = ("KernelDead", "HiddenTestFailed")


def strip_hidden(
    source: str, begin: str = "BEGIN HIDDEN TESTS", end: str = "END HIDDEN TESTS"
) -> tuple[str, bool]:
    """Return ``source`` with hidden regions replaced by a note, and whether any were."""
    lines, out, inside, found = source.split("\n"), [], False, False
    for line in lines:
        if begin in line:
            inside, found = True, True
            indent = line[: len(line) - len(line.lstrip())]
            out.append(f"{indent}# {t('grading.feedback.hidden_tests')}")
            continue
        if end in line:
            inside = False
            continue
        if not inside:
            out.append(line)
    return "\n".join(out), found


class HideHiddenTests(NbGraderPreprocessor):
    """Remove hidden test code and tracebacks from autograded test cells."""

    begin_test_delimeter = Unicode("BEGIN HIDDEN TESTS").tag(config=True)
    end_test_delimeter = Unicode("END HIDDEN TESTS").tag(config=True)

    def preprocess_cell(
        self, cell: NotebookNode, resources: Any, index: int
    ) -> tuple[NotebookNode, Any]:
        if not (utils.is_grade(cell) and not utils.is_solution(cell) and cell.cell_type == "code"):
            return cell, resources
        cell.source, had_hidden = strip_hidden(
            cell.source, self.begin_test_delimeter, self.end_test_delimeter
        )
        outputs = []
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                if out.get("ename") in SANDBOX_NOTES:  # not run, crashed, stopped: say so
                    text = "⏹ " + str(out.get("evalue", ""))
                elif had_hidden or out.get("ename") in _HIDDEN_FAILURES:
                    text = t("grading.feedback.failed_hidden")
                else:
                    text = t("grading.feedback.failed", message=str(out.get("evalue", ""))[:300])
                outputs.append(NotebookNode(output_type="stream", name="stdout", text=text + "\n"))
            elif out.get("output_type") == "stream" and out.get("name") == "stderr":
                continue
            else:
                outputs.append(out)
        cell.outputs = outputs
        return cell, resources


def points(value: Any) -> str:
    """Points the German way: ``2.0`` -> "2", ``1.5`` -> "1,5", ``0.25`` -> "0,25"."""
    number = float(value or 0)
    digits = next((d for d in (0, 1) if round(number, d) == round(number, 2)), 2)
    return format_number(number, digits)


class GermanFeedback(NbGraderPreprocessor):
    """Give the German feedback template its texts: the page's in ``resources["cjm"]``,
    each graded cell's heading and points in ``cell.metadata.cjm``.

    Runs after nbgrader's ``GetGrades`` (which puts the scores into the notebook).
    """

    def preprocess(self, nb: NotebookNode, resources: Any) -> tuple[NotebookNode, Any]:
        info = resources.get("nbgrader", {})
        notebook = str(info.get("notebook", ""))
        penalty = float(info.get("late_penalty") or 0)
        resources["cjm"] = {
            "title": t("grading.feedback_page.title", notebook=notebook),
            "heading": t("grading.feedback_page.heading", notebook=notebook),
            "total": t(
                "grading.feedback_page.total",
                score=points(info.get("score")),
                max_score=points(info.get("max_score")),
            ),
            "overview": t("grading.feedback_page.overview"),
            "intro": t("grading.feedback_page.intro"),
            "late": t("grading.feedback_page.late", penalty=points(penalty)) if penalty else "",
            "top": t("grading.feedback_page.top"),
            "comment": t("grading.feedback_page.comment"),
            "comment_link": t("grading.feedback_page.comment_link"),
        }
        for cell in nb.cells:
            meta = cell.metadata.get("nbgrader", {})
            if meta.get("solution") or meta.get("grade") or meta.get("task"):
                cell.metadata["cjm"] = {
                    "label": _label(cell, meta),
                    "points": t(
                        "grading.feedback_page.points",
                        score=points(meta.get("score")),
                        points=points(meta.get("points")),
                    ),
                }
        return nb, resources


def _label(cell: NotebookNode, meta: dict[str, Any]) -> str:
    """The German heading of a graded cell: whose it is and what it holds."""
    grade_id = str(meta.get("grade_id", ""))
    if meta.get("solution"):
        if not meta.get("grade"):
            return t("grading.feedback_page.answer")
        kind = "code_answer" if cell.cell_type == "code" else "written_answer"
        return t(f"grading.feedback_page.{kind}")
    if meta.get("task"):
        return t("grading.feedback_page.task", cell=grade_id)
    task = re.fullmatch(r"a(\d+)_tests", grade_id)
    if task:
        return t("grading.feedback_page.test", task=task.group(1))
    return t("grading.feedback_page.test_cell", cell=grade_id)
