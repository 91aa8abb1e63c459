"""A real class on this machine: JupyterHub, Unix accounts, the nbgrader exchange.

``make classroom`` starts a demo class with this module and ``tests/test_classroom_hub.py``
drives a class through one assignment in Chromium with it. It must run as root (it
creates accounts with ``useradd``), and :meth:`Classroom.teardown` removes everything
it made: processes, accounts with their home folders, the class folder.

What lives where (everything is readable by every account, except ``state/``)::

    <env>/venv/                 one Python environment for everybody: the course package and
                                JupyterHub, installed with ``pip install .`` (not editable)
    <env>/proxy/                configurable-http-proxy (``npm ci``, course/hub/package-lock.json)
    <root>/roles/lehrende/      Jupyter configuration of instructors: all nbgrader tools
    <root>/roles/teilnehmende/  ... of students: only the Assignments tab and Validate
    <root>/exchange/            the nbgrader exchange (mode 1777, as nbgrader asks; the course
                                folder in it is made for the instructor, so no student can take it)
    <root>/state/               JupyterHub's database, cookie secret, pid files, log (mode 700)
    /home/<instructor>/cjm-werkstatt/   the course (config and sources), the instructor's own

Command line::

    python -m cjmlib.grading.hub start [--root DIR] [--env DIR] [--port N]
    python -m cjmlib.grading.hub stop [--root DIR]
    python -m cjmlib.grading.hub roles DIR [--exchange DIR]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import pwd
import secrets
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Literal

from cjmlib.errors import CJMError
from cjmlib.messages import t

__all__ = [
    "COURSE_ID",
    "MARKER",
    "Account",
    "Classroom",
    "HubError",
    "create_account",
    "install_environment",
    "main",
    "remove_account",
    "shared_python",
    "write_role_config",
]

Role = Literal["lehrende", "teilnehmende", "selbstlernende"]

COURSE_ID = "cjm-werkstatt"
#: The comment (GECOS field) of every account this module creates. Only accounts that
#: carry it are ever changed or removed, so a real user of the same name is never touched.
MARKER = "CJM-Werkstatt Klasse"
INSTRUCTOR_GROUP = "lehrende"
DEMO_ROOT = Path("/opt/cjm-werkstatt-klasse")
DEMO_ENV = Path("/opt/cjm-werkstatt")
DEMO_NAMES = ("cjm-lehrkraft", "cjm-lena", "cjm-jonas", "cjm-aylin")

# nbgrader's server extensions and lab plugins, and which role gets which. Instructors
# get everything; students the assignment list and the Validate button; self-learners
# (``make lab``) none, because they have no instructor and no exchange.
SERVER_EXTENSIONS = ("formgrader", "course_list", "assignment_list", "validate_assignment")
# JupyterLab asks every new user whether to fetch news from the internet: not in class.
QUIET_PLUGINS = ("@jupyterlab/apputils-extension:announcements",)
LAB_PLUGINS = (
    "menu",
    "formgrader",
    "course-list",
    "create-assignment",
    "assignment-list",
    "validate-assignment",
)
ENABLED: dict[Role, set[str]] = {
    "lehrende": set(SERVER_EXTENSIONS) | set(LAB_PLUGINS),
    "teilnehmende": {"assignment_list", "validate_assignment", "menu", "assignment-list"}
    | {"validate-assignment"},
    "selbstlernende": set(),
}

# What of the repository's course folder an instructor gets: config, sources, guide;
# not what grading produces, nor the hub's own files.
COURSE_IGNORE = shutil.ignore_patterns(
    "hub",
    "exchange",
    "release",
    "submitted",
    "autograded",
    "feedback",
    "downloaded",
    "gradebook.db",
    "*.csv",
    "*.xlsx",
    "__pycache__",
    ".ipynb_checkpoints",
)
SYSTEM_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
SOURCE_IGNORE = shutil.ignore_patterns(
    ".git", ".venv", "build", "*.egg-info", "node_modules", "__pycache__", ".*_cache"
)


class HubError(CJMError):
    """The class cannot be set up or started; the message says why and what to do."""


# -- small helpers ------------------------------------------------------------------------


def _run(
    args: Sequence[str | Path], *, input: str | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    out = subprocess.run(
        [str(a) for a in args], input=input, cwd=cwd, capture_output=True, text=True
    )
    if out.returncode != 0:
        raise HubError(
            t(
                "classroom.hub.command_failed",
                command=" ".join(str(a) for a in args),
                output=(out.stdout + out.stderr)[-2000:],
            )
        )
    return out


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _world_usable(path: Path) -> bool:
    """Can every account run ``path`` (each folder above it searchable)?"""
    path = path.resolve()
    if not path.is_file() or not path.stat().st_mode & stat.S_IXOTH:
        return False
    return all(parent.stat().st_mode & stat.S_IXOTH for parent in path.parents)


def _password() -> str:
    alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "-".join("".join(secrets.choice(alphabet) for _ in range(4)) for _ in range(3))


def _require_root() -> None:
    if os.geteuid() != 0:
        raise HubError(t("classroom.hub.not_root"))


# -- the shared environment ----------------------------------------------------------------


def shared_python() -> Path:
    """A Python 3.11+ that every account may run, to build the shared environment from.

    The project's own ``.venv`` often points into ``/root`` (pyenv), which other accounts
    cannot enter; Debian's ``/usr/bin/python3`` can be used by all.
    """
    minor = sys.version_info.minor
    candidates = [
        Path(getattr(sys, "_base_executable", sys.executable)),
        Path(f"/usr/bin/python3.{minor}"),
        Path("/usr/bin/python3"),
    ]
    for candidate in candidates:
        if candidate.exists() and _world_usable(candidate):
            version = _run([candidate, "-c", "import sys, venv; print(sys.version_info[1])"])
            if int(version.stdout) >= 11:
                return candidate
    raise HubError(t("classroom.hub.no_python"))


def _source_stamp(repo: Path) -> str:
    """A hash of everything that goes into the shared environment."""
    digest = hashlib.sha256()
    files = [repo / "pyproject.toml", *sorted((repo / "course" / "hub").glob("package*.json"))]
    files += sorted(
        p for p in (repo / "cjmlib").rglob("*") if p.is_file() and "__pycache__" not in p.parts
    )
    for path in files:
        digest.update(str(path.relative_to(repo)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def install_environment(env: Path, repo: Path, *, log: bool = False) -> bool:
    """Install the course and JupyterHub into ``env`` for every account; False if current.

    ``pip install .`` from a clean copy of ``repo`` (so the repository gets no build
    folder) into ``env/venv``, made from :func:`shared_python`; ``npm ci`` of the proxy
    into ``env/proxy``. Skipped when ``env`` was built from the same sources.
    """
    stamp_file = env / "stamp"
    stamp = _source_stamp(repo)
    python = env / "venv" / "bin" / "python"
    if python.exists() and stamp_file.exists() and stamp_file.read_text() == stamp:
        return False
    if shutil.which("npm") is None:
        raise HubError(t("classroom.hub.no_npm"))
    if log:
        print(t("classroom.hub.installing", env=env), flush=True)
    base = shared_python()
    env.mkdir(parents=True, exist_ok=True)
    env.chmod(0o755)
    for part in ("venv", "proxy"):
        shutil.rmtree(env / part, ignore_errors=True)
    with tempfile.TemporaryDirectory(prefix="cjm-quelle-") as tmp:
        source = Path(tmp) / "cjm-werkstatt"
        shutil.copytree(repo, source, ignore=SOURCE_IGNORE)
        _run([base, "-m", "venv", env / "venv"])
        _run(
            [
                python,
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                f"{source}[hub]",
            ]
        )
    proxy = env / "proxy"
    proxy.mkdir()
    for name in ("package.json", "package-lock.json"):
        shutil.copy(repo / "course" / "hub" / name, proxy / name)
    _run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=proxy)
    _run(["chmod", "-R", "a+rX", env])
    stamp_file.write_text(stamp)
    return True


# -- Jupyter configuration per role -----------------------------------------------------------


def write_role_config(
    folder: Path, role: Role, *, exchange: Path | None = None, course_id: str = COURSE_ID
) -> Path:
    """Write the Jupyter configuration of ``role`` into ``folder``; return ``folder``.

    A server started with ``JUPYTER_CONFIG_PATH=folder`` reads it before every other
    configuration (also before the environment's, which in a venv outranks ``~/.jupyter``).
    It switches nbgrader's server extensions and lab plugins on or off for the role and,
    with ``exchange``, tells nbgrader where the exchange is (students also the course id).
    """
    enabled = ENABLED[role]
    server = {f"nbgrader.server_extensions.{n}": n in enabled for n in SERVER_EXTENSIONS}
    lab = {f"@jupyter/nbgrader:{n}": n not in enabled for n in LAB_PLUGINS}
    lab.update(dict.fromkeys(QUIET_PLUGINS, True))
    (folder / "jupyter_server_config.d").mkdir(parents=True, exist_ok=True)
    (folder / "labconfig").mkdir(parents=True, exist_ok=True)
    (folder / "jupyter_server_config.d" / "cjm-werkstatt-rolle.json").write_text(
        json.dumps({"ServerApp": {"jpserver_extensions": server}}, indent=2) + "\n"
    )
    (folder / "labconfig" / "page_config.json").write_text(
        json.dumps({"disabledExtensions": lab}, indent=2) + "\n"
    )
    if exchange is not None:
        lines = [
            f"# nbgrader for the role '{role}' of the class (written by cjmlib.grading.hub).",
            "c = get_config()  # noqa: F821",
            f"c.Exchange.root = {str(exchange)!r}",
        ]
        if role == "teilnehmende":
            lines.append(f"c.CourseDirectory.course_id = {course_id!r}")
        (folder / "nbgrader_config.py").write_text("\n".join(lines) + "\n")
    return folder


# -- accounts -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Account:
    """A Unix account of the class: an instructor or a student."""

    name: str
    password: str
    instructor: bool = False


def _entry(name: str) -> pwd.struct_passwd | None:
    try:
        return pwd.getpwnam(name)
    except KeyError:
        return None


def create_account(account: Account) -> Path:
    """Create ``account`` (home folder mode 700) and set its password; return the home."""
    entry = _entry(account.name)
    if entry is not None and entry.pw_gecos != MARKER:
        raise HubError(t("classroom.hub.user_exists", name=account.name))
    if entry is None:
        _run(
            ["useradd", "--create-home", "--shell", "/bin/bash", "--comment", MARKER, account.name]
        )
        entry = pwd.getpwnam(account.name)
    home = Path(entry.pw_dir)
    home.chmod(0o700)  # Debian's useradd makes homes 755: classmates could read each other's work
    _run(["chpasswd"], input=f"{account.name}:{account.password}\n")
    return home


#: How often :func:`remove_account` looks for the account's processes and ends them.
END_ROUNDS = 5


def _processes_of(uid: int) -> list[int]:
    pids = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            lines = status.read_text().splitlines()
        except OSError:
            continue
        uids = next((line.split()[1:] for line in lines if line.startswith("Uid:")), [])
        if str(uid) in uids:
            pids.append(int(status.parent.name))
    return pids


def _end(pids: list[int], timeout: float = 10) -> None:
    """SIGTERM ``pids``, then SIGKILL whatever is still there after ``timeout`` seconds."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for pid in pids:
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for pid in pids:
                try:  # reap it if it is our child (the hub), so it leaves no zombie
                    os.waitpid(pid, os.WNOHANG)
                except ChildProcessError:
                    pass
            pids = [p for p in pids if Path(f"/proc/{p}").exists() and not _zombie(p)]
            if not pids:
                return
            time.sleep(0.2)


def _zombie(pid: int) -> bool:
    try:
        return " Z " in Path(f"/proc/{pid}/stat").read_text().split(")", 1)[1][:4]
    except OSError:
        return False


def remove_account(name: str) -> None:
    """End every process of ``name`` and delete the account with its home folder.

    Only accounts this module created (comment :data:`MARKER`) are removed.
    """
    entry = _entry(name)
    if entry is None:
        return
    if entry.pw_gecos != MARKER:
        raise HubError(t("classroom.hub.user_exists", name=name))
    # A process may start another while it is being ended (a server restarting its
    # kernel, a shell's trap): look again until nothing of the account is left running.
    for _round in range(END_ROUNDS):
        running = [pid for pid in _processes_of(entry.pw_uid) if not _zombie(pid)]
        if not running:
            break
        _end(running)
    subprocess.run(["userdel", "--remove", name], capture_output=True, text=True)
    if _entry(name) is not None:
        raise HubError(t("classroom.hub.user_not_removed", name=name))
    shutil.rmtree(entry.pw_dir, ignore_errors=True)


# -- the class ----------------------------------------------------------------------------


@dataclass
class Classroom:
    """One class: its accounts, folders, and (once started) its hub."""

    root: Path
    env: Path
    accounts: tuple[Account, ...]
    course_id: str = COURSE_ID
    port: int = 0
    ports: dict[str, int] = field(default_factory=dict)
    hub_pid: int | None = None

    # -- construction and state ----------------------------------------------------------

    @classmethod
    def demo(cls, root: Path = DEMO_ROOT, env: Path = DEMO_ENV, port: int = 0) -> Classroom:
        """The demo class of ``make classroom``: one instructor, three students."""
        names = DEMO_NAMES
        teacher = Account(names[0], _password(), instructor=True)
        accounts = (teacher, *(Account(name, _password()) for name in names[1:]))
        return cls(root=root, env=env, accounts=accounts, port=port)

    @classmethod
    def load(cls, root: Path) -> Classroom:
        data = json.loads((root / "klasse.json").read_text())
        return cls(
            root=Path(data["root"]),
            env=Path(data["env"]),
            accounts=tuple(Account(**a) for a in data["accounts"]),
            course_id=data["course_id"],
            port=data["port"],
            ports=data["ports"],
            hub_pid=data["hub_pid"],
        )

    def save(self) -> None:
        data = asdict(self)
        data["root"], data["env"] = str(self.root), str(self.env)
        path = self.root / "klasse.json"
        path.touch(mode=0o600)  # it holds the passwords
        path.write_text(json.dumps(data, indent=2))

    # -- where things are -------------------------------------------------------------------

    @property
    def instructor(self) -> Account:
        return next(a for a in self.accounts if a.instructor)

    @property
    def students(self) -> list[Account]:
        return [a for a in self.accounts if not a.instructor]

    @property
    def exchange(self) -> Path:
        return self.root / "exchange"

    @property
    def state(self) -> Path:
        return self.root / "state"

    @property
    def log(self) -> Path:
        return self.state / "jupyterhub.log"

    def role_dir(self, account: Account) -> Path:
        return self.root / "roles" / ("lehrende" if account.instructor else "teilnehmende")

    def home(self, account: Account) -> Path:
        return Path(pwd.getpwnam(account.name).pw_dir)

    @property
    def course_dir(self) -> Path:
        return self.home(self.instructor) / COURSE_ID

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def account(self, name: str) -> Account:
        return next(a for a in self.accounts if a.name == name)

    # -- set up ------------------------------------------------------------------------------

    def setup(self, repo: Path) -> None:
        """Accounts, exchange, role configurations and the instructor's course."""
        _require_root()
        self.root.mkdir(parents=True, exist_ok=True)
        self.root.chmod(0o755)
        self.state.mkdir(exist_ok=True)
        self.state.chmod(0o700)
        self.save()
        for account in self.accounts:
            create_account(account)
        teacher = pwd.getpwnam(self.instructor.name)
        # nbgrader documents the exchange as writable by everybody; the sticky bit keeps
        # students from removing what others put there, and the course folder is made for
        # the instructor now, so no student can create it first and own it.
        self.exchange.mkdir(exist_ok=True)
        self.exchange.chmod(0o1777)
        course_exchange = self.exchange / self.course_id
        course_exchange.mkdir(exist_ok=True)
        course_exchange.chmod(0o755)
        os.chown(course_exchange, teacher.pw_uid, teacher.pw_gid)
        for account in self.accounts:
            role: Role = "lehrende" if account.instructor else "teilnehmende"
            write_role_config(
                self.role_dir(account), role, exchange=self.exchange, course_id=self.course_id
            )
        _run(["chmod", "-R", "a+rX", self.root / "roles"])
        self.install_course(repo / "course")

    def install_course(self, source: Path) -> None:
        """Copy the course to the instructor's home and point their nbgrader at it."""
        teacher = pwd.getpwnam(self.instructor.name)
        shutil.rmtree(self.course_dir, ignore_errors=True)
        shutil.copytree(source, self.course_dir, ignore=COURSE_IGNORE)
        jupyter = Path(teacher.pw_dir) / ".jupyter"
        jupyter.mkdir(exist_ok=True)
        (jupyter / "nbgrader_config.py").write_text(
            "# Where the formgrader finds the course (nbgrader reads the course's own\n"
            "# nbgrader_config.py from there).\n"
            "c = get_config()  # noqa: F821\n"
            f"c.CourseDirectory.root = {str(self.course_dir)!r}\n"
        )
        for path in (self.course_dir, jupyter):
            _run(["chown", "-R", f"{teacher.pw_uid}:{teacher.pw_gid}", path])

    # -- the hub -------------------------------------------------------------------------------

    def hub_environment(self) -> dict[str, str]:
        return {
            "PATH": f"{self.env / 'venv' / 'bin'}:{SYSTEM_PATH}",
            "LANG": "C.UTF-8",
            "CJM_HUB_ENV": str(self.env),
            "CJM_HUB_ROLES": str(self.root / "roles"),
            "CJM_HUB_STATE": str(self.state),
            "CJM_HUB_INSTRUCTORS": self.instructor.name,
            "CJM_HUB_STUDENTS": " ".join(a.name for a in self.students),
            "CJM_HUB_URL": self.url,
            "CJM_HUB_PORT_HUB": str(self.ports["hub"]),
            "CJM_HUB_PORT_API": str(self.ports["api"]),
        }

    def start(self, config: Path, timeout: float = 120) -> None:
        """Start JupyterHub with ``config`` and wait until it answers."""
        _require_root()
        self.port = self.port or free_port()
        self.ports = {"hub": free_port(), "api": free_port()}
        with self.log.open("ab") as log:
            proc = subprocess.Popen(
                [str(self.env / "venv" / "bin" / "jupyterhub"), "-f", str(config)],
                cwd=self.state,
                env=self.hub_environment(),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # Ctrl-C in the terminal reaches us, and we stop it
            )
        self.hub_pid = proc.pid
        self.save()
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(f"{self.url}/hub/api", timeout=2) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise HubError(t("classroom.hub.hub_failed", log=self.log, tail=self.log_tail()))
            time.sleep(0.5)

    def log_tail(self, chars: int = 3000) -> str:
        try:
            return self.log.read_text(errors="replace")[-chars:]
        except OSError:
            return ""

    def hub_running(self) -> bool:
        return self.hub_pid is not None and _alive(self.hub_pid, "jupyterhub")

    def stop(self) -> None:
        """Stop the hub; it stops every user's server and the proxy on its way out."""
        if self.hub_pid is not None and _alive(self.hub_pid, "jupyterhub"):
            _end([self.hub_pid], timeout=60)
        proxy_pid = self.state / "proxy.pid"
        if proxy_pid.exists():
            pid = int(proxy_pid.read_text().strip() or 0)
            if pid and _alive(pid, "configurable-http-proxy"):
                _end([pid])
        self.hub_pid = None

    def teardown(self, *, remove_env: bool = False) -> list[str]:
        """Stop the hub, remove the accounts and the class folder; return what failed."""
        problems = []
        try:
            self.stop()
        except Exception as error:  # keep going: the accounts must go in any case
            problems.append(str(error))
        for account in self.accounts:
            try:
                remove_account(account.name)
            except Exception as error:
                problems.append(str(error))
        shutil.rmtree(self.root, ignore_errors=True)
        if remove_env:
            shutil.rmtree(self.env, ignore_errors=True)
        return problems

    # -- acting as an account ----------------------------------------------------------------

    def user_environment(self, account: Account) -> dict[str, str]:
        """The environment a terminal of ``account``'s hub server has."""
        return {
            "HOME": str(self.home(account)),
            "USER": account.name,
            "LOGNAME": account.name,
            "PATH": f"{self.env / 'venv' / 'bin'}:/usr/local/bin:/usr/bin:/bin",
            "LANG": "C.UTF-8",
            "JUPYTER_CONFIG_PATH": str(self.role_dir(account)),
        }

    def run_as(
        self, account: Account, args: Sequence[str], cwd: Path | None = None, timeout: float = 900
    ) -> subprocess.CompletedProcess[str]:
        """Run ``args`` as ``account`` (``runuser``), with its hub terminal's environment."""
        env = [f"{k}={v}" for k, v in self.user_environment(account).items()]
        return subprocess.run(
            ["runuser", "-u", account.name, "--", "env", "-i", *env, *args],
            cwd=cwd or self.home(account),
            capture_output=True,
            text=True,
            timeout=timeout,
        )


def _alive(pid: int, name: str) -> bool:
    """Is ``pid`` running and is it ``name`` (and not a new process that got the number)?"""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return False
    return name in cmdline and not _zombie(pid)


# -- command line -----------------------------------------------------------------------------


def _welcome(room: Classroom) -> Iterator[str]:
    yield t("classroom.hub.ready", url=room.url)
    for account in room.accounts:
        role = t(
            "classroom.hub.role_instructor" if account.instructor else "classroom.hub.role_student"
        )
        yield t("classroom.hub.account", name=account.name, password=account.password, role=role)
    yield t(
        "classroom.hub.next_steps",
        course=room.course_dir,
        formgrader=f"{room.url}/user/{room.instructor.name}/formgrader",
    )
    yield t("classroom.hub.how_to_stop")


def _start(args: argparse.Namespace) -> int:
    _require_root()
    repo = Path(args.repo).resolve()
    root = Path(args.root)
    if (root / "klasse.json").exists():
        print(t("classroom.hub.already_running", root=root), file=sys.stderr)
        return 1
    install_environment(Path(args.env), repo, log=True)
    room = Classroom.demo(root=root, env=Path(args.env), port=args.port)
    stop = {"now": False}

    def _stop(signum: int, frame: object) -> None:
        stop["now"] = True

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    try:
        room.setup(repo)
        room.start(repo / "course" / "hub" / "jupyterhub_config.py")
        print("\n".join(_welcome(room)), flush=True)
        while not stop["now"] and room.hub_running():
            time.sleep(0.5)
        if not stop["now"] and (room.root / "klasse.json").exists():
            print(t("classroom.hub.hub_died", log=room.log, tail=room.log_tail()), file=sys.stderr)
    except HubError as error:
        print(error, file=sys.stderr)
        return_code = 1
    else:
        return_code = 0
    finally:
        print(t("classroom.hub.stopping"), flush=True)
        problems = room.teardown()
        for problem in problems:
            print(problem, file=sys.stderr)
        print(t("classroom.hub.stopped"), flush=True)
    return return_code


def _stop_command(args: argparse.Namespace) -> int:
    _require_root()
    root = Path(args.root)
    if not (root / "klasse.json").exists():
        print(t("classroom.hub.nothing_running", root=root))
        return 0
    problems = Classroom.load(root).teardown()
    for problem in problems:
        print(problem, file=sys.stderr)
    print(t("classroom.hub.stopped"))
    return 1 if problems else 0


def _roles(args: argparse.Namespace) -> int:
    folder = Path(args.folder)
    exchange = Path(args.exchange).resolve() if args.exchange else None
    for role in ("selbstlernende", "lehrende"):
        write_role_config(folder / role, role, exchange=exchange)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m cjmlib.grading.hub",
        description=t("classroom.hub.cli_description"),
    )
    sub = parser.add_subparsers(dest="command", required=True)
    start = sub.add_parser("start", help=t("classroom.hub.cli_start"))
    start.add_argument("--root", default=str(DEMO_ROOT), help=t("classroom.hub.cli_root"))
    start.add_argument("--env", default=str(DEMO_ENV), help=t("classroom.hub.cli_env"))
    start.add_argument("--port", type=int, default=0, help=t("classroom.hub.cli_port"))
    start.add_argument("--repo", default=".", help=t("classroom.hub.cli_repo"))
    stop = sub.add_parser("stop", help=t("classroom.hub.cli_stop"))
    stop.add_argument("--root", default=str(DEMO_ROOT), help=t("classroom.hub.cli_root"))
    roles = sub.add_parser("roles", help=t("classroom.hub.cli_roles"))
    roles.add_argument("folder")
    roles.add_argument("--exchange", default=None, help=t("classroom.hub.cli_exchange"))
    args = parser.parse_args(argv)
    try:
        return {"start": _start, "stop": _stop_command, "roles": _roles}[args.command](args)
    except HubError as error:
        print(error, file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
