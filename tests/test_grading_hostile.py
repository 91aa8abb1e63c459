"""Hostile submissions, graded end to end: stock ``nbgrader autograde`` and the parallel grader.

One class of students hands in exercise 03 (7 automatic points: 2 + 2 + 3). Besides an
honest student and a blank one, every other student attacks the grader from an answer
cell: reading solutions, hidden tests, other submissions, the instructor's home, root-only
files and secrets; writing the gradebook, the course and the Python environment; talking
to a port on the grader's loopback; killing the grader; leaving processes behind;
swallowing interrupts; crashing; eating memory; a fork bomb. The whole class is graded
in one ``nbgrader autograde`` run with the course config, and again, in a second copy of
the course, with ``python -m cjmlib.grading.parallel``.

Each attack prints one line per attempt (``ERGEBNIS <what>: blockiert|ERFOLG``), so a
test sees that the attack ran and what it got. Planted secrets carry one random marker
that must not show up in any graded notebook, feedback page or gradebook. The course
folder and the repository are hashed before and after; an already graded assignment
of the same gradebook must keep every row.

Attacks that would harm the shared test machine if the grading kernel ran as root
(``kill(-1)``, a fork bomb) only run when the kernel is *not* root.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import socket
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import nbformat
import pytest
from _grading import nbgrader
from nbgrader.api import Gradebook

from cjmlib.grading import classroom, parallel
from cjmlib.messages import t

REPO = Path(__file__).resolve().parents[1]
A, B = "03_beduerfnisse", "08_loesungen"
SECRET = f"GEHEIM{secrets.token_hex(8)}"
MARKER = f"kindprozess{secrets.token_hex(6)}"
PROBE = (
    "def _versuch(name, aktion):\n"
    "    try:\n"
    "        ergebnis = aktion()\n"
    "    except BaseException as fehler:  # noqa: BLE001\n"
    "        print(f'ERGEBNIS {name}: blockiert ({type(fehler).__name__})')\n"
    "    else:\n"
    "        print(f'ERGEBNIS {name}: ERFOLG {str(ergebnis)[:60]!r}')\n"
)
# Settings of both runs: short timeouts keep the suite quick; few processes per kernel
# keep the fork bomb small.
SETTINGS = {
    "Execute": {"timeout": 10},
    "SandboxKernelManager": {"process_limit": 64, "jail_memory_mb": 1024, "disk_limit_mb": 200},
}


def _read(path: str) -> str:
    return f"lambda: open({path!r}, encoding='latin-1').read()"


# student -> automatic points deserved (the attacks do not change a correct answer).
EXPECTED = {
    "komplett": 7,
    "leer": 0,
    "leser": 7,
    "spion": 7,
    "schreiber": 7,
    "funker": 7,
    "toeter": 7,
    "kind": 7,
    "neugier": 7,
    "schleife": 2,
    "taub": 2,
    "absturz": 2,
    "segfault": 2,
    "speicher": 7,
    "vielfrass": 2,
    "festplatte": 2,
    "gabel": 7,
}


def _attacks(course: Path, world: Path, port: int) -> dict[str, dict[str, str]]:
    """student -> answers that differ from the reference solution."""
    ref = classroom.reference_answers(course, A)
    venv_pth = Path(sys.prefix) / "lib" / "python3.11" / "site-packages" / f"cjm_{MARKER}.pth"
    read = {
        "quelle": f"{course}/source/{A}/{A}.ipynb",
        "quelle-relativ": f"../../../source/{A}/{A}.ipynb",
        "repo-quelle": f"{REPO}/course/source/{A}/{A}.ipynb",
        "repo-readme": f"{REPO}/README.md",
        "home": f"{world}/home/geheim.txt",
        "nur-root": f"{world}/nur-root.txt",
        "versteckte-tests": f"{A}.ipynb",
    }
    leser = PROBE + "".join(f"_versuch({k!r}, {_read(v)})\n" for k, v in read.items())
    # Only whether the system's password hashes are there, never their content.
    leser += "_versuch('shadow', lambda: __import__('os').stat('/etc/shadow').st_size)\n"
    spy = {
        "abgabe-anderer": f"{course}/submitted/komplett/{A}/{A}.ipynb",
        "bewertet-anderer": f"{course}/autograded/komplett/{A}/{A}.ipynb",
        "nachbar-relativ": f"../../komplett/{A}/{A}.ipynb",
    }
    spion = PROBE + "".join(f"_versuch({k!r}, {_read(v)})\n" for k, v in spy.items())
    spion += (
        f"_versuch('austausch', lambda: __import__('os').listdir({str(world / 'exchange')!r}))\n"
    )
    schreiber = (
        PROBE
        + "import sqlite3\n"
        + "def _notenbuch():\n"
        + f"    db = sqlite3.connect('file:{course}/gradebook.db?mode=rw', uri=True)\n"
        + "    db.execute('update grade set manual_score = 99')\n"
        + "    db.commit()\n"
        + "_versuch('notenbuch', _notenbuch)\n"
        + f"_versuch('kurs', lambda: open({f'{course}/source/{A}/{MARKER}.txt'!r}, 'w'))\n"
        + f"_versuch('konfig', lambda: open({f'{course}/nbgrader_config.py'!r}, 'a'))\n"
        + f"_versuch('repo', lambda: open({f'{REPO}/{MARKER}.txt'!r}, 'w'))\n"
        + f"_versuch('python', lambda: open({str(venv_pth)!r}, 'w'))\n"
        + "import os\n"
        + "_versuch('socket', lambda: os.rename('/run/kernel/kernel-ipc-1', '/run/kernel/weg'))\n"
    )
    funker = (
        PROBE
        + "import socket\n"
        + "def _tcp():\n"
        + f"    s = socket.create_connection(('127.0.0.1', {port}), timeout=3)\n"
        + "    s.sendall(b'hallo')\n"
        + "    s.close()\n"
        + "_versuch('tcp', _tcp)\n"
        + "def _udp():\n"
        + "    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
        + "    s.settimeout(2)\n"
        + f"    s.sendto(b'hallo', ('127.0.0.1', {port}))\n"
        + "    return s.recv(10)\n"
        + "_versuch('udp', _udp)\n"
    )
    toeter = (
        PROBE
        + "import os\n"
        + "_versuch('eltern', lambda: os.kill(os.getppid(), 9))\n"
        + "if os.getuid() != 0:\n"
        + "    _versuch('alle', lambda: os.kill(-1, 9))\n"
        + "else:\n"
        + "    print('ERGEBNIS alle: ERFOLG (Kernel läuft als root)')\n"
    )
    kind = (
        "import os, subprocess, sys\n"
        "_code = 'import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
        "signal.signal(signal.SIGHUP, signal.SIG_IGN); time.sleep(900)'\n"
        f"subprocess.Popen([sys.executable, '-c', _code, '{MARKER}'], start_new_session=True,"
        " stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
        "if os.fork() == 0:\n"
        "    os.setsid()\n"
        "    if os.fork() == 0:\n"
        f"        os.execv(sys.executable, [sys.executable, '-c', _code, '{MARKER}'])\n"
        "    os._exit(0)\n"
    )
    neugier = (
        "import glob, os\n"
        "print('UMGEBUNG', dict(os.environ))\n"
        "for _pfad in ['/proc/self/environ', f'/proc/{os.getppid()}/environ']:\n"
        "    try:\n"
        "        print('DATEI', _pfad, open(_pfad, 'rb').read()[:4000])\n"
        "    except OSError as _e:\n"
        "        print('DATEI', _pfad, type(_e).__name__)\n"
        "from jupyter_core.paths import jupyter_runtime_dir\n"
        "for _pfad in glob.glob(jupyter_runtime_dir() + '/*') + "
        f"glob.glob({str(world / 'runtime')!r} + '/*'):\n"
        "    print('LAUFZEIT', _pfad, open(_pfad).read())\n"
        "print('FERTIG')\n"
    )
    schleife = (
        "import time\nwhile True:\n    try:\n        time.sleep(0.05)\n    except:\n        pass"
    )
    taub = "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    pass"
    speicher = (
        "_bloecke = []\ntry:\n    _riesig = bytes(64 * 1024**3)\nexcept MemoryError:\n"
        "    print('ERGEBNIS riesig: blockiert (MemoryError)')\n"
        "while True:\n    _bloecke.append(bytes(256 * 1024**2))\n"
    )
    vielfrass = (
        "import os, time\n"
        "for _ in range(6):\n"
        "    if os.fork() == 0:\n"
        "        _b = bytearray(300 * 1024**2)\n"
        "        time.sleep(60)\n"
        "        os._exit(0)\n"
        "time.sleep(30)\n"
    )
    festplatte = (
        "import time\n"
        "for _i in range(100):\n"
        "    with open(f'block{_i}', 'wb') as _f:\n"
        "        _f.write(bytes(10 * 1024**2))\n"
        "    time.sleep(0.1)\n"
    )
    gabel = (
        "import os, time\n"
        "if os.getuid() == 0:\n"
        "    print('PROZESSE 100000 (Kernel läuft als root, kein Test)')\n"
        "elif os.fork() == 0:\n"
        "    while True:\n"
        "        try:\n"
        "            os.fork()\n"
        "        except OSError:\n"
        "            time.sleep(0.5)  # spinning would only starve the test cells\n"
        "else:\n"
        "    time.sleep(3)\n"
        "    print('PROZESSE', sum(p.isdigit() for p in os.listdir('/proc')))\n"
    )

    def after(cell: str, code: str) -> dict[str, str]:
        return {cell: ref[cell] + "\n" + code}

    return {
        "komplett": {},
        "leer": {"*": ""},
        "leser": after("a1_loesung", leser),
        "spion": after("a1_loesung", spion),
        "schreiber": after("a1_loesung", schreiber),
        "funker": after("a1_loesung", funker),
        "toeter": after("a1_loesung", toeter),
        "kind": after("a1_loesung", kind),
        "neugier": after("a1_loesung", neugier),
        "schleife": {"a2_loesung": schleife},
        "taub": {"a2_loesung": taub},
        "absturz": {"a2_loesung": "import os\nos._exit(1)"},
        "segfault": {"a2_loesung": "import ctypes\nctypes.string_at(0)"},
        "speicher": after("a2_loesung", speicher),
        "vielfrass": after("a2_loesung", vielfrass),
        "festplatte": after("a2_loesung", festplatte),
        "gabel": after("a3_loesung", gabel),
    }


class Listener:
    """A TCP and a UDP socket on the grader's loopback that record whatever arrives."""

    def __init__(self) -> None:
        self.tcp = socket.create_server(("127.0.0.1", 0))
        self.port = self.tcp.getsockname()[1]
        self.udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.udp.bind(("127.0.0.1", self.port))
        self.tcp.settimeout(0.2)
        self.udp.settimeout(0.2)
        self.received: list[bytes] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.tcp.accept()
                with conn:
                    conn.settimeout(2)
                    self.received.append(b"tcp:" + conn.recv(1000))
            except OSError:
                pass
            try:
                self.received.append(b"udp:" + self.udp.recv(1000))
            except OSError:
                pass

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self.tcp.close()
        self.udp.close()


def _tree_hash(root: Path, skip: tuple[str, ...] = ()) -> dict[str, str]:
    out = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if any(rel == s or rel.startswith(s + "/") for s in skip) or "__pycache__" in rel:
            continue
        if not path.is_file():
            continue
        out[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def _gradebook_rows(course: Path, graded: str) -> dict[str, list[str]]:
    """Every row of the gradebook except the grading results of assignment ``graded``.

    Students, assignments, stored test cells (source and checksum) and the results of
    every other assignment must survive a grading run unchanged.
    """
    with sqlite3.connect(course / "gradebook.db") as db:
        mine = {
            r[0]
            for r in db.execute(
                "select s.id from submitted_assignment s join assignment a"
                " on s.assignment_id = a.id where a.name = ?",
                (graded,),
            )
        }
        notebooks = {
            r[0]
            for r in db.execute("select id, assignment_id from submitted_notebook")
            if r[1] in mine
        }
        skip = {"submitted_assignment": (0, mine), "submitted_notebook": (0, notebooks)}
        skip |= {"grade": (1, notebooks), "comment": (1, notebooks)}
        tables = [r[0] for r in db.execute("select name from sqlite_master where type='table'")]
        out = {}
        for table in tables:
            column, ids = skip.get(table, (0, set()))
            rows = db.execute(f"select * from {table}")
            out[table] = sorted(repr(r) for r in rows if r[column] not in ids)
        return out


def _marker_processes() -> list[str]:
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            text = cmdline.read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if MARKER in text:
            found.append(f"{cmdline.parent.name}: {text}")
    return found


def _kill_marker_processes() -> None:
    for line in _marker_processes():
        try:
            os.kill(int(line.split(":")[0]), 9)
        except OSError:
            pass


def _notebook(course: Path, answers: dict[str, str]) -> nbformat.NotebookNode:
    release = classroom.release_notebook(course, A)
    if answers.get("*") == "":
        return release
    return classroom.with_answers(release, {**classroom.reference_answers(course, A), **answers})


def _nbgrader(course: Path, world: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """nbgrader with an instructor environment full of secrets the kernel must not see."""
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(world / "home"),
        "JUPYTER_RUNTIME_DIR": str(world / "runtime"),
        "JUPYTER_TOKEN": SECRET,
        "CJM_ZUGANG": SECRET,
        "CJM_EXCHANGE": str(world / "exchange"),
        "LANG": "C.UTF-8",
    }
    return nbgrader(course, *args, env=env)


def _world(root: Path) -> Path:
    """Files around the course that a student must not reach, each holding SECRET."""
    world = root / "welt"
    (world / "home").mkdir(parents=True)
    (world / "home" / "geheim.txt").write_text(SECRET)
    (world / "runtime").mkdir()
    (world / "runtime" / "jpserver-4711.json").write_text(f'{{"token": "{SECRET}"}}')
    (world / "nur-root.txt").write_text(SECRET)
    (world / "nur-root.txt").chmod(0o600)
    inbound = world / "exchange" / "cjm-werkstatt" / "inbound" / "komplett+x+2026"
    inbound.mkdir(parents=True)
    (inbound / "geheim.txt").write_text(SECRET)
    return world


def _prepare(root: Path, port: int) -> tuple[Path, Path, dict]:
    course = classroom.make_course(root / "course", [A, B])
    world = _world(root)
    students = _attacks(course, world, port)
    # An assignment graded and hand-graded earlier: its rows must survive the attacks.
    for student in ("komplett", "leer"):
        ref = classroom.reference_answers(course, B) if student == "komplett" else {}
        classroom.submit(
            course, student, B, classroom.with_answers(classroom.release_notebook(course, B), ref)
        )
    report = parallel.autograde_parallel(course, [B], workers=1, overrides=SETTINGS)
    assert not report.failed, report.failed
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        gb.find_grade("reflexion", B, B, "komplett").manual_score = 1.5
        for student in students:
            gb.update_or_create_student(student, first_name=student.title())
        gb.db.commit()
    for student, answers in students.items():
        classroom.submit(course, student, A, _notebook(course, answers))
    return course, world, students


SKIP = ("autograded", "feedback", "gradebook.db", ".nbgrader.log")


@pytest.fixture(scope="module", params=["nbgrader", "parallel"])
def run(request, tmp_path_factory):
    listener = Listener()
    root = tmp_path_factory.mktemp(f"feindlich-{request.param}")
    course, world, students = _prepare(root, listener.port)
    before = {
        "course": _tree_hash(course, SKIP),
        "repo": _tree_hash(REPO / "course") | _tree_hash(REPO / "cjmlib"),
        "rows": _gradebook_rows(course, A),
        "venv": sorted(p.name for p in Path(sys.prefix).rglob("*.pth")),
    }
    try:
        if request.param == "nbgrader":
            flags = [f"--{k}.{kk}={vv}" for k, v in SETTINGS.items() for kk, vv in v.items()]
            out = _nbgrader(course, world, "autograde", A, *flags)
            failed = out.returncode != 0
            log = out.stdout + out.stderr
            feedback = _nbgrader(course, world, "generate_feedback", A)
            assert feedback.returncode == 0, feedback.stderr[-3000:]
        else:
            old_env = dict(os.environ)
            os.environ.update(HOME=str(world / "home"), CJM_ZUGANG=SECRET, JUPYTER_TOKEN=SECRET)
            os.environ["JUPYTER_RUNTIME_DIR"] = str(world / "runtime")
            try:
                report = parallel.autograde_parallel(course, [A], workers=2, overrides=SETTINGS)
            finally:
                os.environ.clear()
                os.environ.update(old_env)
            failed = bool(report.failed)
            log = "\n".join(f"{k}: {v[-3000:]}" for k, v in report.failed.items())
        leftovers = _marker_processes()
        yield {
            "course": course,
            "students": students,
            "failed": failed,
            "log": log,
            "before": before,
            "leftovers": leftovers,
            "listener": listener,
        }
    finally:
        listener.close()
        _kill_marker_processes()
        for junk in (REPO / f"{MARKER}.txt", *Path(sys.prefix).rglob(f"cjm_{MARKER}.pth")):
            junk.unlink(missing_ok=True)


def _outputs(course: Path, student: str) -> str:
    path = course / "autograded" / student / A / f"{A}.ipynb"
    nb = nbformat.read(path, as_version=4)
    texts = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            texts.append(out.get("text", "") or str(out.get("data", "")) + out.get("evalue", ""))
    return "\n".join(texts)


@pytest.mark.slow
def test_does_the_run_grade_every_student_without_failures(run):
    assert not run["failed"], run["log"][-5000:]
    scores = parallel.read_scores(run["course"])
    assert {s for (a, s) in scores if a == A} == set(run["students"])


@pytest.mark.slow
@pytest.mark.parametrize("student", sorted(EXPECTED))
def test_does_each_hostile_student_get_exactly_the_points_earned(run, student):
    assert parallel.read_scores(run["course"])[(A, student)] == EXPECTED[student]


@pytest.mark.slow
@pytest.mark.parametrize("student", ["leser", "spion", "schreiber", "funker", "toeter"])
def test_is_every_attempt_of_the_attacker_blocked(run, student):
    lines = re.findall(r"^ERGEBNIS .*$", _outputs(run["course"], student), flags=re.M)
    assert lines, _outputs(run["course"], student)
    if os.geteuid() != 0:  # only a root grader can take the socket folder from the kernel
        lines = [line for line in lines if not line.startswith("ERGEBNIS socket")]
    assert all("blockiert" in line for line in lines), lines


@pytest.mark.slow
def test_does_no_secret_reach_a_graded_notebook_or_the_gradebook(run):
    course = run["course"]
    assert "FERTIG" in _outputs(course, "neugier")
    files = [*(course / "autograded").rglob("*"), *(course / "feedback").rglob("*")]
    for path in [*files, course / "gradebook.db"]:
        if path.is_file():
            assert SECRET.encode() not in path.read_bytes(), path


@pytest.mark.slow
def test_did_nothing_arrive_at_the_graders_loopback(run):
    assert "blockiert" in _outputs(run["course"], "funker")
    assert run["listener"].received == []


@pytest.mark.slow
def test_are_course_repository_and_python_unchanged(run):
    course, before = run["course"], run["before"]
    assert _tree_hash(course, SKIP) == before["course"]
    assert _tree_hash(REPO / "course") | _tree_hash(REPO / "cjmlib") == before["repo"]
    assert not (REPO / f"{MARKER}.txt").exists()
    assert sorted(p.name for p in Path(sys.prefix).rglob("*.pth")) == before["venv"]


@pytest.mark.slow
def test_does_the_earlier_assignment_keep_every_gradebook_row(run):
    course = run["course"]
    assert _gradebook_rows(course, A) == run["before"]["rows"]
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        assert gb.find_grade("reflexion", B, B, "komplett").manual_score == 1.5


@pytest.mark.slow
def test_are_the_processes_a_student_started_gone_after_grading(run):
    assert run["leftovers"] == []


@pytest.mark.slow
@pytest.mark.parametrize(
    ("student", "words"), [("vielfrass", "Arbeitsspeicher"), ("festplatte", "Festplatte")]
)
def test_is_a_jail_over_its_memory_or_disk_limit_stopped(run, student, words):
    nb = nbformat.read(run["course"] / "autograded" / student / A / f"{A}.ipynb", as_version=4)
    by_id = {c.metadata.get("nbgrader", {}).get("grade_id"): c for c in nb.cells}
    notes = [o.get("evalue", "") for o in by_id["a2_loesung"].outputs]
    assert any(words in n for n in notes), notes


@pytest.mark.slow
def test_does_a_fork_bomb_end_at_the_process_limit(run):
    count = re.search(r"PROZESSE (\d+)", _outputs(run["course"], "gabel"))
    assert count, _outputs(run["course"], "gabel")
    # Threads count against the limit too, so fewer processes than the limit fit.
    assert 2 < int(count.group(1)) <= SETTINGS["SandboxKernelManager"]["process_limit"]


@pytest.mark.slow
@pytest.mark.parametrize("student", ["schleife", "taub"])
def test_does_a_loop_that_swallows_interrupts_cost_only_the_cells_after_it(run, student):
    nb = nbformat.read(run["course"] / "autograded" / student / A / f"{A}.ipynb", as_version=4)
    by_id = {c.metadata.get("nbgrader", {}).get("grade_id"): c for c in nb.cells}
    assert by_id["a1_tests"].outputs == []  # passed before the loop
    notes = [o.get("evalue", "") for o in by_id["a2_loesung"].outputs]
    assert any("abgebrochen" in n for n in notes), notes
    later = [o.get("evalue", "") for o in by_id["a3_tests"].outputs]
    assert any("nicht ausgeführt" in n for n in later), later
    page = run["course"] / "feedback" / student / A / f"{A}.html"
    if page.exists():  # feedback is generated in the nbgrader run
        text = page.read_text(encoding="utf-8")
        assert "Zelle abgebrochen" in text and "nicht ausgeführt" in text
        assert t("grading.feedback.failed_hidden") not in text
