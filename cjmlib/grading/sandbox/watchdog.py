"""A watchdog over one jail: all its processes together stay within memory and disk limits.

``RLIMIT_AS`` caps each process, not the jail: twenty forked children of 2 GiB each would
still take a hub down, and ``RLIMIT_FSIZE`` caps one file, not a folder full of them.
Without cgroups (which an instructor on a hub usually cannot create), the grader watches
instead: a thread sums the proportional memory (PSS, so pages a fork shares count once)
of every process in the jail's PID namespace and the disk space of the scratch area,
several times a second, and kills the whole jail through a pidfd (immune to PID reuse)
when either exceeds its limit. The kernel then counts as crashed in that cell.
"""

from __future__ import annotations

import os
import signal
import threading
from pathlib import Path

__all__ = ["Watchdog", "jail_processes", "pss_kib"]

_MAX_ENTRIES = 100_000  # a scratch area with more files than this counts as full


def pss_kib(pid: int) -> int:
    """Proportional set size of ``pid`` in KiB (0 if it is gone)."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def _pid_namespace(pid: int) -> str | None:
    try:
        return os.readlink(f"/proc/{pid}/ns/pid")
    except OSError:
        return None


def jail_processes(outer_pid: int) -> list[int]:
    """Processes in the PID namespace of the jail started by ``outer_pid`` (bwrap)."""
    own = _pid_namespace(outer_pid)
    inner = None
    for child in _children(outer_pid):
        ns = _pid_namespace(child)
        if ns is not None and ns != own:
            inner = ns
            break
    if inner is None:
        return []
    pids = []
    for entry in os.scandir("/proc"):
        if entry.name.isdigit() and _pid_namespace(int(entry.name)) == inner:
            pids.append(int(entry.name))
    return pids


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(x) for x in text.split()]


def disk_kib(folder: Path, limit_kib: int) -> int:
    """Disk space used below ``folder`` in KiB; stops counting once past ``limit_kib``."""
    total, entries, stack = 0, 0, [str(folder)]
    while stack and total <= limit_kib:
        try:
            with os.scandir(stack.pop()) as it:
                for entry in it:
                    entries += 1
                    if entries > _MAX_ENTRIES:
                        return limit_kib + 1
                    st = entry.stat(follow_symlinks=False)
                    total += st.st_blocks // 2
                    if entry.is_dir(follow_symlinks=False):
                        stack.append(entry.path)
        except OSError:
            continue
    return total


class Watchdog:
    """Kill the jail of ``pid`` (the bwrap process) if it takes too much memory or disk."""

    def __init__(
        self,
        pid: int,
        *,
        memory_mb: int,
        scratch: Path,
        disk_mb: int,
        interval: float = 0.2,
    ) -> None:
        self.pid, self.scratch = pid, scratch
        self.memory_kib, self.disk_kib = memory_mb * 1024, disk_mb * 1024
        self.interval = interval
        self.tripped: str | None = None  # "memory" or "disk" once the jail was killed
        self._pidfd = os.pidfd_open(pid)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"watchdog-{pid}", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        rounds = 0
        while not self._stop.wait(self.interval):
            rounds += 1
            if self.memory_kib > 0:
                used = sum(pss_kib(p) for p in jail_processes(self.pid))
                if used > self.memory_kib:
                    self._kill("memory")
                    return
            # The disk is slower to fill and to measure: every fifth round.
            if self.disk_kib > 0 and rounds % 5 == 0:
                if disk_kib(self.scratch, self.disk_kib) > self.disk_kib:
                    self._kill("disk")
                    return

    def _kill(self, reason: str) -> None:
        self.tripped = reason
        try:
            signal.pidfd_send_signal(self._pidfd, signal.SIGKILL)
        except OSError:
            pass

    def stop(self) -> None:
        """End the watch (idempotent); ``tripped`` stays readable."""
        if self._stop.is_set():
            return
        self._stop.set()
        if self._thread is not threading.current_thread():
            self._thread.join()
        os.close(self._pidfd)
