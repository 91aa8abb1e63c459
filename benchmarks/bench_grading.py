"""Benchmark: stock sequential ``nbgrader autograde`` vs. cjmlib's parallel grader.

Builds a simulated class in a temporary folder (N students x the course's assignments;
students cycle through complete, blank and partial submissions), grades one copy with
the stock command line (``nbgrader autograde <assignment>`` for one assignment after the
other) and another copy with ``cjmlib.grading.parallel`` on all cores, then prints wall
times and the speed-up, and checks that every score is identical and both gradebooks
are complete.

    .venv/bin/python benchmarks/bench_grading.py --students 60            # the full class
    .venv/bin/python benchmarks/bench_grading.py --students 4 --assignments 03_beduerfnisse
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from nbgrader.api import Gradebook

from cjmlib.grading import classroom, parallel
from cjmlib.grading.build import REPO


def _all_assignments() -> list[str]:
    return sorted(p.name for p in (REPO / "course" / "source").iterdir() if p.is_dir())


def _populate(course: Path, names: list[str], students: int) -> None:
    for name in names:
        release = classroom.release_notebook(course, name)
        reference = classroom.reference_answers(course, name)
        last = sorted(k for k in reference if k.endswith("_loesung"))[-1]
        variants = [
            classroom.with_answers(release, reference),
            release,
            classroom.with_answers(release, {**reference, last: "# noch offen"}),
        ]
        for i in range(students):
            classroom.submit(course, f"s{i:03d}", name, variants[i % len(variants)])


def _grades(course: Path) -> dict[tuple[str, str, str], float | None]:
    out = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for assignment in gb.assignments:
            for sub in assignment.submissions:
                for nb in sub.notebooks:
                    for grade in nb.grades:
                        out[(assignment.name, sub.student.id, grade.name)] = grade.auto_score
    return out


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--students", type=int, default=60)
    parser.add_argument("--assignments", nargs="*", default=None)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    args = parser.parse_args()
    names = args.assignments or _all_assignments()
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    with tempfile.TemporaryDirectory(prefix="cjm-bench-") as tmp:
        base = classroom.make_course(Path(tmp) / "base", names)
        _populate(base, names, args.students)
        seq, par = Path(tmp) / "sequential", Path(tmp) / "parallel"
        shutil.copytree(base, seq)
        shutil.copytree(base, par)
        n = args.students * len(names)
        print(
            f"Klasse: {args.students} Teilnehmende x {len(names)} Übungen = {n} Abgaben; "
            f"{args.workers} Prozesse, {os.cpu_count()} Kerne"
        )

        start = time.perf_counter()
        for name in names:
            subprocess.run(
                [sys.executable, "-m", "nbgrader", "autograde", name],
                cwd=seq,
                env=env,
                check=True,
                capture_output=True,
            )
        t_seq = time.perf_counter() - start
        print(f"nbgrader autograde, nacheinander: {t_seq:8.1f} s ({t_seq / n:.2f} s je Abgabe)")

        start = time.perf_counter()
        report = parallel.autograde_parallel(par, names, workers=args.workers)
        t_par = time.perf_counter() - start
        print(f"cjmlib.grading.parallel:          {t_par:8.1f} s ({t_par / n:.2f} s je Abgabe)")
        print(f"Beschleunigung: {t_seq / t_par:.2f}x (Ziel: mindestens 1.7x)")

        a, b = _grades(seq), _grades(par)
        same = a == b
        with Gradebook(f"sqlite:///{base / 'gradebook.db'}") as gb:
            cells = sum(
                len(nb.grade_cells) for x in names for nb in gb.find_assignment(x).notebooks
            )
        expected_grades = cells * args.students
        complete = len(a) == len(b) == expected_grades and not report.failed
        print(
            f"Punkte identisch: {'ja' if same else 'NEIN'}; Notenbücher vollständig "
            f"({len(b)} Bewertungen, erwartet {expected_grades}): {'ja' if complete else 'NEIN'}"
        )
        if not same:
            diff = sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))
            print("Abweichungen:", diff[:10])
        print(
            "Punkte je Übung (parallel):",
            {
                x: sorted({v for (asg, _), v in parallel.read_scores(par).items() if asg == x})
                for x in names
            },
        )
        return 0 if same and complete else 1


if __name__ == "__main__":
    sys.exit(main())
