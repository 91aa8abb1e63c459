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


@pytest.fixture(scope="module")
def trainee_lab(tmp_path_factory):
    """JupyterLab as `make lab` starts it: the role configuration of self-learners."""
    if not Path(CHROMIUM).exists():
        pytest.skip("chromium missing")
    root = tmp_path_factory.mktemp("selbstlernende")
    roles = root / "rollen"
    out = subprocess.run(
        [sys.executable, "-m", "cjmlib.grading.hub", "roles", str(roles)],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stderr
    (root / "course").mkdir()
    shutil.copy(REPO / "course" / "nbgrader_config.py", root / "course")
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "JUPYTER_CONFIG_DIR": str(root / "jupyter_config"),
        "JUPYTER_CONFIG_PATH": str(roles / "selbstlernende"),
    }
    env.pop("CJM_EXCHANGE", None)
    with running_lab(root, "cjm-trainee-token", root / "jupyter.log", env) as base:
        yield base, "cjm-trainee-token"


def test_does_make_lab_show_trainees_no_instructor_tools(trainee_lab):
    """Trainees in `make lab` see no nbgrader menu, and the formgrader is not even loaded
    (no "formgrader with no course" when they open course/)."""
    base, token = trainee_lab
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1366, "height": 800})
        page.goto(f"{base}/lab?token={token}", wait_until="domcontentloaded", timeout=60_000)
        page.locator("#jp-menu-panel .lm-MenuBar-itemLabel").first.wait_for(timeout=60_000)
        page.get_by_text("Help", exact=True).first.wait_for(timeout=60_000)
        menus = page.locator("#jp-menu-panel .lm-MenuBar-itemLabel").all_inner_texts()
        page.screenshot(path=str(SHOTS / "make_lab_menus.png"))
        statuses = {
            path: page.request.get(f"{base}{path}?token={token}").status
            for path in ("/formgrader", "/assignments", "/formgrader/manage_assignments")
        }
    assert "Nbgrader" not in menus, menus
    assert "Help" in menus
    assert set(statuses.values()) == {404}, statuses
