"""A simulated class on one machine: course copy, students' submissions, scores.

Used by the end-to-end tests and ``benchmarks/bench_grading.py``; handy for an
instructor who wants to try the grading pipeline before the real course.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
from nbgrader.apps import NbGraderAPI
from nbgrader.coursedir import CourseDirectory

from cjmlib.grading.build import REPO, ensure_tools_on_path, load_course_config
from cjmlib.grading.exercise import solution_code

__all__ = [
    "hand_in",
    "make_course",
    "nbgrader",
    "reference_answers",
    "release_notebook",
    "student_notebook",
    "submit",
    "with_answers",
]


def make_course(
    dst: Path, assignments: list[str] | None = None, source: Path | None = None
) -> Path:
    """Copy the course (config + sources) to ``dst`` and generate the releases there."""
    ensure_tools_on_path()
    source = source or REPO / "course"
    dst.mkdir(parents=True, exist_ok=True)
    shutil.copy(source / "nbgrader_config.py", dst / "nbgrader_config.py")
    names = assignments or sorted(p.name for p in (source / "source").iterdir() if p.is_dir())
    for name in names:
        shutil.copytree(
            source / "source" / name,
            dst / "source" / name,
            ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"),
        )
    config = load_course_config(dst)
    api = NbGraderAPI(CourseDirectory(config=config), config=config)
    for name in names:
        result = api.generate_assignment(name, force=True, create=True)
        if not result["success"]:
            raise RuntimeError(result["log"] + result.get("error", ""))
    return dst


def release_notebook(course: Path, assignment: str) -> nbformat.NotebookNode:
    path = course / "release" / assignment / f"{assignment}.ipynb"
    notebook: nbformat.NotebookNode = nbformat.read(path, as_version=4)
    return notebook


def reference_answers(course: Path, assignment: str) -> dict[str, str]:
    """grade_id -> reference code/text of every solution cell of the source notebook."""
    nb = nbformat.read(course / "source" / assignment / f"{assignment}.ipynb", as_version=4)
    return {
        c.metadata["nbgrader"]["grade_id"]: solution_code(c.source)
        for c in nb.cells
        if c.metadata.get("nbgrader", {}).get("solution")
    }


def with_answers(nb: nbformat.NotebookNode, answers: dict[str, str]) -> nbformat.NotebookNode:
    """A copy of ``nb`` whose cells (by grade_id, or by cell id) hold ``answers``."""
    nb = nbformat.from_dict(nb)
    for cell in nb.cells:
        key = cell.metadata.get("nbgrader", {}).get("grade_id")
        if key in answers:
            cell.source = answers[key]
        elif cell.get("id") in answers:
            cell.source = answers[cell["id"]]
    return nb


def student_notebook(
    course: Path,
    assignment: str,
    answers: dict[str, str] | None,
    deleted: list[str] | tuple[str, ...] = (),
) -> nbformat.NotebookNode:
    """A submission: the release with the reference answers, ``answers`` changed, cells deleted.

    ``answers=None`` is the untouched release. Keys of ``answers`` and ``deleted`` are grade ids.
    """
    release = release_notebook(course, assignment)
    if answers is None:
        return release
    nb = with_answers(release, {**reference_answers(course, assignment), **answers})
    nb.cells = [
        c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") not in deleted
    ]
    return nb


def submit(
    course: Path,
    student: str,
    assignment: str,
    nb: nbformat.NotebookNode,
    when: dt.datetime | None = None,
) -> Path:
    """Place ``nb`` as ``student``'s submission, as ``nbgrader collect`` would."""
    folder = course / "submitted" / student / assignment
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, folder / f"{assignment}.ipynb")
    stamp = (when or dt.datetime(2026, 5, 4, 10, 0)).strftime("%Y-%m-%d %H:%M:%S.%f UTC")
    (folder / "timestamp.txt").write_text(stamp)
    return folder


def hand_in(
    exchange: Path,
    student: str,
    assignment: str,
    nb: nbformat.NotebookNode,
    course_id: str = "cjm-werkstatt",
    when: dt.datetime | None = None,
) -> Path:
    """Put ``nb`` into the exchange's inbound folder, as ``nbgrader submit`` does for a student."""
    stamp = (when or dt.datetime(2026, 5, 4, 10, 0)).strftime("%Y-%m-%d %H:%M:%S.%f UTC")
    folder = exchange / course_id / "inbound" / f"{student}+{assignment}+{stamp}+sim"
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, folder / f"{assignment}.ipynb")
    (folder / "timestamp.txt").write_text(stamp)
    return folder


def nbgrader(course: Path, *args: str, timeout: float = 900) -> subprocess.CompletedProcess[str]:
    """Run the real ``nbgrader`` command line in ``course`` (stdout and stderr captured).

    Uses this Python's ``nbgrader`` (and its ``alembic``); the exchange is
    ``course/../exchange``. Raises ``RuntimeError`` with the log if nbgrader fails.
    """
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "CJM_EXCHANGE": str(Path(course).parent / "exchange"),
    }
    env.pop("NBGRADER_EXECUTION", None)
    out = subprocess.run(
        [sys.executable, "-m", "nbgrader", *args],
        cwd=course,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if out.returncode != 0:
        raise RuntimeError(out.stdout[-3000:] + out.stderr[-3000:])
    return out
