"""Two editions from one source notebook: graded (nbgrader release) and self-study.

A source notebook in ``course/source/<übung>/`` holds both editions. Cells that belong to
one edition only carry a cell tag (in JupyterLab: right sidebar, "Common Tools" → "Cell
Tags"):

- ``selbststudium`` — only in ``exercises/`` and ``solutions/`` (e.g. the note that
  ``pruefe.a1.solution()`` shows the reference solution);
- ``bewertet`` — only in what ``nbgrader generate_assignment`` releases (e.g. the note
  that hidden tests run during grading).

:class:`KeepEdition` drops the other edition's cells. It is the first step of
``GenerateAssignment.preprocessors`` in ``course/nbgrader_config.py`` (edition
``bewertet``); :mod:`cjmlib.grading.build` runs the same pipeline with edition
``selbststudium`` for ``exercises/`` and filters ``solutions/`` with :func:`keep_edition`.
"""

from __future__ import annotations

from typing import Any

from nbformat import NotebookNode
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Enum

__all__ = ["EDITIONS", "GRADED", "SELF_STUDY", "KeepEdition", "keep_edition"]

GRADED = "bewertet"
SELF_STUDY = "selbststudium"
EDITIONS = (GRADED, SELF_STUDY)


def keep_edition(nb: NotebookNode, edition: str) -> NotebookNode:
    """Drop the cells tagged for the other edition (in place) and return ``nb``."""
    other = {e for e in EDITIONS if e != edition}
    nb.cells = [c for c in nb.cells if not other & set(c.get("metadata", {}).get("tags", []))]
    return nb


class KeepEdition(NbGraderPreprocessor):  # type: ignore[misc]  # nbgrader is untyped
    """Keep only the cells of one edition (``bewertet`` for nbgrader's release)."""

    edition = Enum(list(EDITIONS), default_value=GRADED, help="The edition to keep.").tag(
        config=True
    )

    def preprocess(
        self, nb: NotebookNode, resources: dict[str, Any]
    ) -> tuple[NotebookNode, dict[str, Any]]:
        return keep_edition(nb, self.edition), resources
