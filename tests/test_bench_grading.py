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
