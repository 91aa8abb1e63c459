"""Does the formgrader in JupyterLab list the course's assignments? (headless Chromium)"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from cjmlib.grading import classroom

CHROMIUM = "/usr/bin/chromium"
SHOTS = Path("/tmp/grading_review")
NAMES = ["03_beduerfnisse", "08_loesungen"]

pytestmark = pytest.mark.browser


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    if (
        not Path(CHROMIUM).exists()
        or shutil.which("jupyter", path=str(Path(sys.executable).parent)) is None
    ):
        pytest.skip("chromium or jupyter missing")
    course = classroom.make_course(tmp_path_factory.mktemp("fg") / "course", NAMES)
    port, token = _free_port(), "cjm-test-token"
    exchange = course.parent / "exchange"
    exchange.mkdir()
    exchange.chmod(0o777)  # nbgrader wants a world-writable exchange
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "JUPYTER_CONFIG_DIR": str(course.parent / "jupyter_config"),
        "CJM_EXCHANGE": str(exchange),
    }
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jupyter",
            "lab",
            "--no-browser",
            f"--port={port}",
            f"--ServerApp.token={token}",
            f"--ServerApp.root_dir={course}",
            "--ServerApp.open_browser=False",
            "--allow-root",
        ],
        cwd=course,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("JupyterLab did not start")
        yield base, token
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


def test_does_the_formgrader_list_every_assignment(lab):
    from playwright.sync_api import sync_playwright

    base, token = lab
    SHOTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            page.goto(
                f"{base}/formgrader/manage_assignments?token={token}",
                wait_until="domcontentloaded",
                timeout=60_000,
            )
            for name in NAMES:
                page.get_by_text(name, exact=True).first.wait_for(timeout=60_000)
            page.screenshot(path=str(SHOTS / "formgrader_assignments.png"), full_page=True)
            rows = page.locator("table tbody tr")
            listed = [rows.nth(i).inner_text() for i in range(rows.count())]
            warning = page.get_by_text("does not exist and could not be created").count()
        finally:
            browser.close()
    for name in NAMES:
        assert any(name in row for row in listed), listed
    assert not warning, "the formgrader should find the exchange folder"
