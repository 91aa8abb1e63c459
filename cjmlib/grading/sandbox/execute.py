"""nbgrader's ``Execute`` step for the course: one cell after the other, survives crashes.

:meth:`SandboxExecute.preprocess_cell` is the one place that decides what happens to
a code cell; :meth:`SandboxExecute.run_cell` runs it in the kernel and is the hook for
per-cell grading steps.
"""

from __future__ import annotations

from typing import Any

from nbclient.exceptions import DeadKernelError
from nbformat import NotebookNode
from nbgrader.preprocessors import Execute

from cjmlib.grading.sandbox.kernel import SandboxKernelManager
from cjmlib.messages import t

__all__ = ["SandboxExecute"]


class SandboxExecute(Execute):
    """nbgrader's Execute with the sandboxed kernel and survival of kernel crashes."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["kernel_manager_class"] = SandboxKernelManager
        super().__init__(*args, **kwargs)
        self._dead = False

    def preprocess(self, nb: NotebookNode, resources: Any = None, km: Any = None):
        self._dead = False
        return super().preprocess(nb, resources, km)

    def preprocess_cell(self, cell: NotebookNode, resources: Any, index: int):
        if cell.cell_type != "code" or not cell.source.strip():
            return cell, resources
        if self._dead:
            cell.outputs = [_error("KernelDead", t("grading.sandbox.not_run"))]
            return cell, resources
        try:
            return self.run_cell(cell, resources, index)
        except DeadKernelError:
            self._dead = True
            self.log.warning("Kernel died in cell %s; the rest of the notebook is not run", index)
            cell.outputs = [
                *cell.get("outputs", []),
                _error("KernelDead", t("grading.sandbox.kernel_died")),
            ]
            return cell, resources

    def run_cell(self, cell: NotebookNode, resources: Any, index: int):
        """Run one code cell in the kernel (the hook for per-cell grading steps)."""
        return super().preprocess_cell(cell, resources, index)


def _error(name: str, text: str) -> NotebookNode:
    return NotebookNode(output_type="error", ename=name, evalue=text, traceback=[f"{name}: {text}"])
