"""Autograde a whole class on all cores, with one consistent gradebook at the end.

Stock ``nbgrader autograde`` grades one submission after the other in one process.
:func:`autograde_parallel` splits the submissions by student over a process pool
(default: one worker per core). Each worker grades its students with nbgrader's own
API against a *private copy* of the gradebook (SQLite does not like two writers);
afterwards :func:`merge_gradebooks` copies every worker's submissions, grades and
comments into the course gradebook with nbgrader's ``Gradebook`` API. The autograded
notebooks land in the usual ``autograded/<student>/<assignment>`` folders, so the
formgrader, ``generate_feedback`` and ``export`` work as after a normal run.

Command line (run in the course folder)::

    python -m cjmlib.grading.parallel [ASSIGNMENT ...] [--workers N]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import warnings
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry
from nbgrader.apps import NbGraderAPI
from nbgrader.coursedir import CourseDirectory

from cjmlib.grading.build import ensure_tools_on_path, load_course_config

__all__ = ["GradingReport", "autograde_parallel", "merge_gradebooks", "read_scores", "submissions"]

Job = tuple[str, str]  # (assignment, student)


@dataclass
class GradingReport:
    """What a grading run did: graded jobs, failures (with nbgrader's log), workers."""

    graded: list[Job] = field(default_factory=list)
    failed: dict[Job, str] = field(default_factory=dict)
    workers: int = 1


def _db_path(course: Path) -> Path:
    return course / "gradebook.db"


def submissions(course: Path, assignments: Iterable[str] | None = None) -> list[Job]:
    """All (assignment, student) pairs found in ``course/submitted``."""
    wanted = set(assignments) if assignments else None
    jobs = []
    for student in sorted((course / "submitted").glob("*")):
        for folder in sorted(student.glob("*")):
            if folder.is_dir() and (wanted is None or folder.name in wanted):
                jobs.append((folder.name, student.name))
    return jobs


def _worker(course: str, db: str, jobs: list[Job], overrides: dict) -> dict[Job, str | None]:
    ensure_tools_on_path()
    # nbgrader's own session handling trips SQLAlchemy autoflush warnings; they are noise.
    warnings.filterwarnings("ignore", module="nbgrader")
    config = load_course_config(Path(course))
    for section, values in overrides.items():
        for key, value in values.items():
            config[section][key] = value
    config.CourseDirectory.db_url = f"sqlite:///{db}"
    api = NbGraderAPI(CourseDirectory(config=config), config=config)
    results: dict[Job, str | None] = {}
    for assignment, student in jobs:
        # One retry: on a busy machine a kernel can miss its start-up deadline.
        for _attempt in range(2):
            out = api.autograde(assignment, student, force=True, create=True)
            if out["success"]:
                break
        results[(assignment, student)] = (
            None if out["success"] else (out.get("log", "") + out.get("error", ""))
        )
    return results


def merge_gradebooks(target_db: str, source_db: str, jobs: Iterable[Job]) -> None:
    """Copy the autograding results of ``jobs`` from ``source_db`` into ``target_db``."""
    with (
        warnings.catch_warnings(),
        Gradebook(f"sqlite:///{source_db}") as src,
        Gradebook(f"sqlite:///{target_db}") as gb,
    ):
        # nbgrader's update_or_create_submission trips SQLAlchemy autoflush warnings.
        warnings.simplefilter("ignore")
        for assignment, student in jobs:
            try:
                sub = src.find_submission(assignment, student)
            except MissingEntry:
                continue
            person = src.find_student(student)
            gb.update_or_create_student(
                student,
                first_name=person.first_name,
                last_name=person.last_name,
                email=person.email,
                lms_user_id=person.lms_user_id,
            )
            gb.update_or_create_submission(assignment, student, timestamp=sub.timestamp)
            for snb in sub.notebooks:
                nb = gb.find_submission_notebook(snb.name, assignment, student)
                nb.flagged = snb.flagged
                nb.late_submission_penalty = snb.late_submission_penalty
                for sgrade in snb.grades:
                    grade = gb.find_grade(sgrade.name, snb.name, assignment, student)
                    grade.auto_score = sgrade.auto_score
                    grade.needs_manual_grade = sgrade.needs_manual_grade
                for scomment in snb.comments:
                    comment = gb.find_comment(scomment.name, snb.name, assignment, student)
                    comment.auto_comment = scomment.auto_comment
            gb.db.commit()


def autograde_parallel(
    course: str | os.PathLike[str],
    assignments: Iterable[str] | None = None,
    *,
    workers: int | None = None,
    overrides: dict[str, dict[str, object]] | None = None,
) -> GradingReport:
    """Autograde every submission of ``assignments`` (all if None) in ``course``.

    ``overrides`` are extra config values, e.g. ``{"Execute": {"timeout": 10}}``.
    """
    ensure_tools_on_path()
    course = Path(course).resolve()
    jobs = submissions(course, assignments)
    workers = max(1, min(workers or os.cpu_count() or 1, len(jobs) or 1))
    by_student: dict[str, list[Job]] = {}
    for job in jobs:
        by_student.setdefault(job[1], []).append(job)
    chunks: list[list[Job]] = [[] for _ in range(workers)]
    # Students with many submissions first, each to the lightest chunk: even loads.
    for student_jobs in sorted(by_student.values(), key=len, reverse=True):
        min(chunks, key=len).extend(student_jobs)
    report = GradingReport(workers=workers)
    main_db = _db_path(course)
    with tempfile.TemporaryDirectory(prefix="cjm-grade-") as tmp:
        dbs = []
        for i in range(workers):
            db = Path(tmp) / f"worker{i}.db"
            shutil.copy(main_db, db)
            dbs.append(str(db))
        if workers == 1:
            results = [_worker(str(course), dbs[0], chunks[0], overrides or {})]
        else:
            with ProcessPoolExecutor(max_workers=workers) as pool:
                futures = [
                    pool.submit(_worker, str(course), db, chunk, overrides or {})
                    for db, chunk in zip(dbs, chunks, strict=True)
                    if chunk
                ]
                results = [f.result() for f in futures]
        for db, chunk, result in zip(dbs, chunks, results, strict=False):
            merge_gradebooks(str(main_db), db, chunk)
            for job, error in result.items():
                if error is None:
                    report.graded.append(job)
                else:
                    report.failed[job] = error
    return report


def read_scores(course: str | os.PathLike[str]) -> dict[Job, float]:
    """Autograded score per (assignment, student) from the course gradebook."""
    scores: dict[Job, float] = {}
    with Gradebook(f"sqlite:///{_db_path(Path(course))}") as gb:
        for assignment in gb.assignments:
            for sub in assignment.submissions:
                scores[(assignment.name, sub.student.id)] = round(sub.code_score, 3)
    return scores


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m cjmlib.grading.parallel")
    parser.add_argument("assignments", nargs="*")
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--course", default=".")
    args = parser.parse_args(argv)
    report = autograde_parallel(args.course, args.assignments or None, workers=args.workers)
    print(
        f"{len(report.graded)} Abgaben bewertet mit {report.workers} Prozessen; "
        f"{len(report.failed)} fehlgeschlagen."
    )
    for (assignment, student), log in report.failed.items():
        print(f"--- {student}/{assignment}:\n{log[-2000:]}", file=sys.stderr)
    return 1 if report.failed else 0


if __name__ == "__main__":
    sys.exit(main())
