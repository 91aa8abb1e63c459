"""The grading kernel's jail, seen from inside a real kernel.

One kernel is started with the course's kernel manager in a submission folder and asked
what it can see, who it is and what it may do (its uid, its network interfaces, ``/proc``,
the file system, the environment, its limits). A second check runs the jail as an ordinary user,
the way an instructor without root grades on a JupyterHub. Without bubblewrap, grading
stops with a German message; the explicit opt-out grades with a warning per submission.
"""

from __future__ import annotations

import asyncio
import json
import os
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat
import pytest
from _grading import nbgrader, small_class
from nbformat.v4 import new_code_cell, new_notebook, new_output
from nbgrader.api import Gradebook

from cjmlib.grading import parallel
from cjmlib.grading.sandbox import SandboxExecute, SandboxKernelManager, SandboxUnavailable
from cjmlib.grading.sandbox.jail import HOME, Jail, identity_files, kernel_environment
from cjmlib.messages import t

REPO = Path(__file__).resolve().parents[1]
A = "03_beduerfnisse"
SECRET = "streng-geheim-4711"

LOOK_AROUND = r"""
import json, os, pwd, resource, socket, subprocess, sys
def _try(f):
    try:
        return f()
    except BaseException as e:
        return f"{type(e).__name__}"
def _write(path):
    with open(path, "w") as fh:
        fh.write("x")
    return "ok"
seen = {
    "uid": os.getuid(), "gid": os.getgid(), "groups": os.getgroups(), "ppid": os.getppid(),
    "user": _try(lambda: pwd.getpwuid(os.getuid()).pw_name),
    "passwd": _try(lambda: open("/etc/passwd").read()),
    "hostname": socket.gethostname(),
    "links": [name for _, name in socket.if_nameindex()],
    "pids": sorted(p for p in os.listdir("/proc") if p.isdigit()),
    "root": sorted(os.listdir("/")),
    "cwd": os.getcwd(), "files": sorted(os.listdir(".")),
    "env": dict(os.environ),
    "status": open("/proc/self/status").read(),
    "limits": {n: resource.getrlimit(getattr(resource, n)) for n in
               ("RLIMIT_AS", "RLIMIT_CPU", "RLIMIT_FSIZE", "RLIMIT_NPROC", "RLIMIT_CORE")},
    "connect": _try(lambda: socket.create_connection(("127.0.0.1", PORT), timeout=3)),
    "link": _try(lambda: open("link-zum-geheimnis").read()),
    "write_cwd": _try(lambda: _write("neu.txt")),
    "write_home": _try(lambda: _write(os.path.expanduser("~/neu.txt"))),
    "write_tmp": _try(lambda: _write(os.path.join(os.environ["TMPDIR"], "neu.txt"))),
    "write_root": _try(lambda: _write("/neu.txt")),
    "write_usr": _try(lambda: _write(sys.prefix + "/neu.txt")),
    "exists": {p: os.path.exists(p) for p in PATHS},
    "home_of_grader": _try(lambda: sorted(os.listdir(GRADER_HOME))),
    "unshare": subprocess.run(["unshare", "-U", "true"], capture_output=True).returncode,
    "swap_socket": _try(lambda: os.rename("/run/kernel/kernel-ipc-1", "/run/kernel/weg")),
}
print(json.dumps(seen, default=str))
"""


async def _look_around(folder: Path, code: str, **settings) -> tuple[dict, str]:
    km = SandboxKernelManager(kernel_name="python3", **settings)
    await km.start_kernel(cwd=str(folder))
    kc = km.client()
    kc.start_channels()
    out: list[str] = []
    try:
        await kc.wait_for_ready(timeout=120)
        km.lock_sockets()  # as SandboxExecute does once the kernel is ready
        reply = await kc.execute_interactive(
            code,
            timeout=120,
            output_hook=lambda msg: out.append(msg["content"].get("text", "")),
        )
        assert reply["content"]["status"] == "ok", reply["content"]
        return json.loads("".join(out)), km.kernel_output()
    finally:
        kc.stop_channels()
        await km.shutdown_kernel(now=True)
        assert km._scratch is None  # the scratch copy is gone


@pytest.fixture(scope="module")
def inside(tmp_path_factory):
    """What a kernel started on a submission folder sees, and what it leaves behind."""
    root = tmp_path_factory.mktemp("abgabe")
    folder = root / A
    folder.mkdir()
    (folder / "daten.csv").write_text("a,b\n1,2\n")
    (folder / f"{A}.ipynb").write_text(json.dumps({"versteckt": SECRET}))
    (root / "geheim.txt").write_text(SECRET)
    (folder / "link-zum-geheimnis").symlink_to(root / "geheim.txt")
    listener = socket.create_server(("127.0.0.1", 0))
    paths = [str(REPO / "course"), str(REPO / "README.md"), str(root / "geheim.txt"), "/work"]
    code = (
        f"PORT = {listener.getsockname()[1]}\nPATHS = {paths!r}\n"
        f"GRADER_HOME = {str(Path.home())!r}\n" + LOOK_AROUND
    )
    before = sorted(p.name for p in folder.iterdir())
    os.environ["CJM_GEHEIM"] = SECRET
    try:
        seen, output = asyncio.run(
            _look_around(folder, code, memory_limit_mb=2048, cpu_limit_s=120, process_limit=99)
        )
    finally:
        del os.environ["CJM_GEHEIM"]
        listener.close()
    seen["left_behind"] = sorted(p.name for p in folder.iterdir()) != before
    seen["kernel_output"] = output
    return seen


def test_does_the_kernel_run_as_an_unprivileged_user_of_its_own(inside):
    assert inside["uid"] != 0 and inside["gid"] != 0 and inside["groups"] == []
    if os.geteuid() == 0:
        assert inside["uid"] >= 0x70000000
    assert inside["user"] == "abgabe"
    assert "CapEff:\t0000000000000000" in inside["status"]
    assert "NoNewPrivs:\t1" in inside["status"]
    # Only the jail's own two users, none of the host's.
    assert [line.split(":")[0] for line in inside["passwd"].splitlines()] == ["root", "abgabe"]


def test_does_the_kernel_have_no_network_but_its_own_loopback(inside):
    assert inside["links"] == ["lo"]
    assert inside["connect"] == "ConnectionRefusedError"
    assert inside["hostname"] == "abgabe"


def test_does_the_kernel_see_no_process_of_the_grader(inside):
    # PID 1 is the jail's own init, 2 the kernel: the grader has no PID in here.
    assert inside["pids"] == ["1", "2"] and inside["ppid"] == 1


def test_does_the_kernel_see_only_the_system_python_and_its_scratch_copy(inside):
    assert set(inside["root"]) <= {
        "bin", "dev", "etc", "home", "lib", "lib32", "lib64", "libx32", "proc", "run",
        "sbin", "tmp", "usr", *{Path(p).parts[1] for p in (sys.prefix, sys.base_prefix)},
        Path(REPO).parts[1],
    }  # fmt: skip
    assert not any(inside["exists"].values()) or inside["exists"] == {
        **dict.fromkeys(inside["exists"], False),
        "/work": inside["exists"]["/work"],
    }
    assert inside["cwd"] == f"{HOME}/{A}"
    # No notebook (it would carry the hidden tests), a link stays a link into the jail.
    assert inside["files"] == ["daten.csv", "link-zum-geheimnis"]
    assert inside["link"] == "FileNotFoundError"
    home = inside["home_of_grader"]
    if isinstance(home, list):  # the Python installation may live in the grader's home
        assert all(str(Path.home() / e) in (sys.prefix + sys.base_prefix) for e in home), home


def test_may_the_kernel_write_only_its_scratch_folders(inside):
    assert inside["write_cwd"] == inside["write_home"] == inside["write_tmp"] == "ok"
    assert inside["write_root"] in ("OSError", "PermissionError")
    assert inside["write_usr"] in ("OSError", "PermissionError")
    assert not inside["left_behind"]  # the submission folder itself is untouched


def test_does_the_kernel_get_a_fresh_environment_and_no_new_namespaces(inside):
    env = inside["env"]
    assert SECRET not in json.dumps(env)
    assert env["HOME"] == HOME and env["TMPDIR"] == "/tmp" and env["USER"] == "abgabe"
    ours = set(kernel_environment(home=HOME, tmp="/tmp", python=sys.executable))
    # ipykernel adds a few of its own (pager, colours, PWD).
    added = {"CLICOLOR", "CLICOLOR_FORCE", "FORCE_COLOR", "GIT_PAGER", "PAGER", "PWD", "TERM"}
    assert set(env) <= ours | added | {"PYDEVD_USE_FRAME_EVAL"}
    if os.geteuid() != 0:
        assert inside["unshare"] != 0  # --disable-userns
    else:  # the kernel cannot swap its socket for a link the grader would follow
        assert inside["swap_socket"] == "PermissionError"


def test_does_the_kernel_run_under_its_limits_and_start_without_noise(inside):
    limits = inside["limits"]
    assert limits["RLIMIT_AS"][0] == 2048 * 1024 * 1024 != resource.RLIM_INFINITY
    assert limits["RLIMIT_CPU"] == [120, 125]
    assert limits["RLIMIT_FSIZE"][0] == 100 * 1024 * 1024
    assert limits["RLIMIT_NPROC"][0] == 99
    assert limits["RLIMIT_CORE"] == [0, 0]
    assert "WARNING" not in inside["kernel_output"], inside["kernel_output"]


def test_does_the_jail_hold_for_a_grader_without_root():
    """An instructor grading as an ordinary user: the jail then lives in a user namespace."""
    uid = 65534
    base = Path(tempfile.mkdtemp(prefix="cjm-ohne-root-"))  # pytest's tmp is root-only
    scratch = base / "s"
    for name in ("home", "tmp", "run", "home/abgabe"):
        (scratch / name).mkdir(parents=True)
    identity_files(scratch / "etc", uid)
    code = (
        "import json, os, socket, subprocess\n"
        "print(json.dumps({'uid': os.getuid(), 'pids': sorted(p for p in os.listdir('/proc')"
        " if p.isdigit()), 'links': [n for _, n in socket.if_nameindex()],"
        " 'course': os.path.exists(" + repr(str(REPO)) + "),"
        " 'unshare': subprocess.run(['unshare', '-U', 'true']).returncode}))"
    )
    jail = Jail(
        home=scratch / "home",
        tmp=scratch / "tmp",
        run=scratch / "run",
        etc=scratch / "etc",
        workdir=f"{HOME}/abgabe",
        read_only=(),
        env=kernel_environment(home=HOME, tmp="/tmp", python="/usr/bin/python3"),
        uid=None,
    )
    cmd = jail.command(["/usr/bin/python3", "-c", code])
    if os.geteuid() == 0:
        shutil.chown(base, uid, uid)
        for path in scratch.rglob("*"):
            os.chown(path, uid, uid)
        os.chown(scratch, uid, uid)
        cmd = ["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups", "--", *cmd]
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    finally:
        shutil.rmtree(base)
    assert out.returncode == 0, out.stderr
    seen = json.loads(out.stdout.strip().splitlines()[-1])
    assert seen["uid"] == (uid if os.geteuid() == 0 else os.getuid())
    assert seen["pids"] == ["1", "2"] or len(seen["pids"]) <= 3
    assert seen["links"] == ["lo"] and not seen["course"] and seen["unshare"] != 0


def test_does_a_read_only_path_under_tmp_stay_visible_beside_the_jails_own_tmp():
    """A Python environment under /tmp (e.g. a venv made there) must not be hidden by the
    jail's private /tmp: the kernel would die before it starts."""
    base = Path(tempfile.mkdtemp(prefix="cjm-unter-tmp-", dir="/tmp"))
    shared = base / "umgebung" / "bin"
    shared.mkdir(parents=True)
    (shared / "zeichen.txt").write_text("sichtbar")
    scratch = base / "s"
    for name in ("home", "tmp", "run", "home/abgabe"):
        (scratch / name).mkdir(parents=True)
    identity_files(scratch / "etc", os.getuid())
    code = (
        "import json, os\n"
        f"seen = open({str(shared / 'zeichen.txt')!r}).read()\n"
        "open('/tmp/eigen.txt', 'w').write('x')\n"
        "print(json.dumps({'seen': seen, 'own': sorted(os.listdir('/tmp'))}))"
    )
    jail = Jail(
        home=scratch / "home",
        tmp=scratch / "tmp",
        run=scratch / "run",
        etc=scratch / "etc",
        workdir=f"{HOME}/abgabe",
        read_only=(base / "umgebung",),
        env=kernel_environment(home=HOME, tmp="/tmp", python="/usr/bin/python3"),
        uid=None,
    )
    try:
        out = subprocess.run(
            jail.command(["/usr/bin/python3", "-c", code]),
            capture_output=True,
            text=True,
            timeout=120,
        )
        written = (scratch / "tmp" / "eigen.txt").exists()
    finally:
        shutil.rmtree(base)
    assert out.returncode == 0, out.stderr
    seen = json.loads(out.stdout.strip().splitlines()[-1])
    assert seen["seen"] == "sichtbar" and "eigen.txt" in seen["own"] and written


# -- no sandbox: stop with a German message, or grade with a warning if opted out ----------


@pytest.fixture(scope="module")
def small_course(tmp_path_factory):
    return small_class(tmp_path_factory.mktemp("klein"), A)


@pytest.mark.slow
def test_does_grading_stop_with_a_german_message_without_bubblewrap(small_course):
    out = nbgrader(small_course, "autograde", A, "--SandboxKernelManager.bwrap=/nicht/da/bwrap")
    log = out.stdout + out.stderr
    assert out.returncode != 0
    assert "Bewertung gestoppt" in log and "apt-get install bubblewrap" in log, log[-3000:]
    assert not list((small_course / "autograded").glob(f"*/{A}/{A}.ipynb"))
    assert parallel.read_scores(small_course) == {}

    overrides = {"SandboxKernelManager": {"bwrap": "/nicht/da/bwrap"}}
    with pytest.raises(SandboxUnavailable, match="apt-get install bubblewrap"):
        parallel.autograde_parallel(small_course, [A], overrides=overrides)


@pytest.mark.slow
def test_does_the_opt_out_grade_with_a_warning_for_every_submission(small_course):
    out = nbgrader(
        small_course, "autograde", A, "--force", "--SandboxKernelManager.use_sandbox=False"
    )
    assert out.returncode == 0, out.stderr[-3000:]
    assert (out.stdout + out.stderr).count(t("sandbox.unconfined")) == 2
    assert parallel.read_scores(small_course) == {(A, "komplett"): 7, (A, "leer"): 0}
    nb = nbformat.read(small_course / "autograded" / "komplett" / A / f"{A}.ipynb", 4)
    assert nb.cells
    with Gradebook(f"sqlite:///{small_course / 'gradebook.db'}") as gb:
        assert {s.id for s in gb.students} == {"komplett", "leer"}


# A grader killed with SIGKILL while its kernel runs: it cannot clean up after itself.
# Killed only once the kernel answers: bubblewrap takes the jail down with its parent
# from then on (killed while bwrap still starts, the kernel would outlive the test).
KILLED_GRADER = """
import asyncio, os, signal, sys
from cjmlib.grading.sandbox import SandboxKernelManager
async def main():
    km = SandboxKernelManager(kernel_name="python3", scratch_dir=sys.argv[1])
    await km.start_kernel(cwd=sys.argv[2])
    kc = km.client()
    kc.start_channels()
    await kc.wait_for_ready(timeout=120)
    os.kill(os.getpid(), signal.SIGKILL)
asyncio.run(main())
"""


@pytest.mark.slow
def test_is_no_scratch_copy_left_behind_when_kernels_die_at_start_or_a_grader_was_killed(
    small_course, tmp_path
):
    """Every kernel's scratch copy (the submission's files, its /tmp) is deleted afterwards,
    also when the kernel cannot even start (here: far too little memory for Python); the
    copy a killed grader left behind goes with the next run."""
    scratch = tmp_path / "kratzer"
    scratch.mkdir()
    scratch.chmod(0o755)
    submission = small_course / "submitted" / "komplett" / A
    killed = subprocess.run(
        [sys.executable, "-c", KILLED_GRADER, str(scratch), str(submission)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert killed.returncode == -9, killed.stderr[-2000:]
    assert [p.name for p in scratch.glob("cjm-abgabe-*/connection.json")] == ["connection.json"]
    for extra in ([], ["--SandboxKernelManager.memory_limit_mb=40"]):
        out = nbgrader(
            small_course,
            "autograde",
            A,
            "--force",
            f"--SandboxKernelManager.scratch_dir={scratch}",
            "--Execute.startup_timeout=60",
            *extra,
        )
        assert sorted(p.name for p in scratch.iterdir()) == [], (extra, out.stderr[-2000:])


# -- the per-cell hook: values out of the jailed kernel, judged in the grader ---------------


# The interrupt lands in sleep(), inside the try: this loop is deaf to it.
DEAF_LOOP = "\n".join(
    [
        "import time",
        "while True:",
        "    try:",
        "        time.sleep(0.01)",
        "    except:",
        "        pass",
    ]
)


class _Judge(SandboxExecute):
    """A per-cell hook as grading could add it: fetch values, judge them out here."""

    def run_cell(self, cell, resources, index):
        if "werte" not in cell.metadata.get("tags", []):
            return super().run_cell(cell, resources, index)
        values = self.evaluate({"antwort": "antwort", "typ": "type(antwort).__name__"})
        verdict = values["antwort"]["data"]["text/plain"] == "42"
        text = json.dumps({"werte": values, "bestanden": verdict})
        cell.outputs = [new_output("stream", name="stdout", text=text)]
        return cell, resources


def test_can_a_per_cell_hook_take_values_out_and_still_survive_a_deaf_kernel(tmp_path):
    cells = [
        new_code_cell("antwort = 6 * 7"),
        new_code_cell("# Werte holen", metadata={"tags": ["werte"]}),
        new_code_cell(DEAF_LOOP),
        new_code_cell("# Werte holen", metadata={"tags": ["werte"]}),
    ]
    nb = new_notebook(
        cells=cells, metadata={"kernelspec": {"name": "python3", "display_name": "Python 3"}}
    )
    graded, _ = _Judge(timeout=3).preprocess(nb, {"metadata": {"path": str(tmp_path)}})
    first = json.loads(graded.cells[1].outputs[0].text)
    assert first["bestanden"] and first["werte"]["typ"]["data"]["text/plain"] == "'int'"
    assert graded.cells[2].outputs[-1].ename == "Abgebrochen"
    assert graded.cells[3].outputs[0].ename == "NichtAusgeführt"
