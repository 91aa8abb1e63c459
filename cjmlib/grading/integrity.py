"""Restore the locked cells of a submission and report real tampering in one German line.

nbgrader's ``OverwriteCells`` puts the original source of every locked cell back before
grading and warns in English when a checksum differs. Two problems for a class:

- **False alarms** (nbgrader issue #1961): ``generate_assignment`` stores a test
  cell's checksum in the gradebook *before* ``ClearHiddenTests`` removes the hidden
  region, and writes the release's checksum *after*. So every untouched test cell with
  hidden tests differs from the gradebook, and every honest student gets one warning
  per such cell. Our own exercises carry no hidden region any more (their judges run in
  the grader, :mod:`cjmlib.grading.verdicts`), and :class:`ReportingOverwriteCells`
  compares a cell with its *released* form (hidden region cleared as
  ``ClearHiddenTests`` does), so other assignments stay quiet too.
- **Real tampering** drowns in that noise and reads as an English checksum line.
  :class:`ReportingOverwriteCells` writes one German line per changed or deleted cell,
  naming student, assignment and cell; the cell is still graded with the original.

Configured in ``course/nbgrader_config.py`` in place of ``OverwriteCells``.
"""

from __future__ import annotations

import copy
import logging
from typing import Any

from nbformat import NotebookNode
from nbgrader import utils
from nbgrader.preprocessors import ClearHiddenTests, OverwriteCells

from cjmlib.messages import t

__all__ = ["ReportingOverwriteCells"]

_ATTRIBUTES = {
    "checksum": "what_source",
    "points": "what_points",
    "cell_type": "what_cell_type",
    "locked": "what_locked",
}


class _DropMissingCellWarning(logging.Filter):
    """nbgrader's English line about a re-added cell; we log a German one instead."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("Missing grade cell")


class ReportingOverwriteCells(OverwriteCells):  # type: ignore[misc]  # nbgrader is untyped
    """``OverwriteCells`` without false checksum alarms, with one German line per tampering."""

    def preprocess(
        self, nb: NotebookNode, resources: dict[str, Any]
    ) -> tuple[NotebookNode, dict[str, Any]]:
        info = resources["nbgrader"]
        self._who = {"student": info.get("student", "?"), "assignment": info["assignment"]}
        self._changes: dict[str, list[str]] = {}
        self._cell: NotebookNode | None = None
        present = {
            c.metadata.nbgrader["grade_id"]
            for c in nb.cells
            if (utils.is_grade(c) or utils.is_solution(c)) and "grade_id" in c.metadata.nbgrader
        }
        quiet = _DropMissingCellWarning()
        self.log.addFilter(quiet)
        try:
            nb, resources = super().preprocess(nb, resources)
        finally:
            self.log.removeFilter(quiet)
        for grade_id, what in self._changes.items():
            words = ", ".join(t(f"grading.integrity.{_ATTRIBUTES[w]}") for w in what)
            self.log.warning(t("grading.integrity.changed", cell=grade_id, what=words, **self._who))
        if self.add_missing_cells:
            for cell in nb.cells:
                grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
                if utils.is_grade(cell) and grade_id and grade_id not in present:
                    self.log.warning(t("grading.integrity.missing", cell=grade_id, **self._who))
        return nb, resources

    def preprocess_cell(
        self, cell: NotebookNode, resources: dict[str, Any], cell_index: int
    ) -> tuple[NotebookNode, dict[str, Any]]:
        self._cell = cell  # OverwriteCells restores its metadata before comparing checksums
        cell, resources = super().preprocess_cell(cell, resources, cell_index)
        return cell, resources

    def _released_checksum(self, grade_id: str) -> str | None:
        """The checksum the released form of the cell has: hidden tests cleared."""
        source = self.gradebook.find_source_cell(grade_id, self.notebook_id, self.assignment_id)
        if self._cell is None:
            return None
        released = copy.deepcopy(self._cell)
        released.cell_type = source.cell_type
        released.source = source.source
        ClearHiddenTests(parent=self)._remove_hidden_test_region(released)
        return str(utils.compute_checksum(released))

    def report_change(self, name: str, attr: str, old: Any, new: Any) -> None:
        if attr == "checksum" and new == self._released_checksum(name):
            return  # the cell is exactly as released: nbgrader #1961, not tampering
        self._changes.setdefault(name, [])
        if attr not in self._changes[name]:
            self._changes[name].append(attr)
