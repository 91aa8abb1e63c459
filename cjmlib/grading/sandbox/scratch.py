"""The scratch area of one grading kernel: a private copy of the submission and its folders.

The kernel never works in nbgrader's ``autograded/<student>/<übung>`` folder: it gets a
copy of it without notebooks (the notebook being graded holds the hidden tests), with a
home, a ``/tmp`` and a socket folder beside it. Everything lives in one temporary folder
(``cjm-abgabe-*``) that is deleted when the kernel is shut down, so nothing the kernel
writes ends up in ``autograded/`` or ``feedback/``. The folder names the grading process
that made it (:mod:`.leftovers`): if that process is killed before it can delete the
folder, the next grading process to make a scratch area in the same place deletes it.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from cjmlib.grading.sandbox.jail import identity_files
from cjmlib.grading.sandbox.leftovers import claim, remove_stale, remove_tree

__all__ = ["PREFIX", "RUN_PREFIX", "STALE_PREFIXES", "Scratch"]

PREFIX = "cjm-abgabe-"
#: A run of the parallel grader (:mod:`cjmlib.grading.parallel`) keeps its gradebook
#: copies in a folder of its own beside the scratch areas.
RUN_PREFIX = "cjm-grade-"
#: Folders of killed graders removed before a scratch area is made beside them.
STALE_PREFIXES = (PREFIX, RUN_PREFIX)
# (pid, folder) pairs already cleaned of stale folders: once per grading process is enough.
_swept: set[tuple[int, str]] = set()

# Never copied into the kernel's folder: the notebooks (the one being graded carries the
# restored hidden tests) and Jupyter's checkpoints of them.
_NOT_COPIED = ("*.ipynb", ".ipynb_checkpoints")


@dataclass(frozen=True)
class Scratch:
    """Host paths of one kernel's scratch area (see module doc)."""

    root: Path

    @property
    def home(self) -> Path:
        return self.root / "home"

    @property
    def tmp(self) -> Path:
        return self.root / "tmp"

    @property
    def run(self) -> Path:
        """Sockets and the connection file as the kernel sees them."""
        return self.root / "run"

    @property
    def etc(self) -> Path:
        return self.root / "etc"

    @property
    def log(self) -> Path:
        """The kernel's stdout and stderr (never the grader's terminal)."""
        return self.root / "kernel.log"

    @property
    def connection_file(self) -> Path:
        """The grader's connection file (host paths); the kernel cannot see it."""
        return self.root / "connection.json"

    def workdir(self, name: str) -> Path:
        return self.home / name

    @classmethod
    def create(
        cls, submission: Path, *, uid: int | None, parent: str | None = None
    ) -> tuple[Scratch, str]:
        """Make a scratch area with a copy of ``submission``; return it and the copy's name."""
        _remove_stale_once(parent)
        root = Path(tempfile.mkdtemp(prefix=PREFIX, dir=parent or None))
        claim(root)
        scratch = cls(root)
        name = submission.name if submission.name not in ("", ".", "/") else "abgabe"
        for folder in (scratch.home, scratch.tmp, scratch.run):
            folder.mkdir(mode=0o700)
        if submission.is_dir():
            # symlinks=True: a link in the submission stays a link (it then points into the
            # jail); following it here, as the grader, would copy the target's content.
            shutil.copytree(
                submission,
                scratch.workdir(name),
                symlinks=True,
                ignore=shutil.ignore_patterns(*_NOT_COPIED),
            )
        else:
            scratch.workdir(name).mkdir()
        identity_files(scratch.etc, uid if uid is not None else os.getuid())
        if uid is not None:
            for folder in (scratch.home, scratch.tmp, scratch.run):
                _chown_tree(folder, uid)
        return scratch, name

    def log_tail(self, limit: int = 2000) -> str:
        """The end of the kernel's output, without control characters."""
        try:
            with open(self.log, "rb") as fh:
                fh.seek(0, os.SEEK_END)
                fh.seek(max(0, fh.tell() - limit))
                text = fh.read().decode("utf-8", errors="replace")
        except OSError:
            return ""
        return "".join(ch for ch in text if ch in "\n\t" or ch.isprintable()).strip()

    def remove(self) -> None:
        remove_tree(self.root)


def _remove_stale_once(parent: str | None) -> None:
    folder = os.path.abspath(parent or tempfile.gettempdir())
    if (os.getpid(), folder) not in _swept:
        _swept.add((os.getpid(), folder))
        remove_stale(folder, STALE_PREFIXES)


def _chown_tree(folder: Path, uid: int) -> None:
    os.chown(folder, uid, uid)
    for base, dirs, files in os.walk(folder):
        for name in [*dirs, *files]:
            os.lchown(os.path.join(base, name), uid, uid)
