"""The grading kernel, started directly: its limits hold and its start-up stays quiet.

An instructor grading a class sees the kernel's stderr in the terminal once per
submission; only real errors belong there.
"""

from __future__ import annotations

import asyncio
import resource

from cjmlib.grading.sandbox import SandboxKernelManager


async def _run_in_sandbox(code: str, stderr_path) -> dict:
    km = SandboxKernelManager(kernel_name="python3", memory_limit_mb=1536, cpu_limit_s=120)
    with open(stderr_path, "wb") as err:
        # HOME becomes the working folder, as for a submission in autograded/.
        await km.start_kernel(stderr=err, cwd=str(stderr_path.parent))
    kc = km.client()
    kc.start_channels()
    try:
        await kc.wait_for_ready(timeout=60)
        reply = await kc.execute_interactive(
            code, user_expressions={"limit": "limit", "home": "home"}, timeout=60
        )
        return reply["content"]
    finally:
        kc.stop_channels()
        await km.shutdown_kernel(now=True)


def test_does_the_grading_kernel_run_under_its_limits_without_startup_noise(tmp_path):
    code = (
        "import os, resource\n"
        "limit = resource.getrlimit(resource.RLIMIT_AS)[0]\n"
        "home = os.environ['HOME']"
    )
    content = asyncio.run(_run_in_sandbox(code, tmp_path / "stderr.txt"))

    assert content["status"] == "ok"
    values = {k: v["data"]["text/plain"] for k, v in content["user_expressions"].items()}
    assert int(values["limit"]) == 1536 * 1024 * 1024 != resource.RLIM_INFINITY
    assert values["home"].strip("'") == str(tmp_path)
    stderr = (tmp_path / "stderr.txt").read_text(errors="replace")
    assert "without encryption" not in stderr, stderr
    assert "WARNING" not in stderr, stderr
