"""Real operating-system conditions for file tests: full disks, read-only folders, other users.

Root ignores file permissions and CI runs as root, so a permission test that only calls
``chmod`` would pass on a build that never handles ``EACCES``. These helpers make the
conditions real instead:

- :func:`small_disk` mounts a tiny ``tmpfs`` (root only) that a test can fill up or remount
  read-only; without root (or without the right to mount) the test is skipped with the reason.
- :func:`as_other_user` runs a function in a forked child that has dropped to the user
  ``nobody``, so ``chmod`` really denies access; run by a normal user it just calls the function.
"""

from __future__ import annotations

import contextlib
import errno
import os
import pickle
import shutil
import subprocess
import tempfile
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

NOBODY = 65534


def is_root() -> bool:
    return os.geteuid() == 0


@contextlib.contextmanager
def small_disk(size_kb: int = 512) -> Iterator[Path]:
    """A fresh ``tmpfs`` of ``size_kb`` KiB, mounted for the test and removed afterwards."""
    if not is_root():
        pytest.skip("ein echtes kleines Dateisystem braucht root (mount -t tmpfs)")
    folder = Path(tempfile.mkdtemp(prefix="cjm-disk-"))
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size_kb}k,mode=0755", "tmpfs", str(folder)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        folder.rmdir()
        pytest.skip(f"tmpfs lässt sich hier nicht einhängen: {done.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False, capture_output=True)
        with contextlib.suppress(OSError):
            folder.rmdir()


def remount(folder: Path, mode: str) -> None:
    """Remount the tmpfs at ``folder`` ``"ro"`` (read-only) or ``"rw"``."""
    subprocess.run(["mount", "-o", f"remount,{mode}", str(folder)], check=True)


def fill_up(folder: Path, keep_free: int = 0) -> Path:
    """Fill the file system of ``folder`` until writing fails with ENOSPC; return the filler.

    ``keep_free`` bytes are given back afterwards (tmpfs counts whole pages).
    """
    filler = folder / "fueller.bin"
    chunk = b"\0" * 4096
    with open(filler, "wb", buffering=0) as fh:
        try:
            while True:
                fh.write(chunk)
        except OSError as exc:
            assert exc.errno == errno.ENOSPC, exc
    if keep_free:
        size = filler.stat().st_size
        os.truncate(filler, max(0, size - keep_free))
    return filler


def shared_folder() -> Path:
    """A new folder that the user ``nobody`` can reach (pytest's tmp folders are 0700)."""
    folder = Path(tempfile.mkdtemp(prefix="cjm-shared-", dir="/tmp"))
    folder.chmod(0o755)
    return folder


def remove_tree(folder: Path) -> None:
    for root, dirs, _files in os.walk(folder):
        for name in dirs:
            with contextlib.suppress(OSError):
                os.chmod(os.path.join(root, name), 0o755)
    folder.chmod(0o755)
    shutil.rmtree(folder, ignore_errors=True)


def as_other_user(function: Callable[..., Any], *args: Any) -> tuple[str, Any]:
    """Run ``function(*args)`` as a user without special rights.

    Returns ``("ok", result)`` or ``("raised", (type name, message, is a CJMError))``.
    As root this forks a child that drops to ``nobody``; otherwise it runs in-process.
    """
    from cjmlib.errors import CJMError

    def call() -> tuple[str, Any]:
        try:
            return "ok", function(*args)
        except Exception as exc:  # the test inspects what was raised
            return "raised", (type(exc).__name__, str(exc), isinstance(exc, CJMError))

    if not is_root():
        return call()
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        code = 0
        try:
            os.close(read_end)
            os.setgroups([])
            os.setgid(NOBODY)
            os.setuid(NOBODY)
            outcome = call()
            with os.fdopen(write_end, "wb") as fh:
                pickle.dump(outcome, fh)
        except BaseException:
            traceback.print_exc()
            code = 1
        finally:
            os._exit(code)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as fh:
        data = fh.read()
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0, "der Kindprozess ist abgestürzt"
    return pickle.loads(data)


def files_in(folder: Path) -> dict[str, bytes]:
    """Every file below ``folder`` (relative name -> bytes), to prove nothing changed."""
    found = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.name.endswith(".lock"):
            found[str(path.relative_to(folder))] = path.read_bytes()
    return found


def temp_files(folder: Path) -> list[str]:
    """Names of temporary files a write may have left behind."""
    return sorted(
        str(p.relative_to(folder))
        for p in folder.rglob("*")
        if p.name.endswith((".tmp", ".tmp.xlsx")) or ".tmp" in p.name
    )
