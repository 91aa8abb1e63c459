"""How a grading kernel process is started, confined, limited and cleaned up.

:class:`SandboxKernelManager` is jupyter_client's kernel manager with four changes:

1. The kernel works in a scratch copy of the submission (:mod:`.scratch`), not in
   nbgrader's ``autograded/`` folder; the copy is deleted when the kernel is shut down.
2. It runs in a bubblewrap jail (:mod:`.jail`): no network, no view of the course,
   the gradebook, other submissions or the instructor's files, its own PID namespace.
   The grader talks to it over Unix sockets (``transport="ipc"``) in a folder bound into
   the jail, since a private network namespace cuts TCP on localhost. When the grader
   runs as root, the kernel runs as an unprivileged user of its own (one uid per grading
   process, so kernels graded side by side cannot touch each other).
3. ``prlimit`` sets memory, CPU, file-size and process limits first (:mod:`.limits`).
4. Interrupts are sent as ``interrupt_request`` messages: the kernel sits in its own
   session inside the jail, out of reach of signals to the launcher's process group.
   A kernel that ignores them is killed by :class:`~.execute.SandboxExecute`.

The kernel's stdout and stderr go to a file in the scratch area, never to the
instructor's terminal; :meth:`SandboxKernelManager.kernel_output` returns its end.

``use_sandbox = False`` (the explicit opt-out) keeps 1, 3 and 4 but runs the kernel
as the grader's own user, with its files, network and processes in reach.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import IO, Any

from jupyter_client.manager import AsyncKernelManager
from traitlets import Bool, CaselessStrEnum, Integer, TraitError, Unicode, validate
from traitlets.config import Application

import cjmlib
from cjmlib.grading.sandbox.jail import (
    HOME,
    RUN,
    TMP,
    Jail,
    kernel_environment,
    minimal_cover,
    package_path,
    python_paths,
    sandbox_problem,
)
from cjmlib.grading.sandbox.limits import Limits
from cjmlib.grading.sandbox.scratch import Scratch
from cjmlib.grading.sandbox.watchdog import Watchdog
from cjmlib.messages import t

__all__ = [
    "AUTO_UID_BASE",
    "SandboxKernelManager",
    "SandboxUnavailable",
    "stop_without_sandbox",
]

# Kernels of a root grader run as AUTO_UID_BASE + (pid of the grading process): far above
# the uids of real users and of systemd/container ranges, and different for every
# grading process, so that RLIMIT_NPROC counts one kernel's processes only.
AUTO_UID_BASE = 0x70000000
_PID_SPAN = 0x400000  # Linux's largest pid_max
# Variables of the grader that the kernel may see (nbgrader marks autograding with it).
_PASSED_ON = ("NBGRADER_EXECUTION",)
_SYSTEM = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")


class SandboxUnavailable(RuntimeError):
    """No jail can be made on this machine; the message says how to install one."""

    def __init__(self, detail: str, bwrap: str = "bwrap") -> None:
        key = "sandbox.missing" if detail.endswith("not found") else "sandbox.broken"
        super().__init__(t(key, bwrap=bwrap))
        self.detail = detail


class SandboxKernelManager(AsyncKernelManager):
    """Start every kernel in a scratch copy, in a jail, under limits (see module doc)."""

    memory_limit_mb = Integer(
        3072, help="Address-space limit of the kernel in MiB (0 = none)."
    ).tag(config=True)
    cpu_limit_s = Integer(600, help="CPU seconds for the whole notebook (0 = none).").tag(
        config=True
    )
    file_limit_mb = Integer(100, help="Largest file the kernel may write, in MiB (0 = none).").tag(
        config=True
    )
    process_limit = Integer(
        256, help="Processes and threads the kernel's user may have (0 = none)."
    ).tag(config=True)
    jail_memory_mb = Integer(
        -1,
        help="Memory (PSS) of all processes in the jail together, in MiB; the jail is "
        "killed above it (-1: memory_limit_mb, 0: none).",
    ).tag(config=True)
    disk_limit_mb = Integer(
        1024, help="Disk space of the kernel's scratch area in MiB; killed above it (0: none)."
    ).tag(config=True)
    use_sandbox = Bool(
        True,
        help="Run every kernel in the bubblewrap jail. False runs student code with the "
        "grader's rights (files, network, processes): only for trying things out, never "
        "for real submissions. A warning is logged for every submission.",
    ).tag(config=True)
    sandbox_uid = Integer(
        -1,
        help="User id the kernel runs as when the grader is root (-1: a fresh uid per "
        "grading process, from 0x70000000 up). Never 0.",
    ).tag(config=True)
    bwrap = Unicode("bwrap", help="The bubblewrap command.").tag(config=True)
    scratch_dir = Unicode(
        "", help="Folder for the kernels' scratch copies (default: the system's temp folder)."
    ).tag(config=True)
    transport = CaselessStrEnum(["tcp", "ipc"], default_value="ipc", config=True)

    _scratch: Scratch | None = None
    _workdir = ""
    _log_file: IO[bytes] | None = None
    _watchdog: Watchdog | None = None

    @validate("sandbox_uid")
    def _no_root(self, proposal: dict[str, Any]) -> int:
        if proposal["value"] == 0:
            raise TraitError("SandboxKernelManager.sandbox_uid must not be 0 (root)")
        return int(proposal["value"])

    def limits(self) -> Limits:
        return Limits(
            memory_mb=self.memory_limit_mb,
            cpu_s=self.cpu_limit_s,
            file_mb=self.file_limit_mb,
            processes=self.process_limit,
        )

    def kernel_uid(self) -> int | None:
        """The uid the jailed kernel runs as; None: the grader's own (not root) uid."""
        if not self.use_sandbox or os.geteuid() != 0:
            return None
        if self.sandbox_uid > 0:
            return int(self.sandbox_uid)
        return AUTO_UID_BASE + os.getpid() % _PID_SPAN

    def check_sandbox(self) -> None:
        """Raise :class:`SandboxUnavailable` if the jail is wanted but cannot be made."""
        if self.use_sandbox:
            problem = sandbox_problem(self.bwrap)
            if problem is not None:
                raise SandboxUnavailable(problem, self.bwrap)

    def limit_exceeded(self) -> str | None:
        """ "memory" or "disk" if the watchdog killed the jail, else None."""
        return self._watchdog.tripped if self._watchdog else None

    def lock_sockets(self) -> None:
        """Once the kernel listens, take its socket folder away from it (grader is root).

        The grader reconnects to the socket *paths* if a connection drops; a kernel that
        could replace them with links would make the grader connect elsewhere as root.
        Without root the kernel has the grader's own uid and this cannot be enforced.
        """
        if self._scratch is not None and self.kernel_uid() is not None:
            os.chown(self._scratch.run, os.geteuid(), os.getegid())
            self._scratch.run.chmod(0o755)

    def kernel_output(self) -> str:
        """The end of what the kernel wrote to stdout/stderr (for crash reports)."""
        return self._scratch.log_tail() if self._scratch else ""

    async def _async_pre_start_kernel(self, **kw: Any) -> tuple[list[str], dict[str, Any]]:
        self.check_sandbox()
        self._stop_watchdog()
        if self._scratch is None:  # a restart keeps the scratch area and its sockets
            submission = Path(kw.get("cwd") or os.getcwd())
            self._scratch, self._workdir = Scratch.create(
                submission, uid=self.kernel_uid(), parent=self.scratch_dir or None
            )
        scratch = self._scratch
        self.connection_file = str(scratch.connection_file)
        self.ip = str(scratch.run / "kernel-ipc")
        self._log_file = open(scratch.log, "ab")  # closed after the launch
        kw.update(stdin=subprocess.DEVNULL, stdout=self._log_file, stderr=self._log_file)
        if self.use_sandbox:
            kw["cwd"] = str(scratch.root)
            kw["env"] = {"PATH": "/usr/bin:/bin"}  # bwrap's own; the kernel's is --setenv
        else:
            kw["cwd"] = str(scratch.workdir(self._workdir))
            kw["env"] = self._environment(str(scratch.home), str(scratch.tmp))
        assert self.kernel_spec is not None
        self.kernel_spec.interrupt_mode = "message"
        return await super()._async_pre_start_kernel(**kw)

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: Any) -> None:
        try:
            await super()._async_launch_kernel(kernel_cmd, **kw)
        finally:
            if self._log_file is not None:
                self._log_file.close()
                self._log_file = None
        pid = getattr(self.provisioner, "pid", None)
        if self.use_sandbox and pid is not None and self._scratch is not None:
            memory = self.memory_limit_mb if self.jail_memory_mb < 0 else self.jail_memory_mb
            self._watchdog = Watchdog(
                pid, memory_mb=memory, scratch=self._scratch.root, disk_mb=self.disk_limit_mb
            )

    def _stop_watchdog(self) -> None:
        if self._watchdog is not None:
            self._watchdog.stop()
            self._watchdog = None

    def write_connection_file(self, **kwargs: Any) -> None:
        """Also write the kernel's own view of the connection file (socket paths in RUN)."""
        super().write_connection_file(**kwargs)
        if not self.use_sandbox or self._scratch is None:
            return
        info = json.loads(Path(self.connection_file).read_text())
        info["ip"] = f"{RUN}/kernel-ipc"
        inside = self._scratch.run / "kernel.json"
        inside.write_text(json.dumps(info))
        inside.chmod(0o600)
        uid = self.kernel_uid()
        if uid is not None:
            os.chown(inside, uid, uid)

    def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
        cmd = super().format_kernel_cmd(extra_arguments)
        if any("ipykernel" in part for part in cmd):
            # ipykernel 7 warns on every start that its sockets are not encrypted: noise.
            cmd = [*cmd, "--IPKernelApp.log_level=ERROR"]
        inner = [*self.limits().prlimit(), *cmd]
        if not self.use_sandbox:
            return inner
        assert self._scratch is not None
        host_file = os.path.realpath(self.connection_file)
        inner = [f"{RUN}/kernel.json" if part == host_file else part for part in inner]
        jail = Jail(
            home=self._scratch.home,
            tmp=self._scratch.tmp,
            run=self._scratch.run,
            etc=self._scratch.etc,
            workdir=f"{HOME}/{self._workdir}",
            read_only=tuple(self._read_only(cmd[0])),
            env=self._environment(HOME, TMP, python=cmd[0]),
            uid=self.kernel_uid(),
            bwrap=shutil.which(self.bwrap) or self.bwrap,
        )
        return jail.command(inner)

    def _environment(self, home: str, tmp: str, python: str | None = None) -> dict[str, str]:
        passed = {k: os.environ[k] for k in _PASSED_ON if k in os.environ}
        return kernel_environment(home=home, tmp=tmp, python=python or sys.executable, extra=passed)

    @staticmethod
    def _read_only(python: str) -> list[Path]:
        """The Python installation and the cjmlib package; never the repository around it."""
        paths = minimal_cover([*python_paths(python), package_path(cjmlib.__file__)])
        return [p for p in paths if not any(p == Path(s) or Path(s) in p.parents for s in _SYSTEM)]

    def discard_scratch(self) -> None:
        """Stop the watchdog and delete the scratch area now; safe to call more than once.

        Also for a kernel that never started: nbclient then has no kernel to shut down,
        and the submission's copy would otherwise stay in the temp folder.
        """
        if self._watchdog is not None:
            self._watchdog.stop()  # keeps .tripped for the report; the thread is over
        if self._scratch is not None:
            scratch, self._scratch = self._scratch, None
            scratch.remove()

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        try:
            await super()._async_cleanup_resources(restart=restart)
        finally:
            if not restart:
                self.discard_scratch()


def stop_without_sandbox(**_: Any) -> None:
    """nbgrader ``pre_convert_hook`` (course config): stop ``nbgrader autograde`` at once
    if the jail is wanted but cannot be made here.

    It runs before nbgrader touches the submission or the gradebook. It raises
    ``SystemExit`` because nbgrader turns any ``Exception`` into a failure of one student
    and goes on with the next, which would put an empty, "graded" submission of every
    student into the gradebook. Outside ``nbgrader autograde`` (the formgrader, the
    parallel grader, which checks before it starts) it does nothing:
    :class:`~.execute.SandboxExecute` refuses each submission there instead.
    """
    from nbgrader.apps import AutogradeApp

    if not Application.initialized() or not isinstance(Application.instance(), AutogradeApp):
        return
    app = Application.instance()
    try:
        SandboxKernelManager(config=app.config).check_sandbox()
    except SandboxUnavailable as exc:
        app.log.error("bubblewrap: %s", exc.detail)
        app.log.error("%s", exc)
        raise SystemExit(1) from None
