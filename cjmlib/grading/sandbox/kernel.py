"""How a grading kernel process is started: through a wrapper that sets its limits first."""

from __future__ import annotations

import argparse
import os
import re
import sys

from jupyter_client.manager import AsyncKernelManager
from traitlets import Integer

from cjmlib.grading.sandbox.limits import apply_limits

__all__ = ["SandboxKernelManager", "clean_environment", "main"]

_SECRET = re.compile(r"TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL|_KEY$|^KEY|API_?KEY", re.I)


class SandboxKernelManager(AsyncKernelManager):
    """Start the kernel through :func:`main`, which applies the limits first."""

    memory_limit_mb = Integer(
        3072, help="Address-space limit of the kernel in MiB (0 = none)."
    ).tag(config=True)
    cpu_limit_s = Integer(600, help="CPU seconds for the whole notebook (0 = none).").tag(
        config=True
    )
    file_limit_mb = Integer(100, help="Largest file the kernel may write, in MiB (0 = none).").tag(
        config=True
    )

    def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
        cmd = super().format_kernel_cmd(extra_arguments)
        if any("ipykernel" in part for part in cmd):
            # ipykernel 7 warns on every start that its localhost TCP sockets are not
            # encrypted: one line per submission drowns the grader's own report. Errors
            # (a crashing kernel) still reach the instructor's terminal.
            cmd = [*cmd, "--IPKernelApp.log_level=ERROR"]
        return [
            sys.executable,
            "-m",
            "cjmlib.grading.sandbox",
            f"--memory-mb={self.memory_limit_mb}",
            f"--cpu-s={self.cpu_limit_s}",
            f"--file-mb={self.file_limit_mb}",
            "--",
            *cmd,
        ]


def clean_environment(env: dict[str, str], home: str) -> dict[str, str]:
    """Return ``env`` without secret-looking variables, with HOME/TMPDIR at ``home``."""
    kept = {k: v for k, v in env.items() if not _SECRET.search(k)}
    kept.update(HOME=home, TMPDIR=home)
    return kept


def main(argv: list[str] | None = None) -> None:
    """Kernel wrapper: ``python -m cjmlib.grading.sandbox [limits] -- <kernel cmd>``."""
    parser = argparse.ArgumentParser(prog="cjmlib.grading.sandbox")
    parser.add_argument("--memory-mb", type=int, default=3072)
    parser.add_argument("--cpu-s", type=int, default=600)
    parser.add_argument("--file-mb", type=int, default=100)
    parser.add_argument("cmd", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    cmd = args.cmd[1:] if args.cmd[:1] == ["--"] else args.cmd
    if not cmd:
        parser.error("no kernel command given")
    apply_limits(args.memory_mb, args.cpu_s, args.file_mb)
    env = clean_environment(dict(os.environ), os.getcwd())
    os.execvpe(cmd[0], cmd, env)


if __name__ == "__main__":
    main()
