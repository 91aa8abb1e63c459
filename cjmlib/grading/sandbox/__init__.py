"""How grading keeps trainee code in check.

nbgrader runs every submitted notebook in a fresh IPython kernel. The course swaps
nbgrader's ``Execute`` step for :class:`SandboxExecute` (``course/nbgrader_config.py``);
``python -m cjmlib.grading.parallel`` uses the same config. The parts, one module each:

- :mod:`.jail` – the bubblewrap command: namespaces, read-only system and Python, the
  writable scratch folders, the kernel's own environment and unprivileged user;
- :mod:`.scratch` – the kernel's private copy of the submission (without notebooks),
  its home, ``/tmp`` and socket folder, deleted afterwards;
- :mod:`.leftovers` – the owner of every such temporary folder, so that the next run
  deletes what a killed grader left behind;
- :mod:`.limits` – memory, CPU, file-size and process limits (``prlimit``);
- :mod:`.kernel` – :class:`SandboxKernelManager`: starts, interrupts and kills a kernel
  in all of the above;
- :mod:`.execute` – :class:`SandboxExecute`: runs the cells, survives crashes, kills a
  kernel that ignores interrupts; :meth:`SandboxExecute.run_cell` is the per-cell hook.

No jail possible (no ``bwrap``, no namespaces) → :func:`stop_without_sandbox` (the
course config's ``pre_convert_hook``) stops ``nbgrader autograde`` with a German message
on how to install it, before any submission is touched; elsewhere
:class:`SandboxUnavailable` refuses each submission. ``SandboxKernelManager.use_sandbox =
False`` is the explicit opt-out (a warning for every submission).
"""

from cjmlib.grading.sandbox.execute import SandboxExecute
from cjmlib.grading.sandbox.kernel import (
    SandboxKernelManager,
    SandboxUnavailable,
    stop_without_sandbox,
)

__all__ = [
    "SandboxExecute",
    "SandboxKernelManager",
    "SandboxUnavailable",
    "stop_without_sandbox",
]
