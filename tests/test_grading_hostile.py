"""Hostile submissions, graded end to end: stock ``nbgrader autograde`` and the parallel grader.

One class of students hands in exercise 03 (7 automatic points: 2 + 2 + 3). Besides an
honest, a blank and a half-done student, every other student attacks from an answer cell,
one attack class each:

- the sandbox: reading solutions, hidden tests, other submissions, the exchange, the
  instructor's home, token and root-only files, ``/proc/<ppid>/environ``; writing the
  gradebook, the course and the Python environment; a port on the grader's loopback;
  killing the grader; leaving processes behind; loops that swallow interrupts (a
  beginner's retry loop with a bare ``except:`` among them); crashing; eating memory or
  disk; a fork bomb;
- the verdicts: patched builtins, pandas/numpy and check helpers, modules replaced in
  ``sys.modules``, ``set_custom_exc``, a swallowed ``KeyboardInterrupt``, a kernel that
  dies or hangs while it hands its answers over, edited and deleted test cells.

Every attacker that also answers wrongly must keep exactly the points of the answers.
The whole class is graded in one ``nbgrader autograde`` run with the course config, and
again, in a second copy of the course, with ``python -m cjmlib.grading.parallel`` (both
runs at the same time when the tests run as root); each run asserts every student's
exact score, so one attack can neither cost a classmate nor stop the run.

Each sandbox attack prints one line per attempt (``ERGEBNIS <what>: blockiert|ERFOLG``), so
a test sees that the attack ran and what it got. Planted secrets carry one random marker
that must not show up in any graded notebook, feedback page or gradebook. The course
folder and the repository are hashed before and after; the gradebook must keep every row
but the grades of this run (an already graded assignment keeps its hand-graded score).

Attacks that would harm the shared test machine if the grading kernel ran as root
(``kill(-1)``, a fork bomb) only run when the kernel is *not* root.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import shutil
import socket
import sqlite3
import subprocess
import sys
import textwrap
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest
from _grading import nbgrader
from nbgrader.api import Gradebook

from cjmlib.grading import classroom, parallel
from cjmlib.grading.answers import round_trip
from cjmlib.grading.checks import Incorrect
from cjmlib.grading.exercise import load_exercise
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
# Settings of both runs, added to the course copy's nbgrader_config.py: short timeouts keep
# the suite quick; few processes per kernel keep the fork bomb small.
SETTINGS = {
    "Execute": {"timeout": 10},
    "SandboxKernelManager": {"process_limit": 64, "jail_memory_mb": 1024, "disk_limit_mb": 200},
}


def _read(path: str) -> str:
    return f"lambda: open({path!r}, encoding='latin-1').read()"


# Wrong answers the verdict attacks come with. Each passes the visible checks (only the
# judge in the grader can tell it is wrong), and each task's answer stands on its own.
WRONG_A1 = (
    "chancen = {\n"
    '    "Verfügbarkeit vorab sehen": 15, "Klare Preise": 10, "Ware schnell finden": 11,\n'
    '    "Bequem bezahlen": 7, "Abholung ohne Wartezeit": 13, "Persönliche Beratung": 11,\n'
    '    "Kostenlose Rücksendung": 6, "Treuepunkte sammeln": 3,\n'
    "}\n"
)
WRONG_A2 = (
    'unterversorgt = ["Verfügbarkeit vorab sehen", "Ware schnell finden", '
    '"Abholung ohne Wartezeit"]\n'
)
WRONG_A3 = (  # the sought solution (statement 5) taken for the expectation
    'verfuegbarkeit = wb.needs.update("Verfügbarkeit vorab sehen", expectation=aussagen[5],\n'
    "    exceed=aussagen[4], related_products=aussagen[2])\n"
)

PATCH_BUILTINS = (
    "import builtins\n"
    "builtins.sum = lambda *args, **kwargs: 0  # every difference becomes 0\n"
    "builtins.abs = lambda x: 0\n"
    "def len(x):\n    return 3\n"
)
PATCH_PANDAS = (
    "import numpy as np\n"
    "pd.DataFrame.equals = lambda self, other: True\n"
    "pd.Series.equals = lambda self, other: True\n"
    "pd.Series.sum = lambda self, *args, **kwargs: 0.0\n"
    "np.isclose = lambda *args, **kwargs: True\n"
    "np.allclose = lambda *args, **kwargs: True\n"
    "pd.testing.assert_frame_equal = lambda *args, **kwargs: None\n"
)
# Every check helper, the judging function and the test method say "right".
PATCH_CHECKS = (
    "import types\n"
    "import cjmlib.grading.checks as checks\n"
    "import cjmlib.grading.exercise as ex\n"
    "nichts = lambda *args, **kwargs: None\n"
    "for _name in ('expect', 'fail', 'same_number', 'same_items', 'same_mapping',\n"
    "              'same_series', 'same_frame'):\n"
    "    setattr(checks, _name, nichts)\n"
    "ex.TaskCheck.test = nichts\n"
    "ex.TaskCheck.verdict = lambda self: ex.Verdict('correct', '')\n"
    "ex.judge = lambda *args, **kwargs: ex.Verdict('correct', '')\n"
    "class Immer:\n"
    "    def __getattr__(self, name):\n"
    "        return types.SimpleNamespace(test=nichts, check=nichts)\n"
    "pruefe = Immer()\n"
)
# Swap the hand-over module for one that claims a made-up `unterversorgt` (other tasks pass
# through); the names are from the table, so that only the judge can tell them wrong.
SYS_MODULES = (
    "import sys, types, json\n"
    "import cjmlib.grading.answers as echt\n"
    "from IPython.display import display\n"
    "fake = types.ModuleType('cjmlib.grading.answers')\n"
    "def emit(namespace, names, limit=0):\n"
    "    if 'unterversorgt' not in names:\n"
    "        return echt.emit(namespace, names, limit=limit)\n"
    "    text = json.dumps({'format': 'cjmlib-answers/1', 'workbook': None,\n"
    "                       'values': {'unterversorgt': ['Bequem bezahlen']}})\n"
    "    display({'application/x-cjmlib-answers': text, 'text/plain': 'bestanden'}, raw=True)\n"
    "fake.emit = emit\n"
    "sys.modules['cjmlib.grading.answers'] = fake\n"
    "sys.modules['cjmlib.grading.checks'] = types.ModuleType('cjmlib.grading.checks')\n"
)
CUSTOM_EXC = (
    "ip = get_ipython()\n"
    "ip.set_custom_exc((BaseException,), lambda *args, **kwargs: None)  # swallow every error\n"
    "ip.events.register('post_run_cell', lambda result: ip.displayhook(2))  # fake partial credit\n"
)


DEAF_LOOP_CODE = "while True:\n    try:\n        time.sleep(0.05)\n    except:\n        pass"


def _hand_over(variable: str, action: str) -> str:
    """Make the kernel run ``action`` instead of handing over answers with ``variable``."""
    return (
        "import cjmlib.grading.answers as uebergabe\n"
        "echt = uebergabe.collect\n"
        "def anders(namespace, names):\n"
        f"    if {variable!r} in names:\n"
        f"{textwrap.indent(action, '        ')}\n"
        "    return echt(namespace, names)\n"
        "uebergabe.collect = anders\n"
    )


# Break off the hand-over of task 1 with a KeyboardInterrupt, as a time-out would, and
# swallow it: the cell ends without an error (which once counted as passed).
SWALLOW_INTERRUPT = _hand_over("chancen", "raise KeyboardInterrupt") + (
    "get_ipython().set_custom_exc((KeyboardInterrupt,), lambda *args, **kwargs: None)\n"
)
# The kernel dies, ignores the time-out, or just hangs while it hands over task 2.
HANDOVER_CRASH = _hand_over("unterversorgt", "import os\nos._exit(1)")
HANDOVER_DEAF = _hand_over("unterversorgt", "import time\n" + DEAF_LOOP_CODE)
HANDOVER_HANGS = _hand_over("unterversorgt", "import time\ntime.sleep(3600)")
# A beginner's retry loop: the bare except also swallows the time-out's KeyboardInterrupt,
# so the kernel never stops on its own.
RETRY_LOOP = (
    "import time\n"
    "while True:\n"
    "    try:\n"
    "        time.sleep(0.01)\n"
    "        unterversorgt = [name for name, score in chancen.items() if score > grenze]\n"
    "        break\n"
    "    except:\n"
    "        pass\n"
)

# student -> automatic points deserved: a correct answer keeps its points whatever else the
# cell does; a wrong one never gains any.
EXPECTED = {
    "komplett": 7,
    "leer": 0,
    "teilweise": 4,
    # the sandbox
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
    # the verdicts
    "builtins": 5,
    "pandas-numpy": 5,
    "pruefer-ersetzt": 5,
    "sys-modules": 3,
    "custom-exc": 2,
    "interrupt-geschluckt": 5,
    "uebergabe-absturz": 2,
    "uebergabe-taub": 2,
    "uebergabe-haengt": 5,
    "testzelle-pass": 5,
    "testzelle-geloescht": 5,
    "geloescht-aber-richtig": 7,
}
# Test cells removed from the submission (nbgrader restores them from the gradebook).
DELETED = {"testzelle-geloescht": ["a2_tests"], "geloescht-aber-richtig": ["a3_tests"]}


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
        "schleife": {"a2_loesung": RETRY_LOOP},
        "taub": {"a2_loesung": taub},
        "absturz": {"a2_loesung": "import os\nos._exit(1)"},
        "segfault": {"a2_loesung": "import ctypes\nctypes.string_at(0)"},
        "speicher": after("a2_loesung", speicher),
        "vielfrass": after("a2_loesung", vielfrass),
        "festplatte": after("a2_loesung", festplatte),
        "gabel": after("a3_loesung", gabel),
        "teilweise": {"a3_loesung": "verfuegbarkeit = ____"},
        "builtins": {"a1_loesung": WRONG_A1 + PATCH_BUILTINS},
        "pandas-numpy": {"a1_loesung": WRONG_A1 + PATCH_PANDAS},
        "pruefer-ersetzt": {"a2_loesung": WRONG_A2 + PATCH_CHECKS},
        "sys-modules": {"a1_loesung": WRONG_A1, "a2_loesung": WRONG_A2 + SYS_MODULES},
        "custom-exc": {"a1_loesung": CUSTOM_EXC + WRONG_A1, "a3_loesung": WRONG_A3},
        "interrupt-geschluckt": {"a1_loesung": WRONG_A1 + SWALLOW_INTERRUPT},
        "uebergabe-absturz": after("a1_loesung", HANDOVER_CRASH),
        "uebergabe-taub": after("a1_loesung", HANDOVER_DEAF),
        "uebergabe-haengt": after("a1_loesung", HANDOVER_HANGS),
        "testzelle-pass": {"a1_loesung": WRONG_A1, "a1_tests": "pass"},
        "testzelle-geloescht": {"a2_loesung": WRONG_A2},
        "geloescht-aber-richtig": {},
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


def _notebook(course: Path, student: str, answers: dict[str, str]) -> nbformat.NotebookNode:
    if answers.get("*") == "":
        return classroom.release_notebook(course, A)
    return classroom.student_notebook(course, A, answers, DELETED.get(student, ()))


def _nbgrader(course: Path, world: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``nbgrader ARGS`` (or ``python -m cjmlib.grading.parallel ARGS`` for ``--parallel``)
    with an instructor environment full of secrets the kernel must not see."""
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(world / "home"),
        "JUPYTER_RUNTIME_DIR": str(world / "runtime"),
        "JUPYTER_TOKEN": SECRET,
        "CJM_ZUGANG": SECRET,
        "CJM_EXCHANGE": str(world / "exchange"),
        "LANG": "C.UTF-8",
        "TMPDIR": str(world / "tmp"),  # the grader's scratch copies, checked afterwards
    }
    if args[0] != "--parallel":
        return nbgrader(course, *args, env=env, timeout=1800)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"
    command = [sys.executable, "-m", "cjmlib.grading.parallel", *args[1:]]
    return subprocess.run(
        command, cwd=course, env=env, capture_output=True, text=True, timeout=1800
    )


def _world(root: Path) -> Path:
    """Files around the course that a student must not reach, each holding SECRET."""
    world = root / "welt"
    (world / "home").mkdir(parents=True)
    (world / "home" / "geheim.txt").write_text(SECRET)
    (world / "runtime").mkdir()
    (world / "tmp").mkdir()
    (world / "runtime" / "jpserver-4711.json").write_text(f'{{"token": "{SECRET}"}}')
    (world / "nur-root.txt").write_text(SECRET)
    (world / "nur-root.txt").chmod(0o600)
    inbound = world / "exchange" / "cjm-werkstatt" / "inbound" / "komplett+x+2026"
    inbound.mkdir(parents=True)
    (inbound / "geheim.txt").write_text(SECRET)
    return world


def _earlier(root: Path) -> Path:
    """The course before the class hands in: an assignment graded and hand-graded earlier
    (its rows must survive the attacks). Made once and copied for each run."""
    course = classroom.make_course(root / "course", [A, B])
    with open(course / "nbgrader_config.py", "a", encoding="utf-8") as config:
        for section, values in SETTINGS.items():
            config.writelines(f"c.{section}.{key} = {value!r}\n" for key, value in values.items())
    for student in ("komplett", "leer"):
        ref = classroom.reference_answers(course, B) if student == "komplett" else {}
        classroom.submit(
            course, student, B, classroom.with_answers(classroom.release_notebook(course, B), ref)
        )
    report = parallel.autograde_parallel(course, [B], workers=1)
    assert not report.failed, report.failed
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        gb.find_grade("reflexion", B, B, "komplett").manual_score = 1.5
        gb.db.commit()
    return course


def _prepare(root: Path, port: int, earlier: Path) -> tuple[Path, Path, dict]:
    course = root / "course"
    shutil.copytree(earlier, course)
    world = _world(root)
    students = _attacks(course, world, port)
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for student in students:
            gb.update_or_create_student(student, first_name=student.title())
        gb.db.commit()
    for student, answers in students.items():
        classroom.submit(course, student, A, _notebook(course, student, answers))
    return course, world, students


SKIP = ("autograded", "feedback", "gradebook.db", ".nbgrader.log")


@pytest.mark.parametrize(
    ("task", "code"),
    [("a1", WRONG_A1), ("a2", WRONG_A2), ("a3", WRONG_A3)],
    ids=["a1", "a2", "a3"],
)
def test_is_each_wrong_answer_of_the_attacks_well_formed_but_wrong(
    task, code, monkeypatch, tmp_path
):
    """The verdict attacks try to turn these answers into points: each must pass the visible
    checks (the form is right) and fail the judge (the content is not)."""
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    source = REPO / "course" / "source" / A
    monkeypatch.chdir(source)
    nb = nbformat.read(source / f"{A}.ipynb", as_version=4)
    ns: dict = {}
    exec(next(c.source for c in nb.cells if c.source.startswith("# Vorbereitung")), ns)
    exec(code, ns)
    exercise = load_exercise(source)
    with round_trip(ns, exercise.tasks[task].answers) as answers:
        exercise.tasks[task].check(answers, exercise.data())
        with pytest.raises(Incorrect):
            exercise.judges[task](answers, exercise.data())


GRADERS = ("nbgrader", "parallel")


def _grade(kind: str, course: Path, world: Path) -> subprocess.CompletedProcess[str]:
    """Grade the class with stock ``nbgrader autograde`` (and write the feedback) or with
    the parallel grader."""
    if kind == "nbgrader":
        out = _nbgrader(course, world, "autograde", A)
        feedback = _nbgrader(course, world, "generate_feedback", A)
        assert feedback.returncode == 0, feedback.stderr[-3000:]
        return out
    return _nbgrader(course, world, "--parallel", A, "--workers", "2")


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Both graders, each on its own copy of the class, at the same time.

    On a hub two instructors may grade at once; here it also saves wall time, since much
    of a run is waiting (kernel start-up, time-outs). At the same time only as root: then each
    grading process gives its kernels a uid of their own, so one run's fork bomb cannot use
    up the other run's process limit (without root all kernels share the tester's uid).
    """
    listeners = {kind: Listener() for kind in GRADERS}
    prepared = {}
    try:
        earlier = _earlier(tmp_path_factory.mktemp("feindlich-vorher"))
        for kind in GRADERS:
            root = tmp_path_factory.mktemp(f"feindlich-{kind}")
            course, world, students = _prepare(root, listeners[kind].port, earlier)
            before = {
                "course": _tree_hash(course, SKIP),
                "repo": _tree_hash(REPO / "course") | _tree_hash(REPO / "cjmlib"),
                "rows": _gradebook_rows(course, A),
                "venv": sorted(p.name for p in Path(sys.prefix).rglob("*.pth")),
            }
            prepared[kind] = (course, world, students, before)
        at_once = len(GRADERS) if os.geteuid() == 0 else 1
        with ThreadPoolExecutor(max_workers=at_once) as pool:
            futures = {kind: pool.submit(_grade, kind, *prepared[kind][:2]) for kind in GRADERS}
            done = {kind: future.result() for kind, future in futures.items()}
        # Both runs are over: a process with the marker outlived its kernel.
        leftovers = _marker_processes()
        yield {
            kind: {
                "kind": kind,
                "course": course,
                "students": students,
                "failed": done[kind].returncode != 0,
                "log": done[kind].stdout + done[kind].stderr,
                "before": before,
                "leftovers": leftovers,
                "scratch_left": sorted(p.name for p in (world / "tmp").glob("cjm-*")),
                "listener": listeners[kind],
            }
            for kind, (course, world, students, before) in prepared.items()
        }
    finally:
        for listener in listeners.values():
            listener.close()
        _kill_marker_processes()
        for junk in (REPO / f"{MARKER}.txt", *Path(sys.prefix).rglob(f"cjm_{MARKER}.pth")):
            junk.unlink(missing_ok=True)


@pytest.fixture(scope="module", params=GRADERS)
def run(request, runs):
    return runs[request.param]


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


def _cells(course: Path, student: str) -> dict[str, nbformat.NotebookNode]:
    nb = nbformat.read(course / "autograded" / student / A / f"{A}.ipynb", as_version=4)
    return {c.metadata.get("nbgrader", {}).get("grade_id"): c for c in nb.cells}


def _errors(cell: nbformat.NotebookNode) -> list[str]:
    return [f"{o.get('ename')}: {o.get('evalue', '')}" for o in cell.outputs if "ename" in o]


@pytest.mark.slow
@pytest.mark.parametrize("student", sorted(EXPECTED))
def test_does_each_hostile_student_get_exactly_the_points_earned(run, student):
    scores = parallel.read_scores(run["course"])
    got = {s: scores.get((A, s)) for s in EXPECTED}
    assert got[student] == EXPECTED[student], got
    # ... and the same run graded everybody else exactly as well.
    assert got == EXPECTED


@pytest.mark.slow
def test_does_the_log_name_each_tampered_cell_once_in_german_and_honest_students_not_at_all(
    run,
):
    # nbgrader prefixes "[AutogradeApp | WARNING] ", the parallel grader prints the text.
    lines = sorted(
        line[line.index("Abgabe von") :] for line in run["log"].splitlines() if "Abgabe von" in line
    )
    deleted = "wurde gelöscht; sie ist wiederhergestellt und wird mit der Originalfassung bewertet."
    assert lines == [
        f"Abgabe von geloescht-aber-richtig (03_beduerfnisse): Die Zelle „a3_tests“ {deleted}",
        f"Abgabe von testzelle-geloescht (03_beduerfnisse): Die Zelle „a2_tests“ {deleted}",
        "Abgabe von testzelle-pass (03_beduerfnisse): Die gesperrte Zelle „a1_tests“ wurde "
        "verändert (Inhalt); bewertet wird mit der Originalfassung.",
    ]
    assert "checksum" not in run["log"].lower()
    assert "Missing grade cell" not in run["log"]


@pytest.mark.slow
def test_does_no_autograded_folder_hold_the_judges(run):
    course = run["course"]
    folders = list((course / "autograded").glob("*/*"))
    assert len(folders) == len(EXPECTED) + 2  # and the earlier assignment's two
    for folder in folders:
        assert not (folder / "judges.py").exists()
        assert (folder / "tasks.py").read_bytes() == (
            course / "source" / folder.name / "tasks.py"
        ).read_bytes()


@pytest.mark.slow
def test_does_a_kernel_that_fails_while_handing_over_cost_only_what_the_sandbox_says(run):
    course = run["course"]
    crash = _cells(course, "uebergabe-absturz")
    assert _errors(crash["a1_tests"]) == []
    assert [e.split(":")[0] for e in _errors(crash["a2_tests"])] == ["KernelDead"]
    assert [e.split(":")[0] for e in _errors(crash["a3_tests"])] == ["NichtAusgeführt"]
    deaf = _cells(course, "uebergabe-taub")
    assert [e.split(":")[0] for e in _errors(deaf["a2_tests"])] == ["Abgebrochen"]
    assert [e.split(":")[0] for e in _errors(deaf["a3_tests"])] == ["NichtAusgeführt"]
    hangs = _cells(course, "uebergabe-haengt")
    assert [e.split(":")[0] for e in _errors(hangs["a2_tests"])] == ["Zeitlimit"]
    assert _errors(hangs["a3_tests"]) == []


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
def test_is_no_scratch_copy_left_in_the_graders_temp_folder(run):
    """No kernel's copy of a submission (``cjm-abgabe-*``) and no run folder of the
    parallel grader (``cjm-grade-*``) stays behind, though students crashed, killed and
    hung their kernels and tried to kill the grader."""
    assert run["scratch_left"] == []


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
    by_id = _cells(run["course"], student)
    assert _errors(by_id["a1_tests"]) == []  # passed before the loop
    notes = [o.get("evalue", "") for o in by_id["a2_loesung"].outputs]
    assert any("abgebrochen" in n for n in notes), notes
    later = [o.get("evalue", "") for o in by_id["a3_tests"].outputs]
    assert any("nicht ausgeführt" in n for n in later), later
    page = run["course"] / "feedback" / student / A / f"{A}.html"
    if page.exists():  # feedback is generated in the nbgrader run
        text = page.read_text(encoding="utf-8")
        assert "Zelle abgebrochen" in text and "nicht ausgeführt" in text
        assert t("grading.feedback.failed_hidden") not in text
