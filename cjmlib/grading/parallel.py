"""Autograde a whole class on all cores, with one consistent gradebook at the end.

Stock ``nbgrader autograde`` grades one submission after the other in one process.
:func:`autograde_parallel` hands the submissions, one at a time, to a few worker
processes (default: one per core). Each worker grades with nbgrader's own API against
a *private copy* of the gradebook (SQLite does not like two writers); as soon as a worker
reports a submission graded, the parent copies its grades and comments into the course
gradebook with nbgrader's ``Gradebook`` API (:func:`merge_gradebooks` does the same for
a whole list). Copying while the workers grade hides the gradebook's commits behind the
grading, and a run stopped with Ctrl-C keeps every grade it has finished. The autograded
notebooks land in the usual ``autograded/<student>/<assignment>`` folders, so the formgrader,
``generate_feedback`` and ``export`` work as after a normal run.

Like stock autograde it skips submissions that were graded already and not handed in
anew since (``force`` grades them again), and it never puts a hand-graded cell of an
unchanged submission back on the formgrader's to-do list. If a worker process dies,
the submission it was grading is tried once more in a fresh worker and otherwise
reported as failed; every other submission is graded and merged.

Students' data never stay behind: the gradebook copies live in one folder per run
(``cjm-grade-*``, beside the kernels' scratch areas), deleted at its end. A worker that
dies cannot delete its kernel's scratch copy of the submission in hand; the run removes
it as soon as it sees the worker gone (:mod:`cjmlib.grading.sandbox.leftovers`), and the
folders of a run that was killed as a whole go with the next run.

Command line (run in the course folder; ``--help`` describes every option)::

    python -m cjmlib.grading.parallel [ÜBUNG ...] [--student ID] [--force] [--workers N]
"""

from __future__ import annotations

import argparse
import contextlib
import multiprocessing
import os
import shutil
import signal
import sys
import tempfile
import threading
import warnings
from collections import deque
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from multiprocessing.context import ForkContext, ForkServerContext
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

from nbgrader.api import Gradebook, MissingEntry
from nbgrader.apps import NbGraderAPI
from nbgrader.coursedir import CourseDirectory
from traitlets.config import Config

from cjmlib.grading import reuse
from cjmlib.grading.build import ensure_tools_on_path, load_course_config
from cjmlib.grading.sandbox.leftovers import claim, remove_stale
from cjmlib.grading.sandbox.scratch import RUN_PREFIX, STALE_PREFIXES
from cjmlib.messages import t

__all__ = [
    "GradingReport",
    "autograde_parallel",
    "merge_gradebooks",
    "needs_grading",
    "read_scores",
    "submissions",
]

Job = tuple[str, str]  # (assignment, student)
_PRELOAD = (
    "cjmlib.grading.parallel",
    "cjmlib.grading.sandbox",
    "nbgrader.converters",
    "nbgrader.preprocessors",
    "nbconvert.exporters",
)
Overrides = Mapping[str, Mapping[str, object]]
#: Seconds a stopped run waits for a worker to finish its submission before ending it.
STOP_GRACE = 10


@dataclass
class GradingReport:
    """What a grading run did: graded, skipped (unchanged) and failed jobs, workers."""

    graded: list[Job] = field(default_factory=list)
    skipped: list[Job] = field(default_factory=list)
    failed: dict[Job, str] = field(default_factory=dict)
    workers: int = 1
    #: nbgrader's warnings per graded job (a tampered or deleted test cell, a late
    #: submission): stock autograde prints them, so the command line does too.
    warnings: dict[Job, list[str]] = field(default_factory=dict)
    #: the run was stopped with Ctrl-C; ``graded`` lists what reached the gradebook.
    interrupted: bool = False


def _db_path(course: Path) -> Path:
    return course / "gradebook.db"


def submissions(
    course: Path, assignments: Iterable[str] | None = None, students: Iterable[str] | None = None
) -> list[Job]:
    """All (assignment, student) pairs found in ``course/submitted``, optionally filtered."""
    wanted = set(assignments) if assignments else None
    who = set(students) if students else None
    jobs = []
    for student in sorted((course / "submitted").glob("*")):
        if who is not None and student.name not in who:
            continue
        for folder in sorted(student.glob("*")):
            if folder.is_dir() and (wanted is None or folder.name in wanted):
                jobs.append((folder.name, student.name))
    return jobs


def needs_grading(coursedir: CourseDirectory, assignment: str, student: str) -> bool:
    """Stock autograde's rule: not graded yet, a notebook missing, or handed in anew since."""
    src = Path(coursedir.format_path(coursedir.submitted_directory, student, assignment))
    dest = Path(coursedir.format_path(coursedir.autograded_directory, student, assignment))
    if not dest.is_dir() or any(not (dest / nb.name).exists() for nb in src.glob("*.ipynb")):
        return True
    new = coursedir.get_existing_timestamp(str(src))
    old = coursedir.get_existing_timestamp(str(dest))
    return new is not None and old is not None and new > old


def _config(course: Path, overrides: Overrides) -> Config:
    config = load_course_config(course)
    for section, values in overrides.items():
        for key, value in values.items():
            config[section][key] = value
    return config


def _uses_sandbox(config: Config) -> bool:
    steps = config.Autograde.get("autograde_preprocessors", [])
    return any("SandboxExecute" in str(step) for step in steps)


def _worker(conn: Connection, course: str, db: str, overrides: Overrides) -> None:
    """Worker process: grade the jobs it receives until it receives ``None``."""
    ensure_tools_on_path()
    # nbgrader's own session handling trips SQLAlchemy autoflush warnings; they are noise.
    warnings.filterwarnings("ignore", module="nbgrader")
    reuse.install()  # one engine and one metadata validator for all this worker's jobs
    config = _config(Path(course), overrides)
    config.CourseDirectory.db_url = f"sqlite:///{db}"
    api = NbGraderAPI(CourseDirectory(config=config), config=config)
    try:
        while (job := conn.recv()) is not None:
            assignment, student = job
            # One retry: on a busy machine a kernel can miss its start-up deadline.
            for _attempt in range(2):
                out = api.autograde(assignment, student, force=True, create=True)
                if out["success"]:
                    break
            error = None if out["success"] else (out.get("log", "") + out.get("error", ""))
            conn.send((job, error, _warnings(out.get("log", ""))))
    except (EOFError, OSError, KeyboardInterrupt):
        # The run was stopped (Ctrl-C reaches the workers too) or the parent is gone: the
        # submission in hand is finished by nbgrader's own clean-up; nothing to report.
        return


@contextlib.contextmanager
def _no_interrupt() -> Iterator[None]:
    """Hold Ctrl-C back until a submission is wholly in the gradebook and counted.

    nbgrader commits a submission in several steps; stopped in between, the gradebook
    would hold it half copied, and the next run would take it for graded.
    """
    old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def _warnings(log: str) -> list[str]:
    """The warning lines of nbgrader's captured log (``[WARNING] text``), without the tag."""
    tag = "[WARNING] "
    return [line.removeprefix(tag) for line in log.splitlines() if line.startswith(tag)]


@dataclass
class _Worker:
    process: BaseProcess
    conn: Connection
    db: Path
    job: Job | None = None


class _Pool:
    """Worker processes fed one job at a time; a dead worker is replaced."""

    def __init__(
        self, course: Path, tmp: Path, overrides: Overrides, merger: _Merger, scratch: str | None
    ) -> None:
        self.course, self.tmp, self.overrides, self.merger = course, tmp, overrides, merger
        self.scratch = scratch  # where the workers' kernels make their scratch areas
        # A single-threaded parent (the command line) forks its workers directly: they
        # start in milliseconds with nbgrader already imported. With threads around (a
        # notebook, a test runner) a fork could copy a held lock, so the workers then
        # fork from a server process that imported nbgrader once.
        self.context: ForkContext | ForkServerContext
        if threading.active_count() == 1:
            self.context = multiprocessing.get_context("fork")
        else:
            self.context = multiprocessing.get_context("forkserver")
            self.context.set_forkserver_preload(list(_PRELOAD))
        self.workers: list[_Worker] = []
        self.retired: list[_Worker] = []
        self._count = 0

    def start(self) -> _Worker:
        db = self.tmp / f"worker{self._count}.db"
        self._count += 1
        shutil.copy(_db_path(self.course), db)
        ours, theirs = self.context.Pipe()
        process = self.context.Process(
            target=_worker, args=(theirs, str(self.course), str(db), dict(self.overrides))
        )
        process.start()
        theirs.close()
        worker = _Worker(process, ours, db)
        self.workers.append(worker)
        return worker

    def run(self, jobs: Sequence[Job], size: int, report: GradingReport) -> None:
        try:
            self._run(jobs, size, report)
        except KeyboardInterrupt:
            # Ctrl-C: what is graded is in the gradebook already; stop the workers instead
            # of waiting for them (a non-daemon child would keep the command from ending).
            report.interrupted = True
            self._stop()

    def _stop(self) -> None:
        everyone = [*self.workers, *self.retired]
        for worker in everyone:
            worker.conn.close()  # an idle worker ends at once, a busy one after its job
        for worker in everyone:
            worker.process.join(timeout=STOP_GRACE)
            if worker.process.is_alive():
                worker.process.terminate()
                worker.process.join()

    def _run(self, jobs: Sequence[Job], size: int, report: GradingReport) -> None:
        queue: deque[Job] = deque(jobs)
        tries: dict[Job, int] = {}
        for _ in range(size):
            self.start()
        while queue or any(w.job for w in self.workers):
            for worker in list(self.workers):
                if worker.job is None and queue:
                    worker.job = queue.popleft()
                    try:
                        worker.conn.send(worker.job)
                    except OSError:  # died while idle: not the job's fault
                        queue.appendleft(worker.job)
                        self._retire(worker, queue)
            busy = [w for w in self.workers if w.job is not None]
            ready = wait([w.conn for w in busy] + [w.process.sentinel for w in busy])
            for worker in busy:
                if worker.conn in ready or worker.process.sentinel in ready:
                    self._collect(worker, queue, tries, report)
        for worker in self.workers:
            try:
                worker.conn.send(None)
            except OSError:
                pass
        for worker in [*self.workers, *self.retired]:
            worker.process.join()

    def _collect(
        self, worker: _Worker, queue: deque[Job], tries: dict[Job, int], report: GradingReport
    ) -> None:
        try:
            if worker.conn.poll():
                job, error, notes = worker.conn.recv()
                worker.job = None
                if error is None:
                    with _no_interrupt():
                        self.merger.merge(worker.db, job)
                        report.graded.append(job)
                    if notes:
                        report.warnings[job] = notes
                else:
                    report.failed[job] = t("parallel.nbgrader_failed") + "\n" + error
                return
        except (EOFError, OSError):
            pass
        # The worker died with a job in hand: try the job once more in a fresh worker.
        job = worker.job
        assert job is not None
        worker.process.join()
        tries[job] = tries.get(job, 0) + 1
        if tries[job] < 2:
            queue.appendleft(job)
        else:
            report.failed[job] = t("parallel.worker_died", code=worker.process.exitcode)
        self._retire(worker, queue)

    def _retire(self, worker: _Worker, queue: deque[Job]) -> None:
        """Put a dead worker aside (its finished jobs are merged already); replace it.

        The scratch area of the kernel it had running goes now: its owner is gone.
        """
        worker.job = None
        worker.process.join()
        remove_stale(self.scratch, STALE_PREFIXES)
        self.workers.remove(worker)
        self.retired.append(worker)
        if queue or not self.workers:
            self.start()


def default_workers(cores: int | None = None) -> int:
    """How many submissions to grade at once: one more than ``cores``.

    A grading process waits for part of every submission (its kernel starting up and
    ending), so one process per core leaves cores idle; on 2 cores, 3 processes kept 1.8
    cores busy where 2 kept 1.55 (``benchmarks/README.md``). ``cores`` defaults to the
    cores this process may run on (``taskset``, a container's cpuset), not the machine's.
    """
    if cores is None:
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
        cores = cores or os.cpu_count() or 1
    return cores + 1


def autograde_parallel(
    course: str | os.PathLike[str],
    assignments: Iterable[str] | None = None,
    *,
    students: Iterable[str] | None = None,
    force: bool = False,
    workers: int | None = None,
    overrides: Overrides | None = None,
) -> GradingReport:
    """Autograde the submissions of ``assignments`` (all if None) in ``course``.

    ``students`` limits the run to these ids; ``force`` grades unchanged submissions
    again; ``overrides`` are extra config values, e.g. ``{"Execute": {"timeout": 10}}``.
    Raises :class:`~cjmlib.grading.sandbox.SandboxUnavailable` before grading anything
    if the course grades in the sandbox and none can be made here.
    """
    ensure_tools_on_path()
    course = Path(course).resolve()
    overrides = overrides or {}
    config = _config(course, overrides)
    if _uses_sandbox(config):
        from cjmlib.grading.sandbox import SandboxKernelManager

        SandboxKernelManager(config=config).check_sandbox()
    coursedir = CourseDirectory(config=config)
    report = GradingReport()
    # A submission whose grades never reached the gradebook (the run was stopped, or its
    # worker died after nbgrader wrote the autograded copy) is graded again.
    booked = _in_gradebook(_db_path(course))
    jobs = []
    for job in submissions(course, assignments, students):
        if force or job not in booked or needs_grading(coursedir, *job):
            jobs.append(job)
        else:
            report.skipped.append(job)
    report.workers = max(1, min(workers or default_workers(), len(jobs) or 1))
    if not jobs:
        return report
    main_db = _db_path(course)
    # The kernels' scratch areas go where the course config says (default: the temp
    # folder), and this run's folder beside them: one place to clean after a killed run.
    scratch = config.SandboxKernelManager.get("scratch_dir") or None
    remove_stale(scratch, STALE_PREFIXES)
    with (
        tempfile.TemporaryDirectory(
            prefix=RUN_PREFIX, dir=scratch, ignore_cleanup_errors=True
        ) as tmp,
        _Merger(main_db) as merger,
    ):
        claim(Path(tmp))
        _Pool(course, Path(tmp), overrides, merger, scratch).run(jobs, report.workers, report)
    # What a dying worker's jail still held when the worker was replaced.
    remove_stale(scratch, STALE_PREFIXES)
    return report


def _in_gradebook(db: Path) -> set[Job]:
    with Gradebook(f"sqlite:///{db}") as gb:
        return {(a.name, sub.student.id) for a in gb.assignments for sub in a.submissions}


def merge_gradebooks(target_db: str, source_db: str, jobs: Iterable[Job]) -> None:
    """Copy the autograding results of ``jobs`` from ``source_db`` into ``target_db``.

    Manual scores in the target are never touched. A cell a human graded keeps its
    "graded" state if the submission is the one that was graded by hand (same
    timestamp); a submission handed in anew goes back to the human, as in stock nbgrader.
    """
    with _Merger(Path(target_db)) as merger:
        for job in jobs:
            merger.merge(Path(source_db), job)


class _Merger:
    """The course gradebook, open for the whole run, and the workers' gradebooks to copy from."""

    def __init__(self, target_db: Path) -> None:
        self.target = Gradebook(f"sqlite:///{target_db}")
        self.sources: dict[Path, Gradebook] = {}

    def __enter__(self) -> _Merger:
        return self

    def __exit__(self, *exc: object) -> None:
        for gb in [*self.sources.values(), self.target]:
            gb.close()

    def merge(self, source_db: Path, job: Job) -> None:
        """Copy one graded submission (see :func:`merge_gradebooks` for the rules)."""
        src = self.sources.get(source_db)
        if src is None:
            src = self.sources[source_db] = Gradebook(f"sqlite:///{source_db}")
        try:
            with warnings.catch_warnings():
                # nbgrader's update_or_create_submission trips SQLAlchemy autoflush warnings.
                warnings.simplefilter("ignore")
                _merge_job(self.target, src, job)
        finally:
            # End the read transaction: the worker writes its next submission into this file.
            src.db.rollback()


def _merge_job(gb: Gradebook, src: Gradebook, job: Job) -> None:
    assignment, student = job
    try:
        sub = src.find_submission(assignment, student)
    except MissingEntry:
        return
    person = src.find_student(student)
    gb.update_or_create_student(
        student,
        first_name=person.first_name,
        last_name=person.last_name,
        email=person.email,
        lms_user_id=person.lms_user_id,
    )
    try:
        same = gb.find_submission(assignment, student).timestamp == sub.timestamp
    except MissingEntry:
        same = False
    gb.update_or_create_submission(assignment, student, timestamp=sub.timestamp)
    for snb in sub.notebooks:
        nb = gb.find_submission_notebook(snb.name, assignment, student)
        nb.late_submission_penalty = snb.late_submission_penalty
        # One query per notebook for its grades and comments, not one per cell.
        grades = {grade.name: grade for grade in nb.grades}
        comments = {comment.name: comment for comment in nb.comments}
        for sgrade in snb.grades:
            grade = grades[sgrade.name]
            hand_graded = same and grade.manual_score is not None
            grade.auto_score = sgrade.auto_score
            if not (hand_graded and not grade.needs_manual_grade):
                grade.needs_manual_grade = sgrade.needs_manual_grade
        for scomment in snb.comments:
            comment = comments[scomment.name]
            comment.auto_comment = scomment.auto_comment
    gb.db.commit()


def read_scores(course: str | os.PathLike[str]) -> dict[Job, float]:
    """Autograded score per (assignment, student) from the course gradebook."""
    scores: dict[Job, float] = {}
    with Gradebook(f"sqlite:///{_db_path(Path(course))}") as gb:
        for assignment in gb.assignments:
            for sub in assignment.submissions:
                scores[(assignment.name, sub.student.id)] = round(sub.code_score, 3)
    return scores


class _HelpFormatter(argparse.HelpFormatter):
    """argparse's help with the headings in the catalogue's language."""

    def add_usage(self, usage: Any, actions: Any, groups: Any, prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, prefix=t("parallel.usage") + " ")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m cjmlib.grading.parallel",
        description=t("parallel.description"),
        formatter_class=_HelpFormatter,
        add_help=False,
    )
    parser._positionals.title = t("parallel.positionals")
    parser._optionals.title = t("parallel.options")
    add = parser.add_argument
    add("-h", "--help", action="help", help=t("parallel.help"))
    add("assignments", nargs="*", metavar="ÜBUNG", help=t("parallel.assignments"))
    add("--student", action="append", default=[], metavar="ID", help=t("parallel.student"))
    add("--force", action="store_true", help=t("parallel.force"))
    add("--workers", type=int, default=None, metavar="N", help=t("parallel.workers"))
    add("--course", default=".", metavar="ORDNER", help=t("parallel.course"))
    add("--ohne-sandbox", action="store_true", help=t("parallel.no_sandbox"))
    return parser


def main(argv: list[str] | None = None) -> int:
    from cjmlib.grading.sandbox import SandboxUnavailable

    args = _parser().parse_args(argv)
    students = [s.strip() for item in args.student for s in item.split(",") if s.strip()]
    overrides: dict[str, dict[str, Any]] = {}
    if args.ohne_sandbox:
        overrides["SandboxKernelManager"] = {"use_sandbox": False}
    try:
        report = autograde_parallel(
            args.course,
            args.assignments or None,
            students=students or None,
            force=args.force,
            workers=args.workers,
            overrides=overrides,
        )
    except SandboxUnavailable as exc:
        print(exc.detail, file=sys.stderr)
        print(exc, file=sys.stderr)
        return 2
    if not (report.graded or report.failed or report.skipped):
        print(t("parallel.nothing"))
    for job in sorted(report.warnings):
        for line in report.warnings[job]:
            print(line)
    print(
        t(
            "parallel.summary",
            graded=len(report.graded),
            skipped=len(report.skipped),
            failed=len(report.failed),
            workers=report.workers,
        )
    )
    if report.interrupted:
        print(t("parallel.interrupted", graded=len(report.graded)))
    for (assignment, student), reason in sorted(report.failed.items()):
        first, _, log = reason.partition("\n")
        print(t("parallel.failed", student=student, assignment=assignment, reason=first))
        if log:
            print(f"--- {student}/{assignment}:\n{log[-3000:]}", file=sys.stderr)
    if report.interrupted:
        return 130  # the shell's code for "ended by Ctrl-C"
    return 1 if report.failed else 0


if __name__ == "__main__":
    sys.exit(main())
