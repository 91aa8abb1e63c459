"""Does the formgrader in JupyterLab list the course's assignments? (headless Chromium)"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from cjmlib.grading import classroom
from tests._browser import CHROMIUM, chromium, running_lab

SHOTS = Path("/tmp/grading_review")
REPO = Path(__file__).resolve().parents[1]
NAMES = ["03_beduerfnisse", "08_loesungen"]

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    if (
        not Path(CHROMIUM).exists()
        or shutil.which("jupyter", path=str(Path(sys.executable).parent)) is None
    ):
        pytest.skip("chromium or jupyter missing")
    course = classroom.make_course(tmp_path_factory.mktemp("fg") / "course", NAMES)
    token = "cjm-test-token"
    exchange = course.parent / "exchange"
    exchange.mkdir()
    exchange.chmod(0o777)  # nbgrader wants a world-writable exchange
    roles = course.parent / "rollen"  # as `make lab-lehrende`: the instructor's role
    subprocess.run([sys.executable, "-m", "cjmlib.grading.hub", "roles", str(roles)], check=True)
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "JUPYTER_CONFIG_DIR": str(course.parent / "jupyter_config"),
        "JUPYTER_CONFIG_PATH": str(roles / "lehrende"),
        "CJM_EXCHANGE": str(exchange),
    }
    with running_lab(course, token, course.parent / "jupyter.log", env) as base:
        yield base, token


def test_does_the_formgrader_list_every_assignment(lab):
    base, token = lab
    SHOTS.mkdir(exist_ok=True)
    with chromium() as browser:
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
    for name in NAMES:
        assert any(name in row for row in listed), listed
    assert not warning, "the formgrader should find the exchange folder"
