"""Generate ``exercises/`` and ``solutions/`` from the nbgrader sources in ``course/source``.

The one command (``make exercises`` calls it)::

    .venv/bin/python -m cjmlib.grading.build            # write exercises/, solutions/
    .venv/bin/python -m cjmlib.grading.build --check    # exit 1 if they are out of date

- ``exercises/<name>.ipynb`` is the self-study edition of nbgrader's release
  (``generate_assignment`` with :class:`~cjmlib.grading.editions.KeepEdition` set to
  ``selbststudium``, run in a temporary copy of the course so ``course/`` stays
  untouched): solutions replaced by ``____`` starters, cells tagged ``bewertet`` dropped.
- ``solutions/<name>.ipynb`` is the source with solution regions kept, hidden test
  regions (if any) replaced by a one-line note, cells tagged ``bewertet`` dropped, and
  without nbgrader metadata.

Both notebooks find their tasks, judges and data in ``../course/source/<name>/`` (see
:func:`cjmlib.grading.exercise.find_exercise`); nothing of an exercise is copied into
this package. The graded edition is what ``nbgrader generate_assignment`` releases from
the course folder itself. Both folders are generated; never edit them by hand.
"""

from __future__ import annotations

import argparse
import filecmp
import shutil
import sys
import tempfile
from pathlib import Path

import nbformat
from nbgrader.apps import NbGraderAPI
from nbgrader.coursedir import CourseDirectory
from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

from cjmlib.grading.editions import SELF_STUDY, keep_edition
from cjmlib.grading.exercise import solution_code
from cjmlib.grading.feedback import strip_hidden
from cjmlib.messages import t

__all__ = [
    "REPO",
    "build",
    "check",
    "ensure_tools_on_path",
    "load_course_config",
    "main",
    "solution_notebook",
]

REPO = Path(__file__).resolve().parents[2]


def ensure_tools_on_path() -> None:
    """nbgrader's gradebook runs the ``alembic`` command: find the one beside our Python."""
    import os

    bindir = str(Path(sys.executable).parent)
    if bindir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bindir + os.pathsep + os.environ.get("PATH", "")


def load_course_config(course: Path) -> Config:
    """Read ``course/nbgrader_config.py`` and point it at ``course``."""
    loader = PyFileConfigLoader("nbgrader_config.py", path=str(course))
    config = loader.load_config()
    config.CourseDirectory.root = str(course)
    return config


def assignments(course: Path) -> list[str]:
    source = course / "source"
    names = (
        sorted(p.name for p in source.iterdir() if (p / f"{p.name}.ipynb").exists())
        if source.is_dir()
        else []
    )
    if not names:
        raise SystemExit(t("grading.build.no_source", path=source))
    return names


def solution_notebook(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Turn a source notebook into the reference solution for trainees."""
    nb = keep_edition(nbformat.from_dict(nb), SELF_STUDY)
    for cell in nb.cells:
        meta = cell.metadata.pop("nbgrader", {})
        cell.metadata.pop("deletable", None)
        cell.metadata.pop("editable", None)
        if meta.get("solution"):
            cell.source = solution_code(cell.source)
        elif meta.get("grade"):
            cell.source, _ = strip_hidden(cell.source)
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    return nb


def build(out: Path = REPO, course: Path | None = None, *, quiet: bool = True) -> list[str]:
    """Write ``exercises/`` and ``solutions/`` below ``out``."""
    ensure_tools_on_path()
    course = course or REPO / "course"
    names = assignments(course)
    exercises, solutions = out / "exercises", out / "solutions"
    with tempfile.TemporaryDirectory(prefix="cjm-build-") as tmp:
        work = Path(tmp) / "course"
        work.mkdir()
        shutil.copy(course / "nbgrader_config.py", work / "nbgrader_config.py")
        shutil.copytree(
            course / "source",
            work / "source",
            ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"),
        )
        config = load_course_config(work)
        config.CourseDirectory.db_url = f"sqlite:///{Path(tmp) / 'gradebook.db'}"
        config.KeepEdition.edition = SELF_STUDY
        api = NbGraderAPI(CourseDirectory(config=config), config=config)
        for name in names:
            result = api.generate_assignment(name, force=True, create=True)
            if not result["success"]:
                raise RuntimeError(
                    f"generate_assignment {name} failed:\n{result['log']}"
                    f"\n{result.get('error', '')}"
                )
        for folder in (exercises, solutions):
            folder.mkdir(parents=True, exist_ok=True)
            for old in folder.glob("*.ipynb"):
                old.unlink()
        for name in names:
            shutil.copy(work / "release" / name / f"{name}.ipynb", exercises / f"{name}.ipynb")
            nb = nbformat.read(course / "source" / name / f"{name}.ipynb", as_version=4)
            nbformat.write(solution_notebook(nb), solutions / f"{name}.ipynb")
    if not quiet:
        print(t("grading.build.done", count=len(names)))
    return names


def check(course: Path | None = None) -> list[str]:
    """Regenerate into a temporary folder; return the files that differ from the repo."""
    with tempfile.TemporaryDirectory(prefix="cjm-check-") as tmp:
        out = Path(tmp)
        build(out, course)
        differing: list[str] = []
        for rel in ("exercises", "solutions"):
            new, old = out / rel, REPO / rel
            names = {p.name for p in new.glob("*.ipynb")} | {p.name for p in old.glob("*.ipynb")}
            for name in sorted(names):
                a, b = new / name, old / name
                if not (a.exists() and b.exists() and filecmp.cmp(a, b, shallow=False)):
                    differing.append(f"{rel}/{name}")
        return differing


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m cjmlib.grading.build", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="only compare; exit 1 if exercises/ or solutions/ are stale",
    )
    args = parser.parse_args(argv)
    if args.check:
        stale = check()
        for name in stale:
            print(f"veraltet: {name}")
        return 1 if stale else 0
    build(quiet=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
