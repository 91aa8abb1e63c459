"""Write a file so that a crash, a full disk or a kill leaves the old file or the new one.

One home for every file cjmlib writes (the workbook, its versions, every export):

1. the bytes go to a hidden temporary file in the target's own folder,
2. are flushed and (``durable=True``) fsynced, so they are on the disk before step 3,
3. the temporary file gets the mode (and, where allowed, the owner) of the file it replaces,
4. ``os.replace`` puts it in place in one step, and the folder is fsynced so the rename
   itself survives a power cut.

A symbolic link is followed: the file it points to is replaced and the link stays a link.
If anything fails, the temporary file is removed and the target is untouched.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Sequence
from pathlib import Path

from cjmlib.files.oserrors import Action, os_error

__all__ = [
    "TEMP_SUFFIX",
    "atomic_write",
    "atomic_write_many",
    "real_path",
    "temp_prefix",
    "write_file",
    "write_files",
]

TEMP_SUFFIX = ".tmp"


def real_path(path: str | os.PathLike[str]) -> Path:
    """``path`` with ``~`` expanded and every symbolic link resolved (it need not exist)."""
    return Path(os.path.realpath(Path(path).expanduser()))


def temp_prefix(target: Path) -> str:
    """The name prefix of temporary files written for ``target`` (``.<name>.``).

    Long names are shortened, so that a target whose name just fits the file system's
    limit does not fail because its temporary file's name would be longer.
    """
    return f".{target.name[:60]}."


def _current_umask() -> int:
    """The process's umask, read without changing it (other threads may create files)."""
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    mask = os.umask(0o022)  # no /proc: the only other way is to set it and set it back
    os.umask(mask)
    return mask


def _copy_metadata(fd: int, target: Path) -> None:
    """Give the new file the mode (and owner) of the file it replaces, or the usual mode."""
    try:
        st = os.stat(target)
    except FileNotFoundError:
        os.fchmod(fd, 0o666 & ~_current_umask())
        return
    os.fchmod(fd, stat.S_IMODE(st.st_mode))
    mine = os.fstat(fd)
    if (mine.st_uid, mine.st_gid) != (st.st_uid, st.st_gid):
        # Only root may give a file away; for everyone else the new file is theirs.
        with contextlib.suppress(OSError):
            os.fchown(fd, st.st_uid, st.st_gid)


def _fsync_folder(folder: Path) -> None:
    dir_fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def _stage(target: Path, data: bytes, durable: bool) -> str:
    """Write ``data`` to a new temporary file beside ``target``; return its name."""
    fd, tmp = tempfile.mkstemp(prefix=temp_prefix(target), suffix=TEMP_SUFFIX, dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            _copy_metadata(fh.fileno(), target)
            if durable:
                os.fsync(fh.fileno())
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return tmp


def atomic_write_many(
    items: Sequence[tuple[str | os.PathLike[str], bytes]], *, durable: bool = True
) -> list[Path]:
    """Write several files: all temporary files first, then each is renamed into place.

    A full disk or a missing permission shows while the temporary files are written,
    before any target changed; then none of them changes. Returns the real paths.
    """
    targets = [real_path(path) for path, _ in items]
    staged: list[str] = []
    renamed = 0
    try:
        for target, (_, data) in zip(targets, items, strict=True):
            staged.append(_stage(target, data, durable))
        for tmp, target in zip(staged, targets, strict=True):
            os.replace(tmp, target)
            renamed += 1
    except BaseException as exc:
        for tmp in staged:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        if isinstance(exc, OSError):  # which file failed, for the message
            failed = len(staged) if len(staged) < len(targets) else renamed
            exc.cjm_failed_index = min(failed, len(targets) - 1)  # type: ignore[attr-defined]
        raise
    if durable:
        for folder in dict.fromkeys(target.parent for target in targets):
            _fsync_folder(folder)
    return targets


def atomic_write(path: str | os.PathLike[str], data: bytes, *, durable: bool = True) -> Path:
    """Replace the file at ``path`` with ``data`` atomically; return the real path written.

    Raises the :class:`OSError` of the failing step (callers word it for the trainee, see
    :func:`write_file`); the target and its folder are then as they were before.
    """
    return atomic_write_many([(path, data)], durable=durable)[0]


def write_file(
    path: str | os.PathLike[str], data: bytes, *, action: Action = "write", durable: bool = True
) -> Path:
    """:func:`atomic_write`, with every :class:`OSError` turned into a German :class:`CJMError`.

    ``path`` itself is named in the message, as the trainee gave it.
    """
    try:
        return atomic_write(path, data, durable=durable)
    except OSError as exc:
        raise os_error(exc, path, action) from None


def write_files(
    items: Sequence[tuple[str | os.PathLike[str], bytes]], *, durable: bool = True
) -> list[Path]:
    """:func:`atomic_write_many` with German errors naming the file that failed."""
    try:
        return atomic_write_many(items, durable=durable)
    except OSError as exc:
        failed = items[getattr(exc, "cjm_failed_index", 0)][0]
        raise os_error(exc, failed, "write") from None
