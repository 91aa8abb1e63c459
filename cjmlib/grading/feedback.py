"""Keep hidden tests out of the feedback a trainee gets back.

nbgrader saves each test cell's full source (hidden tests included) in the gradebook
and writes it back into the autograded notebook; ``generate_feedback`` then renders
that notebook, so the default feedback HTML shows the hidden test code and its
traceback. :class:`HideHiddenTests` runs in ``GenerateFeedback.preprocessors`` (see
``course/nbgrader_config.py``): in every autograded test cell it replaces the hidden
region with one German line and shortens errors to a German verdict without
traceback (and without the message, if the cell has hidden tests or a judge in the grader
failed it, see :mod:`cjmlib.grading.verdicts`).
"""

from __future__ import annotations

from typing import Any

from nbformat import NotebookNode
from nbgrader import utils
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Unicode

from cjmlib.grading.notes import SANDBOX_NOTES
from cjmlib.messages import t

__all__ = ["HideHiddenTests", "strip_hidden"]

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
