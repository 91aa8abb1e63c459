"""Resource limits of a grading kernel, set by ``prlimit`` just before the kernel starts.

- address space (``RLIMIT_AS``): a runaway allocation fails with ``MemoryError`` in the
  trainee's cell instead of taking the machine down;
- CPU seconds for the whole notebook (``RLIMIT_CPU``): a backstop for loops that the
  per-cell timeout cannot stop;
- size of one written file (``RLIMIT_FSIZE``): no filling the disk with one file;
- processes and threads of the kernel's user (``RLIMIT_NPROC``): a fork bomb ends at
  this count (each kernel runs as its own user, see ``kernel.py``);
- no core dumps (``RLIMIT_CORE`` = 0).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass

__all__ = ["Limits", "MiB"]

MiB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """Limits of one kernel; 0 means "no limit" for every field."""

    memory_mb: int = 3072
    cpu_s: int = 600
    file_mb: int = 100
    processes: int = 256

    def prlimit(self) -> list[str]:
        """The ``prlimit`` command prefix that sets these limits and then runs the kernel."""
        args = [shutil.which("prlimit") or "/usr/bin/prlimit", "--core=0"]
        if self.memory_mb > 0:
            args.append(f"--as={self.memory_mb * MiB}")
        if self.cpu_s > 0:
            # The soft limit sends SIGXCPU (the kernel dies), the hard one SIGKILL.
            args.append(f"--cpu={self.cpu_s}:{self.cpu_s + 5}")
        if self.file_mb > 0:
            args.append(f"--fsize={self.file_mb * MiB}")
        if self.processes > 0:
            args.append(f"--nproc={self.processes}")
        return [*args, "--"]
