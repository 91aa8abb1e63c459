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

from cjmlib.grading.sandbox.execute import SandboxExecute
from cjmlib.grading.sandbox.kernel import SandboxKernelManager, clean_environment, main
from cjmlib.grading.sandbox.limits import apply_limits

__all__ = ["SandboxExecute", "SandboxKernelManager", "apply_limits", "clean_environment", "main"]
