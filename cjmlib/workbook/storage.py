"""Bytes on disk: atomic writes, reading with a stamp, and the workbook's lock.

The lock has two layers. Between processes, a file lock (``<file>.lock``, through
``filelock``) lets one kernel write at a time. Inside one process, a re-entrant lock per
real file lets one *thread* write at a time, and lets the thread that holds the lock take
it again: ``snapshot()`` or ``Workbook.open`` inside ``batch()`` run at once instead of
waiting for themselves. Both are keyed by the real path, so a workbook opened through a
symbolic link and through its target shares one lock.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator
from pathlib import Path

from filelock import FileLock, Timeout

from cjmlib.errors import WorkbookError
from cjmlib.files import atomic
from cjmlib.messages import t
from cjmlib.workbook.document import FORMAT, encode

__all__ = [
    "FORMAT",
    "LOCK_TIMEOUT_S",
    "FileStamp",
    "atomic_write",
    "encode",
    "file_stamp",
    "lock_path",
    "locked",
    "read_file",
    "remove_stale_temp_files",
]

#: Seconds to wait for another kernel (or thread) before giving up with a German message.
LOCK_TIMEOUT_S: float = 30

#: What identifies one version of a file cheaply: inode, size, mtime and ctime (ns).
FileStamp = tuple[int, int, int, int]


def atomic_write(path: Path, data: bytes, *, durable: bool = True) -> Path:
    """See :func:`cjmlib.files.atomic_write`: old or new file after any crash, never half.

    A module-level name, so that fault-injection tests can replace it.
    """
    return atomic.atomic_write(path, data, durable=durable)


def remove_stale_temp_files(folder: Path, prefix: str) -> None:
    """Delete temporary files a killed save left in ``folder`` (only while holding the lock)."""
    try:
        names = os.listdir(folder)
    except OSError:
        return
    for name in names:
        if name.startswith(prefix) and name.endswith(atomic.TEMP_SUFFIX):
            with contextlib.suppress(OSError):
                os.unlink(folder / name)


def _stamp(st: os.stat_result) -> FileStamp:
    return (st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def file_stamp(path: Path) -> FileStamp | None:
    """The stamp of the file at ``path`` now, or ``None`` if there is none."""
    try:
        return _stamp(os.stat(path))
    except FileNotFoundError:
        return None


def read_file(path: Path) -> tuple[bytes, FileStamp]:
    """The bytes of ``path`` and the stamp of exactly the file they were read from."""
    with open(path, "rb") as fh:
        stamp = _stamp(os.fstat(fh.fileno()))
        return fh.read(), stamp


def lock_path(real: Path) -> str:
    return str(real) + ".lock"


class _PathLock:
    """The lock of one real file in this process (see the module docstring)."""

    def __init__(self, lock_file: str) -> None:
        self.in_process = threading.RLock()
        # A short poll interval: with filelock's default (50 ms) a kernel saving in a loop
        # keeps winning the lock and a second kernel waits far longer than it needs to.
        self.between_processes = FileLock(lock_file, poll_interval=0.005)
        self.depth = 0


_registry: dict[str, _PathLock] = {}
_registry_guard = threading.Lock()


def _forget_locks_after_fork() -> None:
    """A forked child holds none of its parent's locks: start with a fresh registry."""
    global _registry, _registry_guard
    _registry = {}
    _registry_guard = threading.Lock()


os.register_at_fork(after_in_child=_forget_locks_after_fork)


def _entry(lock_file: str) -> _PathLock:
    with _registry_guard:
        entry = _registry.get(lock_file)
        if entry is None:
            entry = _registry[lock_file] = _PathLock(lock_file)
        return entry


@contextlib.contextmanager
def locked(path: Path, timeout: float | None = None) -> Iterator[None]:
    """Hold the workbook's lock (re-entrant within a thread).

    Raises
    ------
    WorkbookError
        Another thread or process held the lock longer than ``timeout`` seconds.
    OSError
        The lock file cannot be created (read-only folder, no permission, full disk);
        the caller decides what that means (reading is safe without the lock).
    """
    wait = LOCK_TIMEOUT_S if timeout is None else timeout
    real = atomic.real_path(path)
    entry = _entry(lock_path(real))
    if not entry.in_process.acquire(timeout=wait):
        raise WorkbookError(
            t("workbook_files.locked_thread", path=path, seconds=wait), path=str(path)
        )
    try:
        if entry.depth == 0:
            try:
                entry.between_processes.acquire(timeout=wait)
            except Timeout:
                raise WorkbookError(
                    t("workbook.locked", path=path, seconds=wait), path=str(path)
                ) from None
        entry.depth += 1
        try:
            yield
        finally:
            entry.depth -= 1
            if entry.depth == 0:
                entry.between_processes.release()
    finally:
        entry.in_process.release()
