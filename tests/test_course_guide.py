"""Every command of course/README.md, run as written, in the order written.

The guide's shell blocks are fenced as

- ```` ```bash ````              – the instructor's terminal (on the hub: in their JupyterLab);
- ```` ```bash teilnehmende ```` – a student's terminal on the hub;
- ```` ```bash root ````         – `make classroom` / `make classroom-stop`, which
  ``tests/test_classroom_hub.py`` runs as root.

Here two real bash sessions play the instructor and one student, each with what its hub
terminal has: its own HOME, the course environment in PATH, and the Jupyter configuration
of its role (:func:`cjmlib.grading.hub.write_role_config`, the exchange in a temporary
folder). The instructor's course is a copy of ``course/`` in their HOME, as
``make classroom`` installs it. A block that fails stops the test with its output.
The student's id is the account running the test (nbgrader takes the Unix user name).
"""

from __future__ import annotations

import csv
import getpass
import queue
import re
import shutil
import subprocess
import sys
import threading
import uuid
from pathlib import Path

import pandas as pd
import pytest
from nbgrader.api import Gradebook
from traitlets.config.loader import PyFileConfigLoader

from cjmlib.grading import hub

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
GUIDE = REPO / "course" / "README.md"
FENCE = re.compile(r"^```([^\n`]*)\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)
A = "03_beduerfnisse"


def fenced_blocks(text: str) -> list[tuple[str, str]]:
    """(info string, code) of every fenced block, in order."""
    return [(m.group(1).strip(), m.group(2)) for m in FENCE.finditer(text)]


class Terminal:
    """A bash session fed one block at a time; stops at the first failing command."""

    def __init__(self, cwd: Path, env: dict[str, str]) -> None:
        self.proc = subprocess.Popen(
            ["bash", "--noprofile", "--norc"],
            cwd=cwd,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        self.run("set -euo pipefail")

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line)
        self.lines.put(None)

    def run(self, code: str, timeout: float = 900) -> str:
        marker = f"__BLOCK_DONE_{uuid.uuid4().hex}__"
        assert self.proc.stdin is not None
        self.proc.stdin.write(f"{code}\necho {marker}\n")
        self.proc.stdin.flush()
        output: list[str] = []
        while True:
            try:
                line = self.lines.get(timeout=timeout)
            except queue.Empty:
                pytest.fail(f"block timed out:\n{code}\n--- output ---\n{''.join(output)}")
            if line is None:
                pytest.fail(f"block failed:\n{code}\n--- output ---\n{''.join(output)[-6000:]}")
            if line.strip() == marker:
                return "".join(output)
            output.append(line)

    def close(self) -> None:
        if self.proc.stdin:
            self.proc.stdin.close()
        self.proc.wait(timeout=30)


@pytest.fixture(scope="module")
def guide_run(tmp_path_factory):
    """Run the whole guide once; return the outputs and the folders."""
    root = tmp_path_factory.mktemp("anleitung")
    exchange = root / "exchange"
    exchange.mkdir()
    exchange.chmod(0o1777)
    teacher_home, student_home = root / "lehrkraft", root / "teilnehmer"
    student_home.mkdir()
    shutil.copytree(REPO / "course", teacher_home / "cjm-werkstatt", ignore=hub.COURSE_IGNORE)
    roles = {
        role: hub.write_role_config(root / "rollen" / role, role, exchange=exchange)
        for role in ("lehrende", "teilnehmende")
    }
    path = f"{Path(sys.executable).parent}:/usr/local/bin:/usr/bin:/bin"
    base = {"PATH": path, "LANG": "C.UTF-8", "TZ": "Europe/Berlin"}
    teacher = Terminal(
        teacher_home,
        {**base, "HOME": str(teacher_home), "JUPYTER_CONFIG_PATH": str(roles["lehrende"])},
    )
    student = Terminal(
        student_home,
        {**base, "HOME": str(student_home), "JUPYTER_CONFIG_PATH": str(roles["teilnehmende"])},
    )
    outputs: list[tuple[str, str, str]] = []
    try:
        for info, code in fenced_blocks(GUIDE.read_text()):
            if info == "bash":
                outputs.append((info, code, teacher.run(code)))
            elif info == "bash teilnehmende":
                outputs.append((info, code, student.run(code)))
            else:
                outputs.append((info, code, ""))
    finally:
        teacher.close()
        student.close()
    return {
        "outputs": outputs,
        "course": teacher_home / "cjm-werkstatt",
        "student_home": student_home,
        "roles": roles,
    }


def output_of(run, command: str) -> str:
    """The output of the block that holds ``command``."""
    return next(out for _, code, out in run["outputs"] if command in code)


def test_does_the_guide_use_only_block_kinds_the_tests_know():
    kinds = {info for info, _ in fenced_blocks(GUIDE.read_text())}
    assert kinds <= {"bash", "bash teilnehmende", "bash root", "python", "text"}, kinds
    root = [code.strip() for info, code in fenced_blocks(GUIDE.read_text()) if info == "bash root"]
    assert root == ["make classroom", "make classroom-stop"], "run by tests/test_classroom_hub.py"


def test_is_the_students_config_in_the_guide_the_one_the_hub_writes(tmp_path):
    """The /etc/jupyter/nbgrader_config.py the guide shows equals the students' role config."""
    snippet = next(
        code for info, code in fenced_blocks(GUIDE.read_text()) if "Exchange.root" in code
    )
    (tmp_path / "guide").mkdir()
    (tmp_path / "guide" / "nbgrader_config.py").write_text(snippet)
    shown = PyFileConfigLoader("nbgrader_config.py", path=str(tmp_path / "guide")).load_config()
    written = hub.write_role_config(
        tmp_path / "rolle", "teilnehmende", exchange=Path(shown.Exchange.root)
    )
    made = PyFileConfigLoader("nbgrader_config.py", path=str(written)).load_config()
    assert shown.Exchange.root == made.Exchange.root == "/srv/nbgrader/exchange"
    assert shown.CourseDirectory.course_id == made.CourseDirectory.course_id == "cjm-werkstatt"


def test_does_every_instructor_and_student_command_run(guide_run):
    ran = [
        info
        for info, _, _ in guide_run["outputs"]
        if info.startswith("bash") and "root" not in info
    ]
    assert ran.count("bash teilnehmende") >= 3 and ran.count("bash") >= 10
    assert "lena.berger" in output_of(guide_run, "nbgrader db student list")
    assert A in output_of(guide_run, "nbgrader list")


def test_does_the_hub_route_collect_a_resubmission_only_with_update(guide_run):
    student = getpass.getuser()
    assert (guide_run["course"] / "submitted" / student / A / "timestamp.txt").exists()
    updated = output_of(guide_run, "nbgrader collect --update")
    assert "Updating submission" in updated or "updating" in updated.lower(), updated[-2000:]


def test_do_due_date_late_penalty_and_extension_give_the_worked_example(guide_run):
    log = output_of(guide_run, "extension 03_beduerfnisse aylin.demir")
    assert "03_beduerfnisse for jonas.koch> is 5400.0 seconds late" in log, log[-3000:]
    assert "for aylin.demir> is" not in log and "for lena.berger> is" not in log
    with Gradebook(f"sqlite:///{guide_run['course'] / 'gradebook.db'}") as gb:
        got = {
            s: (
                gb.find_submission(A, s).score,
                gb.find_submission(A, s).late_submission_penalty,
            )
            for s in ("lena.berger", "jonas.koch", "aylin.demir")
        }
    assert got == {"lena.berger": (7, 0), "jonas.koch": (7, 7), "aylin.demir": (7, 0)}, got


def test_do_the_exports_show_the_worked_example(guide_run):
    course = guide_run["course"]
    with open(course / "grades.csv", newline="") as fh:
        stock = {row["student_id"]: row for row in csv.DictReader(fh)}
    assert float(stock["jonas.koch"]["late_submission_penalty"]) == 7.0
    assert float(stock["jonas.koch"]["score"]) == 0.0
    german = (course / "noten.csv").read_bytes().decode("utf-8-sig").splitlines()
    rows = {line.split(";")[0]: line.split(";") for line in german[1:]}
    assert rows["jonas.koch"][3] == "0,0" and rows["aylin.demir"][3] == "7,0"
    assert rows["aylin.demir"][-1] == A, "the reflection is still to be graded by hand"
    assert (course / "noten.xlsx").stat().st_size > 4000
    assert (course / "noten.png").read_bytes().startswith(b"\x89PNG")


def test_are_the_feedback_pages_of_the_upload_folder_there_to_send(guide_run):
    listing = output_of(guide_run, "ls feedback/")
    for student in ("lena.berger", "jonas.koch", "aylin.demir"):
        assert f"feedback/{student}/{A}/{A}.html" in listing


def test_does_the_student_receive_feedback_in_their_home(guide_run):
    listing = output_of(guide_run, "nbgrader fetch_feedback")
    assert f"{A}.html" in listing
    pages = list((guide_run["student_home"] / A / "feedback").glob(f"*/{A}.html"))
    assert len(pages) == 1 and "Deine Punkte:" in pages[0].read_text()


def test_does_the_progress_overview_show_where_each_person_of_the_example_stands(guide_run):
    """Section 8: one command writes the class's progress as xlsx and chart."""
    course = guide_run["course"]
    overview = pd.read_excel(course / "fortschritt.xlsx", sheet_name=None)
    assert list(overview) == ["Übersicht", "Stand je Person", "Stand je Übung"]
    states = overview["Übersicht"].set_index("Kennung")[A]
    for student in ("lena.berger", "jonas.koch", "aylin.demir"):
        assert states[student] == "Bewertung von Hand offen", states.to_dict()
    people = overview["Stand je Person"].set_index("Kennung")
    assert people.loc["jonas.koch", "Punkte automatisch"] == 7, "tests, before the penalty"
    assert people.loc["jonas.koch", "Punkte gesamt"] == 0, "after the late penalty"
    assert (course / "fortschritt.png").read_bytes().startswith(b"\x89PNG")
