"""The bubblewrap jail a grading kernel runs in: what it sees, who it is, what it may do.

:class:`Jail` turns a description of the jail into a ``bwrap`` command line:

- private PID, IPC, network (only a loopback of its own), UTS and mount namespaces,
  ``--die-with-parent`` and ``--new-session``; when the last process of the kernel
  ends, the PID namespace ends and takes every process the trainee started with it;
- a read-only view of the system (``/usr`` and the ``/lib*``/``/bin`` links), of a few
  harmless files of ``/etc``, of the Python installation the kernel runs on and of the
  ``cjmlib`` package directory, each at its usual path; nothing else of the host;
- writable: only the submission's scratch copy (``/home/abgabe/<übung>``, also ``HOME``),
  ``/tmp`` (both folders of the scratch area, never ``autograded/``) and the socket folder
  ``/run/kernel`` the grader talks to the kernel through;
- an environment written from scratch (:func:`kernel_environment`), never a filtered
  copy of the grader's;
- when the grader runs as root, the kernel runs as an unprivileged uid without any
  capability (``setpriv``); otherwise it keeps the grader's uid inside a user namespace
  that cannot create further user namespaces.

:func:`sandbox_problem` tells, once per process, whether such a jail can be made here.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

__all__ = [
    "HOME",
    "HOSTNAME",
    "RUN",
    "TMP",
    "USER",
    "Jail",
    "kernel_environment",
    "python_paths",
    "sandbox_problem",
]

# Paths inside the jail.
HOME = "/home/abgabe"
TMP = "/tmp"
RUN = "/run/kernel"
USER = "abgabe"
HOSTNAME = "abgabe"

# System parts every Python process needs, read-only. /bin, /sbin and /lib* are links
# into /usr on current Debian and Ubuntu; on older systems they are folders.
_SYSTEM_DIRS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")
# Harmless files of /etc (no users, hosts, secrets): the linker cache, time zone,
# fonts and MIME types (charts, exports) and the links behind /usr/bin/* alternatives.
_ETC = (
    "/etc/ld.so.cache",
    "/etc/ld.so.conf",
    "/etc/ld.so.conf.d",
    "/etc/localtime",
    "/etc/timezone",
    "/etc/fonts",
    "/etc/mime.types",
    "/etc/alternatives",
    "/etc/nsswitch.conf",
)
# Threads of numeric libraries: one each, so a kernel's process count stays small and
# kernels graded side by side do not fight over the cores.
_ONE_THREAD = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS")


@dataclass(frozen=True)
class Jail:
    """Everything needed to start one command inside a fresh jail.

    ``home``, ``tmp`` and ``run`` are host folders bound writable at :data:`HOME`,
    :data:`TMP` and :data:`RUN`; ``etc`` is a host folder with the jail's own ``passwd``,
    ``group`` and ``hosts`` (bound read-only); ``read_only`` are host paths bound
    read-only at the same path. ``uid`` is the user the command runs as when the grader is
    root (``None``: keep the grader's user inside a user namespace).
    """

    home: Path
    tmp: Path
    run: Path
    etc: Path
    workdir: str
    read_only: tuple[Path, ...]
    env: Mapping[str, str]
    uid: int | None = None
    bwrap: str = "bwrap"
    shm_mb: int = 64
    extra_flags: tuple[str, ...] = field(default=())

    def command(self, inner: Sequence[str]) -> list[str]:
        """The ``bwrap`` command line that runs ``inner`` in this jail."""
        args = [self.bwrap, *namespace_flags(self.uid is None, self.bwrap)]
        args += ["--die-with-parent", "--new-session", "--hostname", HOSTNAME, "--clearenv"]
        for key, value in sorted(self.env.items()):
            args += ["--setenv", key, value]
        args += _system_mounts()
        args += ["--proc", "/proc", "--dev", "/dev"]
        args += ["--perms", "1777", "--size", str(self.shm_mb * 1024 * 1024), "--tmpfs", "/dev/shm"]
        # The writable folders first: a read-only path below one of them (a Python
        # environment under /tmp, say) is then mounted on top and stays visible, instead of
        # being hidden by the jail's own /tmp (the kernel would die before it starts).
        args += _parent_dirs([Path(HOME), Path(TMP), Path(RUN)])
        args += ["--bind", str(self.home), HOME, "--bind", str(self.tmp), TMP]
        args += ["--bind", str(self.run), RUN]
        args += _parent_dirs(self.read_only)
        for path in self.read_only:
            args += ["--ro-bind", str(path), str(path)]
        for name in ("passwd", "group", "hosts"):
            args += ["--ro-bind", str(self.etc / name), f"/etc/{name}"]
        args += [*self.extra_flags, "--remount-ro", "/", "--chdir", self.workdir, "--"]
        if self.uid is not None:
            args += drop_to(self.uid)
        return [*args, *inner]


def namespace_flags(user_namespace: bool, bwrap: str = "bwrap") -> list[str]:
    """Fresh namespaces for everything but the file system's users (see module doc)."""
    flags = ["--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts"]
    flags.append("--unshare-cgroup-try")
    if user_namespace:
        flags.append("--unshare-user")
        if _bwrap_version(bwrap) >= (0, 8):
            flags.append("--disable-userns")
    return flags


def drop_to(uid: int) -> list[str]:
    """``setpriv`` arguments: become ``uid`` with no groups, capabilities or new privileges."""
    setpriv = shutil.which("setpriv") or "/usr/bin/setpriv"
    return [
        setpriv,
        f"--reuid={uid}",
        f"--regid={uid}",
        "--clear-groups",
        "--inh-caps=-all",
        "--bounding-set=-all",
        "--no-new-privs",
        "--",
    ]


def kernel_environment(
    *, home: str, tmp: str, python: str, extra: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The complete environment of a grading kernel, written from scratch."""
    bindir = str(Path(python).parent)
    env = {
        "PATH": os.pathsep.join(dict.fromkeys([bindir, "/usr/local/bin", "/usr/bin", "/bin"])),
        "HOME": home,
        "TMPDIR": tmp,
        "USER": USER,
        "LOGNAME": USER,
        "LANG": "C.UTF-8",
        "PYTHONDONTWRITEBYTECODE": "1",
        "MPLBACKEND": "agg",
        # ipykernel's debugger otherwise warns about frozen modules on every start.
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
    }
    env.update(dict.fromkeys(_ONE_THREAD, "1"))
    env.update(extra or {})
    return env


def identity_files(folder: Path, uid: int) -> None:
    """Write the jail's ``passwd``, ``group`` and ``hosts`` (no names of the host's users)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "passwd").write_text(
        f"root:x:0:0:root:/root:/usr/sbin/nologin\n"
        f"{USER}:x:{uid}:{uid}:Abgabe:{HOME}:/usr/sbin/nologin\n"
    )
    (folder / "group").write_text(f"root:x:0:\n{USER}:x:{uid}:\n")
    (folder / "hosts").write_text(f"127.0.0.1 localhost {HOSTNAME}\n::1 localhost\n")


def python_paths(executable: str) -> list[Path]:
    """The folders a Python interpreter needs to run: its prefixes and its real binary."""
    if os.path.realpath(executable) == os.path.realpath(sys.executable):
        prefixes: Sequence[str] = (sys.prefix, sys.base_prefix, sys.exec_prefix)
    else:
        prefixes = _ask_prefixes(executable)
    paths = [Path(p) for p in prefixes]
    paths.append(Path(os.path.realpath(executable)).parent)
    return minimal_cover(p for p in paths if p.exists())


def package_path(module_file: str) -> Path:
    """The directory of a package (``cjmlib``), for an editable install outside the prefix."""
    return Path(module_file).resolve().parent


def minimal_cover(paths: Iterable[Path]) -> list[Path]:
    """``paths`` without duplicates and without paths inside another one of them."""
    unique = sorted({Path(os.path.abspath(p)) for p in paths}, key=lambda p: len(p.parts))
    kept: list[Path] = []
    for path in unique:
        if not any(path == k or k in path.parents for k in kept):
            kept.append(path)
    return sorted(kept)


@cache
def _ask_prefixes(executable: str) -> tuple[str, ...]:
    code = "import sys; print('\\n'.join([sys.prefix, sys.base_prefix, sys.exec_prefix]))"
    out = subprocess.run(
        [executable, "-I", "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    return tuple(out.stdout.split())


def _system_mounts() -> list[str]:
    args: list[str] = []
    for name in _SYSTEM_DIRS:
        path = Path(name)
        if path.is_symlink():
            args += ["--symlink", os.readlink(path), name]
        elif path.is_dir():
            args += ["--ro-bind", name, name]
    args += ["--perms", "0755", "--dir", "/etc"]  # bwrap would make it 0700
    for name in _ETC:
        if os.path.lexists(name):
            # /etc/localtime is a link into /usr/share/zoneinfo: bind what it points to.
            args += ["--ro-bind", os.path.realpath(name), name]
    return args


def _parent_dirs(targets: Iterable[Path]) -> list[str]:
    """Create every folder above the mount points as 0755: bwrap would make them 0700,
    and an unprivileged kernel could not walk through them to its own files."""
    parents: set[Path] = set()
    for target in targets:
        parents.update(p for p in Path(target).parents if p != Path("/"))
    args: list[str] = []
    for parent in sorted(parents, key=lambda p: (len(p.parts), str(p))):
        if parent.as_posix() in _SYSTEM_DIRS or parent == Path("/etc"):
            continue
        args += ["--perms", "0755", "--dir", str(parent)]
    return args


@cache
def _bwrap_version(bwrap: str) -> tuple[int, ...]:
    try:
        out = subprocess.run([bwrap, "--version"], capture_output=True, text=True, timeout=30)
    except OSError:
        return (0,)
    words = out.stdout.split()
    try:
        return tuple(int(x) for x in words[-1].split("."))
    except (IndexError, ValueError):
        return (0,)


@cache
def sandbox_problem(bwrap: str = "bwrap") -> str | None:
    """Why no jail can be made here (bwrap's own words), or ``None`` if one can."""
    found = shutil.which(bwrap)
    if found is None:
        return f"{bwrap}: not found"
    root = os.geteuid() == 0
    if root and shutil.which("setpriv") is None:
        return "setpriv: not found"
    cmd = [found, *namespace_flags(not root, found), "--die-with-parent", "--new-session"]
    cmd += [*_system_mounts(), "--proc", "/proc", "--dev", "/dev", "--"]
    if root:
        cmd += drop_to(65534)
    cmd += ["/bin/sh", "-c", "exit 0"]
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    except OSError as exc:
        return str(exc)
    if out.returncode != 0:
        return (out.stderr or out.stdout).strip() or f"exit code {out.returncode}"
    return None
