"""Resource limits of a grading kernel: memory, CPU time, file size, no core dumps."""

from __future__ import annotations

import resource

__all__ = ["MiB", "apply_limits"]

MiB = 1024 * 1024


def apply_limits(memory_mb: int, cpu_s: int, file_mb: int) -> None:
    """Set the resource limits of the current process (inherited by ``exec``)."""
    if memory_mb > 0:
        resource.setrlimit(resource.RLIMIT_AS, (memory_mb * MiB, memory_mb * MiB))
    if cpu_s > 0:
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_s, cpu_s + 5))
    if file_mb > 0:
        resource.setrlimit(resource.RLIMIT_FSIZE, (file_mb * MiB, file_mb * MiB))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
