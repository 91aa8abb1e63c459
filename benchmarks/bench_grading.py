"""Benchmark: grading a class with the sandbox on, whole processes from submissions to grades.

Builds a simulated class in a temporary folder (N students x the chosen assignments;
students cycle through complete, blank and partial submissions) and grades fresh copies
of it with three commands, each a fresh process, run one after the other in every round
(interleaved, so load on the machine hits all alike):

- ``stock``: ``nbgrader autograde <assignment>`` for one assignment after the other, with
  the course config, i.e. every kernel in the bubblewrap jail (what an instructor types);
- ``parallel``: ``python -m cjmlib.grading.parallel`` with the same config and its own
  number of processes (one more than cores);
- ``ohne Sandbox``: stock ``nbgrader autograde`` with the course config but the jail
  switched off (``--SandboxKernelManager.use_sandbox=False``: same limits, same verdicts),
  the second baseline (what the sandbox costs).

It prints the median wall time per command, the speed-up of the parallel grader over
stock (target: at least 2x on 2 cores for 24 students x 3 assignments), the peak memory
of the largest single process, the CPU seconds the machine was busy meanwhile (machine-wide,
so run it on an idle machine) and how many cores that kept busy, and checks that every
grade is identical in all three gradebooks. A second part starts kernels directly,
interleaved, in the jail and without it, and prints the sandbox's start-up overhead per
submission (target < 0.5 s).

    .venv/bin/python benchmarks/bench_grading.py                      # 24 x 3, 3 rounds
    .venv/bin/python benchmarks/bench_grading.py --students 2 --assignments 03_beduerfnisse \\
        --rounds 1 --starts 3                                         # smoke test
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager
from nbgrader.api import Gradebook

from cjmlib.grading import classroom, parallel
from cjmlib.grading.sandbox import SandboxKernelManager

DEFAULT = ["03_beduerfnisse", "05_eventlog", "08_loesungen"]
# The second baseline: the same course config and verdicts, with the explicit opt-out of
# the jail (same limits, same hand-over, kernel not in bubblewrap): what the sandbox costs.
NO_SANDBOX = "--SandboxKernelManager.use_sandbox=False"


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


def _busy_seconds() -> float:
    """CPU seconds the whole machine has spent busy since boot (``/proc/stat``).

    A jailed kernel's CPU time never reaches its grader's ``rusage`` (the jail's own init
    reaps it), so only the machine-wide count sees all of it; on an idle machine that is
    the run's.
    """
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle and iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def _timed(cmds: list[list[str]], cwd: Path, env: dict[str, str]) -> tuple[float, float, float]:
    """Run ``cmds`` one after the other: wall seconds, peak RSS (MiB) of the largest
    process, CPU seconds the machine was busy meanwhile."""
    peak = 0
    busy = _busy_seconds()
    start = time.perf_counter()
    for cmd in cmds:
        # stderr goes to a file, not a pipe: nobody reads a pipe during wait4, and the
        # log of a large class (a warning per submission without the jail) would fill it
        # and block the grader for good.
        with tempfile.TemporaryFile() as log:
            proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=log)
            _, status, usage = os.wait4(proc.pid, 0)
            proc.returncode = os.waitstatus_to_exitcode(status)
            if proc.returncode != 0:
                log.seek(0)
                raise SystemExit(f"{' '.join(cmd)} failed:\n{log.read().decode()[-3000:]}")
        peak = max(peak, usage.ru_maxrss)
    return time.perf_counter() - start, peak / 1024, _busy_seconds() - busy


async def _start_once(km: AsyncKernelManager, folder: Path) -> float:
    start = time.perf_counter()
    # stderr: the stock kernel warns about unencrypted TCP on every start.
    await km.start_kernel(cwd=str(folder), stderr=subprocess.DEVNULL)
    kc = km.client()
    kc.start_channels()
    try:
        await kc.wait_for_ready(timeout=120)
        return time.perf_counter() - start
    finally:
        kc.stop_channels()
        await km.shutdown_kernel(now=True)


def _startup(folder: Path, starts: int) -> dict[str, list[float]]:
    makers: dict[str, Callable[[], AsyncKernelManager]] = {
        "Kernel in der Sandbox": lambda: SandboxKernelManager(kernel_name="python3"),
        "Kernel ohne Sandbox (gleiche Limits)": lambda: SandboxKernelManager(
            kernel_name="python3", use_sandbox=False
        ),
        "jupyter_client-Standard (TCP)": lambda: AsyncKernelManager(kernel_name="python3"),
    }
    times: dict[str, list[float]] = {name: [] for name in makers}
    for _ in range(starts):
        for name, make in makers.items():
            times[name].append(asyncio.run(_start_once(make(), folder)))
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--students", type=int, default=24)
    parser.add_argument("--assignments", nargs="*", default=DEFAULT)
    parser.add_argument(
        "--workers", type=int, default=None, help="default: the grader's own (cores + 1)"
    )
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--starts", type=int, default=10, help="kernel starts per kind")
    args = parser.parse_args()
    names = args.assignments
    bindir = str(Path(sys.executable).parent)
    env = {**os.environ, "PATH": f"{bindir}{os.pathsep}{os.environ['PATH']}"}
    env.pop("NBGRADER_EXECUTION", None)
    n = args.students * len(names)
    # Without --workers the parallel grader runs as an instructor starts it: its default.
    workers = [] if args.workers is None else [f"--workers={args.workers}"]
    processes = args.workers or parallel.default_workers()
    commands = {
        "stock (nbgrader autograde, Sandbox)": [
            [sys.executable, "-m", "nbgrader", "autograde", name] for name in names
        ],
        "cjmlib.grading.parallel (Sandbox)": [
            [sys.executable, "-m", "cjmlib.grading.parallel", *names, *workers]
        ],
        "nbgrader autograde ohne Sandbox": [
            [sys.executable, "-m", "nbgrader", "autograde", name, NO_SANDBOX] for name in names
        ],
    }
    with tempfile.TemporaryDirectory(prefix="cjm-bench-") as tmp:
        base = classroom.make_course(Path(tmp) / "base", names)
        _populate(base, names, args.students)
        print(
            f"Klasse: {args.students} Teilnehmende x {len(names)} Übungen = {n} Abgaben; "
            f"{processes} Prozesse, {os.cpu_count()} Kerne, {args.rounds} Runden"
        )
        walls: dict[str, list[float]] = {k: [] for k in commands}
        peaks: dict[str, float] = dict.fromkeys(commands, 0.0)
        cpus: dict[str, list[float]] = {k: [] for k in commands}
        grades: dict[str, dict[tuple[str, str, str], float | None]] = {}
        for r in range(args.rounds):
            for label, cmds in commands.items():
                course = Path(tmp) / f"r{r}-{len(grades)}"
                shutil.copytree(base, course)
                wall, peak, cpu = _timed(cmds, course, env)
                walls[label].append(wall)
                cpus[label].append(cpu)
                peaks[label] = max(peaks[label], peak)
                grades[label] = _grades(course)
                shutil.rmtree(course)
                print(
                    f"  Runde {r + 1}: {label:40} {wall:7.1f} s, CPU {cpu:6.1f} s "
                    f"({cpu / wall:.2f} Kerne ausgelastet)",
                    flush=True,
                )
        print(
            f"\n{'Befehl':40} {'Median s':>9} {'s/Abgabe':>9} {'Spitze MiB':>11} "
            f"{'CPU s':>7} {'Kerne':>6}"
        )
        print(f"{'':40} {'':>9} {'':>9} {'(1 Prozess)':>11} {'(Median)':>7} {'belegt':>6}")
        for label in commands:
            med = statistics.median(walls[label])
            cpu = statistics.median(cpus[label])
            print(
                f"{label:40} {med:9.1f} {med / n:9.2f} {peaks[label]:11.0f} "
                f"{cpu:7.1f} {cpu / med:6.2f}"
            )
        stock = statistics.median(walls["stock (nbgrader autograde, Sandbox)"])
        par = statistics.median(walls["cjmlib.grading.parallel (Sandbox)"])
        bare = statistics.median(walls["nbgrader autograde ohne Sandbox"])
        print(f"\nBeschleunigung parallel gegenüber stock: {stock / par:.2f}x (Ziel: ≥ 2x)")
        ratios = [
            a / b
            for a, b in zip(
                walls["stock (nbgrader autograde, Sandbox)"],
                walls["cjmlib.grading.parallel (Sandbox)"],
                strict=True,
            )
        ]
        print(f"  je Runde: {min(ratios):.2f}x bis {max(ratios):.2f}x")
        print(f"Kosten der Sandbox bei stock: {(stock - bare) / n:+.2f} s je Abgabe")
        reference = grades["stock (nbgrader autograde, Sandbox)"]
        with Gradebook(f"sqlite:///{base / 'gradebook.db'}") as gb:
            cells = sum(
                len(nb.grade_cells) for x in names for nb in gb.find_assignment(x).notebooks
            )
        complete = all(len(g) == cells * args.students for g in grades.values())
        same = all(g == reference for g in grades.values())
        print(
            f"Punkte identisch in allen drei Notenbüchern: {'ja' if same else 'NEIN'}; "
            f"vollständig ({cells * args.students} Bewertungen je Notenbuch): "
            f"{'ja' if complete else 'NEIN'}"
        )

        folder = Path(tmp) / "abgabe" / names[0]
        shutil.copytree(base / "submitted" / "s000" / names[0], folder)
        times = _startup(folder, args.starts)
        print(f"\n{'Kernelstart bis bereit':40} {'Median s':>9} {'min s':>9} {'max s':>9}")
        for name, values in times.items():
            med = statistics.median(values)
            print(f"{name:40} {med:9.2f} {min(values):9.2f} {max(values):9.2f}")
        jail = statistics.median(times["Kernel in der Sandbox"])
        free = statistics.median(times["Kernel ohne Sandbox (gleiche Limits)"])
        print(f"Start-Mehraufwand der Sandbox je Abgabe: {jail - free:+.2f} s (Ziel: < 0.5 s)")
        return 0 if same and complete else 1


if __name__ == "__main__":
    sys.exit(main())
