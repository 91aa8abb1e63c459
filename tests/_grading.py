"""Helpers shared by the grading tests: a small class, and the real nbgrader command line."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

from cjmlib.grading import classroom


def small_class(root: Path, assignment: str) -> Path:
    """A course with ``assignment`` released and two submissions: complete and blank."""
    course = classroom.make_course(root / "course", [assignment])
    release = classroom.release_notebook(course, assignment)
    reference = classroom.reference_answers(course, assignment)
    classroom.submit(course, "komplett", assignment, classroom.with_answers(release, reference))
    classroom.submit(course, "leer", assignment, release)
    return course


def nbgrader(
    course: Path, *args: str, env: Mapping[str, str] | None = None, timeout: int = 900
) -> subprocess.CompletedProcess[str]:
    """Run ``nbgrader ARGS`` in ``course`` as an instructor would (this venv's tools first)."""
    base = {**os.environ} if env is None else dict(env)
    base["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
    base.pop("NBGRADER_EXECUTION", None)
    return subprocess.run(
        [sys.executable, "-m", "nbgrader", *args],
        cwd=course,
        env=base,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
