"""nbgrader's ``Execute`` step for the course: every cell in the jailed kernel, and a
notebook that always finishes.

:meth:`SandboxExecute.preprocess_cell` decides what happens to a code cell:

- after a crash or a killed kernel: the cell is not run and gets a German note (so a
  test cell scores 0);
- otherwise :meth:`SandboxExecute.run_cell` runs it in the kernel. ``run_cell`` is the
  hook for per-cell grading steps (e.g. fetching answer values from the kernel with
  :meth:`SandboxExecute.evaluate` and judging them in the grader): whatever it does
  inside the kernel is covered by the same crash and timeout handling, as long as it
  lets nbclient's ``DeadKernelError`` and ``CellTimeoutError`` propagate;
- a kernel that dies in the cell (``os._exit``, segfault, memory limit) costs the cell
  and every later one; the cells before keep their points;
- a cell that runs past ``timeout`` is interrupted (nbclient). If the kernel swallows
  the interrupt (``except:`` around a loop, an ignored SIGINT) and is still busy a few
  seconds later, the kernel is killed, with every process the cell started, and the rest
  of the notebook is scored as not run. The next submission gets a fresh kernel as always.
"""

from __future__ import annotations

import textwrap
import time
from collections.abc import Mapping
from queue import Empty
from typing import Any

from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbclient.util import run_sync
from nbformat import NotebookNode
from nbgrader.preprocessors import Execute
from traitlets import Dict, Integer, default

from cjmlib.grading.notes import SANDBOX_NOTES
from cjmlib.grading.sandbox.kernel import SandboxKernelManager
from cjmlib.grading.verdicts import Verdicts
from cjmlib.messages import t

__all__ = ["SANDBOX_NOTES", "SandboxExecute"]


class SandboxExecute(Execute):  # type: ignore[misc]  # nbgrader ships no type hints
    """nbgrader's Execute with the jailed kernel; survives crashes and deaf kernels."""

    responsive_timeout = Integer(
        5,
        help="Seconds a kernel gets, after an interrupted cell, to answer a kernel_info "
        "request before it is killed.",
    ).tag(config=True)
    error_on_timeout = Dict(help=Execute.error_on_timeout.help).tag(config=True)

    @default("error_on_timeout")
    def _german_timeout(self) -> dict[str, Any]:
        text = t("sandbox.timeout", seconds=self.timeout)
        return {"ename": "Zeitlimit", "evalue": text, "traceback": textwrap.wrap(text, 88)}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["kernel_manager_class"] = SandboxKernelManager
        super().__init__(*args, **kwargs)
        # A reply without its output means the kernel is still busy: that must surface
        # as CellTimeoutError, or every later cell would queue behind the stuck one.
        self.raise_on_iopub_timeout = True
        self._stopped: str | None = None
        self._verdicts: Verdicts | None = None
        self._managers: list[SandboxKernelManager] = []

    def preprocess(
        self, nb: NotebookNode, resources: Any = None, km: Any = None
    ) -> tuple[NotebookNode, Any]:
        self._stopped = None
        assignment = (resources or {}).get("nbgrader", {}).get("assignment")
        self._verdicts = Verdicts.for_assignment(self.config, assignment) if assignment else None
        settings = SandboxKernelManager(config=self.config)
        settings.check_sandbox()
        if not settings.use_sandbox:
            self.log.warning(t("sandbox.unconfined"))
        try:
            return super().preprocess(nb, resources, km)  # type: ignore[no-any-return]
        finally:
            # A kernel that died while starting is never shut down by nbclient: delete
            # the scratch copies of every kernel this notebook started here.
            for manager in self._managers:
                manager.discard_scratch()
            self._managers.clear()

    def create_kernel_manager(self) -> Any:
        manager = super().create_kernel_manager()
        if isinstance(manager, SandboxKernelManager):
            self._managers.append(manager)
        return manager

    async def async_start_new_kernel_client(self) -> Any:
        kc = await super().async_start_new_kernel_client()
        if isinstance(self.km, SandboxKernelManager):
            self.km.lock_sockets()  # the kernel listens now
        return kc

    # nbclient binds the sync version to its own coroutine function: redirect it to ours.
    start_new_kernel_client = run_sync(async_start_new_kernel_client)

    def preprocess_cell(
        self, cell: NotebookNode, resources: Any, index: int
    ) -> tuple[NotebookNode, Any]:
        if cell.cell_type != "code" or not cell.source.strip():
            return cell, resources
        if self._stopped is not None:
            cell.outputs = [_error("NichtAusgeführt", t(self._stopped))]
            return cell, resources
        try:
            return self.run_cell(cell, resources, index)
        except DeadKernelError:
            self._stopped = "grading.sandbox.not_run"
            self.log.warning("Kernel died in cell %s; the rest of the notebook is not run", index)
            self._log_kernel_output()
            note = _error("KernelDead", self._death_note())
        except CellTimeoutError:
            if self._responsive():
                # The interrupt worked after all, only late: the cell keeps its timeout error.
                cell.outputs = [*cell.get("outputs", []), _error_from(self.error_on_timeout)]
                return cell, resources
            self._stopped = "sandbox.not_run_after_kill"
            self.log.warning(
                "Cell %s ignored the interrupt; the kernel is killed and the rest of the "
                "notebook is not run",
                index,
            )
            self._kill_kernel()
            note = _error("Abgebrochen", t("sandbox.killed", seconds=self.timeout))
        cell.outputs = [*cell.get("outputs", []), note]
        return cell, resources

    def run_cell(self, cell: NotebookNode, resources: Any, index: int) -> tuple[NotebookNode, Any]:
        """Run one code cell in the kernel: the hook for per-cell grading steps.

        A test cell of an assignment with judges is not run as written: in its place the
        kernel runs a one-line hand-over cell, and the grader judges what it handed over
        (:mod:`cjmlib.grading.verdicts`).
        """
        task = self._verdicts.task_of(cell) if self._verdicts else None
        if task is None or self._verdicts is None:
            return super().preprocess_cell(cell, resources, index)  # type: ignore[no-any-return]
        handover = self._verdicts.handover_cell(task) if task else None
        try:
            if handover is not None:
                handover, resources = super().preprocess_cell(handover, resources, index)
            outputs = handover.outputs if handover is not None else []
            cell.outputs = self._verdicts.outputs(cell, task, outputs)
            cell.execution_count = handover.get("execution_count") if handover else None
        finally:
            self.nb.cells[index] = cell  # nbclient stored the hand-over cell in its place
        return cell, resources

    def evaluate(self, expressions: Mapping[str, str], code: str = "") -> dict[str, Any]:
        """Run ``code`` silently in the jailed kernel and evaluate ``expressions`` there.

        For per-cell hooks in :meth:`run_cell` that take values out of the kernel (and
        judge them in the grader). Returns jupyter's ``user_expressions`` reply: name ->
        ``{"status": "ok", "data": {"text/plain": ...}}`` or ``{"status": "error", ...}``.
        Within ``timeout`` seconds, or the kernel is interrupted and ``CellTimeoutError``
        raised; a dead kernel raises ``DeadKernelError``; both are handled by
        :meth:`preprocess_cell` like those of a normal cell.
        """
        result: dict[str, Any] = run_sync(self._async_evaluate)(dict(expressions), code)
        return result

    async def _async_evaluate(self, expressions: dict[str, str], code: str) -> dict[str, Any]:
        assert self.kc is not None and self.km is not None
        msg_id = self.kc.execute(
            code, silent=True, store_history=False, user_expressions=expressions
        )
        deadline = time.monotonic() + (self.timeout or 3600)
        while (left := deadline - time.monotonic()) > 0:
            try:
                msg = await self.kc.shell_channel.get_msg(timeout=min(left, 1.0))
            except (TimeoutError, Empty):
                if not await self.km.is_alive():
                    raise DeadKernelError("Kernel died") from None
                continue
            if msg["parent_header"].get("msg_id") == msg_id:
                return dict(msg["content"].get("user_expressions", {}))
        await self.km.interrupt_kernel()
        raise CellTimeoutError(f"No reply for {sorted(expressions)} in {self.timeout} s")

    def _responsive(self) -> bool:
        """Does the kernel answer a kernel_info request within ``responsive_timeout``?"""
        return bool(run_sync(self._async_responsive)())

    async def _async_responsive(self) -> bool:
        if self.kc is None or self.km is None or not await self.km.is_alive():
            return False
        msg_id = self.kc.kernel_info()
        deadline = time.monotonic() + self.responsive_timeout
        while (left := deadline - time.monotonic()) > 0:
            try:
                msg = await self.kc.shell_channel.get_msg(timeout=left)
            except (TimeoutError, Empty):
                return False
            if msg["parent_header"].get("msg_id") == msg_id:
                return True
        return False

    def _death_note(self) -> str:
        km = self.km
        reason = km.limit_exceeded() if isinstance(km, SandboxKernelManager) else None
        if reason == "memory" and isinstance(km, SandboxKernelManager):
            limit = km.memory_limit_mb if km.jail_memory_mb < 0 else km.jail_memory_mb
            return t("sandbox.memory_exceeded", limit=limit)
        if reason == "disk" and isinstance(km, SandboxKernelManager):
            return t("sandbox.disk_exceeded", limit=km.disk_limit_mb)
        return t("grading.sandbox.kernel_died")

    def _kill_kernel(self) -> None:
        self._log_kernel_output()
        if self.km is not None:
            run_sync(self.km.shutdown_kernel)(now=True)

    def _log_kernel_output(self) -> None:
        output = self.km.kernel_output() if isinstance(self.km, SandboxKernelManager) else ""
        if output:
            self.log.warning("Last output of the kernel:\n%s", output)


def _error(name: str, text: str) -> NotebookNode:
    # Short lines: the feedback page shows the traceback, and one long line scrolls sideways.
    return _error_from({"ename": name, "evalue": text, "traceback": textwrap.wrap(text, 88)})


def _error_from(spec: dict[str, Any]) -> NotebookNode:
    # nbformat ships no type hints.
    return NotebookNode(output_type="error", **spec)  # type: ignore[no-untyped-call]
