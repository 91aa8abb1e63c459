"""Bytes on disk: atomic writes, the file lock, and reading a workbook file safely."""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from cjmlib.errors import WorkbookError
from cjmlib.messages import t

FORMAT = "cjm-werkstatt-workbook"
LOCK_TIMEOUT_S = 30


def atomic_write(path: Path, data: bytes, *, durable: bool = True) -> None:
    """Write ``data`` to ``path`` so that a crash leaves the old or the new file, never half.

    The bytes go to a temporary file in the same folder, are flushed (and fsynced when
    ``durable``), then renamed over the target; the folder is fsynced so the rename
    itself survives a power cut.
    """
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            if durable:
                os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    if durable:
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def remove_stale_temp_files(folder: Path, prefix: str) -> None:
    """Delete temporary files a killed save left in ``folder`` (only while holding the lock)."""
    for leftover in folder.glob(f"{prefix}*.tmp"):
        with contextlib.suppress(OSError):
            leftover.unlink()


def encode(document: dict[str, Any]) -> bytes:
    """Serialise a workbook document as readable, stable JSON (UTF-8, umlauts as such)."""
    return (json.dumps(document, ensure_ascii=False, indent=1, sort_keys=False) + "\n").encode()


def decode(path: Path, raw: bytes) -> dict[str, Any]:
    """Parse raw bytes into a document dict, or raise a readable problem description."""
    try:
        document = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ValueError(t("workbook.not_utf8", position=exc.start)) from None
    except json.JSONDecodeError as exc:
        raise ValueError(
            t("workbook.not_json", line=exc.lineno, column=exc.colno, reason=exc.msg)
        ) from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ValueError(t("workbook.not_workbook"))
    return document


def file_stamp(path: Path) -> tuple[int, int, int] | None:
    """Identify the file's current version cheaply (inode, size, mtime)."""
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns)


@contextlib.contextmanager
def locked(path: Path, timeout: float = LOCK_TIMEOUT_S) -> Iterator[None]:
    """Hold the workbook's lock file, so that two kernels never write at the same time."""
    # A short poll interval: with filelock's default (50 ms) a kernel saving in a loop
    # keeps winning the lock and a second kernel waits far longer than it needs to.
    lock = FileLock(str(path) + ".lock", timeout=timeout, poll_interval=0.005)
    try:
        lock.acquire()
    except Timeout:
        raise WorkbookError(
            t("workbook.locked", path=path, seconds=timeout), path=str(path)
        ) from None
    try:
        yield
    finally:
        lock.release()
