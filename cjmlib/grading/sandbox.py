"""How grading keeps trainee code in check.

nbgrader runs every submitted notebook in a fresh IPython kernel. For the course we
swap nbgrader's ``Execute`` step for :class:`SandboxExecute` (see
``course/nbgrader_config.py``), which differs in two ways:

1. The kernel is started through a small wrapper (``python -m cjmlib.grading.sandbox
   ... -- <kernel command>``, see :func:`main`) that, before the kernel runs any
   code, sets resource limits with ``resource.setrlimit``:

   - ``RLIMIT_AS`` (address space, default 3 GiB): a runaway allocation fails with
     ``MemoryError`` in the trainee's cell instead of taking the machine down;
   - ``RLIMIT_CPU`` (default 600 CPU seconds for the whole notebook): a backstop if a
     loop ignores the interrupt;
   - ``RLIMIT_FSIZE`` (default 100 MiB per file): no filling the disk;
   - ``RLIMIT_CORE`` = 0: no core dumps after a crash.

   It also sets ``HOME`` and ``TMPDIR`` to the submission's own folder and drops
   environment variables whose names look like secrets (``*TOKEN*``, ``*SECRET*``,
   ``*PASSWORD*``, ``*KEY*``), so ``~`` and temporary files stay beside the
   submission.
2. A kernel that dies (``os._exit``, a segfault, the memory limit) does not abort the
   whole submission: the cell gets an error output ("Kernel abgestürzt") and every
   later cell one saying it was not run, so tests before the crash keep their points
   and the rest score zero; nbgrader then saves the grades as usual.

Per-cell timeouts are nbgrader's own (``Execute.timeout``, interrupted on timeout);
the working directory is nbgrader's copy of the submission
(``autograded/<student>/<assignment>``).

What is *not* isolated: the kernel runs as the same Unix user as the instructor, so
absolute paths the instructor can read or write are reachable, the network is open,
and a process the trainee starts may outlive the kernel. For a real class, run the
grading as a separate user or in a container (e.g. ``docker run --network none``).
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import sys
from typing import Any

from jupyter_client.manager import AsyncKernelManager
from nbclient.exceptions import DeadKernelError
from nbformat import NotebookNode
from nbgrader.preprocessors import Execute
from traitlets import Integer

from cjmlib.grading.verdicts import Verdicts
from cjmlib.messages import t

__all__ = ["SandboxExecute", "SandboxKernelManager", "apply_limits", "main"]

MiB = 1024 * 1024
_SECRET = re.compile(r"TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL|_KEY$|^KEY|API_?KEY", re.I)


class SandboxKernelManager(AsyncKernelManager):
    """Start the kernel through :func:`main`, which applies the limits first."""

    memory_limit_mb = Integer(
        3072, help="Address-space limit of the kernel in MiB (0 = none)."
    ).tag(config=True)
    cpu_limit_s = Integer(600, help="CPU seconds for the whole notebook (0 = none).").tag(
        config=True
    )
    file_limit_mb = Integer(100, help="Largest file the kernel may write, in MiB (0 = none).").tag(
        config=True
    )

    def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
        cmd = super().format_kernel_cmd(extra_arguments)
        if any("ipykernel" in part for part in cmd):
            # ipykernel 7 warns on every start that its localhost TCP sockets are not
            # encrypted: one line per submission drowns the grader's own report. Errors
            # (a crashing kernel) still reach the instructor's terminal.
            cmd = [*cmd, "--IPKernelApp.log_level=ERROR"]
        return [
            sys.executable,
            "-m",
            "cjmlib.grading.sandbox",
            f"--memory-mb={self.memory_limit_mb}",
            f"--cpu-s={self.cpu_limit_s}",
            f"--file-mb={self.file_limit_mb}",
            "--",
            *cmd,
        ]


class SandboxExecute(Execute):
    """nbgrader's Execute with the sandboxed kernel and survival of kernel crashes.

    Test cells of an assignment with judges are not run as written: the kernel only
    hands over the answers, and the grader judges them (see :mod:`cjmlib.grading.verdicts`).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["kernel_manager_class"] = SandboxKernelManager
        super().__init__(*args, **kwargs)
        self._dead = False
        self._verdicts: Verdicts | None = None

    def preprocess(self, nb: NotebookNode, resources: Any = None, km: Any = None):
        self._dead = False
        assignment = (resources or {}).get("nbgrader", {}).get("assignment")
        self._verdicts = Verdicts.for_assignment(self.config, assignment) if assignment else None
        return super().preprocess(nb, resources, km)

    def preprocess_cell(self, cell: NotebookNode, resources: Any, index: int):
        if cell.cell_type != "code" or not cell.source.strip():
            return cell, resources
        task = self._verdicts.task_of(cell) if self._verdicts else None
        if task is None:
            return self._run(cell, resources, index)
        assert self._verdicts is not None
        handover = self._verdicts.handover_cell(task) if task else None
        if handover is not None:
            handover, resources = self._run(handover, resources, index)
        cell.outputs = self._verdicts.outputs(cell, task, handover.outputs if handover else [])
        cell.execution_count = handover.get("execution_count") if handover else None
        self.nb.cells[index] = cell  # nbclient stored the hand-over cell in its place
        return cell, resources

    def _run(self, cell: NotebookNode, resources: Any, index: int):
        if self._dead:
            cell.outputs = [_error("KernelDead", t("grading.sandbox.not_run"))]
            return cell, resources
        try:
            return super().preprocess_cell(cell, resources, index)
        except DeadKernelError:
            self._dead = True
            self.log.warning("Kernel died in cell %s; the rest of the notebook is not run", index)
            cell.outputs = [
                *cell.get("outputs", []),
                _error("KernelDead", t("grading.sandbox.kernel_died")),
            ]
            return cell, resources


def _error(name: str, text: str) -> NotebookNode:
    return NotebookNode(output_type="error", ename=name, evalue=text, traceback=[f"{name}: {text}"])


def apply_limits(memory_mb: int, cpu_s: int, file_mb: int) -> None:
    """Set the resource limits of the current process (inherited by ``exec``)."""
    if memory_mb > 0:
        resource.setrlimit(resource.RLIMIT_AS, (memory_mb * MiB, memory_mb * MiB))
    if cpu_s > 0:
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_s, cpu_s + 5))
    if file_mb > 0:
        resource.setrlimit(resource.RLIMIT_FSIZE, (file_mb * MiB, file_mb * MiB))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def clean_environment(env: dict[str, str], home: str) -> dict[str, str]:
    """Return ``env`` without secret-looking variables, with HOME/TMPDIR at ``home``."""
    kept = {k: v for k, v in env.items() if not _SECRET.search(k)}
    kept.update(HOME=home, TMPDIR=home)
    return kept


def main(argv: list[str] | None = None) -> None:
    """Kernel wrapper: ``python -m cjmlib.grading.sandbox [limits] -- <kernel cmd>``."""
    parser = argparse.ArgumentParser(prog="cjmlib.grading.sandbox")
    parser.add_argument("--memory-mb", type=int, default=3072)
    parser.add_argument("--cpu-s", type=int, default=600)
    parser.add_argument("--file-mb", type=int, default=100)
    parser.add_argument("cmd", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    cmd = args.cmd[1:] if args.cmd[:1] == ["--"] else args.cmd
    if not cmd:
        parser.error("no kernel command given")
    apply_limits(args.memory_mb, args.cpu_s, args.file_mb)
    env = clean_environment(dict(os.environ), os.getcwd())
    os.execvpe(cmd[0], cmd, env)


if __name__ == "__main__":
    main()
