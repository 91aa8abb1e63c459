"""`make lab` and `make lab-lehrende` as a person types them: which nbgrader tools appear?

Trainees (`make lab`) see no nbgrader menu and no formgrader, also when they open
`course/` (before, they met a formgrader "with no course" and "exchange directory ...
does not exist"); instructors (`make lab-lehrende`) get the formgrader on the course.
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests._browser import CHROMIUM, chromium, free_port

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[1]
SHOTS = Path("/tmp/grading_review")


@contextmanager
def make_target(target: str, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """Run `make <target>` on a free port; yield (base URL, token) once it answers."""
    if not Path(CHROMIUM).exists():
        pytest.skip("chromium missing")
    port, token = free_port(), secrets.token_hex(12)
    env = {
        **os.environ,
        "JUPYTER_TOKEN": token,
        "JUPYTER_CONFIG_DIR": str(tmp_path / "jupyter_config"),
        "BROWSER": "true",  # no browser window from a test
    }
    env.pop("CJM_EXCHANGE", None)
    log_path = tmp_path / f"{target}.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            ["make", "--no-print-directory", target, f"PORT={port}"],
            cwd=REPO,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 180
            while True:
                try:
                    with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2):
                        break
                except OSError:
                    if proc.poll() is not None or time.monotonic() > deadline:
                        pytest.fail(f"make {target} did not start:\n{log_path.read_text()[-3000:]}")
                    time.sleep(0.5)
            yield base, token
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def _menus_and_statuses(
    base: str, token: str, shot: str, folder: str = ""
) -> tuple[list[str], dict[str, int]]:
    SHOTS.mkdir(exist_ok=True)
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1366, "height": 800})
        page.goto(f"{base}/lab/tree/{folder}?token={token}", wait_until="domcontentloaded")
        page.get_by_text("Help", exact=True).first.wait_for(timeout=120_000)
        page.locator(".jp-DirListing-item:visible").first.wait_for(timeout=60_000)
        menus = page.locator("#jp-menu-panel .lm-MenuBar-itemLabel").all_inner_texts()
        page.screenshot(path=str(SHOTS / shot))
        statuses = {
            path: page.request.get(f"{base}{path}?token={token}").status
            for path in ("/formgrader/manage_assignments", "/assignments")
        }
    return menus, statuses


def test_does_make_lab_show_trainees_no_instructor_tools(tmp_path):
    with make_target("lab", tmp_path) as (base, token):
        menus, statuses = _menus_and_statuses(base, token, "make_lab.png", "course")
    assert "Nbgrader" not in menus and "Help" in menus, menus
    assert set(statuses.values()) == {404}, statuses


def test_does_make_lab_lehrende_give_the_instructor_a_working_formgrader(tmp_path):
    with make_target("lab-lehrende", tmp_path) as (base, token):
        menus, _ = _menus_and_statuses(base, token, "make_lab_lehrende.png")
        with chromium() as browser:
            page = browser.new_page(viewport={"width": 1366, "height": 800})
            page.goto(f"{base}/formgrader/manage_assignments?token={token}")
            page.get_by_text("03_beduerfnisse", exact=True).first.wait_for(timeout=120_000)
            text = page.locator("body").inner_text()
            page.screenshot(path=str(SHOTS / "make_lab_lehrende_formgrader.png"), full_page=True)
    assert "Nbgrader" in menus
    assert "12_iterationen" in text
    assert "does not exist" not in text, "the formgrader finds its exchange"
