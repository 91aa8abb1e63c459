"""The grading benchmark itself: a large class's log must not block the measured grader."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_timed_command_with_a_long_log_finishes():
    # Without the jail nbgrader warns once per submission: 72 submissions wrote more
    # than a pipe holds, and a benchmark that only read stderr after wait4 hung for good.
    noisy = [sys.executable, "-c", "import sys; sys.stderr.write('Warnung\\n' * 50_000)"]
    code = (
        "import sys, os; sys.path.insert(0, 'benchmarks'); import bench_grading as b; "
        f"print(b._timed([{noisy!r}], __import__('pathlib').Path('.'), dict(os.environ))[0] > 0)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == "True"


def test_timed_command_counts_the_cpu_of_processes_it_does_not_reap():
    # A jailed kernel is reaped by the jail's own init, so its CPU time never reaches the
    # grader's rusage; the benchmark counts the machine's busy time instead. Here the
    # child starts a grandchild that burns 1 s of CPU and leaves it to init.
    burn = "import time; t = time.process_time() + 1\nwhile time.process_time() < t: pass"
    orphan = (
        "import subprocess, sys, time; "
        f"p = subprocess.Popen([sys.executable, '-c', {burn!r}], start_new_session=True); "
        "time.sleep(2)"
    )
    cmd = [sys.executable, "-c", orphan]
    code = (
        "import sys, os; sys.path.insert(0, 'benchmarks'); import bench_grading as b; "
        f"wall, peak, cpu = b._timed([{cmd!r}], __import__('pathlib').Path('.'), "
        "dict(os.environ)); print(cpu)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert float(out.stdout) >= 0.9
