"""A trainee's view: JupyterLab in headless Chromium runs the start page and chapters.

JupyterLab serves a tmp copy of ``chapters/`` (the workbook goes to a tmp folder through
``CJM_WORKBOOK``). Chromium, 1366 x 768 like a common laptop, with JupyterLab's default
layout (file browser open), opens the chapters with the widest charts, runs all cells
from the menu, waits until the kernel is idle, and checks that widgets and charts are
rendered, that every chart fits the notebook column (nothing cut off on the right),
that Mermaid diagrams are drawn at a readable size, and that no cell shows an error.
Screenshots go to ``/tmp/chapters_review/``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from pathlib import Path

import pytest

from cjmlib.messages import t
from tests._browser import CHROMIUM, chromium, running_lab

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = ROOT / "chapters"
SHOTS = Path("/tmp/chapters_review")
NOTEBOOKS = (
    "00_Start.ipynb",
    "04_Touchpoints.ipynb",
    "06_Visualisieren.ipynb",
    "07_Pain_Points.ipynb",
    "12_Wiederholen.ipynb",
)
#: A laptop screen; with the file browser open the notebook column is about 926 px wide.
VIEWPORT = {"width": 1366, "height": 768}
#: Mermaid draws its labels at 16 px; scaled below this share they get hard to read.
MIN_MERMAID_SCALE = 0.75
TOKEN = "cjm-browser-test"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"Chromium is missing at {CHROMIUM}"),
]


def write_settings(folder: Path) -> None:
    """JupyterLab user settings: every cell in the DOM, no news or update checks."""
    settings = {
        "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
        "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
            "checkForUpdates": False,
            "fetchNews": "false",
        },
    }
    for name, values in settings.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values), encoding="utf-8")


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server on a tmp copy of the chapters; yields its base URL."""
    base = tmp_path_factory.mktemp("lab")
    shutil.copytree(CHAPTERS, base / "chapters", ignore=shutil.ignore_patterns("arbeitsbuch"))
    write_settings(base / "settings")
    env = {
        **os.environ,
        "CJM_WORKBOOK": str(base / "arbeitsbuch" / "mein_projekt.cjm.json"),
        "MPLBACKEND": "Agg",
        "JUPYTERLAB_SETTINGS_DIR": str(base / "settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(base / "workspaces"),
        "JUPYTER_RUNTIME_DIR": str(base / "runtime"),
    }
    with running_lab(base, TOKEN, base / "lab.log", env) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with chromium() as browser:
        yield browser


INDICATOR = ".jp-NotebookPanel-toolbar .jp-Notebook-ExecutionIndicator"


def accept_dialogs(page) -> None:
    """Accept JupyterLab's "Select Kernel" dialog (it appears when the server is slow)."""
    dialog = page.locator(".jp-Dialog .jp-mod-accept")
    if dialog.count():
        dialog.first.click()


def wait_for_kernel(page, timeout_s: float = 180) -> None:
    """Wait until the status bar reports the notebook's kernel as idle."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        accept_dialogs(page)
        texts = page.locator(".jp-StatusBar-Widget").all_inner_texts()
        if any(re.search(r"\|\s*Idle", t) for t in texts):
            return
        page.wait_for_timeout(1000)
    pytest.fail(f"the kernel did not start: {texts}")


def run_all_cells(page, stem: str) -> None:
    """Run > Run All Cells, then wait until every code cell has run and the kernel idles."""
    wait_for_kernel(page)
    prompts: list[str] = []
    for _attempt in range(3):
        page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
        page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
        started = time.monotonic()
        while time.monotonic() < started + 300:
            page.wait_for_timeout(2000)
            accept_dialogs(page)
            prompts = page.locator(".jp-CodeCell .jp-InputPrompt").all_inner_texts()
            status = page.locator(INDICATOR).first.get_attribute("data-status")
            ran = [p for p in prompts if re.search(r"\[(\d+|\*)\]", p)]
            if not ran and time.monotonic() > started + 30:
                break  # the click came before the kernel was connected: run again
            if status == "idle" and prompts and all(re.search(r"\[\d+\]", p) for p in prompts):
                page.wait_for_timeout(3000)  # widgets and charts render after the last reply
                return
        else:
            break
    shoot(page, page.locator(".jp-Cell").last, f"{stem}_0_abbruch")
    pytest.fail(f"cells did not all run (an earlier cell failed?): {prompts}")


def shoot(page, locator, name: str) -> Path:
    """Scroll ``locator`` into view and save a screenshot of the notebook panel."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    locator.scroll_into_view_if_needed()
    page.wait_for_timeout(800)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path


CHART_WIDTHS = """() => [...document.querySelectorAll('.jp-OutputArea-output')]
  .filter(o => o.querySelector('.vega-embed svg, .vega-embed canvas'))
  .map(o => ({
    chart: Math.round(o.querySelector('.vega-embed svg, .vega-embed canvas')
      .getBoundingClientRect().width),
    column: Math.round(o.getBoundingClientRect().width),
  }))"""
MERMAID_SIZES = """() => [...document.querySelectorAll('.jp-RenderedMermaid img')]
  .map(e => {
    // The diagram is an SVG data URL; its viewBox holds the size Mermaid drew it at.
    const box = decodeURIComponent(e.src).match(/viewBox="[-\\d.]+ [-\\d.]+ ([\\d.]+)/);
    return {
      shown: e.getBoundingClientRect().width,
      natural: box ? parseFloat(box[1]) : 0,
      column: e.closest('.jp-RenderedMermaid').getBoundingClientRect().width,
    };
  })"""


@pytest.mark.slow
@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_chapter_renders_widgets_and_charts(lab, browser, notebook):
    """Does the chapter run in JupyterLab and show widgets and charts without errors,
    every chart within the notebook column and every Mermaid diagram readable?"""
    page = browser.new_page(viewport=VIEWPORT)
    try:
        # One workspace per notebook, so JupyterLab does not reopen the other chapter.
        workspace = Path(notebook).stem.lower()
        page.goto(
            f"{lab}/lab/workspaces/{workspace}/tree/chapters/{notebook}?token={TOKEN}",
            timeout=120_000,
        )
        page.locator(".jp-Notebook .jp-Cell").first.wait_for(timeout=120_000)
        stem = Path(notebook).stem
        run_all_cells(page, stem)
        outputs = page.locator(".jp-OutputArea-output")
        errors = page.locator(
            ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']"
        )
        widgets = page.locator(
            ".jp-OutputArea-output .jupyter-widgets.widget-container, "
            ".jp-OutputArea-output .widget-box"
        )
        charts = page.locator(".jp-OutputArea-output .vega-embed")
        shoot(page, page.locator(".jp-Cell").first, f"{stem}_1_oben")
        assert widgets.count() > 0, "no widget rendered"
        shoot(page, widgets.first, f"{stem}_2_widget")
        assert charts.count() > 0, "no chart rendered"
        shoot(page, charts.first, f"{stem}_3_diagramm")
        shoot(page, widgets.last, f"{stem}_4_wissenscheck")
        drawn = charts.first.locator("svg, canvas")
        assert drawn.count() > 0, "the chart has no svg or canvas"
        assert page.locator("#jp-left-stack").first.is_visible(), "file browser not open"
        # Every chart fits the notebook column: nothing cut off on the right.
        widths = page.evaluate(CHART_WIDTHS)
        assert widths and all(w["chart"] <= w["column"] for w in widths), widths
        for size in page.evaluate(MERMAID_SIZES):
            assert size["shown"] <= size["column"] + 1, size
            assert size["natural"] and size["shown"] / size["natural"] >= MIN_MERMAID_SCALE, size
        # The setup cell's own tip names the reload message; that is not an error.
        tip = t("course.reload_tip")
        texts = "\n".join(outputs.all_inner_texts()).replace(tip, "")
        assert errors.count() == 0, texts[:2000]
        for marker in ("Traceback", "Error displaying widget", "Javascript Error"):
            assert marker not in texts, texts[:2000]
    finally:
        page.close()


def lab_recipe() -> str:
    """The `make lab` recipe with the Makefile's simple variables (`NAME := value`) filled in."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = makefile.split("\nlab:", 1)[1].split("\n\n", 1)[0]
    for name, value in re.findall(r"^(\w+)\s*:=\s*(\S+)\s*$", makefile, flags=re.M):
        recipe = recipe.replace(f"$({name})", value)
    return recipe


@pytest.mark.slow
def test_printed_url_and_readme_address_open_the_start_page(tmp_path, browser):
    """`make lab` prints a URL; it and the README's address must show the start page,
    not JupyterLab's Launcher."""
    import subprocess
    import sys
    import urllib.request

    from tests._browser import free_port

    default_url = re.search(r"--(?:LabApp|ServerApp)\.default_url=(\S+)", lab_recipe())
    assert default_url, "make lab sets no default_url: the printed URL opens the Launcher"
    shutil.copytree(CHAPTERS, tmp_path / "chapters", ignore=shutil.ignore_patterns("arbeitsbuch"))
    write_settings(tmp_path / "settings")
    port = free_port()
    env = {
        **os.environ,
        "CJM_WORKBOOK": str(tmp_path / "arbeitsbuch" / "mein_projekt.cjm.json"),
        "JUPYTERLAB_SETTINGS_DIR": str(tmp_path / "settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(tmp_path / "workspaces"),
        "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
    }
    command = [
        sys.executable, "-m", "jupyter", "lab", "--no-browser", f"--ServerApp.port={port}",
        "--ServerApp.ip=127.0.0.1", "--ServerApp.port_retries=0",
        f"--ServerApp.root_dir={tmp_path}", "--IdentityProvider.token=starttoken",
        f"--LabApp.default_url={default_url.group(1)}",
        *(["--allow-root"] if os.geteuid() == 0 else []),
    ]  # fmt: skip
    log_path = tmp_path / "lab.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(command, cwd=tmp_path, env=env, stdout=log, stderr=log)
        try:
            printed = None
            for _ in range(180):
                text = log_path.read_text(errors="replace")
                found = re.search(rf"http://127\.0\.0\.1:{port}/\S+", text)
                if found:
                    printed = found.group(0)
                    break
                time.sleep(0.5)
            assert printed and "/lab/tree/chapters/00_Start.ipynb" in printed, printed
            # A token from the command line is printed as "..."; `make lab` prints its own.
            printed = printed.replace("token=...", "token=starttoken")
            readme = (ROOT / "README.md").read_text(encoding="utf-8")
            address = re.search(r"http://localhost:8888(/\S*?)[)`\s]", readme).group(1)
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/?token=starttoken") as reply:
                assert reply.url.split("?")[0].endswith("/lab/tree/chapters/00_Start.ipynb")
            for url in (printed, f"http://127.0.0.1:{port}{address}?token=starttoken"):
                page = browser.new_page(viewport={"width": 1366, "height": 768})
                try:
                    page.goto(url, timeout=120_000)
                    accept_dialogs(page)
                    page.locator(".jp-NotebookPanel .jp-Cell").first.wait_for(timeout=120_000)
                    tab = page.locator(
                        "#jp-main-dock-panel .lm-TabBar-tab.lm-mod-current .lm-TabBar-tabLabel"
                    )
                    assert "00_Start.ipynb" in tab.first.inner_text(), url
                    assert page.locator(".jp-Launcher:visible").count() == 0, url
                finally:
                    page.close()
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
