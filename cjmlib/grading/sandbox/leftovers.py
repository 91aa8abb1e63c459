"""Temporary folders of graders that were killed: each names its owner, the next run removes it.

A grading kernel's scratch area (:mod:`.scratch`, ``cjm-abgabe-*``) holds a copy of one
student's submission, and a run of the parallel grader keeps copies of the gradebook in
its own folder (``cjm-grade-*``). The process that made such a folder deletes it when it
is done. A process that is killed (``SIGKILL``, the OOM killer, a student's
``os.kill(os.getppid(), 9)`` when the sandbox is switched off) cannot: its folders stay in
the temp folder, with the student's data in them.

So every such folder gets an owner file right after it is made (:func:`claim`): the
owner's pid, its start time and its PID namespace. :func:`remove_stale` deletes the
folders whose owner is gone; the kernel manager calls it once per grading process and
folder before its first kernel starts, the parallel grader before a run, after a worker
died and at the end of a run. A folder whose owner still runs is never touched (the
start time tells a live owner from a new process that got its pid); nor is one without an
owner file, one of another user, or one made in another PID namespace (a container
sharing the temp folder), since there is no telling whether its owner still runs.
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

__all__ = ["OWNER_FILE", "claim", "remove_stale", "remove_tree"]

OWNER_FILE = "owner"


def _identity(pid: int) -> str | None:
    """``<pid> <start time> <pid namespace>`` of a running process (None: not running).

    The start time is field 22 of ``/proc/<pid>/stat``, in clock ticks since boot; the
    fields are counted after the command name, which may hold spaces and brackets.
    """
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        namespace = os.stat(f"/proc/{pid}/ns/pid").st_ino
    except (OSError, IndexError):
        return None
    return f"{pid} {fields[19]} {namespace}"


def claim(folder: Path) -> None:
    """Write the owner file of ``folder``: this process."""
    identity = _identity(os.getpid())
    if identity is not None:  # no /proc: nothing to record, so never removed by others
        (folder / OWNER_FILE).write_text(identity + "\n")


def _stale(folder: Path, namespace: int) -> bool:
    """Is the owner of ``folder`` gone (and was it one of this PID namespace)?"""
    try:
        pid, start, ns = (folder / OWNER_FILE).read_text().split()
        return int(ns) == namespace and _identity(int(pid)) != f"{pid} {start} {ns}"
    except (OSError, ValueError):
        return False


def remove_stale(parent: str | os.PathLike[str] | None, prefixes: Iterable[str]) -> list[Path]:
    """Delete this user's folders ``parent/<prefix>*`` whose owner process is gone.

    ``parent`` None is the system's temp folder. Returns the folders removed.
    """
    folder = Path(parent or tempfile.gettempdir())
    try:
        namespace = os.stat("/proc/self/ns/pid").st_ino
        entries = list(os.scandir(folder))
    except OSError:
        return []
    wanted = tuple(prefixes)
    removed = []
    for entry in entries:
        if not entry.name.startswith(wanted):
            continue
        try:
            info = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.geteuid():
            continue
        path = Path(entry.path)
        if _stale(path, namespace):
            remove_tree(path)
            removed.append(path)
    return removed


def remove_tree(path: Path) -> None:
    """Delete ``path`` with everything in it, also folders a kernel made read-only.

    Whatever cannot be deleted now (a process still writing into it) stays for the next
    :func:`remove_stale`.
    """
    try:
        shutil.rmtree(path, onerror=_make_writable_and_retry)
    except OSError:
        pass


def _make_writable_and_retry(func: Callable[..., Any], path: str, _exc: Any) -> None:
    """rmtree helper: a kernel may leave folders without write permission."""
    parent = os.path.dirname(path)
    os.chmod(parent, os.stat(parent).st_mode | stat.S_IRWXU)
    if os.path.isdir(path) and not os.path.islink(path):
        os.chmod(path, stat.S_IRWXU)
    func(path)
